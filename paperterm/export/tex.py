"""Turn dump text into TeX that BibTeX, biber and LaTeX all accept, in one pass.

Dump text is mostly plain prose with TeX fragments in it (``\\%``, ``{\\Psi}``, ``$x^2$``), some
of them broken (a stray ``}``). :func:`to_tex` keeps what is already TeX meaningful and makes
everything else literal:

- ``& % $ # _ ~ ^`` are escaped where they are plain text; ``~`` between two words stays a tie.
- A ``{`` with a matching ``}`` is a TeX group and stays one; an unmatched brace, and an escaped
  ``\\{`` or ``\\}``, becomes ``\\textbraceleft{}`` / ``\\textbraceright{}``. BibTeX counts
  ``\\{`` as a brace, so the output never holds one: every ``{`` in it is matched by a ``}``.
- ``$...$`` (two dollars in the same group around well-formed math) stays math, wrapped in braces so
  BibTeX's case changes leave it alone; a lone ``$`` is ``\\$``.
- Known commands stay: text escapes (``\\%``), accents (``\\'e`` becomes ``{\\'e}``), font commands
  (``\\emph``) and math symbols (``\\pm`` outside math becomes ``{$\\pm$}``). An unknown command
  (an author's private macro such as ``\\etal``) is printed literally, since it cannot compile.
- URLs in the text are literal: every special character in them is escaped.
- Whitespace runs become one space; control characters are dropped.
- Non-ASCII stays UTF-8 unless ``ascii=True``: then accented letters become ``{\\"u}``, known
  symbols their TeX form, and anything with no TeX form a ``?``.
- With ``protect_caps=True`` (titles) a word with a capital after its first letter (``BERT``,
  ``ImageNet``, ``3D``) is wrapped in braces so bibliography styles do not lowercase it.

:func:`url_to_tex` is for URLs in ``url = {...}`` and ``\\url{...}``, which follow other rules.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import urllib.parse

__all__ = ["clean", "to_tex", "url_for_field", "url_to_tex"]

# --- tokens -------------------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s{}\\$<>\"]*[^\s{}\\$<>\".,;:!?)\]']")
_TOKEN = re.compile(r"\\(?:[A-Za-z]+|[!-~ ])?|[{}$]|[%&#_^~<>|]|[^\\{}$%&#_^~<>|]+", re.S)
_WORD = re.compile(r"[^\W_]+")
_ASCII_ACRONYM = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9][A-Za-z0-9]*?[A-Z][A-Za-z0-9]*")
"""An ASCII word with a capital after its first character; :func:`_protect_word` in general."""
_TEX_SPECIAL = re.compile(r"[\\{}$%&#_^~<>|]")
_DROP = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# Token kinds.
_TEXT, _URLTOK, _CMD, _SYM, _OPEN, _CLOSE, _DOLLAR, _SPECIAL = range(8)

# --- what is known of TeX -----------------------------------------------------------------------

_ESCAPES = {"%", "&", "$", "#", "_", " ", ",", "@", "/", "-"}
"""Control symbols kept as they are in text and math (``\\%``, control space, thin space...)."""
_ACCENT_SYMBOLS = {"'", "`", '"', "^", "~", "=", "."}
_ACCENT_LETTERS = {"u", "v", "H", "c", "d", "b", "t", "r", "k"}
_TEXT_SYMBOLS = {
    "i", "j", "o", "O", "l", "L", "ss", "SS", "ae", "AE", "oe", "OE", "aa", "AA", "ldots",
    "dots", "textbackslash", "textasciitilde", "textasciicircum", "textbraceleft",
    "textbraceright", "textbar", "textless", "textgreater", "textunderscore", "textendash",
    "textemdash", "textquotedbl", "textquotesingle", "textdegree", "texteuro", "textperiodcentered",
    "textbullet", "textregistered", "texttrademark", "textcopyright", "textsection", "LaTeX", "TeX",
    "copyright", "dag", "ddag", "S", "P", "pounds", "slash", "relax", "noindent", "quad", "qquad",
    "hfill", "newline", "today",
}  # fmt: skip
"""Commands that take no argument and work in text (and are harmless in math)."""
_TEXT_COMMANDS = {
    "emph", "textit", "textbf", "texttt", "textsc", "textrm", "textsf", "textsl", "textup",
    "textmd", "textnormal", "underline", "mbox", "em", "it", "bf", "sc", "tt", "rm", "sf", "sl",
    "itshape", "bfseries", "scshape", "ttfamily", "rmfamily", "sffamily", "upshape", "mdseries",
    "normalfont", "small", "footnotesize", "large",
}  # fmt: skip
"""Font commands and declarations: kept, their argument is ordinary text."""
_MATH_ARGS = {
    "frac": 2, "sqrt": 1, "mathcal": 1, "mathbb": 1, "mathbf": 1, "mathrm": 1, "mathit": 1,
    "mathsf": 1, "mathtt": 1, "mathfrak": 1, "boldsymbol": 1, "text": 1, "operatorname": 1,
    "overline": 1, "underbrace": 1, "hat": 1, "widehat": 1, "tilde": 1, "widetilde": 1, "bar": 1,
    "vec": 1, "dot": 1, "ddot": 1,
}  # fmt: skip
"""Math commands that take arguments, with how many."""
_MATH_SYMBOL_NAMES = """
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi
    pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda
    Xi Pi Sigma Upsilon Phi Psi Omega pm mp times div cdot cdots ldots vdots ddots leq geq le ge neq
    ne approx sim simeq cong equiv propto infty partial nabla sum prod int oint in notin ni subset
    subseteq supset supseteq cup cap setminus emptyset forall exists neg wedge vee oplus otimes to
    rightarrow leftarrow leftrightarrow Rightarrow Leftarrow Leftrightarrow mapsto uparrow
    downarrow log exp ln lg sin cos tan sinh cosh tanh max min arg lim sup inf det dim ker deg gcd
    Pr langle rangle lfloor rfloor lceil rceil lbrace rbrace ell hbar prime circ star ast
    bullet top bot perp parallel mid vert Vert backslash colon ll gg prec succ preceq succeq
    triangleq doteq sqcup sqcap imath jmath Re Im aleph wp angle triangle diamond"""
_MATH_SYMBOLS = frozenset(_MATH_SYMBOL_NAMES.split())
"""Math commands with no argument: kept in math, wrapped in ``$...$`` outside it."""
_MATH_SPACES = {";", ":", "!"}

# --- Unicode to TeX (ascii=True) ----------------------------------------------------------------

_COMBINING = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
    "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d",
    "\u0327": "c", "\u0328": "k", "\u0331": "b",
}  # fmt: skip
_LETTERS = {
    "ß": r"{\ss}", "æ": r"{\ae}", "Æ": r"{\AE}", "œ": r"{\oe}", "Œ": r"{\OE}", "ø": r"{\o}",
    "Ø": r"{\O}", "ł": r"{\l}", "Ł": r"{\L}", "ı": r"{\i}", "ȷ": r"{\j}", "å": r"{\aa}",
    "Å": r"{\AA}", "đ": r"{\dj}", "Đ": r"{\DJ}", "þ": r"{\th}", "Þ": r"{\TH}", "ð": r"{\dh}",
    "Ð": r"{\DH}",
}  # fmt: skip
_PUNCTUATION = {
    "\u00a0": "~", "\u2013": "--", "\u2014": "---", "\u2018": "`", "\u2019": "'", "\u201c": "``",
    "\u201d": "''", "\u201e": ",,", "\u2026": r"\ldots{}", "\u2022": r"\textbullet{}",
    "\u00b0": r"\textdegree{}", "\u20ac": r"\texteuro{}", "\u00a3": r"\pounds{}",
    "\u00a7": r"\S{}", "\u00b6": r"\P{}", "\u00a9": r"\textcopyright{}",
    "\u00ae": r"\textregistered{}", "\u2122": r"\texttrademark{}", "\u00ab": r"\guillemotleft{}",
    "\u00bb": r"\guillemotright{}", "\u2039": r"\guilsinglleft{}", "\u203a": r"\guilsinglright{}",
    "\u00bf": r"?`", "\u00a1": r"!`", "\u00b7": r"\textperiodcentered{}", "\u2212": "-",
    "\u2010": "-", "\u2011": "-", "\u2009": r"\,{}", "\u202f": r"\,{}", "\u00ad": r"\-",
}  # fmt: skip
_MATH_CHARS = {
    "×": "times", "÷": "div", "±": "pm", "∓": "mp", "≤": "leq", "≥": "geq", "≠": "neq",
    "≈": "approx", "∼": "sim", "≃": "simeq", "≅": "cong", "≡": "equiv", "∝": "propto",
    "∞": "infty", "∂": "partial", "∇": "nabla", "∑": "sum", "∏": "prod", "∫": "int",
    "∈": "in", "∉": "notin", "⊂": "subset", "⊆": "subseteq", "⊃": "supset", "⊇": "supseteq",
    "∪": "cup", "∩": "cap", "∅": "emptyset", "∀": "forall", "∃": "exists", "¬": "neg",
    "∧": "wedge", "∨": "vee", "⊕": "oplus", "⊗": "otimes", "→": "rightarrow", "←": "leftarrow",
    "↔": "leftrightarrow", "⇒": "Rightarrow", "⇐": "Leftarrow", "⇔": "Leftrightarrow",
    "↦": "mapsto", "↑": "uparrow", "↓": "downarrow", "⟨": "langle", "⟩": "rangle", "ℓ": "ell",
    "ℏ": "hbar", "′": "prime", "∘": "circ", "⋆": "star", "∗": "ast", "·": "cdot", "⋅": "cdot",
    "⊤": "top", "⊥": "perp", "∥": "parallel", "≪": "ll", "≫": "gg", "≺": "prec", "≻": "succ",
    "∖": "setminus", "ℵ": "aleph", "∠": "angle", "ε": "varepsilon", "ϵ": "epsilon",
    "ϑ": "vartheta", "ϕ": "phi", "φ": "varphi", "ϱ": "varrho", "ς": "varsigma", "ϖ": "varpi",
}  # fmt: skip
_GREEK_NAMES = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi o pi rho"
_GREEK = [*_GREEK_NAMES.split(), "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"]
for _offset, _name in enumerate(_GREEK):
    if _name == "o":
        continue
    _small = chr(0x3B1 + _offset + (1 if _offset >= 17 else 0))
    _capital = chr(0x391 + _offset + (1 if _offset >= 17 else 0))
    _MATH_CHARS.setdefault(_small, _name)
    if _name.capitalize() in _MATH_SYMBOLS:
        _MATH_CHARS.setdefault(_capital, _name.capitalize())
    else:  # Greek capitals that look Latin (Alpha, Beta...) have no command: use the letter.
        _LETTERS.setdefault(_capital, unicodedata.normalize("NFKD", _capital).upper())
_SAFE_ASCII = re.compile(r"[A-Za-z0-9 .,;:!?'()/+=*-]*")


_T1_RANGES = (
    "00C0-00D6 00D8-00F6 00F8-0125 0128-0137 0139-013E 0141-0148 014A-017E 01CD-01D4 01E2-01E3"
    " 01E6-01EB 01F0 01F4-01F5 0218-021B 0232-0233 1E02-1E03 1E0D 1E1E-1E21 1E25 1E30-1E31 1E37"
    " 1E43 1E45 1E47 1E5B 1E63 1E6D 1E8E-1E91 1EF2-1EF3"
)
_LATEX_ACCENTED = frozenset(
    chr(code)
    for span in _T1_RANGES.split()
    for code in range(int(span[:4], 16), int(span[-4:], 16) + 1)
)
"""Accented letters LaTeX's UTF-8 input takes (T1). biber decodes ``{\\'e}`` to Unicode in the
``.bbl``, so an accent whose letter is not one of these would stop pdflatex: it is dropped."""
_ACCENT_MARKS = {command: mark for mark, command in _COMBINING.items()}


def _latex_knows(base: str, commands: str) -> bool:
    """Whether ``base`` under these accent commands is a letter pdflatex can print after biber."""
    marks = "".join(_ACCENT_MARKS.get(command, "?") for command in commands)
    composed = unicodedata.normalize("NFC", base + marks)
    return composed in _LATEX_ACCENTED


@functools.lru_cache(maxsize=4096)
def _char_to_tex(char: str, math: bool) -> str:
    """The ASCII TeX for one non-ASCII character, in text or in math."""
    if char in _MATH_CHARS:
        command = "\\" + _MATH_CHARS[char]
        return command + " " if math else "{$" + command + "$}"
    if char in _LETTERS:
        text = _LETTERS[char]
    elif char in _PUNCTUATION:
        text = _PUNCTUATION[char]
    elif unicodedata.category(char).startswith("Z"):
        return " "
    else:
        text = _accented(char)
    return "\\mbox{" + text + "}" if math and text != "?" else text


def _accented(char: str) -> str:
    """A letter with accents as ``{\\'e}``, or a compatibility form, or ``?``."""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if marks and base.isascii() and base.isalpha() and all(m in _COMBINING for m in marks):
        if not _latex_knows(base, "".join(_COMBINING[m] for m in marks)):
            return base
        text = base
        for mark in marks:
            command = _COMBINING[mark]
            if command.isalpha() or len(text) > 1:
                text = f"\\{command}{{{text}}}"
            else:
                text = f"\\{command}{text}"
        return "{" + text + "}"
    compatible = unicodedata.normalize("NFKD", char)
    compatible = "".join(c for c in compatible if not unicodedata.combining(c))
    if compatible and compatible.isascii() and _SAFE_ASCII.fullmatch(compatible):
        return compatible
    return "?"


# --- the converter ------------------------------------------------------------------------------


def _tokenize(text: str) -> list[tuple[int, str]]:
    """Split text into tokens, URLs first so that nothing in them is read as TeX."""
    tokens: list[tuple[int, str]] = []
    start = 0
    for match in _URL.finditer(text):
        _tokenize_tex(text[start : match.start()], tokens)
        tokens.append((_URLTOK, match.group()))
        start = match.end()
    _tokenize_tex(text[start:], tokens)
    return tokens


def _tokenize_tex(text: str, tokens: list[tuple[int, str]]) -> None:
    for match in _TOKEN.finditer(text):
        value = match.group()
        first = value[0]
        if first == "\\":
            if len(value) == 1:
                tokens.append((_SPECIAL, "\\"))
            elif value[1].isascii() and value[1].isalpha():
                tokens.append((_CMD, value[1:]))
            else:
                tokens.append((_SYM, value[1]))
        elif first == "{":
            tokens.append((_OPEN, value))
        elif first == "}":
            tokens.append((_CLOSE, value))
        elif first == "$":
            tokens.append((_DOLLAR, value))
        elif len(value) == 1 and value in "%&#_^~<>|":
            tokens.append((_SPECIAL, value))
        else:
            tokens.append((_TEXT, value))


def _pair_braces(tokens: list[tuple[int, str]]) -> dict[int, int]:
    """Map every matched ``{`` token to its ``}`` and back; unmatched ones are left out."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for index, (kind, _) in enumerate(tokens):
        if kind == _OPEN:
            stack.append(index)
        elif kind == _CLOSE and stack:
            opening = stack.pop()
            pairs[opening] = index
            pairs[index] = opening
    return pairs


def _pair_dollars(tokens: list[tuple[int, str]], braces: dict[int, int]) -> dict[int, int]:
    """Pair ``$`` tokens that open and close math within the same group."""
    pairs: dict[int, int] = {}
    open_dollar: list[int | None] = [None]
    for index, (kind, _) in enumerate(tokens):
        if kind == _OPEN and index in braces:
            open_dollar.append(None)
        elif kind == _CLOSE and index in braces:
            open_dollar.pop()
        elif kind == _DOLLAR:
            opening = open_dollar[-1]
            if opening is None:
                open_dollar[-1] = index
            else:
                open_dollar[-1] = None
                if _valid_math(tokens, opening + 1, index, braces):
                    pairs[opening] = index
                    pairs[index] = opening
    return pairs


_DOUBLE_SCRIPT = re.compile(r"([_^])\s*(?:\{[^{}]*\}|\\[A-Za-z]+|[^\s{}\\])\s*\1")


def _valid_math(
    tokens: list[tuple[int, str]], start: int, end: int, braces: dict[int, int]
) -> bool:
    """Whether the tokens between two dollars read as math LaTeX can typeset."""
    if start >= end:
        return False
    source: list[str] = []
    for index in range(start, end):
        kind, value = tokens[index]
        if kind in (_OPEN, _CLOSE) and index not in braces:
            return False  # a lone brace inside math: most likely not math at all
        if kind == _URLTOK:
            return False
        if (
            kind == _SPECIAL
            and value in "^_"
            and not _script_operand(_next_operand(tokens, index + 1, end))
        ):
            return False
        if kind == _CMD and value in _MATH_ARGS and not _has_args(tokens, index, end, braces):
            return False
        source.append("{" if kind == _OPEN else "}" if kind == _CLOSE else value)
    joined = "".join(source)
    return bool(joined.strip()) and not _DOUBLE_SCRIPT.search(joined)


def _script_operand(token: tuple[int, str] | None) -> bool:
    """Whether a token can follow ``^`` or ``_`` without braces: a character, group or symbol."""
    if token is None:
        return False
    kind, value = token
    if kind == _TEXT:
        first = value[0]  # a prime is itself a superscript, so not an operand of one
        return first.isascii() and first.isprintable() and not first.isspace() and first != "'"
    if kind == _OPEN:
        return True  # unmatched braces already rule the whole span out
    if kind == _SYM:
        return value in "%&#$_"
    if kind == _CMD:
        return value in _MATH_SYMBOLS or value in _MATH_ARGS
    return False


def _next_operand(tokens: list[tuple[int, str]], index: int, end: int) -> tuple[int, str] | None:
    while index < end:
        kind, value = tokens[index]
        if kind == _TEXT and not value.strip():
            index += 1
            continue
        return kind, value.lstrip() if kind == _TEXT else value
    return None


def _has_args(tokens: list[tuple[int, str]], index: int, end: int, braces: dict[int, int]) -> bool:
    """Whether a math command at ``index`` is followed by all its arguments before ``end``."""
    needed = _MATH_ARGS[tokens[index][1]]
    position = index + 1
    for _ in range(needed):
        if position >= end:
            return False
        kind, value = tokens[position]
        if kind == _OPEN and position in braces and braces[position] < end:
            position = braces[position] + 1
        elif kind == _TEXT and value[0].isascii() and value[0].isalnum():
            if len(value) > 1 and needed > 1:
                return False
            position += 1
        else:
            return False
    return True


class _Writer:
    """Emit TeX for one tokenized text; see the module docstring for the rules."""

    def __init__(self, tokens: list[tuple[int, str]], ascii: bool, protect_caps: bool) -> None:
        self.tokens = tokens
        self.ascii = ascii
        self.protect_caps = protect_caps
        self.braces = _pair_braces(tokens)
        self.dollars = _pair_dollars(tokens, self.braces)
        self.out: list[str] = []

    def run(self) -> str:
        """The whole text as TeX."""
        self.emit(0, len(self.tokens), math=False, depth=0)
        return "".join(self.out)

    def emit(self, start: int, end: int, *, math: bool, depth: int) -> None:
        """Write tokens ``start`` to ``end`` (a group's inside), in math or text, ``depth`` deep."""
        tokens, out = self.tokens, self.out
        index = start
        while index < end:
            kind, value = tokens[index]
            if kind == _TEXT:
                out.append(self.text(value, math, depth))
            elif kind == _URLTOK:
                out.append(_literal(value, math, self.ascii))
            elif kind == _OPEN:
                closing = self.braces.get(index)
                if closing is None or closing >= end:
                    out.append(r"\lbrace " if math else r"\textbraceleft{}")
                else:
                    out.append("{")
                    self.emit(index + 1, closing, math=math, depth=depth + 1)
                    out.append("}")
                    index = closing
            elif kind == _CLOSE:
                out.append(r"\rbrace " if math else r"\textbraceright{}")
            elif kind == _DOLLAR:
                closing = self.dollars.get(index)
                if math or closing is None or closing >= end or closing < index:
                    out.append(r"\$")
                else:
                    out.append("{$")
                    self.emit(index + 1, closing, math=True, depth=depth + 1)
                    out.append("$}")
                    index = closing
            elif kind == _SPECIAL:
                out.append(self.special(index, value, math))
            elif kind == _SYM:
                index = self.symbol(index, end, value, math)
            else:
                index = self.command(index, end, value, math, depth)
            index += 1

    def text(self, value: str, math: bool, depth: int) -> str:
        """Plain characters: acronyms braced at the top of a title, non-ASCII converted if asked."""
        if not math and self.protect_caps and depth == 0:
            if value.isascii():
                value = _ASCII_ACRONYM.sub(r"{\g<0>}", value)
            else:
                value = _WORD.sub(_protect_word, value)
        if self.ascii and not value.isascii():
            value = "".join(c if c.isascii() else _char_to_tex(c, math) for c in value)
        return value

    def special(self, index: int, value: str, math: bool) -> str:
        """One of ``%&#_^~<>|`` or a lone backslash, escaped for where it stands."""
        if value in "%&#":
            return "\\" + value
        if value == "\\":
            return r"\backslash " if math else r"\textbackslash{}"
        if math:
            return value
        if value == "~" and self.is_tie(index):
            return "~"
        return {
            "_": r"\_",
            "^": r"\textasciicircum{}",
            "~": r"\textasciitilde{}",
            "<": r"\textless{}",
            ">": r"\textgreater{}",
            "|": r"\textbar{}",
        }[value]

    def is_tie(self, index: int) -> bool:
        """A ``~`` glued between two words is TeX's unbreakable space, not a tilde."""
        if index == 0 or index + 1 >= len(self.tokens):
            return False
        before, after = self.tokens[index - 1], self.tokens[index + 1]
        return (
            before[0] == _TEXT
            and after[0] == _TEXT
            and not before[1][-1].isspace()
            and not after[1][0].isspace()
        )

    def symbol(self, index: int, end: int, value: str, math: bool) -> int:
        """A control symbol: ``\\%``, ``\\{``, ``\\'`` and the like. Returns the last index used."""
        out = self.out
        if value == ",":
            out.append(r"\,{}")  # biber turns a thin space before a closing brace into ``\}``
        elif value == "@" and math:
            pass  # a space factor, which math mode refuses
        elif value in _ESCAPES:
            out.append("\\" + value)
        elif value == "{":
            out.append(r"\lbrace " if math else r"\textbraceleft{}")
        elif value == "}":
            out.append(r"\rbrace " if math else r"\textbraceright{}")
        elif value == "\\":
            out.append(" ")  # TeX's line break: a space in a bibliography field
        elif value in _MATH_SPACES:
            out.append("\\" + value if math else " ")
        elif value in _ACCENT_SYMBOLS:
            return self.accent(index, end, value, math)
        else:
            out.append(_literal("\\" + value, math, self.ascii))
        return index

    def accent(self, index: int, end: int, command: str, math: bool) -> int:
        """An accent and its letter as ``{\\'e}``, or the accent literally if it has no letter."""
        letter = self.accent_argument(index + 1, end)
        if letter is None:
            literal = {"~": "~", "^": "^", "'": "'", "`": "`", '"': '"', "=": "=", ".": "."}
            self.out.append(_literal(literal.get(command, "\\" + command), math, self.ascii))
            return index
        body, last = letter
        if not _latex_knows(body, command):
            self.out.append(body)
            return last
        separator = "" if not command.isalpha() or body.startswith("\\") else " "
        if command.isalpha():
            accented = "{\\" + command + "{" + body + "}}"
        else:
            accented = "{\\" + command + separator + body + "}"
        self.out.append("\\mbox{" + accented + "}" if math else accented)
        return last

    def accent_argument(self, index: int, end: int) -> tuple[str, int] | None:
        """The letter an accent applies to (``e``, ``{e}``, ``{\\i}``) and the last index used."""
        if index >= end:
            return None
        kind, value = self.tokens[index]
        if kind == _TEXT and value[0].isascii() and value[0].isalpha():
            if len(value) > 1:
                self.tokens[index] = (_TEXT, value[1:])
                return value[0], index - 1
            return value, index
        closing = self.braces.get(index)
        if kind == _OPEN and closing is not None and closing == index + 2 and closing < end:
            inner_kind, inner = self.tokens[index + 1]
            if inner_kind == _TEXT and len(inner) == 1 and inner.isascii() and inner.isalpha():
                return inner, closing
            if inner_kind == _CMD and inner in ("i", "j"):
                return inner, closing  # biber turns an accented dotless i into a combining mark
        return None

    def command(self, index: int, end: int, name: str, math: bool, depth: int) -> int:
        """A control word: kept when known, literal otherwise. Returns the last index used."""
        out = self.out
        if name in _ACCENT_LETTERS:
            return self.accent(index, end, name, math)
        if name in _TEXT_SYMBOLS or name in _TEXT_COMMANDS:
            out.append("{\\" + name + "}" if name in _TEXT_SYMBOLS else "\\" + name)
            return index
        if name in ("left", "right", "big", "Big", "bigg", "Bigg"):
            return index  # delimiter sizes: dropped, the delimiter itself stays
        if name in _MATH_SYMBOLS or name in _MATH_ARGS:
            arguments_end = index
            if name in _MATH_ARGS:
                if not _has_args(self.tokens, index, end, self.braces):
                    out.append(_literal("\\" + name, math, self.ascii))
                    return index
                arguments_end = self.arguments_end(index)
                if not math and not _valid_math(
                    self.tokens, index + 1, arguments_end + 1, self.braces
                ):
                    out.append(_literal("\\" + name, math, self.ascii))
                    return index
            if not math:
                out.append("{$")
            out.append("\\" + name + " ")
            if arguments_end > index:
                self.emit(index + 1, arguments_end + 1, math=True, depth=depth + 1)
            if not math:
                out.append("$}")
            return arguments_end
        out.append(_literal("\\" + name, math, self.ascii))
        return index

    def arguments_end(self, index: int) -> int:
        """The last token of the arguments of the math command at ``index`` (checked present)."""
        position = index
        for _ in range(_MATH_ARGS[self.tokens[index][1]]):
            position += 1
            kind, _value = self.tokens[position]
            if kind == _OPEN:
                position = self.braces[position]
        return position


def _protect_word(match: re.Match[str]) -> str:
    word = match.group()
    if any(c.isupper() for c in word[1:]):
        return "{" + word + "}"
    return word


def _literal(text: str, math: bool, ascii: bool) -> str:
    """Text that must print exactly as it is (a URL, an unknown command), escaped for TeX."""
    out = []
    for char in text:
        if ascii and not char.isascii():
            out.append(_char_to_tex(char, math))
            continue
        if char in "%&#$_":
            out.append("\\" + char)
        elif char == "\\":
            out.append(r"\backslash " if math else r"\textbackslash{}")
        elif char == "{":
            out.append(r"\lbrace " if math else r"\textbraceleft{}")
        elif char == "}":
            out.append(r"\rbrace " if math else r"\textbraceright{}")
        elif char == "~":
            out.append(r"\sim " if math else r"\textasciitilde{}")
        elif char == "^":
            out.append(r"\hat{}" if math else r"\textasciicircum{}")
        elif not math and char in "<>|":
            out.append({"<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}[char])
        else:
            out.append(char)
    return "".join(out)


def clean(text: str) -> str:
    """Text on one line, composed (NFC): whitespace runs become one space, control characters go."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _DROP.search(text):
        text = _DROP.sub("", text)
    return " ".join(text.split())


def to_tex(text: str, *, ascii: bool = False, protect_caps: bool = False) -> str:
    """Return ``text`` as TeX that is safe in a BibTeX field: balanced, escaped, meaningful.

    ``ascii`` turns non-ASCII into TeX commands; ``protect_caps`` braces acronyms (for titles).
    """
    text = clean(text)
    if not protect_caps and not _TEX_SPECIAL.search(text) and (not ascii or text.isascii()):
        return text  # most abstracts: nothing to escape
    return _Writer(_tokenize(text), ascii, protect_caps).run()


# --- URLs ---------------------------------------------------------------------------------------

_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~" + "0123456789" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_URL_SAFE += "abcdefghijklmnopqrstuvwxyz"


def url_for_field(url: str) -> str:
    """The URL as a plain URI: anything that is not a URL character percent-encoded.

    Braces, backslashes, spaces, quotes, ``^`` and non-ASCII never survive, so what remains can
    only hold ``%`` and ``#`` among TeX's special characters (see :func:`url_to_tex`).
    """
    url = clean(url).replace(" ", "")
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        if host and not host.isascii():
            netloc = parts.netloc.replace(host, host.encode("idna").decode("ascii"))
            url = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    except (ValueError, UnicodeError):
        pass
    return urllib.parse.quote(url, safe=_URL_SAFE)


def url_to_tex(url: str) -> str:
    """The URL for ``url = {...}`` and ``\\url{...}``: encoded, with ``%`` and ``#`` escaped.

    A URL field reaches LaTeX inside another command's argument (biblatex's ``\\field``, a
    style's ``\\href``), where a bare ``%`` starts a comment and a bare ``#`` is a parameter.
    """
    return url_for_field(url).replace("%", r"\%").replace("#", r"\#")
