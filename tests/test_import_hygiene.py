"""The core must not import Textual: scripts and the CLI's non-UI commands stay light."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE_MODULES = [
    "paperterm",
    "paperterm.api.http",
    "paperterm.catalog",
    "paperterm.cli",
    "paperterm.dumpformat",
    "paperterm.errors",
    "paperterm.export",
    "paperterm.fsio",
    "paperterm.identity",
    "paperterm.idsets",
    "paperterm.links",
    "paperterm.loader",
    "paperterm.locations",
    "paperterm.model",
    "paperterm.search",
    "paperterm.search.ahead",
    "paperterm.search.savedfile",
    "paperterm.search.vectorcache",
    "paperterm.settings",
    "paperterm.sorts",
    "paperterm.state",
    "paperterm.textblocks",
    "paperterm.export_target",
    "paperterm.triage",
    "paperterm.usecases",
]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; print(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
