"""Appending to a user's .bib (the reader's ``e`` then ``a``): what is there, what clashes."""

from __future__ import annotations

from paperterm.export import bibtex_entry
from paperterm.export_target import appended_bibtex
from test_export import make_paper

MINE = """@article{frankle2019lottery,
  title = {A Different Paper Altogether},
  author = {Somebody, Else},
}
"""


def test_a_key_taken_by_another_entry_is_a_clash_never_there_already() -> None:
    """The user's own entry under the key a paper was given is another paper: appending must
    say so (``\\cite`` of the key would name the user's entry), not count it as there."""
    paper = make_paper("The Lottery Ticket Hypothesis")
    keys = {paper.id: "frankle2019lottery"}
    appended = appended_bibtex(MINE, [paper], keys, frozenset(keys.values()))
    assert (appended.text, appended.added, appended.there) == (MINE, 0, 0)
    assert appended.clashes == ("frankle2019lottery",)
    # The same paper's entry there (written by an export, braces and case as BibTeX wants them,
    # or with its title accents in TeX): there already, no clash.
    for there in (
        bibtex_entry(paper, "frankle2019lottery"),
        MINE.replace("A Different Paper Altogether", "{T}he {L}ottery {T}icket {H}ypothesis"),
    ):
        appended = appended_bibtex(there, [paper], keys, frozenset(keys.values()))
        assert (appended.added, appended.there, appended.clashes) == (0, 1, ())
    accented = make_paper("Naïve Café Models")
    keys[accented.id] = "naive2024"
    in_tex = "@misc{naive2024, title = {Na{\\\"i}ve Caf{\\'e} Models}}\n"
    appended = appended_bibtex(in_tex, [accented], keys, frozenset({"naive2024"}))
    assert (appended.there, appended.clashes) == (1, ())
    other = make_paper("Sparse Lanterns")
    keys[other.id] = "lanterns2024"
    appended = appended_bibtex(MINE, [paper, other], keys, frozenset({"frankle2019lottery"}))
    assert appended.added == 1 and appended.clashes == ("frankle2019lottery",)
    assert appended.text.startswith(MINE.rstrip("\n")) and "@misc{lanterns2024," in appended.text
