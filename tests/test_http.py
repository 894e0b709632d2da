"""The HTTP client: timeouts, retries, pacing, the token, one-line errors; never the network."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from paperterm.api.http import (
    DEFAULT_ARXIV,
    DEFAULT_HF,
    Endpoints,
    HttpClient,
    host_name,
    retry_after,
)
from paperterm.errors import NetworkError

HF = "https://hf.test"
ARXIV = "https://arxiv.test/api/query"


class FakeTime:
    """A clock that only moves when the client sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now

    def wall(self) -> float:
        return 1_700_000_000.0 + self.now


def client(
    handler: Callable[[httpx.Request], httpx.Response],
    fake: FakeTime | None = None,
    *,
    token: str | None = None,
    **options: object,
) -> HttpClient:
    fake = fake or FakeTime()
    return HttpClient(
        Endpoints(hf=HF, arxiv=ARXIV, token=token),
        transport=httpx.MockTransport(handler),
        sleep=fake.sleep,
        clock=fake.clock,
        wall=fake.wall,
        **options,  # type: ignore[arg-type]
    )


def test_endpoints_from_the_environment() -> None:
    assert Endpoints.from_env({}) == Endpoints(hf=DEFAULT_HF, arxiv=DEFAULT_ARXIV)
    env = {"HF_ENDPOINT": "http://127.0.0.1:8080/", "PAPERTERM_ARXIV_URL": "http://a/q"}
    ends = Endpoints.from_env({**env, "HF_TOKEN": "hf_secret"})
    assert ends == Endpoints(hf="http://127.0.0.1:8080", arxiv="http://a/q", token="hf_secret")
    assert "hf_secret" not in repr(ends)
    with pytest.raises(NetworkError, match="HF_ENDPOINT is not an http"):
        Endpoints.from_env({"HF_ENDPOINT": "file:///etc/passwd"})
    for malformed in ("http://[::1", "http://host:port/", "http://me:s3cret@"):
        with pytest.raises(NetworkError, match="HF_ENDPOINT is not an http") as refused:
            Endpoints.from_env({"HF_ENDPOINT": malformed})
        assert "s3cret" not in str(refused.value)
    assert host_name("http://me:s3cret@127.0.0.1:8080/api") == "127.0.0.1:8080"
    for bad in ("hf_one\ntwo", "hf_one two", "hf_\x1b[2J", "\u201chf_quoted\u201d"):
        with pytest.raises(NetworkError, match="HF_TOKEN holds") as refused:
            Endpoints.from_env({"HF_TOKEN": bad})
        assert "hf_" not in str(refused.value)


def test_no_error_line_holds_the_token() -> None:
    """An exception's text may quote the request (h11 quotes a header it refuses): the line
    says where the token was, never the token."""

    def quoting(request: httpx.Request) -> httpx.Response:
        raise httpx.LocalProtocolError(f"Illegal header value {request.headers['Authorization']}")

    http = client(quoting, token="hf_secret")
    with http, pytest.raises(NetworkError) as failed:
        http.get(f"{HF}/api/papers/search")
    assert "hf_secret" not in str(failed.value) and "Bearer [HF_TOKEN]" in str(failed.value)


def test_json_answer_and_headers() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[{"paper": {"id": "1803.03635"}}])

    with client(handler, token="secret") as http:
        assert http.get_json(f"{HF}/api/papers/search", {"q": "lottery ticket"}) == [
            {"paper": {"id": "1803.03635"}}
        ]
        assert http.get(ARXIV, {"id_list": "1803.03635"}) is not None
    assert seen[0].url.params["q"] == "lottery ticket"
    assert seen[0].headers["Authorization"] == "Bearer secret"
    assert seen[0].headers["User-Agent"].startswith("paperterm/")
    # The token goes to Hugging Face only.
    assert "Authorization" not in seen[1].headers


def test_no_token_no_authorization() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    with client(handler) as http:
        http.get_json(f"{HF}/api/papers/1803.03635")
    assert "Authorization" not in seen[0].headers


def test_404_is_none_when_allowed_and_an_error_otherwise() -> None:
    with client(lambda request: httpx.Response(404, text="no")) as http:
        assert http.get_json(f"{HF}/api/papers/0000.00000", missing_ok=True) is None
        with pytest.raises(NetworkError, match=r"^hf.test answered 404 \(Not Found\)$"):
            http.get_json(f"{HF}/api/papers/0000.00000")
        assert http.requests == 2  # never retried


def test_429_honours_retry_after_seconds() -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(429, headers={"Retry-After": "3"}),
            httpx.Response(200, json=[]),
        ]
    )
    fake = FakeTime()
    with client(lambda request: next(answers), fake) as http:
        assert http.get_json(f"{HF}/api/papers/search", {"q": "x"}) == []
        assert http.requests == 3
    assert fake.slept == [7.0, 3.0]


def test_retry_after_as_an_http_date() -> None:
    assert retry_after("Wed, 21 Oct 2015 07:28:10 GMT", 1445412480.0) == 10.0
    assert retry_after("Wed, 21 Oct 2015 07:28:10 GMT", 1445412500.0) == 0.0
    assert retry_after("soon", 0.0) is None
    assert retry_after(None, 0.0) is None


def test_5xx_backs_off_then_gives_up_with_one_line() -> None:
    fake = FakeTime()
    with client(lambda request: httpx.Response(503), fake, retries=3) as http:
        with pytest.raises(NetworkError) as caught:
            http.get(f"{HF}/api/papers/search")
        assert http.requests == 4
    assert fake.slept == [2.0, 4.0, 8.0]
    message = str(caught.value)
    assert "\n" not in message
    assert message == "hf.test answered 503 (Service Unavailable) 4 times; try again later"


def test_a_500_then_success() -> None:
    answers = iter([httpx.Response(500), httpx.Response(200, content=b"<feed/>")])
    with client(lambda request: next(answers)) as http:
        assert http.get(ARXIV) == b"<feed/>"


def test_a_long_retry_after_is_not_waited_out() -> None:
    fake = FakeTime()
    http = client(lambda request: httpx.Response(429, headers={"Retry-After": "3600"}), fake)
    with http, pytest.raises(NetworkError, match="asks to wait 3600 s; try again later"):
        http.get(f"{HF}/api/papers/search")
    assert fake.slept == []


def test_other_http_errors_are_not_retried() -> None:
    with client(lambda request: httpx.Response(403)) as http:
        with pytest.raises(NetworkError, match=r"answered 403 \(Forbidden\)"):
            http.get(ARXIV)
        assert http.requests == 1


def test_timeouts_are_retried_then_reported() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(200, json={"ok": True})

    with client(handler) as http:
        assert http.get_json(f"{HF}/x") == {"ok": True}

    def always(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    http = client(always, retries=1)
    with http, pytest.raises(NetworkError, match=r"^hf.test: no answer in time after 2 tries$"):
        http.get(f"{HF}/x")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("[Errno -2] Name or service not known", "host name not found"),
        ("[Errno -3] Temporary failure in name resolution", "host name not found"),
        ("[Errno 111] Connection refused", "connection refused"),
        ("[Errno 101] Network is unreachable", "no network"),
        ("something odd\nwith a second line \x1b[2J", "something odd"),
    ],
)
def test_connection_failures_are_one_line(error: str, expected: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(error, request=request)

    with client(handler) as http:
        with pytest.raises(NetworkError) as caught:
            http.get(f"{HF}/api/papers/search")
        assert http.requests == 1
    message = str(caught.value)
    assert message.startswith("cannot reach hf.test: ")
    assert expected in message
    assert "\n" not in message and "\x1b" not in message


def test_a_real_refused_connection() -> None:
    """A port on loopback where nothing listens: the real transport's error, one line."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    http = HttpClient(Endpoints(hf=f"http://127.0.0.1:{port}"), timeout=5, retries=0)
    with (
        http,
        pytest.raises(NetworkError, match=r"cannot reach 127\.0\.0\.1:\d+: connection refused"),
    ):
        http.get(f"http://127.0.0.1:{port}/api/papers/search")


def test_malformed_json_is_one_line() -> None:
    http = client(lambda request: httpx.Response(200, content=b'[{"paper": '))
    with http, pytest.raises(NetworkError, match=r"^hf.test: the answer is not JSON$"):
        http.get_json(f"{HF}/api/papers/search")


def test_a_redirect_loop_and_a_broken_encoding_are_one_line() -> None:
    """A captive portal, a misconfigured mirror or proxy: each a NetworkError (one line in the
    command line, a message in the reader), never an exception httpx has and the callers not."""

    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": f"{request.url.path}x"})

    http = client(loop)
    with http, pytest.raises(NetworkError, match=r"^hf.test: too many redirects$"):
        http.get(f"{HF}/api/papers/search")

    def broken(request: httpx.Request) -> httpx.Response:
        gzip = {"Content-Encoding": "gzip"}
        return httpx.Response(200, headers=gzip, stream=httpx.ByteStream(b"not gzip"))

    http = client(broken)
    with http, pytest.raises(NetworkError, match=r"^hf.test: the answer cannot be decoded"):
        http.get(f"{HF}/api/papers/search")

    def other(request: httpx.Request) -> httpx.Response:
        raise httpx.RequestError("a kind httpx may add one day\x1b[2J")

    http = client(other)
    with http, pytest.raises(NetworkError, match=r"^hf.test: a kind httpx may add one day\S*$"):
        http.get(f"{HF}/api/papers/search")


def test_an_oversized_answer_is_refused() -> None:
    big = httpx.Response(200, content=b"x" * 3_000_000)
    http = client(lambda request: big, max_bytes=2**20)
    with http, pytest.raises(NetworkError, match="larger than 1 MB"):
        http.get(ARXIV)


def test_an_answer_dripping_in_is_given_up_on() -> None:
    """A byte every few seconds never trips the timeout between pieces: the answer must come
    whole within its own bound."""
    fake = FakeTime()

    class Drip(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            for _ in range(1000):
                fake.now += 5.0  # each byte five seconds after the last
                yield b" "

    http = client(lambda request: httpx.Response(200, stream=Drip()), fake, whole_within=60.0)
    with (
        http,
        pytest.raises(NetworkError, match=r"^hf.test: the answer did not come whole within 60 s$"),
    ):
        http.get(f"{HF}/api/papers/search")


def test_pacing_spaces_requests_to_a_host() -> None:
    fake = FakeTime()
    with client(
        lambda request: httpx.Response(200, content=b"ok"), fake, pace={"arxiv.test": 3.0}
    ) as http:
        http.get(ARXIV)
        http.get(f"{HF}/x")  # another host: not paced
        fake.now += 1.0  # work done between two arXiv calls counts
        http.get(ARXIV)
        http.get(ARXIV)
    assert fake.slept == [2.0, 3.0]
