"""TeX escaping: safe in one pass, balanced for BibTeX, meaningful where the text is already TeX."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperterm.export.tex import (
    _ASCII_ACRONYM,
    _WORD,
    _protect_word,
    _tokenize,
    _Writer,
    clean,
    to_tex,
    url_for_field,
    url_to_tex,
)
from texcheck import braces_balanced, untex

SPECIALS = "&%$#_{}~^\\<>|\"'`@"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50% & more", r"50\% \& more"),
        ("#1 x_i", r"\#1 x\_i"),
        ("L_2^2-loss", r"L\_2\textasciicircum{}2-loss"),
        ("a stray } and {", r"a stray \textbraceright{} and \textbraceleft{}"),
        ("already 5\\% and Q\\&A", r"already 5\% and Q\&A"),
        ("escaped \\{ brace \\}", r"escaped \textbraceleft{} brace \textbraceright{}"),
        ("$x^2$ holds", "{$x^2$} holds"),
        ("a lone $ sign", r"a lone \$ sign"),
        ("$x^$ is broken", r"\$x\textasciicircum{}\$ is broken"),
        ("a quantity {\\Psi}", "a quantity {{$\\Psi $}}"),
        ("0.8 \\pm 0.02", "0.8 {$\\pm $} 0.02"),
        ("\\mathcal{O}(n)", "{$\\mathcal {O}$}(n)"),
        ("Fr\\'echet", "Fr{\\'e}chet"),
        ("c\\`adl\\`ag", "c{\\`a}dl{\\`a}g"),
        ("\\v{c}", "{\\v{c}}"),
        ("the \\overfeat network", r"the \textbackslash{}overfeat network"),
        ("\\emph{x} and {\\emph compression}", "\\emph{x} and {\\emph compression}"),
        ("e.g.,~SVD", "e.g.,~SVD"),
        ("~5x faster", r"\textasciitilde{}5x faster"),
        ("a <b> |c|", r"a \textless{}b\textgreater{} \textbar{}c\textbar{}"),
        ("line\\\\break", "line break"),
        ("trailing \\", r"trailing \textbackslash{}"),
        ("  many \t\n spaces\x00 ", "many spaces"),
        (
            "see https://x.org/a_b%20c#d~e}.",
            r"see https://x.org/a\_b\%20c\#d\textasciitilde{}e\textbraceright{}.",
        ),
        ("code at https://ex.org/TangleNAS{here}", "code at https://ex.org/TangleNAS{here}"),
        ("Fréchet “quoted”", "Fréchet “quoted”"),
        ("a\\,b and $a\\@b$", "a\\,{}b and {$ab$}"),
        ("\\'m is no letter LaTeX has", "m is no letter LaTeX has"),
        ("\\sqrt{2^^{x}}", r"\textbackslash{}sqrt{2\textasciicircum{}\textasciicircum{}{x}}"),
        ("\\left( x \\right)", "( x )"),
        ("$x^\\ y$", r"\$x\textasciicircum{}\ y\$"),
        ("$x_'$", r"\$x\_'\$"),
    ],
)
def test_to_tex(text: str, expected: str) -> None:
    assert to_tex(text) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("BERT: Pre-training", "{BERT}: Pre-training"),
        ("ImageNet and 3D Vision", "{ImageNet} and {3D} Vision"),
        ("BT^2: Backward", r"{BT}\textasciicircum{}2: Backward"),
        ("M/EEG Signals", "M/{EEG} Signals"),
        ("A {Braced} Title", "A {Braced} Title"),
    ],
)
def test_titles_protect_acronyms(title: str, expected: str) -> None:
    assert to_tex(title, protect_caps=True) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fréchet", "Fr{\\'e}chet"),
        ("naïve", 'na{\\"i}ve'),
        ("Müller Ångström", '{M{\\"u}ller {\\AA}ngstr{\\"o}m}'[1:-1]),
        ("Straße Łódź", "Stra{\\ss}e {\\L}{\\'o}d{\\'z}"),
        ("α ≤ β", "{$\\alpha$} {$\\leq$} {$\\beta$}"),
        ("“q” – x—y…", "``q'' -- x---y\\ldots{}"),
        ("ﬁne", "fine"),
        ("中文 😀", "?? ?"),
        ("$α$", "{$\\alpha $}"),
    ],
)
def test_ascii(text: str, expected: str) -> None:
    assert to_tex(text, ascii=True) == expected


def test_ascii_keeps_utf8_by_default() -> None:
    assert to_tex("Fréchet α 中文") == "Fréchet α 中文"


hostile = st.text(
    alphabet=st.one_of(st.sampled_from(SPECIALS + " \t\nabcAB1é"), st.characters()),
    max_size=300,
)


@settings(max_examples=400, deadline=None)
@given(hostile, st.booleans(), st.booleans())
def test_always_balanced(text: str, ascii: bool, caps: bool) -> None:
    tex = to_tex(text, ascii=ascii, protect_caps=caps)
    assert braces_balanced(tex)
    assert "\\{" not in tex and "\\}" not in tex
    assert "\n" not in tex
    if ascii:
        assert tex.isascii()


@settings(max_examples=300, deadline=None)
@given(hostile, st.booleans())
def test_fast_path_agrees_with_the_writer(text: str, ascii: bool) -> None:
    slow = _Writer(_tokenize(clean(text)), ascii, False).run()
    assert to_tex(text, ascii=ascii) == slow


@given(st.text(alphabet=st.sampled_from("aZ09 _-éÉ.{"), max_size=60))
def test_acronym_rule_is_one_rule(text: str) -> None:
    ascii_text = text.replace("é", "e").replace("É", "E")
    assert _ASCII_ACRONYM.sub(r"{\g<0>}", ascii_text) == _WORD.sub(_protect_word, ascii_text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("\\{}$"), max_size=200))
def test_backslash_and_brace_runs(text: str) -> None:
    tex = to_tex(text, protect_caps=True)
    assert braces_balanced(tex)
    assert not tex.rstrip().endswith("\\")


plain = st.text(
    alphabet=st.sampled_from("abcXYZ019 .,:;!?()[]/+=*'\"&%#_^<>|-é"),
    max_size=200,
).filter(lambda text: "--" not in text and "''" not in text and "``" not in text)


@settings(max_examples=300, deadline=None)
@given(plain)
def test_plain_text_reads_back(text: str) -> None:
    expected = " ".join(text.split())
    assert " ".join(untex(to_tex(text, protect_caps=True)).split()) == expected


def test_ten_thousand_characters_stay_fast_and_balanced() -> None:
    text = ("{\\Psi} 50% of $x^2$ } \\\\ ~ " * 400)[:10_000]
    assert braces_balanced(to_tex(text))
    assert braces_balanced(to_tex("{" * 10_000))
    assert to_tex("}" * 3) == r"\textbraceright{}" * 3


@pytest.mark.parametrize(
    ("url", "field", "tex"),
    [
        ("https://github.com/a/b", "https://github.com/a/b", "https://github.com/a/b"),
        ("https://a.org/x%20y#top", "https://a.org/x%20y#top", r"https://a.org/x\%20y\#top"),
        ("https://a.org/T{here}", "https://a.org/T%7Bhere%7D", r"https://a.org/T\%7Bhere\%7D"),
        ("https://a.org/a\\b^c d", "https://a.org/a%5Cb%5Ecd", r"https://a.org/a\%5Cb\%5Ecd"),
        ("https://a.org/é", "https://a.org/%C3%A9", r"https://a.org/\%C3\%A9"),
        ("https://a.org/~u_v&w=1", "https://a.org/~u_v&w=1", "https://a.org/~u_v&w=1"),
    ],
)
def test_urls(url: str, field: str, tex: str) -> None:
    assert url_for_field(url) == field
    assert url_to_tex(url) == tex


@given(st.text(max_size=100))
def test_urls_never_hold_braces_or_backslashes(url: str) -> None:
    for text in (url_for_field(url), url_to_tex(url).replace("\\%", "").replace("\\#", "")):
        assert not set(text) & set('{}\\ "^`<>|'), text
        assert text.isascii()
