"""Shared fixtures: every test runs with its own data dir, never the user's real state."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DUMPS = Path(
    os.environ.get("PAPERTERM_SHARED_DUMPS")
    or Path(__file__).resolve().parents[1].parent / "shared" / "dumps"
)
"""The real dumps: ../shared/dumps beside the checkout, or where PAPERTERM_SHARED_DUMPS says
(a git worktree elsewhere)."""


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point platformdirs (and so the state file and the library) at a temp dir."""
    data_home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return data_home / "paperterm"


@pytest.fixture
def shared_dumps() -> Path:
    """The real Hugging Face Papers dumps in ../shared/dumps, or a skip saying they are absent."""
    if not SHARED_DUMPS.is_dir() or not any(SHARED_DUMPS.glob("*.txt")):
        pytest.skip(f"shared dumps not found at {SHARED_DUMPS}")
    return SHARED_DUMPS
