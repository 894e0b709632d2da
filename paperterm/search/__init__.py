"""Search over a catalogue: the filter's query language, its index, ranking and highlighting.

The query language is documented in :mod:`paperterm.search.query` (``QUERY_HELP`` holds the
same text for the help screen). Nothing here imports Textual.
"""

from __future__ import annotations

from paperterm.search.engine import Searcher
from paperterm.search.highlight import highlight
from paperterm.search.index import SearchIndex
from paperterm.search.query import QUERY_HELP, Query, parse
from paperterm.search.rank import Ranking, exact_count

__all__ = [
    "QUERY_HELP",
    "Query",
    "Ranking",
    "SearchIndex",
    "Searcher",
    "exact_count",
    "highlight",
    "parse",
]
