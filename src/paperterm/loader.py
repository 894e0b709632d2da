"""Turn Hugging Face Papers dumps into a Catalog."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from paperterm.catalog import Catalog
from paperterm.errors import DumpError
from paperterm.identity import paper_id
from paperterm.model import Link, Paper, Source

_BOILERPLATE = {
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "new",
    "byAK and the research community",
}
_DATE = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}(, \d{4})?$")
_URL = re.compile(r"https?://[^\s<>\"]+")
_GITHUB = re.compile(r"^https?://(www\.)?github\.com/[^/\s]+/[^/\s]+", re.I)


def _entries(text: str) -> Iterable[tuple[int, str, str]]:
    lines = [line.strip() for line in text.splitlines()]
    pending: tuple[int, str] | None = None
    for number, line in enumerate(lines, 1):
        if not line or line in _BOILERPLATE or _DATE.match(line):
            continue
        if line.startswith("Subscribe"):
            line = line[len("Subscribe") :]
        if pending is None:
            pending = (number, line)
        else:
            yield pending[0], pending[1], line
            pending = None
    if pending is not None:
        yield pending[0], pending[1], ""


def load(paths: Iterable[str | Path]) -> Catalog:
    """Load dumps (files, or folders of ``*.txt``) into a Catalog."""
    order: list[str] = []
    titles: dict[str, str] = {}
    abstracts: dict[str, list[str]] = {}
    sources: dict[str, list[Source]] = {}
    for given in paths:
        path = Path(given)
        files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
        for file in files:
            try:
                text = file.read_text(encoding="utf-8-sig")
            except OSError as error:
                raise DumpError(str(file), error.strerror or str(error)) from None
            for position, (line, title, abstract) in enumerate(_entries(text), 1):
                key = paper_id(title)
                if key not in titles:
                    order.append(key)
                    titles[key] = title
                    abstracts[key] = []
                    sources[key] = []
                if abstract and abstract not in abstracts[key]:
                    abstracts[key].append(abstract)
                sources[key].append(Source(str(file), position, line))
    papers = []
    for index, key in enumerate(order):
        versions = tuple(sorted(abstracts[key], key=len, reverse=True))
        urls = dict.fromkeys(u.rstrip(".,;:)}]") for a in versions for u in _URL.findall(a))
        links = tuple(Link(u, bool(_GITHUB.match(u))) for u in urls)
        papers.append(Paper(key, titles[key], versions, tuple(sources[key]), links, index))
    return Catalog(papers)
