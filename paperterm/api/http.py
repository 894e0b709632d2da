"""The one HTTP client paperterm uses: polite, bounded, and testable without a network.

Every request has a timeout. A 429 or a 5xx answer is retried with a growing pause, or the
pause the server asks for in ``Retry-After`` (up to a bound: a server asking for more is
given up on with one line, never waited out). A host can be paced (arXiv asks for one request
every 3 seconds). ``HF_TOKEN``, when set, is sent as a bearer token to the Hugging Face
endpoint only, never to another host. Answers are read up to a size limit.

Every failure the user can meet is one :class:`~paperterm.errors.NetworkError` with a one-line
message: no network, a host name not found, a refused connection, a timeout, an HTTP error, an
answer that is not what was documented. Tests pass ``transport=httpx.MockTransport(...)`` and a
fake ``sleep``/``clock`` so they neither touch the network nor wait.
"""

from __future__ import annotations

import email.utils
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from paperterm.errors import NetworkError
from paperterm.sanitize import printable

DEFAULT_HF = "https://huggingface.co"
DEFAULT_ARXIV = "https://export.arxiv.org/api/query"
TIMEOUT = 20.0
"""Seconds for connecting, and between two pieces of an answer."""
RETRIES = 4
"""Further tries after a 429, a 5xx or a timeout."""
BACKOFF = 2.0
"""The first pause before a retry when the server names none; doubled each time."""
MAX_WAIT = 90.0
"""The longest pause honoured; a server asking for more is given up on."""
MAX_BYTES = 32 * 1024 * 1024
"""The largest answer read (a search answer is ~100 KB, 100 arXiv entries ~300 KB)."""
WHOLE_WITHIN = 120.0
"""Seconds for an answer's body to come whole once it starts: a server sending a byte now and
then never trips :data:`TIMEOUT`."""

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


def _version() -> str:
    from paperterm import __version__

    return __version__


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where the APIs are: from the environment, so a test or a mirror can point elsewhere."""

    hf: str = DEFAULT_HF
    """Hugging Face's base URL (``HF_ENDPOINT``, as huggingface_hub reads it), no final slash."""
    arxiv: str = DEFAULT_ARXIV
    """arXiv's export API query URL (``PAPERTERM_ARXIV_URL``)."""
    token: str | None = field(default=None, repr=False)
    """``HF_TOKEN``: sent as a bearer token to ``hf`` only."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Endpoints:
        """The endpoints the environment names (the defaults for what it leaves unset)."""
        env = os.environ if environ is None else environ
        hf = (env.get("HF_ENDPOINT") or "").strip() or DEFAULT_HF
        arxiv = (env.get("PAPERTERM_ARXIV_URL") or "").strip() or DEFAULT_ARXIV
        token = (env.get("HF_TOKEN") or "").strip() or None
        if token is not None and (not token.isascii() or not token.isprintable() or " " in token):
            # httpx would refuse the header, quoting it whole in its error (the secret in a
            # log), or fail to encode it (a traceback)
            raise NetworkError(
                "HF_TOKEN holds a space, a control or a non-ASCII character (a pasted quote?):"
                " fix or unset it"
            )
        for name, url in (("HF_ENDPOINT", hf), ("PAPERTERM_ARXIV_URL", arxiv)):
            try:
                parts = urlsplit(url)
                usable = parts.scheme in ("http", "https") and bool(parts.hostname)
                parts.port  # noqa: B018 - raises ValueError for a port that is not a number
            except ValueError:
                usable = False
            if not usable:
                shown = printable(re.sub(r"//[^/@]*@", "//", url))  # never a password
                raise NetworkError(f"{name} is not an http(s) URL: {shown}")
        return cls(hf=hf.rstrip("/"), arxiv=arxiv, token=token)


def host_name(url: str) -> str:
    """The host part of ``url`` (and its port), safe to print: never a ``user:password@``."""
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        netloc = ""
    return printable(netloc.rpartition("@")[2] or url.rpartition("@")[2])


def _reason(exc: httpx.TransportError) -> str:
    """What went wrong on the way, in words, from the transport's exception."""
    text = str(exc) or type(exc).__name__
    low = text.lower()
    if isinstance(exc, httpx.TimeoutException):
        return "no answer in time"
    if any(
        sign in low
        for sign in (
            "name or service not known",
            "nodename nor servname",
            "temporary failure in name resolution",
            "getaddrinfo",
            "no address associated",
            "name resolution",
        )
    ):
        return "host name not found (no network, or a DNS failure)"
    if "refused" in low:
        return "connection refused"
    if "unreachable" in low:
        return "no network (unreachable)"
    first = printable(text.splitlines()[0]) if text.splitlines() else type(exc).__name__
    return first[:200]


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), or None.

    ``now`` is the wall-clock time (seconds since the epoch) to measure a date against.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


class HttpClient:
    """GET requests with timeouts, retries, pacing and one error type.

    Use it as a context manager, or call :meth:`close`. ``sleep`` and ``clock`` (monotonic
    seconds) are what the client waits and measures with; ``wall`` gives the epoch time for
    ``Retry-After`` dates. ``pace`` maps a host (``export.arxiv.org``) to the fewest seconds
    between two requests to it.
    """

    def __init__(
        self,
        endpoints: Endpoints | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = TIMEOUT,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
        max_wait: float = MAX_WAIT,
        max_bytes: int = MAX_BYTES,
        whole_within: float = WHOLE_WITHIN,
        pace: Mapping[str, float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.endpoints = endpoints if endpoints is not None else Endpoints.from_env()
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.max_bytes = max_bytes
        self.whole_within = whole_within
        self.pace = dict(pace or {})
        self.sleep = sleep
        self.clock = clock
        self.wall = wall
        self.requests = 0
        """How many requests were sent (tries included): for tests and summaries."""
        self._last: dict[str, float] = {}
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            headers={"User-Agent": f"paperterm/{_version()} (terminal paper reader)"},
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def _headers(self, url: str) -> dict[str, str]:
        token = self.endpoints.token
        if token and url.startswith(self.endpoints.hf + "/"):
            return {"Authorization": f"Bearer {token}"}
        return {}

    def _wait_turn(self, host: str) -> None:
        interval = self.pace.get(host)
        if not interval:
            return
        last = self._last.get(host)
        if last is not None:
            remaining = interval - (self.clock() - last)
            if remaining > 0:
                self.sleep(remaining)
        self._last[host] = self.clock()

    def _read(self, response: httpx.Response, url: str) -> bytes:
        chunks: list[bytes] = []
        size = 0
        deadline = self.clock() + self.whole_within
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise NetworkError(
                    f"{host_name(url)}: the answer is larger than {self.max_bytes // 1_048_576} MB"
                )
            if self.clock() > deadline:
                raise NetworkError(
                    f"{host_name(url)}: the answer did not come whole within"
                    f" {self.whole_within:.0f} s"
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def get(
        self,
        url: str,
        params: Mapping[str, str | int] | None = None,
        *,
        missing_ok: bool = False,
    ) -> bytes | None:
        """The body of ``GET url?params``; None for a 404 when ``missing_ok``.

        Raises NetworkError (one line) for anything else that is not a 2xx answer in the end;
        the line never holds ``HF_TOKEN`` (an exception's text may quote the request).
        """
        try:
            return self._get(url, params, missing_ok=missing_ok)
        except NetworkError as error:
            token = self.endpoints.token
            if token and token in str(error):
                raise NetworkError(str(error).replace(token, "[HF_TOKEN]")) from None
            raise

    def _get(
        self,
        url: str,
        params: Mapping[str, str | int] | None = None,
        *,
        missing_ok: bool = False,
    ) -> bytes | None:
        host = urlsplit(url).netloc
        attempt = 0
        while True:
            self._wait_turn(host)
            self.requests += 1
            try:
                with self._client.stream(
                    "GET", url, params=params, headers=self._headers(url)
                ) as response:
                    status = response.status_code
                    if 200 <= status < 300:
                        return self._read(response, url)
                    if status == 404 and missing_ok:
                        return None
                    asked = retry_after(response.headers.get("Retry-After"), self.wall())
            except httpx.TimeoutException as exc:
                if attempt >= self.retries:
                    raise NetworkError(
                        f"{host_name(url)}: {_reason(exc)} after {attempt + 1} tries"
                    ) from None
                self.sleep(min(self.backoff * 2**attempt, self.max_wait))
                attempt += 1
                continue
            except httpx.RemoteProtocolError as exc:
                # The server was reached, but its answer broke off (or was not HTTP).
                raise NetworkError(
                    f"{host_name(url)}: the answer broke off ({_reason(exc)})"
                ) from None
            except httpx.TransportError as exc:
                raise NetworkError(f"cannot reach {host_name(url)}: {_reason(exc)}") from None
            except httpx.InvalidURL as exc:
                raise NetworkError(f"not a usable URL: {printable(str(exc))[:200]}") from None
            except httpx.TooManyRedirects:
                raise NetworkError(f"{host_name(url)}: too many redirects") from None
            except httpx.DecodingError:
                raise NetworkError(
                    f"{host_name(url)}: the answer cannot be decoded (its Content-Encoding)"
                ) from None
            except httpx.HTTPError as exc:  # any other way a request can fail: one line
                raise NetworkError(
                    f"{host_name(url)}: {printable(str(exc) or type(exc).__name__)[:200]}"
                ) from None
            phrase = _status_phrase(status)
            if status not in _RETRY_STATUS:
                raise NetworkError(f"{host_name(url)} answered {status}{phrase}")
            if attempt >= self.retries:
                raise NetworkError(
                    f"{host_name(url)} answered {status}{phrase} {attempt + 1} times;"
                    " try again later"
                )
            wait = asked if asked is not None else self.backoff * 2**attempt
            if wait > self.max_wait:
                raise NetworkError(
                    f"{host_name(url)} answered {status}{phrase} and asks to wait {wait:.0f} s;"
                    " try again later"
                )
            self.sleep(wait)
            attempt += 1

    def get_json(
        self,
        url: str,
        params: Mapping[str, str | int] | None = None,
        *,
        missing_ok: bool = False,
    ) -> Any:
        """The parsed JSON body of ``GET url?params`` (None for a 404 when ``missing_ok``)."""
        body = self.get(url, params, missing_ok=missing_ok)
        if body is None:
            return None
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            raise NetworkError(f"{host_name(url)}: the answer is not JSON") from None


def _status_phrase(status: int) -> str:
    try:
        from http import HTTPStatus

        return f" ({HTTPStatus(status).phrase})"
    except ValueError:
        return ""
