"""The Hugging Face Papers dump format: which lines are page boilerplate, which are papers.

A dump is read line by line (already decoded, newlines removed) by a :class:`DumpParser`, which
turns it into entries ``(line, title, abstract)``. The rules, and why:

* Lines are stripped of surrounding whitespace (trailing spaces and tabs, a stray CR). Blank
  lines, and lines holding no letter or digit at all (separators such as ``----`` or ``***``
  that users put between pasted pages), carry nothing and are skipped everywhere. This is what
  makes the second layout (a blank line between every two lines) and runs of blank lines load.
* The page header is recognised only where a header can stand: at the start of a file, and
  after a *strong* marker, one of the lines no title or abstract could be
  (``Get trending papers in your email inbox once a day!``, ``Get trending papers in your email
  inbox!``, ``byAK and the research community``). A strong marker is boilerplate anywhere; it
  opens a header block, which is how several pages pasted into one file are read.
* Inside a header block, and only there, the *weak* markers are boilerplate too: ``new``,
  ``Subscribe``, a date line (``Jul 4``, ``July 4``, ``Jul 4, 2024``). The block ends at the first
  other line, which is the page's first title. Outside a header block a weak marker is content:
  a paper titled ``Subscribe`` or an abstract that is exactly ``new`` stay what they are.
* The first layout glues the first title to ``Subscribe`` (``SubscribeFloating-Body ...``). That
  prefix is cut only in a header block that has not had its ``Subscribe`` yet (so a title such as
  ``Subscriber Churn ...`` after a layout-2 header is never cut), and, at the very start of a
  file with no strong marker before it, only when what follows does not start with a lower-case
  letter (``Subscribers ...`` stays a title).
* ``new`` opens the second layout's header *before* any strong marker, and a page pasted from
  the middle of its header starts with ``Subscribe``. Mid-file such a line cannot be known to
  be boilerplate until a strong marker follows: then the ``new`` and ``Subscribe`` lines just
  before it, read as content, are taken back as boilerplate, and so is a ``new`` glued to the
  end of the previous line after sentence punctuation (``...results.new``, which is what
  ``cat a.txt b.txt`` makes of a file that does not end with a newline). A strong marker glued
  to the end of a line (the same ``cat``, first layout) is split off and read as its own line.
* Everything else pairs up in order: a title, then its abstract. Titles and abstracts are never
  told apart by length or by shape: a one-word abstract and a 300-character title both load.
  Pairing restarts at every header block; a title left without its abstract (before a header
  block, or at the end of the file) is kept with an empty abstract and reported as a warning.
* A title that lost its abstract in the middle of a page would shift the pairing of every
  paper after it. The shift shows one line later, and is mended then: when the line that should
  start the next pair reads as an abstract (300 characters or more and at least two sentence
  breaks) while the abstract just paired reads as a title (at most 250 characters, no sentence
  break, no final period), the title before it is kept as a title without abstract and that
  "abstract" becomes the next title. No one signal decides, least of all length alone: a real
  title never has two sentence breaks in 300 characters, and a real abstract is rarely one
  short sentence without a period, let alone just before a line that is all sentences.
* What these rules cannot tell: the first title of a page that is exactly ``new``,
  ``Subscribe`` or a date reads as header.

What is a Hugging Face Papers page at all (:func:`is_page`)? Every real dump, in both layouts,
and every messy variant (pasted pages, ``cat`` of two files, CRLF, a BOM, Latin-1, UTF-16)
holds the page's header: ``Get trending papers in your email inbox!`` opens both layouts, and
a page copied or saved whole always carries it. A README, a ``pyproject.toml``, code, a CSV
or a log never does, yet their lines would pair up as "titles" and "abstracts" as well as any
page's. So the rule is the header, not the shape of the lines: a file is a page when at least
one of its lines was read as page boilerplate (a header sentence anywhere; ``new``,
``Subscribe`` or a date line at the start of the file; ``Subscribe`` glued to the first title).
Lines of titles and abstracts with no header at all are refused with them: they cannot be told
from any other text. (Saved API answers are JSON, recognised by content in
:mod:`paperterm.apidump`, and have rules of their own.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter

STRONG_MARKERS = frozenset(
    {
        "Get trending papers in your email inbox once a day!",
        "Get trending papers in your email inbox!",
        "byAK and the research community",
    }
)
"""Lines that are page boilerplate wherever they appear."""

NOT_A_PAGE = (
    "not a Hugging Face Papers page (no page header such as "
    "`Get trending papers in your email inbox!`)"
)
"""Why a file without a page header is refused (see :func:`is_page`)."""

WEAK_MARKERS = frozenset({"new", "Subscribe"})
"""Lines that are boilerplate only inside a header block (a date line is one too)."""

_LONGEST_MARKER = max(len(marker) for marker in STRONG_MARKERS | WEAK_MARKERS)
_SUBSCRIBE = "Subscribe"
_GET_TRENDING = "Get trending"
_GLUED_NEW_AFTER = frozenset(".!?)]}\"'")

_GLUED_MARKER_ENDS = ("inbox once a day!", "email inbox!", "the research community")
_MARKER_ENDS = repeat(_GLUED_MARKER_ENDS)
_DOUBLE_SPACE = repeat("  ")
_STRONG_INSIDE = re.compile(
    r"(Get trending papers in your email inbox(?: once a day)?!|byAK and the research community)"
)
_DATE = re.compile(
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]{0,6}\.? \d{1,2}(?:st|nd|rd|th)?"
    r"(?:,? \d{4})?"
)
_HAS_ALNUM = re.compile(r"[^\W_]")
_SPACE = re.compile(r"\s")
_FIRST = itemgetter(0)
_LAST = itemgetter(-1)
_SENTENCE_BREAK = re.compile(r"[a-z0-9)\]][.!?] [A-Z]")


@dataclass(frozen=True, slots=True)
class Dangling:
    """A title that lost its abstract: kept, and reported."""

    line: int
    """1-based line number of the title."""
    title: str
    """The title."""


class DumpParser:
    """Reads one dump's lines in order and yields its papers as ``(line, title, abstract)``.

    Feed it lines in batches with :meth:`feed` and call :meth:`finish` at the end of the file.
    Each call returns the entries completed so far; the last entry is held back by one step so
    that a page header arriving right after it can still correct it.
    """

    def __init__(self) -> None:
        self.lineno = 0
        """Number of lines fed so far (the line number of the last one)."""
        self.dangling: list[Dangling] = []
        """Titles kept without an abstract, in file order."""
        self.header_lines = 0
        """How many lines were read as page boilerplate."""
        self._in_header = True
        self._block_has_strong = False
        self._subscribe_seen = False
        self._pending_line = 0
        self._pending_title: str | None = None
        self._last: tuple[int, str, str] | None = None
        self._last_abstract_line = 0

    def feed(self, lines: list[str]) -> list[tuple[int, str, str]]:
        """Read the next lines of the file; return the entries they complete."""
        out: list[tuple[int, str, str]] = []
        lineno = self.lineno
        has_alnum = _HAS_ALNUM.search
        for raw in lines:
            lineno += 1
            line = raw.strip()
            if not line:
                continue
            if len(line) <= _LONGEST_MARKER:
                if line in STRONG_MARKERS:
                    self.lineno = lineno
                    self._open_header(out, line)
                    continue
                if self._in_header and (line in WEAK_MARKERS or _DATE.fullmatch(line)):
                    self.header_lines += 1
                    if line == _SUBSCRIBE:
                        self._subscribe_seen = True
                    continue
            elif line.endswith(_GLUED_MARKER_ENDS) and _STRONG_INSIDE.search(line):
                self.lineno = lineno
                self._split_markers(line, out)
                continue
            if not (line[0].isalnum() or has_alnum(line)):
                continue
            if self._in_header:
                line = self._end_header(line)
                if not line:
                    continue
            # The hot path: pair titles and abstracts.
            if self._pending_title is None:
                if self._last is not None and _shifted(self._last[2], line):
                    self._mend_shift(line, out)
                    continue
                self._pending_line = lineno
                self._pending_title = _tidy_title(line)
            else:
                if self._last is not None:
                    out.append(self._last)
                self._last = (self._pending_line, self._pending_title, line)
                self._last_abstract_line = lineno
                self._pending_title = None
        self.lineno = lineno
        return out

    def feed_text(self, text: str) -> list[tuple[int, str, str]]:
        """:meth:`feed` the lines of ``text`` (whole lines, LF-ended, as a block of the loader).

        The same entries as ``feed(text.split("\\n"))`` (the last line end ending the last
        line), in fewer Python steps when the block is plain: past the page header, no line
        ending as a strong marker ends (a marker, alone or glued to a line), no blank line, no
        space around a line, every line holding a letter or digit, no title that could mend a
        shift (300 characters or more). Then every line pairs up, a title then its abstract,
        and the block is cut into pairs by slicing. Any other block is read line by line.
        """
        lines = text.split("\n")
        if text.endswith("\n"):
            lines.pop()
        if self._in_header or not lines or any(map(str.endswith, lines, _MARKER_ENDS)):
            return self.feed(lines)
        if not all(lines) or _SPACE.search("".join(map(_LAST, lines))) is not None:
            return self.feed(lines)
        heads = "".join(map(_FIRST, lines))
        if not heads.isalnum():
            for line in lines:
                if not line[0].isalnum() and (line[0].isspace() or not _HAS_ALNUM.search(line)):
                    return self.feed(lines)
        first = 0 if self._pending_title is None else 1  # the first line ends a pending pair
        titles = lines[first::2]
        if titles and max(map(len, titles)) >= 300:
            return self.feed(lines)
        abstracts = lines[first + 1 :: 2]
        if "\t" in text or any(map(str.__contains__, titles, _DOUBLE_SPACE)):
            titles = list(map(_tidy_title, titles))
        lineno = self.lineno
        entries: list[tuple[int, str, str]] = []
        if self._pending_title is not None:
            entries.append((self._pending_line, self._pending_title, lines[0]))
            self._pending_title = None
        start = lineno + first + 1
        numbers = range(start, start + 2 * len(abstracts), 2)
        entries.extend(zip(numbers, titles, abstracts, strict=False))  # a title may be left
        if len(titles) > len(abstracts):  # the last title's abstract is in the next block
            self._pending_line = start + 2 * len(abstracts)
            self._pending_title = titles[-1]
        out: list[tuple[int, str, str]] = []
        if entries:
            if self._last is not None:
                out.append(self._last)
            out.extend(entries[:-1])
            self._last = entries[-1]
            # The line of its abstract: right after its title, or the block's first line.
            self._last_abstract_line = start + 2 * len(abstracts) - 1 if abstracts else lineno + 1
        self.lineno = lineno + len(lines)
        return out

    def finish(self) -> list[tuple[int, str, str]]:
        """End of file: return the last entries, a title without abstract included."""
        out: list[tuple[int, str, str]] = []
        self._flush_pending(out)
        if self._last is not None:
            out.append(self._last)
            self._last = None
        return out

    def _open_header(self, out: list[tuple[int, str, str]], marker: str) -> None:
        """A strong marker: take back boilerplate just before it, close the page, open a header.

        The lines just before a strong marker that read as content but are weak markers
        (``new``, ``Subscribe``: a page header whose start was cut off, or the second layout's
        ``new``) are boilerplate after all, as is a ``new`` glued after sentence punctuation.
        """
        self.header_lines += 1
        if not self._in_header:
            while True:
                if self._pending_title is not None:
                    if self._pending_title not in WEAK_MARKERS:
                        break
                    self._pending_title = None
                    self.header_lines += 1
                elif self._last is not None and self._last[2] in WEAK_MARKERS:
                    self._pending_line, self._pending_title = self._last[0], self._last[1]
                    self._last = None
                    self.header_lines += 1
                else:
                    break
            if self._pending_title is None and self._last is not None:
                line, title, abstract = self._last
                if (
                    len(abstract) > 3
                    and abstract.endswith("new")
                    and abstract[-4] in _GLUED_NEW_AFTER
                ):
                    self._last = (line, title, abstract[:-3])
            self._flush_pending(out)
            self._in_header = True
        if marker.startswith(_GET_TRENDING):
            self._subscribe_seen = False  # both layouts put these before their Subscribe
        self._block_has_strong = True

    def _flush_pending(self, out: list[tuple[int, str, str]]) -> None:
        """Keep a title whose abstract never came, with an empty abstract, and note it."""
        if self._pending_title is None:
            return
        if self._last is not None:
            out.append(self._last)
        self._last = (self._pending_line, self._pending_title, "")
        self.dangling.append(Dangling(self._pending_line, self._pending_title))
        self._pending_title = None

    def _mend_shift(self, abstract: str, out: list[tuple[int, str, str]]) -> None:
        """The last pair was a title that lost its abstract and the next title: split them."""
        assert self._last is not None
        line, title, next_title = self._last
        out.append((line, title, ""))
        self.dangling.append(Dangling(line, title))
        self._last = (self._last_abstract_line, _tidy_title(next_title), abstract)

    def _end_header(self, line: str) -> str:
        """The first non-boilerplate line of a header block: cut a glued ``Subscribe``."""
        self._in_header = False
        if not self._subscribe_seen and line.startswith(_SUBSCRIBE):
            rest = line[len(_SUBSCRIBE) :].lstrip()
            if self._block_has_strong or not rest[:1].islower():
                self.header_lines += 1
                self._subscribe_seen = True
                if rest and not (rest[0].isalnum() or _HAS_ALNUM.search(rest)):
                    return ""
                return rest
        return line

    def _split_markers(self, line: str, out: list[tuple[int, str, str]]) -> None:
        """A line holding a strong marker among other text: read each piece as its own line."""
        lineno = self.lineno
        pieces = [piece.strip() for piece in _STRONG_INSIDE.split(line)]
        self.lineno = lineno - 1
        for piece in pieces:
            if piece:
                out.extend(self.feed([piece]))
                self.lineno = lineno - 1
        self.lineno = lineno


def is_page(parser: DumpParser) -> bool:
    """Whether what ``parser`` read so far is a Hugging Face Papers page: it met a page header.

    See the module's docstring for why the header, and only the header, decides.
    """
    return parser.header_lines > 0


def _tidy_title(line: str) -> str:
    """A tab or a run of spaces inside a title is layout, not text: keep one space, so that a
    title never carries a tab into `paperterm list`'s tab-separated output."""
    return " ".join(line.split()) if "\t" in line or "  " in line else line


def _shifted(paired_abstract: str, next_line: str) -> bool:
    """Whether an abstract just paired reads as a title and the line after it as an abstract."""
    return (
        len(next_line) >= 300
        and len(_SENTENCE_BREAK.findall(next_line, 0, 2000)) >= 2
        and len(paired_abstract) <= 250
        and not paired_abstract.endswith(".")
        and _SENTENCE_BREAK.search(paired_abstract) is None
    )
