"""Attacks with file names that are not UTF-8 (``caf\\xe9.txt``, as a Latin-1 system writes).

Python holds such a name with a lone surrogate (``caf\\udce9.txt``), which neither UTF-8 nor
JSON can encode. Every output shows the name readably, with U+FFFD for the bad byte, and the
JSON stays valid.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from paperterm.cli import run

NAME = b"caf\xe9.txt"
SHOWN = "caf\ufffd.txt"
PAGE = "Get trending papers in your email inbox!\nA Title About Cafes\nAn abstract about cafes.\n"


@pytest.fixture
def dump(tmp_path: Path) -> str:
    path = os.path.join(os.fsencode(tmp_path), NAME)
    with open(path, "wb") as out:
        out.write(PAGE.encode())
    return os.fsdecode(path)


def paperterm(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[bytes]:
    """Run paperterm as a real process: its standard output is strict UTF-8, like a terminal's."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"}
    command = [sys.executable, "-m", "paperterm", *argv, "--state", str(tmp_path / "s.json")]
    return subprocess.run(command, capture_output=True, env=env, timeout=120)


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--json"],
        ["export", "--all"],
        ["export", "--all", "-f", "markdown"],
        ["export", "--all", "-f", "csv"],
        ["export", "--all", "-f", "json"],
    ],
    ids="-".join,
)
def test_a_latin1_file_name_never_breaks_an_output(
    tmp_path: Path, dump: str, argv: list[str]
) -> None:
    done = paperterm(tmp_path, *argv, dump)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    out = done.stdout.decode("utf-8")
    if argv[1:] != ["--all"]:  # BibTeX names no dump file
        assert SHOWN in out
    if "json" in argv or "--json" in argv:
        assert orjson.loads(out)[0]["sources"][0]["path"].endswith(SHOWN)


@pytest.mark.parametrize("fmt", ["bibtex", "markdown", "csv", "json"])
def test_a_latin1_file_name_never_breaks_an_export_to_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, dump: str, fmt: str
) -> None:
    target = tmp_path / f"out.{fmt}"
    argv = ["export", "--all", "-f", fmt, "-o", str(target), dump]
    assert run([*argv, "--state", str(tmp_path / "s.json")]) == 0, capsys.readouterr().err
    text = target.read_text(encoding="utf-8")
    assert fmt == "bibtex" or SHOWN in text  # BibTeX names no dump file


def test_a_latin1_file_name_in_a_warning_is_shown_readably(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, dump: str
) -> None:
    empty = os.path.join(os.fsencode(tmp_path), b"vide\xe9.txt")
    open(empty, "wb").close()
    done = paperterm(tmp_path, "list", dump, os.fsdecode(empty))
    assert done.returncode == 0
    assert "vide\ufffd.txt: empty file" in done.stderr.decode("utf-8")


def test_a_latin1_file_name_is_added_to_the_library(tmp_path: Path, dump: str) -> None:
    done = paperterm(tmp_path, "add", dump)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    done = paperterm(tmp_path, "add", dump)
    assert SHOWN in done.stderr.decode("utf-8")
    assert "already in the library" in done.stderr.decode("utf-8")
