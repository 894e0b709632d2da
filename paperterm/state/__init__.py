"""The read/starred state of papers, saved so that a star is never lost.

from paperterm.state import StateStore
store = StateStore.open()              # state.json in the user data dir
store.set_starred(["0123456789ab"], True)
with store.update() as changes:        # several changes, one locked save
    changes.set_read(ids, True)
    changes.set_starred(ids, False)
store.undo()
"""

from __future__ import annotations

from paperterm.state.record import SCHEMA, PaperState
from paperterm.state.store import StateChanges, StateStore

__all__ = ["SCHEMA", "PaperState", "StateChanges", "StateStore"]
