"""The reader's remembered settings: in the config dir, per catalogue, never an error to read."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from paperterm import settings
from paperterm.locations import config_settings_path, settings_path
from paperterm.settings import DEMO, LIBRARY, Place, catalogue_key

ID = "0123456789ab"


def test_nothing_saved_gives_defaults() -> None:
    loaded = settings.load()
    assert loaded.theme is None
    assert loaded.place(LIBRARY) == Place()


def test_theme_and_places_round_trip_in_the_config_dir(tmp_path: Path) -> None:
    settings.remember_theme("textual-light")
    here = Place(ID, "unread", "title", "grok !survey", 65, Path("/tmp/mine.bib"))
    settings.remember_place(LIBRARY, here)
    settings.remember_place(DEMO, Place(view="starred"))
    assert config_settings_path().is_relative_to(tmp_path / "xdg-config")
    assert not settings_path().exists()  # nothing goes to the data dir any more
    loaded = settings.load()
    assert loaded.theme == "textual-light"
    assert loaded.place(LIBRARY) == here
    assert loaded.place(DEMO) == Place(view="starred")
    assert loaded.place(catalogue_key(["a.txt"])) == Place()


def test_the_export_path_is_kept_per_catalogue() -> None:
    settings.remember_place(LIBRARY, Place(ID, "all", "relevance", "x", 50, None))
    settings.remember_export_path(LIBRARY, Path("refs.bib"))
    settings.remember_export_path(DEMO, Path("demo.bib"))
    loaded = settings.load()
    assert loaded.place(LIBRARY) == Place(ID, "all", "relevance", "x", 50, Path("refs.bib"))
    assert loaded.place(DEMO).export_path == Path("demo.bib")
    assert loaded.place(catalogue_key(["/elsewhere"])).export_path is None


def test_the_old_export_path_is_read_for_real_catalogues_only() -> None:
    settings_path().parent.mkdir(parents=True)
    settings_path().write_bytes(orjson.dumps({"export_path": "/home/me/old.bib"}))
    loaded = settings.load()
    assert loaded.place(LIBRARY).export_path == Path("/home/me/old.bib")
    assert loaded.place(catalogue_key(["x.txt"])).export_path == Path("/home/me/old.bib")
    assert loaded.place(DEMO).export_path is None
    settings.remember_export_path(LIBRARY, Path("new.bib"))
    assert settings.load().place(LIBRARY).export_path == Path("new.bib")


def test_catalogue_keys() -> None:
    assert catalogue_key([], demo=True) == DEMO
    assert catalogue_key(["a.txt"], demo=True) == DEMO
    assert catalogue_key([]) == LIBRARY
    assert catalogue_key(["a.txt", "b"]) == catalogue_key(["b", "./a.txt", "a.txt"])
    assert catalogue_key(["a.txt"]) == catalogue_key([Path.cwd() / "a.txt"])
    assert catalogue_key(["a.txt"]) != catalogue_key(["b.txt"])
    assert catalogue_key([os.fsdecode(b"caf\xe9.txt")]).startswith("paths:")  # undecodable name


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"theme": 3, "catalogues": []}',
        b'{"theme": "\\u001b[2J", "catalogues": {"library": "x"}}',
        b'{"catalogues": {"library": {"paper": "nope", "view": "../x", "sort": 4, "split": 99,'
        b' "filter": 7, "export_path": ""}}}',
        b'{"catalogues": {"library": {"split": true, "export_path": "a\\u0000b"}}}',
    ],
)
def test_a_malformed_file_gives_defaults(content: bytes) -> None:
    config_settings_path().parent.mkdir(parents=True)
    config_settings_path().write_bytes(content)
    loaded = settings.load()
    assert loaded.theme is None
    assert loaded.place(LIBRARY) == Place()


def test_a_remembered_filter_is_cleaned_of_escape_sequences() -> None:
    config_settings_path().parent.mkdir(parents=True)
    record = {"catalogues": {LIBRARY: {"filter": "grok\x1b]52;c;aGk=\x07 !survey"}}}
    config_settings_path().write_bytes(orjson.dumps(record))
    assert settings.load().place(LIBRARY).filter == "grok !survey"


def test_writing_keeps_what_another_reader_wrote() -> None:
    settings.remember_place(LIBRARY, Place(view="unread"))
    # Another process writes its catalogue in between: this one's write keeps it.
    data = orjson.loads(config_settings_path().read_bytes())
    data["catalogues"]["paths:other"] = {"sort": "title", "used": 1.0}
    config_settings_path().write_bytes(orjson.dumps(data))
    settings.remember_theme("nord")
    loaded = settings.load()
    assert loaded.place("paths:other") == Place(sort="title")
    assert loaded.place(LIBRARY) == Place(view="unread")


def test_only_the_catalogues_used_last_are_kept() -> None:
    for number in range(settings.KEPT_CATALOGUES + 3):
        settings.remember_place(f"paths:{number}", Place(split=20 + number % 60))
    places = settings.load().places
    assert len(places) == settings.KEPT_CATALOGUES
    assert "paths:0" not in places and f"paths:{settings.KEPT_CATALOGUES + 2}" in places


def test_a_bad_theme_name_is_refused() -> None:
    with pytest.raises(ValueError):
        settings.remember_theme("\x1b[31m")


def test_no_temp_file_is_left_behind() -> None:
    settings.remember_export_path(LIBRARY, Path("refs.bib"))
    settings.remember_theme("nord")
    assert [p.name for p in config_settings_path().parent.iterdir()] == ["settings.json"]
