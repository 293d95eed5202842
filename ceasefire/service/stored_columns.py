"""The stored incidents as the engine's raw columns, kept between runs (issue 14: a run after a
small change reads only what changed).

Stored incidents never change: imports are append-only, and an import's rows are a function of
its file (content-addressed by SHA-256). So the columns of the imports a process has read stay
right for as long as those imports are still the first ones stored; a later run reads only the
rows of imports added since (one appended file: that file's rows) and appends them. A database
whose imports are not a continuation of the cached ones (another file at the same path) is read
in full again. Reports are not cached (they gain versions, and are few): the caller reads them
every time.

Only the reading is incremental: the engine still verifies every incident, so a rule that looks
across days or across incidents (clocks, corroboration) sees the same table as a full run, and
the findings are those of a full run (tests/store/test_bulk.py holds them equal).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from ceasefire.store import SQLStore
from ceasefire.store.incidents import concat_columns

__all__ = ["forget", "remember", "stored_columns"]

ImportKey = tuple[tuple[int, str], ...]  # (id, sha256) of each import, in id order


@dataclass(frozen=True)
class _Cached:
    imports: ImportKey
    columns: dict[str, Any]


_CACHE: dict[str, _Cached] = {}  # by database URL: one entry per database this process reads
_LOCK = threading.Lock()


def stored_columns(store: SQLStore) -> dict[str, Any]:
    """Every stored incident as raw columns (``SQLStore.incident_columns``), reading only the
    imports stored since this process last read this database."""
    imports: ImportKey = tuple((r.id, r.sha256) for r in store.imports())
    with _LOCK:
        cached = _CACHE.get(store.url)
    through = imports[-1][0] if imports else 0
    if cached is not None and imports[: len(cached.imports)] == cached.imports:
        after = cached.imports[-1][0] if cached.imports else 0
        columns = cached.columns
        if after < through:
            columns = concat_columns(columns, store.incident_columns(imports=(after, through)))
    else:
        columns = store.incident_columns(imports=(0, through))
    with _LOCK:
        _CACHE[store.url] = _Cached(imports, columns)
    return columns


def remember(store: SQLStore, import_id: int, sha256: str, columns: dict[str, Any]) -> None:
    """Keep ``columns``, the raw columns just stored as import ``import_id``, as that import's
    rows when every import before it is kept already (as after the first import into a new
    database): the run that follows then does not read back what was just written. The stored
    rows hold exactly these values (``store.incidents``: the read-back gives the same columns,
    tests/store/test_bulk.py), so the run sees the same incidents either way."""
    with _LOCK:
        cached = _CACHE.get(store.url, _Cached((), {}))
        if cached.imports and cached.imports[-1][0] >= import_id:
            return
        before = tuple((r.id, r.sha256) for r in store.imports() if r.id < import_id)
        if before != cached.imports:
            return
        joined = concat_columns(cached.columns, columns) if cached.imports else columns
        _CACHE[store.url] = _Cached((*before, (import_id, sha256)), joined)


def forget(url: str | None = None) -> None:
    """Drop what is kept for ``url`` (None: every database); the next run reads in full."""
    with _LOCK:
        if url is None:
            _CACHE.clear()
        else:
            _CACHE.pop(url, None)
