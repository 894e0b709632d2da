"""Writing a whole file so that a reader never sees half of it (exports, the library, settings).

The state file has its own, stricter writer (a backup copy, a lock, fsync of the folder):
:mod:`paperterm.state.files`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` by a file holding ``data``: the old file or the new, never a mix.

    The data goes to a hidden temporary file in the same folder, is flushed to disk, and is
    renamed over ``path``. Raises OSError (and leaves no temporary file) when that fails.
    """
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
