"""Hugging Face daily papers into the library: ``paperterm fetch`` and the reader's command.

``GET {HF}/api/daily_papers?date=YYYY-MM-DD&p=N&limit=50`` gives one page of a day's list; a
day is asked page after page (``p`` from 0) until a page holds fewer than ``limit`` items. The
decisions:

* Days: one (``--date``), an ISO week (``--week 2026-W47``, Monday to Sunday), a month
  (``--month 2026-11``), or every day from one to today (``--since``); by default today. Days
  are UTC days, as Hugging Face dates its lists, and a range stops at today; at most
  :data:`MAX_DAYS` days at a time (the anonymous API allows about 500 requests per 5 minutes).
* Each day is kept as one file, ``daily-YYYY-MM-DD.json`` in the library: the items as the API
  gave them, every field kept (so a newer paperterm reads more from the same file), the pages
  of a day joined in order into one array (an item repeated on a later page, as when a list
  shifts between two requests, is kept once). Only a well-formed answer is kept: each page an
  array of objects, at least one with a ``paper`` object (:func:`paperterm.apidump.problem`).
  A day with no papers (a weekend) writes no file.
* The same answer twice changes nothing on disk (the file's bytes are compared first); a
  changed answer (new papers, new upvotes) replaces the file whole (:func:`paperterm.fsio.replace`).
* All or nothing: every day is asked first, and the files are written only when all of them
  answered well; if a write then fails, the files already written are put back as they were.
  So a failure leaves the library exactly as it was (and Ctrl-C before the writes, too).
* A paper is new when its id is in no dump of the library before the fetch (a paper listed on
  two of the days fetched is new once).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import orjson

from paperterm import apidump, fsio
from paperterm.catalog import Catalog
from paperterm.errors import DumpError, NetworkError, PapertermError, UsageError
from paperterm.identity import paper_id
from paperterm.loader import load

PAGE_SIZE = 50
"""Items asked per page (the API's default page size, so no server caps it lower)."""
MAX_PAGES = 40
"""Pages asked for one day at most (2,000 papers; a busy day lists about 100)."""
MAX_DAYS = 366
"""Days fetched by one command at most."""
PATH = "/api/daily_papers"

_WEEK = re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


class Getter(Protocol):
    """What fetching needs of an HTTP client (:class:`paperterm.api.http.HttpClient`)."""

    def get(self, url: str, params: Any = None, *, missing_ok: bool = False) -> bytes | None: ...


class FetchError(PapertermError):
    """The library could not be written; nothing of the fetch was kept."""


@dataclass(frozen=True, slots=True)
class Day:
    """What one day's list gave."""

    day: dt.date
    """The day."""
    papers: int
    """Papers (items with a title) in its list."""
    new: int
    """Of those, the ones in no dump of the library before the fetch."""
    changed: bool
    """Whether the day's file was written (it was missing or held another answer)."""
    path: Path | None
    """The day's file in the library; None for a day without papers."""


def today() -> dt.date:
    """Today in UTC: the day Hugging Face is listing papers for."""
    return dt.datetime.now(dt.timezone.utc).date()


def days(
    *,
    date: str | None = None,
    week: str | None = None,
    month: str | None = None,
    since: str | None = None,
    until: dt.date | None = None,
) -> list[dt.date]:
    """The days a command names, oldest first, none after ``until`` (default: today, UTC).

    At most one of ``date``, ``week``, ``month``, ``since``; none means ``until`` alone.
    Raises UsageError, one line, for a malformed or future day or too long a range.
    """
    last = until or today()
    if date is not None:
        first = end = _day(date, "--date")
        if first > last:
            raise UsageError(f"--date {date} is in the future (today is {last}, UTC)")
    elif week is not None:
        match = _WEEK.fullmatch(week.strip())
        try:
            if match is None:
                raise ValueError
            year, number = int(match.group(1)), int(match.group(2))
            first = dt.date.fromisocalendar(year, number, 1)
        except ValueError:
            raise UsageError(f"--week wants YYYY-Www (like 2026-W47), not {week!r}") from None
        end = first + dt.timedelta(days=6)
    elif month is not None:
        match = _MONTH.fullmatch(month.strip())
        try:
            if match is None:
                raise ValueError
            first = dt.date(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            raise UsageError(f"--month wants YYYY-MM (like 2026-11), not {month!r}") from None
        following = first.replace(day=28) + dt.timedelta(days=4)
        end = following - dt.timedelta(days=following.day)
    elif since is not None:
        first, end = _day(since, "--since"), last
    else:
        first = end = last
    if first > last:
        raise UsageError(f"{first} is in the future (today is {last}, UTC)")
    end = min(end, last)
    count = (end - first).days + 1
    if count > MAX_DAYS:
        raise UsageError(f"{count} days at once is too many (at most {MAX_DAYS}); fetch in parts")
    return [first + dt.timedelta(days=n) for n in range(count)]


def _day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} wants a day as YYYY-MM-DD, not {text!r}") from None


def day_file(library: Path, day: dt.date) -> Path:
    """Where a day's list is kept in the library."""
    return library / f"daily-{day.isoformat()}.json"


def fetch_day(client: Getter, base: str, day: dt.date) -> list[dict[str, Any]]:
    """One day's list, every page of it, as the API's items.

    Raises NetworkError (one line) for a failed request or an answer that is not a
    well-formed list (not JSON, cut short, not an array of items with a ``paper``).
    """
    url = f"{base}{PATH}"
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    previous: list[Any] | None = None
    for page in range(MAX_PAGES):
        params = {"date": day.isoformat(), "p": page, "limit": PAGE_SIZE}
        body = client.get(url, params)
        if body is None:  # only with missing_ok; kept for the protocol's sake
            break
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise NetworkError(
                f"the list for {day} is not well-formed JSON (cut short?); nothing kept"
            ) from None
        wrong = apidump.problem(value)
        if wrong is not None:
            raise NetworkError(f"the list for {day} is not a daily papers answer; nothing kept")
        if value and value == previous:
            raise NetworkError(f"the server gave page {page} of {day} twice; nothing kept")
        previous = value
        for item in value:
            key = _item_key(item)
            if key is None or key not in seen:
                items.append(item)
                if key is not None:
                    seen.add(key)
        if len(value) < PAGE_SIZE:
            return items
    raise NetworkError(f"the list for {day} runs past {MAX_PAGES} pages; nothing kept")


def _item_key(item: dict[str, Any]) -> str | None:
    """What tells two items apart: the paper's arXiv id, else its title; None if neither."""
    paper = item.get("paper")
    if not isinstance(paper, dict):
        return None
    for field in ("id", "title"):
        value = paper.get(field)
        if isinstance(value, str) and value:
            return f"{field}:{value}"
    return None


def answer_bytes(items: Sequence[dict[str, Any]]) -> bytes:
    """A day's items as they are kept on disk (compact JSON, the API's own field order)."""
    return orjson.dumps(list(items))


def fetch(
    when: Iterable[dt.date],
    library: Path,
    client: Getter,
    *,
    base: str,
    known: Iterable[str] = (),
    on_progress: Callable[[int, int, dt.date], None] | None = None,
) -> list[Day]:
    """Fetch these days into ``library`` (all or nothing, see the module doc).

    ``known`` are the ids of the papers in the library before (for the count of new ones).
    ``on_progress(done, total, day)`` is called after each day is fetched. Raises NetworkError
    when a day could not be fetched and FetchError when the library could not be written; in
    both cases the library is as it was.
    """
    wanted = list(when)
    answers: list[tuple[dt.date, list[dict[str, Any]]]] = []
    for done, day in enumerate(wanted, 1):
        answers.append((day, fetch_day(client, base, day)))
        if on_progress is not None:
            on_progress(done, len(wanted), day)
    seen = set(known)
    results: list[Day] = []
    writes: list[tuple[Path, bytes]] = []
    for day, items in answers:
        ids = [paper_id(entry.title) for entry in apidump.entries(items).entries]
        fresh = {key for key in ids if key not in seen}
        seen.update(ids)
        if not ids:
            results.append(Day(day, 0, 0, False, None))
            continue
        path = day_file(library, day)
        data = answer_bytes(items)
        changed = _read_or_none(path) != data
        if changed:
            writes.append((path, data))
        results.append(Day(day, len(set(ids)), len(fresh), changed, path))
    _write_all(library, writes)
    return results


@dataclass(frozen=True, slots=True)
class Refreshed:
    """What the reader's fetch brought: the days, and the catalogue to show now."""

    days: list[Day]
    """What each day gave."""
    catalog: Catalog | None
    """The papers loaded again with the days written; None when no file changed, or when the
    reader cannot take them in (the demo)."""
    kept_apart: bool = False
    """Days were written that the reader does not show (the demo: run ``paperterm`` again)."""

    @property
    def summary(self) -> str:
        """One line for the user: each day with new papers, or that nothing is new."""
        lines = [f"{day.day}: {_papers(day.papers)}, {day.new} new" for day in self.days if day.new]
        papers = sum(day.papers for day in self.days)
        if lines:
            text = "; ".join(lines)
        else:
            text = f"Nothing new ({_papers(papers)} listed)." if papers else "No papers listed yet."
        if self.kept_apart:
            text = text.rstrip(".") + ". Kept in your library: quit the demo and run `paperterm`."
        return text


def _papers(count: int) -> str:
    return f"{count} paper{'' if count == 1 else 's'}"


def refresh(
    known: Collection[str],
    *,
    library: Path,
    client: Getter,
    base: str,
    reload: Callable[[Sequence[Path]], Catalog | None],
    when: Iterable[dt.date] | None = None,
) -> Refreshed:
    """Fetch today (or ``when``) for a reader whose catalogue holds the ids ``known``.

    When a day's file was written, ``reload(written_files)`` gives the catalogue to show: the
    reader's dumps loaded again with those files (see the reader's caller), or None when the
    reader cannot take them in. Raises as :func:`fetch` does, with the library as it was.
    """
    fetched = fetch(days() if when is None else when, library, client, base=base, known=known)
    written = [day.path for day in fetched if day.changed and day.path is not None]
    if not written:
        return Refreshed(fetched, None)
    catalog = reload(written)
    return Refreshed(fetched, catalog, kept_apart=catalog is None)


def library_ids(library: Path) -> set[str]:
    """The ids of the papers in the library's dumps (none when it is missing or empty)."""
    try:
        return {paper.id for paper in load([library])}
    except DumpError:
        return set()


def _read_or_none(path: Path) -> bytes | None:
    try:
        return fsio.read_regular(path)[0]
    except FileNotFoundError:
        return None
    except OSError as error:
        raise FetchError(f"cannot read {path}: {error.strerror or error}") from None


def _write_all(library: Path, writes: Sequence[tuple[Path, bytes]]) -> None:
    """Write every file, each atomically; on a failure, put back those already written."""
    if not writes:
        return
    try:
        library.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FetchError(f"cannot create the library {library}: {error.strerror}") from None
    done: list[tuple[Path, bytes | None]] = []
    try:
        for path, data in writes:
            before = _read_or_none(path)
            fsio.replace(path, data)
            done.append((path, before))
    except OSError as error:
        for path, before in reversed(done):
            try:
                if before is None:
                    path.unlink(missing_ok=True)
                else:
                    fsio.replace(path, before)
            except OSError:
                pass  # nothing better to do; the error below names the first failure
        raise FetchError(
            f"cannot write to the library {library}: {error.strerror or error}; nothing kept"
        ) from None
