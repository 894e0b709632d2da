"""Shared fixtures: every test runs with its own data dir, never the user's real state."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from paperterm.catalog import Catalog
from test_ui_fixture import load_fixture

settings.register_profile("paperterm", deadline=None)
settings.load_profile("paperterm")
"""No example's time is checked (Hypothesis's default: 200 ms): on a busy machine a slow example
is no failure, and a test that fails by the clock is a flaky one."""

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


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    """The small made-up catalogue of test_ui_fixture, written to a temp dir and loaded (a test
    module that needs another catalogue defines its own `catalog`)."""
    return load_fixture(tmp_path / "dumps")


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    """Where the state file goes (a module that wants it elsewhere defines its own)."""
    return tmp_path / "state" / "state.json"
