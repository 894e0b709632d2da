"""The filter's query language, term by term: what each piece parses to, and that nothing raises."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from paperterm.search.query import QUERY_HELP, Group, Term, parse


def only(query: str) -> Group:
    groups = parse(query).groups
    assert len(groups) == 1, groups
    return groups[0]


def test_words_are_anded_fuzzy_terms() -> None:
    query = parse("Lottery  TICKET")
    assert query.groups == (
        Group((Term("fuzzy", "any", ("lottery",)),)),
        Group((Term("fuzzy", "any", ("ticket",)),)),
    )
    assert query.ignored == ()


def test_punctuation_splits_words_into_separate_terms() -> None:
    assert [g.alternatives[0].words for g in parse("Self-Attention").groups] == [
        ("self",),
        ("attention",),
    ]


def test_exact_term_keeps_punctuation_and_folds_case() -> None:
    assert only("'GPT-4").alternatives == (Term("exact", "any", needle="gpt-4"),)


def test_caret_is_a_title_prefix_by_default() -> None:
    assert only("^Deep").alternatives == (Term("prefix", "title", ("deep",)),)
    assert only("abstract:^we").alternatives == (Term("prefix", "abstract", ("we",)),)


def test_bang_negates_the_whole_group() -> None:
    group = only("!survey|review")
    assert group.negated
    assert [t.words for t in group.alternatives] == [("survey",), ("review",)]


def test_negation_keeps_multiword_terms_together() -> None:
    group = only("!self-attention")
    assert group.negated
    assert group.alternatives == (Term("fuzzy", "any", ("self", "attention")),)


def test_bar_with_or_without_spaces() -> None:
    assert only("bert|roberta") == only("bert | roberta") == only("bert |roberta")
    assert len(only("bert|roberta").alternatives) == 2


def test_dangling_bars_are_dropped() -> None:
    assert only("bert|") == only("|bert") == only("bert||") == only("bert")


def test_field_restriction() -> None:
    assert only("title:GAN").alternatives == (Term("fuzzy", "title", ("gan",)),)
    assert only("ABSTRACT:gan").alternatives == (Term("fuzzy", "abstract", ("gan",)),)
    assert only("title:'x-y").alternatives == (Term("exact", "title", needle="x-y"),)


def test_field_then_bang_is_a_negation() -> None:
    group = only("title:!survey")
    assert group.negated
    assert group.alternatives == (Term("fuzzy", "title", ("survey",)),)


def test_state_terms_and_their_prefixes() -> None:
    for text, flag in [
        ("is:starred", "starred"),
        ("is:s", "starred"),
        ("is:read", "read"),
        ("IS:R", "read"),
        ("is:unread", "unread"),
        ("is:u", "unread"),
        ("has:code", "code"),
        ("has:c", "code"),
        ("has:link", "link"),
        ("has:abstract", "abstract"),
        ("has:a", "abstract"),
    ]:
        assert only(text).alternatives == (Term("state", "any", flag=flag),), text


def test_unknown_or_empty_state_values_are_ignored_and_reported() -> None:
    query = parse("is:nu has: is:x diffusion has:lin")
    assert [g.alternatives[0] for g in query.groups] == [
        Term("fuzzy", "any", ("diffusion",)),
        Term("state", "any", flag="link"),
    ]
    assert query.ignored == ("is:nu", "has:", "is:x")


def test_lone_operators_mean_nothing() -> None:
    for text in ["!", "'", "^", "|", "title:", "abstract:", "!!", "--", "...", " | "]:
        query = parse(text)
        assert query.is_empty, text


def test_lone_operators_beside_real_terms_are_dropped() -> None:
    assert parse("! diffusion ' ^ |").groups == parse("diffusion").groups


def test_other_colons_are_plain_text() -> None:
    assert [g.alternatives[0].words for g in parse("https://github.com").groups] == [
        ("https",),
        ("github",),
        ("com",),
    ]


def test_unicode_is_folded_like_paper_ids() -> None:
    assert only("Straße").alternatives[0].words == ("strasse",)
    assert only("ﬁne").alternatives[0].words == ("fine",)
    assert only("'ÆRØ").alternatives[0].needle == "ærø"
    assert only("'Naïve").alternatives[0].needle == "naive"


def test_a_thousand_characters() -> None:
    words = ("lottery ticket !survey 'gpt-4 ^deep a|b title:x is:read " * 20)[:1000]
    query = parse(words)
    assert len(query.groups) > 100
    assert parse("x" * 1000).groups[0].alternatives[0].words == ("x" * 1000,)


def test_help_text_covers_every_operator() -> None:
    for piece in ["'", "^", "!", "|", "title:", "abstract:", "is:starred", "is:read", "is:unread"]:
        assert piece in QUERY_HELP
    assert "has:code" in QUERY_HELP


@given(st.text(max_size=300))
def test_parse_never_raises(text: str) -> None:
    query = parse(text)
    for group in query.groups:
        assert group.alternatives
        for term in group.alternatives:
            assert term.words or term.needle or term.flag


@given(st.text(alphabet="!'^|: abtitlesbrcd-_.\t\n", max_size=60))
def test_parse_never_raises_on_operator_soup(text: str) -> None:
    parse(text)


def test_inbox_state_terms() -> None:
    for text, flag in [
        ("is:new", "new"),
        ("is:n", "new"),
        ("is:muted", "muted"),
        ("is:m", "muted"),
        ("is:queued", "queued"),
        ("is:q", "queued"),
        ("tag:RL", "tag:rl"),
        ("TAG:To-Read", "tag:to-read"),
    ]:
        assert only(text).alternatives[0] == Term("state", "any", flag=flag), text
    assert parse("tag:").ignored == ("tag:",)
    assert parse("is:muted x").asks_for("muted")
    assert not parse("!is:muted x").asks_for("muted")
    assert parse("a|is:m").asks_for("muted")
