"""paperterm fetch: daily papers into the library, paged, all or nothing; never the network.

The answers here are written for these tests in the documented shape of
``/api/daily_papers`` and served by httpx.MockTransport, or by a server on 127.0.0.1 for the
command line end to end.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import paperterm
from paperterm import fetch, fsio
from paperterm.api.http import Endpoints, HttpClient
from paperterm.cli import run
from paperterm.errors import NetworkError, UsageError
from paperterm.identity import paper_id

HF = "https://hf.test"
DAY = dt.date(2026, 11, 20)


def item(n: int, day: dt.date = DAY, **paper: Any) -> dict[str, Any]:
    """Item ``n`` of a day's list, with every documented field."""
    fields: dict[str, Any] = {
        "id": f"2611.{n:05d}",
        "title": f"Paper Number {n} of the Day",
        "summary": f"What paper {n} found.",
        "authors": [{"_id": f"a{n}", "name": f"Author {n}", "hidden": False}],
        "publishedAt": f"{day - dt.timedelta(days=2)}T17:00:00.000Z",
        "upvotes": n,
        "githubRepo": f"https://github.com/lab/p{n}",
        "githubStars": 10 * n,
        "projectPage": None,
        "ai_summary": f"Summary {n}.",
        "ai_keywords": ["k"],
    }
    fields.update(paper)
    return {
        "paper": fields,
        "publishedAt": f"{day}T06:00:00.000Z",
        "title": fields["title"],
        "numComments": 1,
        "submittedBy": {"name": "someone"},
    }


Handler = Callable[[httpx.Request], httpx.Response]


class Server:
    """Serves day lists in pages as the API does, and records the requests."""

    def __init__(self, lists: dict[str, list[dict[str, Any]]]) -> None:
        self.lists = lists
        self.requests: list[httpx.Request] = []
        self.override: dict[int, httpx.Response] = {}
        """Answers by request number (0-based), served instead of the list."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        number = len(self.requests)
        self.requests.append(request)
        if number in self.override:
            return self.override[number]
        assert request.url.path == "/api/daily_papers"
        params = request.url.params
        items = self.lists.get(params["date"], [])
        page, limit = int(params["p"]), int(params["limit"])
        return httpx.Response(200, json=items[page * limit : (page + 1) * limit])


class FakeTime:
    def __init__(self) -> None:
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def client(handler: Handler, fake: FakeTime | None = None) -> HttpClient:
    return HttpClient(
        Endpoints(hf=HF),
        transport=httpx.MockTransport(handler),
        sleep=(fake or FakeTime()).sleep,
    )


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in a folder, with its bytes and modification time (ns)."""
    if not folder.exists():
        return {}
    return {
        path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in sorted(folder.iterdir())
    }


def run_fetch(
    server: Server, library: Path, days: list[dt.date], fake: FakeTime | None = None
) -> list[fetch.Day]:
    with client(server, fake) as http:
        return fetch.fetch(days, library, http, base=HF, known=fetch.library_ids(library))


# Which days


def test_days_named_by_each_option() -> None:
    today = dt.date(2026, 11, 27)  # a Friday
    assert fetch.days(until=today) == [today]
    assert fetch.days(date="2026-11-20", until=today) == [DAY]
    week = fetch.days(week="2026-W47", until=today)
    assert week[0] == dt.date(2026, 11, 16) and week[-1] == dt.date(2026, 11, 22)
    assert len(week) == 7 and week[0].weekday() == 0
    assert fetch.days(week="2026-W48", until=today)[-1] == today  # stops at today
    assert len(fetch.days(month="2026-02", until=today)) == 28
    assert len(fetch.days(month="2024-02", until=today)) == 29
    assert fetch.days(month="2026-11", until=today)[-1] == today
    assert fetch.days(since="2026-11-25", until=today) == [
        dt.date(2026, 11, 25),
        dt.date(2026, 11, 26),
        today,
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"date": "2026-13-01"}, "--date wants a day as YYYY-MM-DD"),
        ({"date": "yesterday"}, "--date wants a day as YYYY-MM-DD"),
        ({"date": "2026-11-28"}, "in the future"),
        ({"week": "2026-W54"}, "--week wants YYYY-Www"),
        ({"week": "47"}, "--week wants YYYY-Www"),
        ({"month": "2026-13"}, "--month wants YYYY-MM"),
        ({"month": "2027-01"}, "in the future"),
        ({"since": "2020-01-01"}, "too many"),
    ],
)
def test_bad_days_are_usage_errors(options: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        fetch.days(**options, until=dt.date(2026, 11, 27))


# Fetching


def test_a_day_is_kept_as_the_api_gave_it_and_loads(tmp_path: Path) -> None:
    items = [item(1), item(2, projectPage="https://p2.example.org"), item(3)]
    del items[2]["paper"]["githubRepo"]  # missing fields are fine
    items[2]["paper"]["authors"] = None
    server = Server({"2026-11-20": items})
    (result,) = run_fetch(server, tmp_path, [DAY])
    assert result == fetch.Day(DAY, 3, 3, True, tmp_path / "daily-2026-11-20.json")
    assert json.loads((tmp_path / "daily-2026-11-20.json").read_bytes()) == items
    params = server.requests[0].url.params
    assert (params["date"], params["p"], params["limit"]) == ("2026-11-20", "0", "50")
    catalog = paperterm.load([tmp_path])
    first = catalog[paper_id("Paper Number 1 of the Day")]
    assert first.meta is not None
    assert (first.meta.arxiv_id, first.meta.upvotes, first.meta.github_stars) == (
        "2611.00001",
        1,
        10,
    )
    assert first.meta.listed == "2026-11-20"
    assert catalog[paper_id("Paper Number 3 of the Day")].meta.authors == ()  # type: ignore[union-attr]


def test_paging_until_a_short_page(tmp_path: Path) -> None:
    items = [item(n) for n in range(1, 121)]  # 50 + 50 + 20
    server = Server({"2026-11-20": items})
    (result,) = run_fetch(server, tmp_path, [DAY])
    assert [request.url.params["p"] for request in server.requests] == ["0", "1", "2"]
    assert (result.papers, result.new) == (120, 120)
    assert json.loads(result.path.read_bytes()) == items  # type: ignore[union-attr]


def test_a_full_last_page_costs_one_more_empty_page(tmp_path: Path) -> None:
    server = Server({"2026-11-20": [item(n) for n in range(1, 101)]})
    (result,) = run_fetch(server, tmp_path, [DAY])
    assert [request.url.params["p"] for request in server.requests] == ["0", "1", "2"]
    assert result.papers == 100


def test_an_item_repeated_on_the_next_page_is_kept_once(tmp_path: Path) -> None:
    # The list shifted between two requests: item 50 is on both pages.
    first = [item(n) for n in range(1, 51)]
    second = [item(n) for n in range(50, 60)]
    server = Server({})
    server.override = {
        0: httpx.Response(200, json=first),
        1: httpx.Response(200, json=second),
    }
    (result,) = run_fetch(server, tmp_path, [DAY])
    assert result.papers == 59
    kept = json.loads(result.path.read_bytes())  # type: ignore[union-attr]
    assert [entry["paper"]["id"] for entry in kept] == [f"2611.{n:05d}" for n in range(1, 60)]


def test_a_server_that_ignores_the_page_is_caught(tmp_path: Path) -> None:
    page = [item(n) for n in range(1, 51)]
    server = Server({})
    server.override = {n: httpx.Response(200, json=page) for n in range(5)}
    with pytest.raises(NetworkError, match="gave page 1 of 2026-11-20 twice"):
        run_fetch(server, tmp_path, [DAY])
    assert snapshot(tmp_path) == {}


def test_an_empty_day_writes_nothing(tmp_path: Path) -> None:
    server = Server({})
    (result,) = run_fetch(server, tmp_path, [DAY])
    assert result == fetch.Day(DAY, 0, 0, False, None)
    assert snapshot(tmp_path) == {}


def test_the_same_answer_twice_changes_nothing_on_disk(tmp_path: Path) -> None:
    server = Server({"2026-11-20": [item(1), item(2)]})
    run_fetch(server, tmp_path, [DAY])
    before = snapshot(tmp_path)
    (again,) = run_fetch(server, tmp_path, [DAY])
    assert (again.changed, again.new, again.papers) == (False, 0, 2)
    assert snapshot(tmp_path) == before


def test_a_changed_answer_replaces_the_day_and_counts_only_new_papers(tmp_path: Path) -> None:
    server = Server({"2026-11-20": [item(1), item(2)]})
    run_fetch(server, tmp_path, [DAY])
    server.lists["2026-11-20"] = [item(1, upvotes=99), item(2), item(3)]
    (again,) = run_fetch(server, tmp_path, [DAY])
    assert (again.changed, again.papers, again.new) == (True, 3, 1)
    paper = paperterm.load([tmp_path])[paper_id("Paper Number 1 of the Day")]
    assert paper.meta is not None and paper.meta.upvotes == 99
    # Only upvotes changed: the file is replaced, and nothing is new.
    server.lists["2026-11-20"] = [item(1, upvotes=100), item(2), item(3)]
    (third,) = run_fetch(server, tmp_path, [DAY])
    assert (third.changed, third.new) == (True, 0)


def test_papers_already_in_a_text_dump_are_not_new(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text(
        "Get trending papers in your email inbox!\n"
        "Paper Number 1 of the Day\nWhat paper 1 found, as the page showed it.\n"
    )
    server = Server({"2026-11-20": [item(1), item(2)]})
    (result,) = run_fetch(server, tmp_path, [DAY])
    assert (result.papers, result.new) == (2, 1)


def test_a_range_is_fetched_day_by_day_and_a_paper_on_two_days_is_new_once(
    tmp_path: Path,
) -> None:
    days = [DAY, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=2)]
    server = Server(
        {
            "2026-11-20": [item(1), item(2)],
            # 2026-11-21: a Saturday with no list
            "2026-11-22": [item(2, DAY + dt.timedelta(days=2)), item(3)],
        }
    )
    progress: list[tuple[int, int, dt.date]] = []
    with client(server) as http:
        results = fetch.fetch(
            days, tmp_path, http, base=HF, on_progress=lambda *args: progress.append(args)
        )
    assert [(r.papers, r.new, r.changed) for r in results] == [
        (2, 2, True),
        (0, 0, False),
        (2, 1, True),
    ]
    assert progress == [(1, 3, days[0]), (2, 3, days[1]), (3, 3, days[2])]
    assert sorted(snapshot(tmp_path)) == ["daily-2026-11-20.json", "daily-2026-11-22.json"]
    # The paper listed on both days: the newer listing's metadata wins.
    paper = paperterm.load([tmp_path])[paper_id("Paper Number 2 of the Day")]
    assert paper.meta is not None and paper.meta.listed == "2026-11-22"
    assert len(paper.sources) == 2


def test_429_then_success_waits_as_asked(tmp_path: Path) -> None:
    server = Server({"2026-11-20": [item(1)]})
    server.override = {0: httpx.Response(429, headers={"Retry-After": "7"})}
    fake = FakeTime()
    (result,) = run_fetch(server, tmp_path, [DAY], fake)
    assert fake.slept == [7.0]
    assert result.papers == 1 and len(server.requests) == 2


def test_a_500_that_lasts_fails_and_keeps_the_library(tmp_path: Path) -> None:
    (tmp_path / "daily-2026-11-19.json").write_bytes(b'[{"paper": {"title": "Old"}}]')
    before = snapshot(tmp_path)
    server = Server({"2026-11-20": [item(1)]})
    server.override = {n: httpx.Response(500) for n in range(10)}
    fake = FakeTime()
    with pytest.raises(NetworkError, match=r"hf\.test answered 500 \(Internal Server Error\)"):
        run_fetch(server, tmp_path, [DAY], fake)
    assert len(fake.slept) == 4  # retried with backoff before giving up
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'[{"paper": {"id": "2611.00001", "title": "Cut', "not well-formed JSON"),
        (b"", "not well-formed JSON"),
        (b'{"error": "Invalid date"}', "not a daily papers answer"),
        (b'[{"title": "no paper object"}]', "not a daily papers answer"),
        (b'[{"paper": {"title": "x"}}, "junk"]', "not a daily papers answer"),
    ],
)
def test_a_malformed_answer_on_a_later_day_keeps_nothing(
    tmp_path: Path, body: bytes, message: str
) -> None:
    server = Server({"2026-11-20": [item(1)]})
    server.override = {1: httpx.Response(200, content=body)}
    with pytest.raises(NetworkError, match=message):
        run_fetch(server, tmp_path, [DAY, DAY + dt.timedelta(days=1)])
    assert snapshot(tmp_path) == {}  # the first day, fetched well, is not kept either


def test_a_refused_connection_is_one_line(tmp_path: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    with pytest.raises(NetworkError) as caught, client(refuse) as http:
        fetch.fetch([DAY], tmp_path, http, base=HF)
    assert str(caught.value) == "cannot reach hf.test: connection refused"
    assert snapshot(tmp_path) == {}


def test_a_write_that_fails_half_way_puts_the_library_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = Server({"2026-11-20": [item(1)], "2026-11-21": [item(2)], "2026-11-22": [item(3)]})
    days = [DAY + dt.timedelta(days=n) for n in range(3)]
    run_fetch(server, tmp_path, days[:1])
    server.lists["2026-11-20"] = [item(1, upvotes=5)]
    before = snapshot(tmp_path)
    real = fsio.replace
    calls: list[Path] = []

    def failing(path: Path, data: bytes, **options: Any) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real(path, data, **options)

    monkeypatch.setattr(fsio, "replace", failing)
    with pytest.raises(fetch.FetchError, match="No space left on device; nothing kept"):
        run_fetch(server, tmp_path, days)
    assert {name: data for name, (data, _) in snapshot(tmp_path).items()} == {
        name: data for name, (data, _) in before.items()
    }


# The command line, end to end, against a server on 127.0.0.1


class _Recorded(BaseHTTPRequestHandler):
    answers: ClassVar[dict[str, tuple[int, bytes, dict[str, str]]]] = {}
    seen: ClassVar[list[tuple[str, dict[str, str]]]] = []

    def do_GET(self) -> None:
        query = {key: value[0] for key, value in parse_qs(urlsplit(self.path).query).items()}
        self.seen.append((urlsplit(self.path).path, dict(self.headers)))
        status, body, headers = self.answers.get(
            f"{query.get('date')}/{query.get('p')}", (200, b"[]", {})
        )
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_hf(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Recorded]]:
    """A Hugging Face stand-in on 127.0.0.1, named by HF_ENDPOINT."""
    handler = type("Handler", (_Recorded,), {"answers": {}, "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.delenv("HF_TOKEN", raising=False)
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


def test_cli_fetch_prints_what_is_new_then_nothing(
    local_hf: type[_Recorded],
    isolated_data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    local_hf.answers["2026-11-20/0"] = (200, json.dumps([item(1), item(2)]).encode(), {})
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    assert run(["fetch", "--date", "2026-11-20"]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("2026-11-20: 2 papers, 2 new\n", "")
    assert local_hf.seen[0][0] == "/api/daily_papers"
    assert local_hf.seen[0][1]["Authorization"] == "Bearer hf_test_token"
    library = isolated_data_dir / "library"
    assert [path.name for path in library.iterdir()] == ["daily-2026-11-20.json"]
    # Again: nothing new, nothing said, exit 0 (a timer's mail stays empty).
    assert run(["fetch", "--date", "2026-11-20"]) == 0
    assert capsys.readouterr() == ("", "")
    # The library now lists them, with their metadata.
    assert run(["list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(row["arxiv_id"], row["authors"], row["year"]) for row in rows] == [
        ("2611.00001", ["Author 1"], 2026),
        ("2611.00002", ["Author 2"], 2026),
    ]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((500, b"oops", {"Retry-After": "0"}), "answered 500 (Internal Server Error) 5 times"),
        ((404, b"", {}), "answered 404 (Not Found)"),
        # The body is cut short: fewer bytes than announced, then the connection closes.
        ((200, b'[{"paper": {"title": "Cut', {"Content-Length": "4000"}), "the answer broke off"),
        ((200, b'[{"paper": {"title": "Cut', {}), "not well-formed JSON"),
    ],
)
def test_cli_fetch_failures_are_one_line_and_exit_1(
    local_hf: type[_Recorded],
    isolated_data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    answer: tuple[int, bytes, dict[str, str]],
    message: str,
) -> None:
    local_hf.answers["2026-11-20/0"] = answer
    assert run(["fetch", "--date", "2026-11-20"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("paperterm: error: ") and err.count("\n") == 1
    assert message in err
    assert not (isolated_data_dir / "library").exists()


def test_cli_fetch_with_no_server_is_one_line(
    isolated_data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), _Recorded) as probe:
        port = probe.server_address[1]  # a port nothing listens on once this closes
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    assert run(["fetch"]) == 1
    err = capsys.readouterr().err
    assert err == f"paperterm: error: cannot reach 127.0.0.1:{port}: connection refused\n"


def test_cli_fetch_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["fetch", "--date", "2026-11-20", "--week", "2026-W47"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err
    assert run(["fetch", "--month", "November"]) == 2
    assert capsys.readouterr().err == (
        "paperterm: error: --month wants YYYY-MM (like 2026-11), not 'November'\n"
    )


def test_the_library_reads_fetched_days_beside_added_dumps(
    local_hf: type[_Recorded], isolated_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layout1 = Path(__file__).parent / "fixtures" / "dumps" / "layout1.txt"
    assert run(["add", str(layout1)]) == 0
    local_hf.answers["2026-11-20/0"] = (
        200,
        json.dumps([item(1, title="Sparse Kernels for Tiny Robots")]).encode(),
        {},
    )
    capsys.readouterr()
    assert run(["fetch", "--date", "2026-11-20"]) == 0
    assert capsys.readouterr().out == ""  # the one paper was in the added dump already
    assert run(["list", "-q", "sparse kernels", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["arxiv_id"] == "2611.00001"
    assert [os.path.basename(source["path"]) for source in row["sources"]] == [
        "daily-2026-11-20.json",
        "layout1.txt",
    ]


def test_the_progress_bar_ends_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    from paperterm.cli import _FetchProgress

    bar = _FetchProgress()

    def shown() -> bool:  # a call, so that mypy does not keep what the first assert taught it
        return bar.shown

    bar(1, 2, DAY)
    assert shown()
    bar(2, 2, DAY + dt.timedelta(days=1))
    assert not shown()
    err = capsys.readouterr().err
    assert err == (
        "\rpaperterm: fetching [##########----------] 1/2 days (2026-11-20)"
        "\rpaperterm: fetching [####################] 2/2 days (2026-11-21)\n"
    )


def test_the_readers_fetcher_reloads_its_dumps_with_the_new_day(
    local_hf: type[_Recorded], tmp_path: Path, isolated_data_dir: Path
) -> None:
    from paperterm.cli import _reader_fetcher
    from paperterm.state import StateStore

    today = fetch.today().isoformat()
    local_hf.answers[f"{today}/0"] = (200, json.dumps([item(1), item(2)]).encode(), {})
    mine = tmp_path / "mine.txt"
    mine.write_text(
        "Get trending papers in your email inbox!\n"  # a page has its header (dumpformat.is_page)
        "Paper Number 2 of the Day\nSeen in my own dump first.\n"
    )
    store = StateStore.open(tmp_path / "state.json")
    result = _reader_fetcher([str(mine)], store)({paper_id("Paper Number 2 of the Day")})
    assert [(day.papers, day.new) for day in result.days] == [(2, 1)]
    assert result.catalog is not None
    assert [paper.title for paper in result.catalog] == [
        "Paper Number 2 of the Day",
        "Paper Number 1 of the Day",
    ]
    assert result.catalog.papers[0].meta is not None  # the answer's metadata, laid on
    assert result.summary == f"{today}: 2 papers, 1 new"
    assert (isolated_data_dir / "library" / f"daily-{today}.json").is_file()


def test_the_demos_fetcher_keeps_the_papers_for_the_library(
    local_hf: type[_Recorded], tmp_path: Path, isolated_data_dir: Path
) -> None:
    from paperterm.cli import _reader_fetcher
    from paperterm.state import StateStore

    today = fetch.today().isoformat()
    local_hf.answers[f"{today}/0"] = (200, json.dumps([item(1)]).encode(), {})
    store = StateStore.open(tmp_path / "demo-state.json")
    result = _reader_fetcher([], store)({"not", "the", "library"})
    assert result.catalog is None and result.kept_apart
    assert result.summary == (
        f"{today}: 1 paper, 1 new. Kept in your library: quit the demo and run `paperterm`."
    )
    assert (isolated_data_dir / "library" / f"daily-{today}.json").is_file()
