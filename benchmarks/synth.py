"""Synthetic Hugging Face Papers dumps for the benchmarks: realistic shapes, made-up words.

Titles are 20-170 characters and abstracts 400-1900, drawn from a Zipf-like vocabulary so that
common words ("neural", "learning") are very common and most words are rare, as in real dumps.
The long-abstract catalogue (``long_abstracts=True``) has the same vocabulary and titles with
abstracts of 1500-1900 characters (about 1.7 KB each, as issue 17's anchors).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
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
