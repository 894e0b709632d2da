"""CI tests the package as a user installs it, not the source folder beside the tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import paperterm

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(
    os.environ.get("PAPERTERM_TEST_INSTALLED") != "1",
    reason="only under .ci/run, which installs paperterm as a wheel (PAPERTERM_TEST_INSTALLED=1)",
)
def test_the_tests_import_the_installed_package() -> None:
    package = Path(paperterm.__file__).resolve().parent
    assert package != ROOT / "paperterm", f"imported from the source tree: {package}"
    assert (package / "py.typed").is_file()
    assert sorted(p.name for p in (package / "demo").glob("*.txt"))
    assert (package / "ui" / "app.tcss").is_file()
