"""Property tests: the loader never fails but with DumpError, and reads back what a dump holds."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paperterm
from paperterm import Catalog, DumpError
from paperterm.dumpformat import STRONG_MARKERS
from paperterm.identity import paper_id

GET_1 = "Get trending papers in your email inbox once a day!"
GET_2 = "Get trending papers in your email inbox!"
HEADERS = {
    1: f"{GET_1}\n{GET_2}\nSubscribe",
    2: f"new\n\n{GET_2}\n\nSubscribe\n\nbyAK and the research community\n\nJul 4\n\n",
}
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load_bytes(data: bytes) -> Catalog | None:
    """Load ``data`` as a dump file: a Catalog, or None when it raised DumpError."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dump.txt"
        path.write_bytes(data)
        try:
            return paperterm.load([path])
        except DumpError as error:
            assert "\n" not in str(error) and str(error).startswith(str(path))
            return None


@SETTINGS
@given(st.text())
def test_any_text_loads_or_raises_dump_error(text: str) -> None:
    catalog = load_bytes(text.encode("utf-8", "surrogatepass"))
    if catalog is not None:
        assert len(catalog) > 0
        for paper in catalog:
            assert paper.title.strip() == paper.title and paper.title
            assert paper.title not in STRONG_MARKERS
            assert len(paper.id) == 12


@SETTINGS
@given(st.binary())
def test_any_bytes_load_or_raise_dump_error(data: bytes) -> None:
    load_bytes(data)


@SETTINGS
@given(
    st.lists(
        st.sampled_from(
            [GET_1, GET_2, "Subscribe", "new", "Jul 4", "", "\r", "Title", "Abstract.", "x" * 60]
        ),
        max_size=30,
    )
)
def test_boilerplate_soup_never_makes_a_boilerplate_paper(lines: list[str]) -> None:
    catalog = load_bytes("\n".join(lines).encode())
    if catalog is not None:
        assert all(p.title not in STRONG_MARKERS for p in catalog)
        assert all(a not in STRONG_MARKERS for p in catalog for a in p.abstracts)


# Round trip: a dump written from known papers reads back exactly those papers. -----------------

WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éßİﬁΩж"
PUNCT = " -:,.()[]{}\\%^_&$'\"!?/@#*+=~|<>;"


def is_text_line(text: str) -> bool:
    """Lines the round trip may use: stripped, with a letter or digit, not boilerplate-like."""
    return (
        text == text.strip()
        and any(ch.isalnum() for ch in text)
        and not text.startswith(("new", "Subscribe", "Jan", "Feb", "Mar", "Apr", "May", "Jun"))
        and not text.startswith(("Jul", "Aug", "Sep", "Oct", "Nov", "Dec"))
        and not text.endswith(("new", "inbox!", "a day!", "community"))
    )


line_text = st.text(alphabet=WORD_CHARS + PUNCT, min_size=1, max_size=120).filter(is_text_line)


Entry = tuple[str, str, int]  # (title, abstract or "" for a dangling title, line of the title)


@st.composite
def dumps(draw: st.DrawFn) -> tuple[bytes, list[Entry], str]:
    """A messy but well-formed dump, the entries it holds in order, and its encoding."""
    papers = draw(st.lists(st.tuples(line_text, line_text), min_size=1, max_size=12))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    blank = draw(st.sampled_from(["", " ", "\t", " \t "]))
    pages = set(draw(st.lists(st.integers(1, len(papers)), max_size=3)))
    entries: list[Entry] = []
    text = ""
    gap = ""
    for number, (title, abstract) in enumerate(papers):
        if number == 0 or number in pages:
            layout = draw(st.sampled_from([1, 2]))
            text += ("\n" if number else "") + HEADERS[layout]
            gap = ("\n\n" if layout == 2 else "\n") + "\n" * draw(st.integers(0, 2))
        line = text.count("\n") + 1
        dangling = (number + 1 in pages or number + 1 == len(papers)) and draw(st.booleans())
        if dangling:
            text += f"{title}{blank}{gap}"
            entries.append((title, "", line))
        else:
            text += f"{title}{blank}{gap}{abstract}{blank}{gap}"
            entries.append((title, abstract, line))
    text = text.replace("\n", newline)
    encoding = "utf-8"
    if draw(st.booleans()):
        text = "\ufeff" + text
    elif draw(st.booleans()) and all(ch <= "\xff" for ch in text):
        encoding = "latin-1"
    return text.encode(encoding), entries, encoding


@SETTINGS
@given(dumps())
def test_round_trip(dump: tuple[bytes, list[Entry], str]) -> None:
    data, entries, encoding = dump
    catalog = load_bytes(data)
    assert catalog is not None
    expected: dict[str, tuple[str, list[str]]] = {}
    for title, abstract, _ in entries:
        # The loader tidies a title's runs of spaces to one (PUNCT holds a space, so a drawn
        # title can have two in a row); the id is the same either way.
        _, versions = expected.setdefault(paper_id(title), (" ".join(title.split()), []))
        if abstract and abstract not in versions:
            versions.append(abstract)
    assert [(p.id, p.title) for p in catalog] == [(k, t) for k, (t, _) in expected.items()]
    for paper in catalog:
        versions = expected[paper.id][1]
        assert paper.abstracts == tuple(sorted(versions, key=len, reverse=True))
    sources = sorted((s.position, s.line, p.id) for p in catalog for s in p.sources)
    assert sources == [(n, line, paper_id(t)) for n, (t, _, line) in enumerate(entries, 1)]
    warnings = [w.split(": ", 1)[1] for w in catalog.warnings]
    if encoding == "latin-1" and not data.isascii():
        assert warnings[0] == "not valid UTF-8; such lines read as Latin-1 (Windows-1252)"
        warnings = warnings[1:]
    assert warnings == [
        f"title without abstract: {title if len(title) <= 60 else title[:59] + '…'}"
        for title, abstract in ((" ".join(t.split()), a) for t, a, _ in entries)
        if not abstract
    ]


SOUP = st.sampled_from(
    [
        GET_1,
        GET_2,
        "byAK and the research community",
        "Subscribe",
        "SubscribeGlued Title",
        "Subscribers Count",
        "new",
        "Ends with punctuation.new",
        f"Abstract then marker.{GET_1}",
        "Jul 4",
        "",
        "  \t",
        "----",
        "Title Words",
        "An abstract sentence.",
    ]
)


@SETTINGS
@given(st.lists(SOUP, max_size=40), st.sampled_from(["\n", "\r\n"]))
def test_every_source_line_holds_its_title(lines: list[str], newline: str) -> None:
    catalog = load_bytes(newline.join(lines).encode())
    if catalog is None:
        return
    for paper in catalog:
        assert paper.title not in STRONG_MARKERS
        assert all(a not in STRONG_MARKERS and a.strip() == a for a in paper.abstracts)
        for source in paper.sources:
            # Every occurrence's line holds (a title with the same id as) this title.
            held = lines[source.line - 1]
            assert paper.title in held or paper_id(paper.title) in {
                paper_id(held.removeprefix("Subscribe")),
                paper_id(held),
            }
