"""How good is "for you"? Simulated users on the shared dumps, precision at 10.

Each simulated user cares about one topic, found by a query. The user reads a random sample of
the catalogue (seeded), stars the papers of the sample that match the topic and leaves the others
read but not starred. The unread papers are then ranked three ways, and precision at 10 counts how
many of the first ten unread belong to the topic:

- "for you" (the default model, a Rocchio centroid; the logistic regression beside it),
- catalogue order (what the reader shows without a sort),
- a random order (the mean over 20 seeded shuffles).

A caveat worth keeping in mind: a topic is what its query matches, in words, and the model learns
from words too, so this measures whether the model finds the user's vocabulary again, not whether
it finds papers the user would like in words the query does not use.

    python benchmarks/bench_foryou_quality.py [--dumps ../shared/dumps] [--users 5] [--sample 150]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path

import paperterm
from paperterm.catalog import Catalog
from paperterm.recommend import ModelKind, for_you

TOPICS = {
    "transparent objects": "'transparen",
    "graphs": "'graph",
    "diffusion": "'diffusion",
    "pruning, sparsity": "'prun|'sparse",
    "adversarial": "'adversarial",
    "explainability": "'explainab|'interpretab",
    "segmentation": "'segmentation",
    "neural rendering": "'rendering|'nerf|'radiance",
}
"""Topic name: the query that finds its papers."""
AT = 10
SHUFFLES = 20


def precision(ranked: list[int], relevant: set[int]) -> float:
    top = ranked[:AT]
    return sum(position in relevant for position in top) / AT


def user(catalog: Catalog, topic: set[int], sample_size: int, seed: int) -> dict[str, float]:
    """Precision at 10 of each order for one simulated user."""
    papers = catalog.papers
    rng = random.Random(seed)
    sample = set(rng.sample(range(len(papers)), sample_size))
    starred = {papers[p].id for p in sample if p in topic}
    read = {papers[p].id for p in sample}
    unread = [p for p in range(len(papers)) if p not in sample]
    relevant = topic - sample
    result: dict[str, float] = {}
    kinds: tuple[ModelKind, ...] = ("rocchio", "logistic")
    for kind in kinds:
        picks = for_you(papers, read, starred, kind)
        if picks.model is None:
            return {}
        result[f"for you ({kind})"] = precision(picks.order[: len(unread)], relevant)
    result["catalogue"] = precision(unread, relevant)
    shuffled = []
    for number in range(SHUFFLES):
        order = list(unread)
        random.Random(seed * 1000 + number).shuffle(order)
        shuffled.append(precision(order, relevant))
    result["random"] = statistics.fmean(shuffled)
    result["stars"] = len(starred)
    result["relevant"] = len(relevant)
    result["unread"] = len(unread)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_dumps = Path(__file__).resolve().parents[2] / "shared" / "dumps"
    parser.add_argument("--dumps", type=Path, default=default_dumps)
    parser.add_argument("--users", type=int, default=5, help="simulated users per topic")
    parser.add_argument("--sample", type=int, default=150, help="papers each user reads")
    args = parser.parse_args()
    if not args.dumps.is_dir():
        print(f"no dumps at {args.dumps}", file=sys.stderr)
        return 2
    catalog = paperterm.load([args.dumps])
    print(
        f"{len(catalog)} papers; each user reads {args.sample} (stars the topic's among them), "
        f"{args.users} users per topic; precision at {AT} over the unread, mean over users"
    )
    columns = ["for you (rocchio)", "for you (logistic)", "catalogue", "random"]
    header = f"| topic (query) | topic papers | stars | {' | '.join(columns)} |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    means: dict[str, list[float]] = {column: [] for column in columns}
    for name, query in TOPICS.items():
        topic = {paper.index for paper in catalog.search(query)}
        users = [user(catalog, topic, args.sample, seed) for seed in range(1, args.users + 1)]
        users = [found for found in users if found]
        if not users:
            print(f"| {name} | {len(topic)} | 0 | (no user starred anything) |")
            continue
        row = [statistics.fmean(found[column] for found in users) for column in columns]
        for column, value in zip(columns, row, strict=True):
            means[column].append(value)
        stars = statistics.fmean(found["stars"] for found in users)
        cells = " | ".join(f"{value:.2f}" for value in row)
        print(f"| {name} (`{query}`) | {len(topic)} | {stars:.1f} | {cells} |")
    cells = " | ".join(f"**{statistics.fmean(values):.2f}**" for values in means.values())
    print(f"| **mean** | | | {cells} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
