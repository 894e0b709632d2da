"""benchmarks/synth.py's command line: a synthetic dump of N papers, of either kind, to a path."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import paperterm


@pytest.fixture
def synth() -> Iterator[ModuleType]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        import synth

        yield synth
    finally:
        sys.path.pop(0)


@pytest.mark.parametrize("kind", ["default", "long"])
def test_writes_the_papers_of_the_kind_asked_for(
    synth: ModuleType, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dump.txt"
    assert synth.main([str(path), "--papers", "40", "--kind", kind, "--seed", "5"]) == 0
    catalog = paperterm.load([path])
    assert catalog.warnings == ()
    expected = list(synth.papers(40, seed=5, long_abstracts=kind == "long"))
    assert [(p.title, p.abstract) for p in catalog] == expected
    shortest = synth.LONG[0] if kind == "long" else synth.SHORT[0]
    assert min(len(abstract) for _, abstract in expected) >= shortest - 1
    assert (
        capsys.readouterr().out
        == f"{path}: 40 papers ({kind}), {path.stat().st_size / 1e6:.1f} MB\n"
    )


def test_the_default_is_100k_packed_papers_and_counts_take_k_and_m(
    synth: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = []

    def written(path: Path, count: int, seed: int, layout: int, long_abstracts: bool) -> int:
        parsed.append((count, seed, layout, long_abstracts))
        return 0

    monkeypatch.setattr(synth, "write_dump", written)
    synth.main(["x.txt"])
    synth.main(["x.txt", "--papers", "2.5k", "--layout", "2", "--seed", "3"])
    synth.main(["x.txt", "--papers", "1m", "--kind", "long"])
    assert parsed == [(100_000, 0, 1, False), (2_500, 3, 2, False), (1_000_000, 0, 1, True)]


def test_layout_2_reads_back(synth: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    synth.main([str(path), "--papers", "7", "--layout", "2"])
    assert [(p.title, p.abstract) for p in paperterm.load([path])] == list(synth.papers(7))


def test_help(synth: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        synth.main(["--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage:") and "--papers" in out and "--kind" in out


@pytest.mark.parametrize(
    "args", [["--papers", "0"], ["--papers", "many"], ["--kind", "short"], ["--layout", "3"], []]
)
def test_bad_options_are_usage_errors(
    synth: ModuleType, tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = [str(tmp_path / "dump.txt")] if args else []
    with pytest.raises(SystemExit) as stopped:
        synth.main([*path, *args])
    assert stopped.value.code == 2
    assert "error:" in capsys.readouterr().err
    assert not (tmp_path / "dump.txt").exists()


def test_an_unwritable_path_is_one_line_and_no_traceback(
    synth: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        synth.main([str(tmp_path / "missing" / "dump.txt"), "--papers", "3"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write" in err and "Traceback" not in err
