"""Reading TeX back as a reader would: shared by the TeX and the export tests."""

from __future__ import annotations

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db


def braces_balanced(text: str) -> bool:
    """Balanced as BibTeX counts: every brace, escaped or not, and never below zero."""
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db().filter_context()
    extra = {
        "textless": "<",
        "textgreater": ">",
        "textbar": "|",
        "textbraceleft": "{",
        "textbraceright": "}",
        "textasciicircum": "^",
        "textasciitilde": "~",
        "textbackslash": "\\",
    }
    context.add_context_category(
        "paperterm-test",
        prepend=True,
        macros=[MacroTextSpec(name, simplify_repl=text) for name, text in extra.items()],
    )
    return LatexNodes2Text(latex_context=context, math_mode="text")


DECODER = _decoder()


def untex(text: str) -> str:
    """What a reader sees: the TeX decoded back to text, dashes and ties spelled as typed."""
    decoded = str(DECODER.latex_to_text(text))
    return decoded.replace("\u2014", "---").replace("\u2013", "--").replace("\xa0", "~")
