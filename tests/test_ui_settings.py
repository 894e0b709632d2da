"""The UI's small settings file: the remembered export path."""

from __future__ import annotations

from pathlib import Path

import orjson

from paperterm.locations import settings_path
from paperterm.ui import settings


def test_nothing_remembered_at_first() -> None:
    assert settings.last_export_path() is None


def test_the_export_path_is_remembered(tmp_path: Path) -> None:
    settings.remember_export_path(tmp_path / "refs.bib")
    assert settings.last_export_path() == tmp_path / "refs.bib"
    settings.remember_export_path(tmp_path / "other.bib")
    assert settings.last_export_path() == tmp_path / "other.bib"


def test_other_settings_are_kept(tmp_path: Path) -> None:
    settings_path().parent.mkdir(parents=True)
    settings_path().write_bytes(orjson.dumps({"theme": "nord"}))
    settings.remember_export_path(tmp_path / "refs.bib")
    assert orjson.loads(settings_path().read_bytes()) == {
        "theme": "nord",
        "export_path": str(tmp_path / "refs.bib"),
    }


def test_a_damaged_settings_file_is_ignored() -> None:
    settings_path().parent.mkdir(parents=True)
    for junk in (b"{not json", b"[1, 2]", b'{"export_path": 3}'):
        settings_path().write_bytes(junk)
        assert settings.last_export_path() is None


def test_no_temp_file_is_left_behind(tmp_path: Path) -> None:
    settings.remember_export_path(tmp_path / "refs.bib")
    assert [p.name for p in settings_path().parent.iterdir()] == ["settings.json"]
