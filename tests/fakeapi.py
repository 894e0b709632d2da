"""A recorded Hugging Face Papers and arXiv API, served through httpx.MockTransport.

Every answer here was written for these tests in the shapes the APIs document; nothing comes
from the network. The fake counts what it is asked, so tests can check the manners.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from paperterm.api.http import Endpoints, HttpClient

HF = "https://hf.test"
ARXIV = "https://arxiv.test/api/query"
FIXTURES = Path(__file__).parent / "fixtures" / "api"

LOTTERY = "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks"
ATTENTION = "Attention Is All You Need"
STABILIZING = "Stabilizing the Lottery Ticket Hypothesis"


def hf_paper(arxiv_id: str, title: str, **extra: Any) -> dict[str, Any]:
    """A Hugging Face ``paper`` object."""
    return {"id": arxiv_id, "title": title, **extra}


LOTTERY_HF = hf_paper(
    "1803.03635",
    LOTTERY,
    authors=[{"name": "Jonathan Frankle"}, {"name": "Michael Carbin"}],
    publishedAt="2018-03-09T18:51:28.000Z",
    upvotes=7,
    githubRepo="https://github.com/example/lottery",
    githubStars=321,
    ai_summary="Dense networks contain sparse subnetworks that train well alone.",
)
ATTENTION_HF = hf_paper(
    "1706.03762",
    ATTENTION,
    authors=[{"name": "Ashish Vaswani"}],
    publishedAt="2017-06-12T17:57:34.000Z",
    upvotes=120,
)
STABILIZING_HF = hf_paper("1903.01611", STABILIZING, authors=[{"name": "Jonathan Frankle"}])


def atom(*entries: str) -> bytes:
    """An Atom feed holding these ``<entry>`` elements."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">'
        + "".join(entries)
        + "</feed>"
    ).encode()


def atom_entry(arxiv_id: str, title: str, *, authors: tuple[str, ...] = (), **more: str) -> str:
    """One arXiv Atom entry (``version``, ``published``, ``primary``, ``doi`` may be given)."""
    parts = [
        f"<entry><id>http://arxiv.org/abs/{arxiv_id}v{more.get('version', '1')}</id>",
        f"<title>{title}</title>",
        f"<published>{more.get('published', '2018-03-09T18:51:28Z')}</published>",
    ]
    parts += [f"<author><name>{name}</name></author>" for name in authors]
    if "primary" in more:
        parts.append(f'<arxiv:primary_category term="{more["primary"]}"/>')
        parts.append(f'<category term="{more["primary"]}"/>')
    if "doi" in more:
        parts.append(f"<arxiv:doi>{more['doi']}</arxiv:doi>")
    return "".join(parts) + "</entry>"


@dataclass
class FakeApi:
    """Answers by URL; records every request."""

    search: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Normalised-free query text -> the ``paper`` objects of the answer."""
    papers: dict[str, dict[str, Any]] = field(default_factory=dict)
    """arXiv id -> the ``paper`` object ``/api/papers/{id}`` answers (absent: 404)."""
    arxiv: dict[str, str] = field(default_factory=dict)
    """arXiv id -> its Atom ``<entry>``."""
    seen: list[httpx.Request] = field(default_factory=list)
    overrides: list[httpx.Response] = field(default_factory=list)
    """Answers given first, in order, whatever is asked (429s, 500s...)."""
    hf: str = HF
    """Where it answers as Hugging Face."""
    arxiv_url: str = ARXIV
    """Where it answers as arXiv."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if self.overrides:
            return self.overrides.pop(0)
        url = str(request.url)
        if url.startswith(f"{self.hf}/api/papers/search"):
            query = request.url.params["q"]
            items = [{"paper": paper, "numComments": 0} for paper in self.search.get(query, [])]
            return httpx.Response(200, json=items)
        if url.startswith(f"{self.hf}/api/papers/"):
            ident = request.url.path.removeprefix("/api/papers/")
            if ident in self.papers:
                return httpx.Response(200, json=self.papers[ident])
            return httpx.Response(404, json={"error": "Paper not found"})
        if url.startswith(self.arxiv_url):
            ids = request.url.params["id_list"].split(",")
            return httpx.Response(
                200, content=atom(*(self.arxiv[i] for i in ids if i in self.arxiv))
            )
        return httpx.Response(599)

    def count(self, kind: str) -> int:
        """Requests of one kind: ``search``, ``paper`` or ``arxiv``."""

        def kind_of(request: httpx.Request) -> str:
            url = str(request.url)
            if url.startswith(self.arxiv_url):
                return "arxiv"
            return "search" if "/api/papers/search" in url else "paper"

        return sum(kind_of(request) == kind for request in self.seen)

    def arxiv_batches(self) -> list[list[str]]:
        """The id lists arXiv was asked for, in order."""
        return [
            request.url.params["id_list"].split(",")
            for request in self.seen
            if str(request.url).startswith(self.arxiv_url)
        ]

    def client(self, **options: Any) -> HttpClient:
        """An HttpClient served by this fake, with a clock that never waits."""
        slept: list[float] = []
        now = [0.0]

        def sleep(seconds: float) -> None:
            slept.append(seconds)
            now[0] += seconds

        http = HttpClient(
            Endpoints(hf=self.hf, arxiv=self.arxiv_url),
            transport=httpx.MockTransport(self),
            sleep=sleep,
            clock=lambda: now[0],
            **options,
        )
        http.slept = slept  # type: ignore[attr-defined]
        return http


def standard() -> FakeApi:
    """The lottery and attention papers, findable by their titles; a near miss for lottery."""
    return FakeApi(
        search={
            LOTTERY: [STABILIZING_HF, LOTTERY_HF],
            ATTENTION: [ATTENTION_HF],
        },
        papers={"1803.03635": LOTTERY_HF, "1706.03762": ATTENTION_HF},
        arxiv={
            "1803.03635": atom_entry(
                "1803.03635",
                LOTTERY,
                authors=("Jonathan Frankle", "Michael Carbin"),
                primary="cs.LG",
                version="5",
            ),
            "1706.03762": atom_entry(
                "1706.03762",
                ATTENTION,
                authors=("Ashish Vaswani", "Noam Shazeer"),
                primary="cs.CL",
                published="2017-06-12T17:57:34Z",
                doi="10.48550/example.1706",
            ),
            "1903.01611": atom_entry("1903.01611", STABILIZING, authors=("Jonathan Frankle",)),
        },
    )


@contextmanager
def serving(api: FakeApi) -> Iterator[tuple[str, str]]:
    """Serve ``api`` on a port of 127.0.0.1; yield (HF_ENDPOINT, PAPERTERM_ARXIV_URL) for it."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            request = httpx.Request("GET", f"http://{self.headers['Host']}{self.path}")
            for name, value in self.headers.items():
                request.headers[name] = value
            response = api(request)
            body = response.read()
            self.send_response(response.status_code)
            for name, value in response.headers.items():
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    api.hf, api.arxiv_url = base, f"{base}/arxiv/query"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api.hf, api.arxiv_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
