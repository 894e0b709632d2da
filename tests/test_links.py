"""Link extraction from abstracts: where a URL ends, which ones are code."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperterm.links import clean_url, extract_links, is_code_url, might_have_links
from paperterm.model import Link


def urls(text: str) -> list[str]:
    return [link.url for link in extract_links(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Code: https://github.com/a/b.", ["https://github.com/a/b"]),
        ("(see https://github.com/a/b).", ["https://github.com/a/b"]),
        ("[https://x.org/p]", ["https://x.org/p"]),
        (
            "at https://x.org/a, https://y.org/b; and https://z.org/c:",
            [
                "https://x.org/a",
                "https://y.org/b",
                "https://z.org/c",
            ],
        ),
        (
            "https://en.wikipedia.org/wiki/Mamba_(snake) is a page",
            [
                "https://en.wikipedia.org/wiki/Mamba_(snake)",
            ],
        ),
        (
            "(https://en.wikipedia.org/wiki/Mamba_(snake))",
            [
                "https://en.wikipedia.org/wiki/Mamba_(snake)",
            ],
        ),
        ("\\url{https://github.com/a/b}", ["https://github.com/a/b"]),
        (
            "https://anonymous.4open.science/r/X-52{here}",
            ["https://anonymous.4open.science/r/X-52"],
        ),
        ("https://github.com/o/my\\_repo and 50\\% more", ["https://github.com/o/my_repo"]),
        ("visit www.example.org/page!", ["https://www.example.org/page"]),
        ("VISIT WWW.EXAMPLE.ORG", ["https://WWW.EXAMPLE.ORG"]),
        ("HTTPS://Example.org/A?", ["HTTPS://Example.org/A"]),
        ("https://www.x.org/y and again https://www.x.org/y.", ["https://www.x.org/y"]),
        ('"https://q.org/z"', ["https://q.org/z"]),
        ("<https://q.org/z>", ["https://q.org/z"]),
        ("Code at github.com/a/b without scheme", []),
        ("xwww.no.org and e-mail me@www.no.org", []),
        ("broken https:// and http://.. links", []),
        ("no links at all, just w/o and and/or", []),
        ("http://gradcam.cloudcv.org, and more", ["http://gradcam.cloudcv.org"]),
        ("see https://x.org/a...", ["https://x.org/a"]),
        ("see https://x.org/it's'", ["https://x.org/it's"]),
    ],
)
def test_extract_links(text: str, expected: list[str]) -> None:
    assert urls(text) == expected


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://github.com/owner/repo", True),
        ("https://github.com/owner/repo/", True),
        ("https://github.com/owner/repo.git", True),
        ("https://www.github.com/owner/repo/tree/main/src", True),
        ("http://GitHub.com/Owner/Repo", True),
        ("https://github.com/owner", False),
        ("https://github.com/", False),
        ("https://github.com/features/copilot", False),
        ("https://github.com/orgs/acme/repositories", False),
        ("https://owner.github.io/project", False),
        ("https://gist.github.com/owner/abc123", False),
        ("https://gitlab.com/owner/repo", False),
        ("https://notgithub.com/owner/repo", False),
    ],
)
def test_is_code_url(url: str, code: bool) -> None:
    assert is_code_url(url) is code


def test_links_are_marked_as_code() -> None:
    assert extract_links("Project https://p.org/x and code https://github.com/o/r.") == [
        Link("https://p.org/x", False),
        Link("https://github.com/o/r", True),
    ]


def test_clean_url_strips_only_what_is_not_url() -> None:
    assert clean_url("https://x.org/a).,;:") == "https://x.org/a"
    assert clean_url("https://x.org/f(x)") == "https://x.org/f(x)"
    assert clean_url("https://x.org/list[0]]") == "https://x.org/list[0]"
    assert clean_url("") == ""


@given(st.text())
def test_might_have_links_never_hides_a_link(text: str) -> None:
    if not might_have_links(text):
        assert [u for u in urls(text) if not u.startswith("https://WWW.")] == []


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_extracted_links_are_clean(text: str) -> None:
    for link in extract_links(text):
        assert "://" in link.url
        assert not any(ch.isspace() for ch in link.url)
        assert link.url[-1] not in ".,;:!?*'"
        assert "{" not in link.url and "}" not in link.url
