"""The error types paperterm raises on bad input, so callers can catch exactly ours."""

from __future__ import annotations

from paperterm.sanitize import printable


class PapertermError(Exception):
    """Base of every error paperterm raises on purpose; its text is one line for the user."""


class UsageError(PapertermError):
    """The command line itself is wrong (an unknown option, a malformed id...)."""


class DumpError(PapertermError):
    """A dump could not be read or held no papers."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(printable(f"{where}: {message}"))


class StateError(PapertermError):
    """The state file cannot be read or written safely."""


class ExportError(PapertermError):
    """An export could not be produced or written."""


class NetworkError(PapertermError):
    """A request to an API failed: no network, a refused connection, an HTTP error, or an
    answer that is not what the API documents. Its text is one line naming the host."""
