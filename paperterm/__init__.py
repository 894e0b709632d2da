"""paperterm: triage Hugging Face Papers dumps in the terminal.

The Python API::

    import paperterm
    catalog = paperterm.load(["dumps/"])
    for paper in catalog.search("lotery tiket"):
        print(paper.id, paper.title)
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from paperterm.catalog import Catalog
from paperterm.errors import DumpError, ExportError, NetworkError, PapertermError, StateError
from paperterm.loader import load
from paperterm.model import Link, Paper, Source

try:
    __version__ = version("paperterm")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "Catalog",
    "DumpError",
    "ExportError",
    "Link",
    "NetworkError",
    "Paper",
    "PapertermError",
    "Source",
    "StateError",
    "__version__",
    "load",
]
