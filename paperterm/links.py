"""Links in abstracts: the URLs a reader wants to open, and which of them are code.

Decisions:

* A link starts with ``http://`` or ``https://`` (any case), or with ``www.`` at the start of a
  word; a ``www.`` link gets ``https://`` in front so that it can be opened.
* It runs to the first whitespace, quote, angle bracket, brace or backslash that is not a TeX
  escape. Braces and bare backslashes cannot appear in a URL, so TeX around a link
  (``\\url{https://...}``, ``https://...{here}``) is left out; the TeX escapes
  ``\\_ \\% \\& \\# \\~`` inside a link are unescaped.
* Trailing punctuation is sentence punctuation, not URL: ``. , ; : ! ? * '`` are stripped, and a
  closing ``)`` or ``]`` only when the link holds fewer of them than of their opening pair, so
  ``https://en.wikipedia.org/wiki/Mamba_(snake)`` keeps its parenthesis and
  ``(code: https://github.com/a/b).`` loses two characters.
* A link is code when it points at a GitHub repository: host ``github.com`` (or
  ``www.github.com``) and a path with an owner and a repository that are not GitHub's own pages
  (``github.com/features/...``, ``github.com/orgs/...``). Project pages on ``github.io`` are
  not code.
"""

from __future__ import annotations

import re

from paperterm.model import Link

_URL_CHAR = r"[^\s<>\"{}\\\x00-\x1f\x7f]"
_URL_REST = re.compile(rf"{_URL_CHAR}*(?:\\[_%&#~]{_URL_CHAR}*)*")
_SCHEMES = ("https", "http")
_NOT_BEFORE_WWW = frozenset(".@/-_")
WWW = re.compile(r"www\.")
"""``www.``; its ``search`` scans text faster than ``str.__contains__`` does."""
_TRAILING = ".,;:!?*'"
_CLOSERS = {")": "(", "]": "["}
_TEX_ESCAPE = re.compile(r"\\([_%&#~])")
_GITHUB_REPO = re.compile(
    r"https?://(?:www\.)?github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]*))/([A-Za-z0-9._-]+)(?:[/?#]|$)",
    re.IGNORECASE,
)
_GITHUB_NOT_OWNERS = frozenset(
    {
        "about",
        "collections",
        "enterprise",
        "events",
        "explore",
        "features",
        "login",
        "marketplace",
        "notifications",
        "orgs",
        "pricing",
        "search",
        "settings",
        "site",
        "sponsors",
        "topics",
        "trending",
    }
)


def might_have_links(text: str) -> bool:
    """Cheap test that lets the loader skip :func:`extract_links` on most abstracts.

    False only when ``text`` has no link: an ``http`` link holds a ``/`` (found at memchr
    speed), and every other link starts with ``www.`` (an upper-case ``WWW.`` link in an
    abstract with no ``/`` at all is the one kind this misses).
    """
    return "/" in text or WWW.search(text) is not None


def clean_url(url: str) -> str:
    """Strip sentence punctuation and unbalanced closing brackets from the end of a URL."""
    while url:
        last = url[-1]
        unbalanced = last in _CLOSERS and url.count(last) > url.count(_CLOSERS[last])
        if last in _TRAILING or unbalanced:
            url = url[:-1]
        else:
            break
    return url


def is_code_url(url: str) -> bool:
    """Whether ``url`` points at a GitHub repository (``github.com/OWNER/REPO``)."""
    match = _GITHUB_REPO.match(url)
    return match is not None and match.group(1).lower() not in _GITHUB_NOT_OWNERS


def extract_links(text: str) -> list[Link]:
    """Every distinct link in ``text``, in order of appearance."""
    starts: list[int] = []
    at = text.find("://")
    while at >= 0:
        for scheme in _SCHEMES:
            start = at - len(scheme)
            if start >= 0 and text[start:at].lower() == scheme:
                starts.append(start)
                break
        at = text.find("://", at + 3)
    for www in ("www.", "WWW."):
        at = text.find(www)
        while at >= 0:
            if at == 0 or not (text[at - 1].isalnum() or text[at - 1] in _NOT_BEFORE_WWW):
                starts.append(at)
            at = text.find(www, at + 4)
    if len(starts) > 1:
        starts.sort()
    links: dict[str, Link] = {}
    done = 0
    for start in starts:
        if start < done:
            continue  # a www. inside the link found before
        is_www = text[start] in "wW"
        head = start + 4 if is_www else text.index("://", start) + 3
        rest = _URL_REST.match(text, head)
        done = rest.end() if rest else head
        url = text[start:done]
        if "\\" in url:
            url = _TEX_ESCAPE.sub(r"\1", url)
        url = clean_url(url)
        if is_www:
            if len(url) <= 4:
                continue  # a bare "www."
            url = "https://" + url
        if not _has_host(url[url.index("://") + 3 :]):
            continue
        if url not in links:
            links[url] = Link(url, "github" in url.lower() and is_code_url(url))
    return list(links.values())


def _has_host(rest: str) -> bool:
    """Whether what follows ``scheme://`` starts with a host holding a letter or digit."""
    host = rest.split("/", 1)[0]
    return any(ch.isalnum() for ch in host)
