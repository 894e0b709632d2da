"""Compare typo budgets on real dumps: the noise a rule adds, the misspellings it forgives.

    .venv/bin/python benchmarks/bench_typo_budget.py /work/shared/dumps
    .venv/bin/python benchmarks/bench_typo_budget.py DUMPS --sample 800 --seed 2

A rule is ``(one, two)``: typed words of ``one`` letters or more may be one edit off, of ``two``
or more two edits (see :mod:`paperterm.search.match`; the first letter is always fixed). For each
rule, over words of the dumps' titles (of 4 letters or more, sampled):

- noise, typed right: the user types a title word, or a prefix of it (as the filter sees it key
  by key); "close" papers are those matched only through a typo. Printed: the mean number of
  close papers per query and the share of queries where the close papers outnumber the exact ones
  (the ``grokking`` complaint of issue 14);
- forgiven, typed wrong: the same words with one random edit (after the first letter), and with
  two; the share whose typed form still matches the word meant.

No rule wins both: the figures show the trade. The goal is little noise while forgiving the
misspellings of the words people actually search for (most title words have 5 to 10 letters).
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
from collections import defaultdict
from pathlib import Path

import paperterm
from paperterm.search.match import PREFIX, TYPO, level
from paperterm.search.text import words

RULES = [(4, 8), (5, 9), (5, 8), (4, 9), (6, 10)]
"""Candidate rules; (4, 8) is the budget before issue 14, (5, 9) Meilisearch's."""


def misspelt(word: str, edits: int, rng: random.Random) -> str:
    """``word`` with ``edits`` random edits, the first letter kept."""
    for _ in range(edits):
        spot = rng.randrange(1, len(word))
        kind = rng.choice(["sub", "del", "ins", "swap"])
        if kind == "sub":
            others = string.ascii_lowercase.replace(word[spot], "")
            word = word[:spot] + rng.choice(others) + word[spot + 1 :]
        elif kind == "del" and len(word) > 2:
            word = word[:spot] + word[spot + 1 :]
        elif kind == "swap" and spot + 1 < len(word):
            word = word[:spot] + word[spot + 1] + word[spot] + word[spot + 2 :]
        else:
            word = word[:spot] + rng.choice(string.ascii_lowercase) + word[spot:]
    return word


def budget(rule: tuple[int, int], typed: str) -> int:
    one, two = rule
    return 0 if len(typed) < one else 1 if len(typed) < two else 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dumps", type=Path, nargs="+")
    parser.add_argument("--sample", type=int, default=500, help="title words sampled (500)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    catalog = paperterm.load(args.dumps)
    papers_of: defaultdict[str, set[int]] = defaultdict(set)
    title_words: set[str] = set()
    for paper in catalog:
        found = words(paper.title)
        title_words.update(w for w in found if len(w) >= 4 and w.isalpha())
        for text in (paper.title, *paper.abstracts):
            for word in words(text):
                papers_of[word].add(paper.index)
    by_letter: defaultdict[str, list[str]] = defaultdict(list)
    for word in papers_of:
        by_letter[word[0]].append(word)
    chosen = rng.sample(sorted(title_words), min(args.sample, len(title_words)))
    print(
        f"{len(catalog)} papers, {len(papers_of)} distinct words, "
        f"{len(chosen)} of {len(title_words)} title words sampled (seed {args.seed})"
    )

    def levels(typed: str) -> dict[str, tuple[int, int]]:
        """Each same-letter word's level under a budget of 1 and of 2 (0 levels left out)."""
        found = {}
        for word in by_letter.get(typed[0], ()):
            one, two = level(typed, word, 1), level(typed, word, 2)
            if two:
                found[word] = (one, two)
        return found

    typed_right = chosen + [w[: rng.randint(4, len(w))] for w in chosen]
    right_levels = [(typed, levels(typed)) for typed in typed_right]
    wrong = {n: [(w, misspelt(w, n, rng)) for w in chosen] for n in (1, 2)}

    print(
        f"\n{'rule':>8}  {'close/query':>11}  {'close>exact':>11}  "
        f"{'1 edit forgiven':>15}  {'2 edits forgiven':>16}"
    )
    for rule in RULES:
        close_counts = []
        swamped = 0
        for typed, found in right_levels:
            b = budget(rule, typed)
            exact: set[int] = set()
            close: set[int] = set()
            for word, (one, two) in found.items():
                got = two if b == 2 else one if b == 1 else (two if two >= PREFIX else 0)
                if got >= PREFIX:
                    exact |= papers_of[word]
                elif got == TYPO:
                    close |= papers_of[word]
            close -= exact
            close_counts.append(len(close))
            swamped += len(close) > len(exact)
        forgiven = {
            n: sum(
                level(typo, meant, budget(rule, typo)) > 0 for meant, typo in pairs if typo != meant
            )
            / len(pairs)
            for n, pairs in wrong.items()
        }
        name = f"{rule[0]},{rule[1]}"
        print(
            f"{name:>8}  {statistics.mean(close_counts):>11.2f}  "
            f"{swamped / len(right_levels):>10.1%}  {forgiven[1]:>15.1%}  {forgiven[2]:>16.1%}"
        )


if __name__ == "__main__":
    main()
