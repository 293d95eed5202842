"""What a process keeps about the stored incidents between runs (issue 14): never their columns
for long, only the few figures an incremental run needs.

- ``remember``/``stored_columns``: the raw columns of the imports this process just stored are
  handed to the run that follows (``import``: the run need not read back what it wrote), and
  dropped once that run took them. Nothing else of the incidents is kept: a server that kept
  every stored incident's columns held ~1 GB at a million (its memory goal); a run that needs
  every incident (a full run) reads them from the database.
- ``import_extents``: each import's ``store.increments.Extent`` (how far its records reach from
  their ``date``), read once per import: an incremental run reads the records near some days by
  ``date`` through ``incidents_by_date``, widened by these.

Stored incidents never change: imports are append-only, and an import's rows are a function of
its file (content-addressed by SHA-256), so both are keyed by (import id, SHA-256).
"""

from __future__ import annotations

import threading
from typing import Any

from ceasefire.store import SQLStore
from ceasefire.store.incidents import concat_columns
from ceasefire.store.increments import Extent, import_extent

__all__ = ["forget", "handed_columns", "import_extents", "remember", "stored_columns"]

ImportKey = tuple[int, str]  # (id, sha256) of an import

_HANDED: dict[str, dict[ImportKey, dict[str, Any]]] = {}  # by database URL: columns just stored
_EXTENTS: dict[str, dict[ImportKey, Extent]] = {}  # by database URL
_LOCK = threading.Lock()


def stored_columns(store: SQLStore) -> dict[str, Any]:
    """Every stored incident as raw columns (``SQLStore.incident_columns`` order), taking the
    imports handed over by ``remember`` instead of reading them back, and dropping them."""
    with _LOCK:
        handed = _HANDED.pop(store.url, {})
    columns: dict[str, Any] | None = None
    pending: list[int] = []  # ids of imports to read, one contiguous range at a time
    for record in store.imports():
        part = handed.get((record.id, record.sha256))
        if part is None:
            pending.append(record.id)
            continue
        columns = _read(store, columns, pending)
        pending = []
        columns = part if columns is None else concat_columns(columns, part)
    columns = _read(store, columns, pending)
    return columns if columns is not None else store.incident_columns(imports=(0, 0))


def _read(store: SQLStore, columns: dict[str, Any] | None, ids: list[int]) -> dict[str, Any] | None:
    """``columns`` then the stored rows of the imports ``ids`` (consecutive ids, ascending)."""
    if not ids:
        return columns
    part = store.incident_columns(imports=(ids[0] - 1, ids[-1]))
    return part if columns is None else concat_columns(columns, part)


def remember(store: SQLStore, import_id: int, sha256: str, columns: dict[str, Any]) -> None:
    """Hand ``columns``, the raw columns just stored as import ``import_id``, to the next run of
    this process on this database. The stored rows hold exactly these values (``store.incidents``:
    the read-back gives the same columns, tests/store/test_bulk.py), so the run sees the same
    incidents either way."""
    with _LOCK:
        _HANDED.setdefault(store.url, {})[(import_id, sha256)] = columns


def handed_columns(store: SQLStore, import_id: int, sha256: str) -> dict[str, Any] | None:
    """The columns ``remember`` holds for import ``import_id`` (None: none), taken out."""
    with _LOCK:
        return _HANDED.get(store.url, {}).pop((import_id, sha256), None)


def import_extents(store: SQLStore) -> dict[int, Extent]:
    """Import id -> its ``Extent``, each import's read once per process."""
    imports = store.imports()
    with _LOCK:
        known = dict(_EXTENTS.get(store.url, {}))
    found = {(r.id, r.sha256): known.get((r.id, r.sha256)) or import_extent(store.db, r.id) for r in imports}
    with _LOCK:
        _EXTENTS[store.url] = found
    return {key[0]: extent for key, extent in found.items()}


def forget(url: str | None = None) -> None:
    """Drop what is kept for ``url`` (None: every database)."""
    with _LOCK:
        for kept in (_HANDED, _EXTENTS):
            if url is None:
                kept.clear()
            else:
                kept.pop(url, None)
