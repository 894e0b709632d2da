"""Synthetic Hugging Face Papers dumps for the benchmarks: realistic shapes, made-up words.

Titles are 20-170 characters and abstracts 400-1900, drawn from a Zipf-like vocabulary so that
common words ("neural", "learning") are very common and most words are rare, as in real dumps.
The long-abstract catalogue (``long_abstracts=True``) has the same vocabulary and titles with
abstracts of 1500-1900 characters (about 1.7 KB each, as issue 17's anchors).

From the command line, a dump to try the reader or another tool on:

    python benchmarks/synth.py out/100k.txt                  # 100,000 papers, default kind
    python benchmarks/synth.py long.txt --papers 10k --kind long --seed 7
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

_COMMON = [
    "neural",
    "network",
    "learning",
    "deep",
    "model",
    "models",
    "training",
    "data",
    "language",
    "vision",
    "transformer",
    "diffusion",
    "graph",
    "reinforcement",
    "policy",
    "attention",
    "representation",
    "generative",
    "large",
    "robust",
    "efficient",
    "sparse",
    "adaptive",
    "multi",
    "scale",
    "image",
    "video",
    "text",
    "speech",
    "reasoning",
    "benchmark",
    "agent",
    "optimization",
    "gradient",
    "inference",
    "retrieval",
    "segmentation",
    "detection",
    "generation",
    "alignment",
]
_GLUE = [
    "the",
    "of",
    "and",
    "for",
    "with",
    "in",
    "on",
    "via",
    "to",
    "a",
    "an",
    "from",
    "by",
    "using",
    "towards",
    "under",
]
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "ti",
    "vo",
    "ze",
    "qua",
    "bri",
    "cor",
    "den",
    "fal",
    "gim",
    "hor",
    "jun",
    "lex",
    "mor",
    "nix",
    "pra",
]


def vocabulary(size: int, seed: int = 0) -> list[str]:
    """Common research words first, then made-up words of 3 to 12 letters."""
    rng = random.Random(seed)
    words = list(_COMMON)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 5)))[:12]
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


LONG = (1500, 1900)
"""Abstract lengths of the long-abstract catalogue (mean about 1.7 KB)."""
SHORT = (400, 1820)
"""Abstract lengths of the default catalogue."""


def papers(
    count: int, seed: int = 0, vocab_size: int = 50_000, long_abstracts: bool = False
) -> Iterator[tuple[str, str]]:
    """Yield ``count`` distinct (title, abstract) pairs, deterministic for a seed."""
    shortest, longest = LONG if long_abstracts else SHORT
    rng = random.Random(seed)
    words = vocabulary(vocab_size, seed)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    cumulative: list[float] = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)

    # One long Zipf-drawn stream, read from random offsets: much faster than drawing per word.
    pool = rng.choices(words, cum_weights=cumulative, k=1 << 20)

    def sentence(length: int) -> str:
        start = rng.randrange(len(pool) - length)
        drawn = pool[start : start + length // 6 + 2]
        drawn[rng.randrange(len(drawn))] = rng.choice(_GLUE)
        text = " ".join(drawn)
        while len(text) < length:
            text += " " + rng.choice(words)
        return text[:length].rstrip()

    for number in range(count):
        title = f"{sentence(rng.randint(18, 160)).title()} {number:x}"
        abstract = sentence(rng.randint(shortest, longest)) + "."
        if rng.random() < 0.15:
            abstract += f" Code is available at https://github.com/lab{number % 997}/repo{number}."
        yield title, abstract


def write_dump(
    path: Path, count: int, seed: int = 0, layout: int = 1, long_abstracts: bool = False
) -> int:
    """Write a dump of ``count`` papers in layout 1 (packed) or 2 (blank lines); return its size."""
    with path.open("w", encoding="utf-8") as out:
        if layout == 1:
            out.write("Get trending papers in your email inbox once a day!\n")
            out.write("Get trending papers in your email inbox!\nSubscribe")
            for title, abstract in papers(count, seed, long_abstracts=long_abstracts):
                out.write(f"{title}\n{abstract}\n")
        else:
            out.write("new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n")
            out.write("byAK and the research community\n\nJul 4\n\n")
            for title, abstract in papers(count, seed, long_abstracts=long_abstracts):
                out.write(f"{title}\n\n{abstract}\n\n")
    return path.stat().st_size


KINDS = ("default", "long")
"""The kinds of catalogue: ``default`` (abstracts of :data:`SHORT`) or ``long`` (:data:`LONG`)."""


def count_of(text: str) -> int:
    """A number of papers: ``2500``, ``10k``, ``1m`` (argparse's type; at least 1)."""
    cleaned = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(cleaned[-1:], 1)
    try:
        count = round(float(cleaned[:-1] if factor != 1 else cleaned) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of papers: {text!r}") from None
    if count < 1:
        raise argparse.ArgumentTypeError(f"at least 1 paper, not {text!r}")
    return count


def main(argv: Sequence[str] | None = None) -> int:
    """Write the dump the options ask for; print where and how big."""
    parser = argparse.ArgumentParser(
        description="Write a synthetic Hugging Face Papers dump (made-up words, realistic shapes)."
    )
    parser.add_argument("path", type=Path, help="file to write (replaced if it exists)")
    parser.add_argument(
        "--papers", type=count_of, default=100_000, help="how many: 2500, 10k, 1m (default 100k)"
    )
    parser.add_argument(
        "--kind",
        choices=KINDS,
        default="default",
        help="default: abstracts of 400-1820 characters; long: 1500-1900 (issue 17's anchors)",
    )
    parser.add_argument("--seed", type=int, default=0, help="the same seed writes the same dump")
    parser.add_argument(
        "--layout",
        type=int,
        choices=(1, 2),
        default=1,
        help="1: packed lines (default); 2: blank lines between them",
    )
    args = parser.parse_args(argv)
    try:
        size = write_dump(
            args.path, args.papers, args.seed, args.layout, long_abstracts=args.kind == "long"
        )
    except OSError as error:
        parser.exit(2, f"{parser.prog}: error: cannot write {args.path}: {error.strerror}\n")
    print(f"{args.path}: {args.papers:,} papers ({args.kind}), {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
