"""The answers of the search index, to compare two versions of it query by query.

    python benchmarks/compare_answers.py --write new.json
    PYTHONPATH=/path/to/old/checkout python benchmarks/compare_answers.py --write old.json
    python benchmarks/compare_answers.py --against old.json      # exit 1 on any difference

For the shared dumps (``../shared/dumps``, when present) and a 100k synthetic catalogue (the one
``bench_search.py`` types into), every keystroke of ``bench_search.QUERIES`` is searched through
``Catalog.search_indices`` on a freshly built index (an empty cache dir) and the whole answer,
in order, is kept as its length and a SHA-256 digest. ``--against`` compares them with a file
written by another version of paperterm (say, the commit a change started from).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from array import array
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="paperterm-compare-")

import paperterm  # noqa: E402
from bench_search import QUERIES, catalogue, keystrokes  # noqa: E402

SHARED = HERE.parent.parent / "shared" / "dumps"


def answers(catalog: paperterm.Catalog) -> dict[str, list[object]]:
    found: dict[str, list[object]] = {}
    for query in QUERIES:
        for typed in keystrokes(query):
            listed = array("I", catalog.search_indices(typed))
            found[typed] = [len(listed), hashlib.sha256(listed.tobytes()).hexdigest()]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="write the answers to this JSON file")
    parser.add_argument("--against", type=Path, help="compare with answers written before")
    parser.add_argument("--size", type=int, default=100_000, help="synthetic papers")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared dumps folder")
    args = parser.parse_args()
    print(f"paperterm from {Path(paperterm.__file__).parent}")
    catalogues: dict[str, dict[str, list[object]]] = {}
    if args.shared.is_dir():
        catalogues["shared dumps"] = answers(paperterm.load([args.shared]))
    catalogues[f"synthetic {args.size}"] = answers(catalogue(args.size))
    if args.write:
        args.write.write_text(json.dumps(catalogues, indent=1, sort_keys=True))
    if args.against:
        old = json.loads(args.against.read_text())
        differ = 0
        for name, found in catalogues.items():
            if name not in old:
                print(f"{name}: not in {args.against}")
                differ += 1
                continue
            for query, answer in found.items():
                if old[name].get(query) != answer:
                    differ += 1
                    print(f"{name}: {query!r} differs: {old[name].get(query)} -> {answer}")
            same = sum(old[name].get(q) == a for q, a in found.items())
            print(f"{name}: {same} of {len(found)} answers equal")
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
