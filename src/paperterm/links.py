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

_URL = re.compile(
    r"(?:https?://|(?<![\w.@/-])www\.)(?:[^\s<>\"{}\\\x00-\x1f\x7f]|\\[_%&#~])+",
    re.IGNORECASE,
)
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
    """Cheap test that lets the loader skip :func:`extract_links` on most abstracts."""
    return "http" in text or "www." in text or "HTTP" in text or "WWW." in text


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
    links: dict[str, Link] = {}
    for found in _URL.findall(text):
        url = found
        if "\\" in url:
            url = _TEX_ESCAPE.sub(r"\1", url)
        url = clean_url(url)
        if url[:4].lower() == "www.":
            url = "https://" + url
        scheme_end = url.find("://") + 3
        if len(url) <= scheme_end or not _has_host(url[scheme_end:]):
            continue
        if url not in links:
            links[url] = Link(url, is_code_url(url))
    return list(links.values())


def _has_host(rest: str) -> bool:
    """Whether what follows ``scheme://`` starts with a host holding a letter or digit."""
    host = rest.split("/", 1)[0]
    return any(ch.isalnum() for ch in host)
