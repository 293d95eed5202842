"""Incidents as stored, a column at a time (issue 14): a file's columns into ``incidents`` rows,
and the stored rows back into the engine's columns, with no ``Incident`` object per row.

The columns are the raw ones ``table.IncidentTable.from_columns`` takes (one per incident
field, ``id`` for ``incident_id``; dates as proleptic ordinals, 0 for an absent ``date_end`` or
``date_reported``); the store imports no engine module, so the caller fills absent columns
(``table.normalized_columns``). Stored, a date is ISO text (``2016-09-19``) and an absent one NULL, exactly
as ``sqlstore.incident_row`` writes an ``Incident``: both paths store the same bytes, so the log
entries and ``log verify`` do not depend on the path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from ceasefire.store.database import CHUNK_ROWS, Database, Value
from ceasefire.store.log_entries import INCIDENT_COLUMNS
from ceasefire.store.written import ColumnChunks

__all__ = [
    "DATE_COLUMNS",
    "REPEAT_COLUMNS",
    "Columns",
    "concat_columns",
    "incident_rows",
    "read_columns_where",
    "read_incident_columns",
    "repeat_rows",
]

# Incidents as columns by field name (numpy arrays, pandas Categorical for text): one column per
# field, not one record per incident.
Columns: TypeAlias = dict[str, Any]

DATE_COLUMNS = ("date", "date_end", "date_reported")
_EPOCH = 719_163  # date(1970, 1, 1).toordinal(): numpy counts days from there
_NUMBERS = {"lat": np.float64, "lon": np.float64, "radius_m": np.float64, "date_precision": np.int64}
_NUMBERS |= {"geo_precision": np.int64, "fatalities": np.int64, "line": np.int64}
_UNIQUE_TEXT = ("incident_id", "id", "notes", "location")  # kept as str arrays: dictionaries would not shrink them


def incident_rows(import_id: int, columns: Columns) -> ColumnChunks:
    """The ``incidents`` rows (``INCIDENT_COLUMNS`` order) of the incidents in ``columns`` (every
    field present, as ``table.normalized_columns`` fills them; ``id`` for ``incident_id``),
    ``CHUNK_ROWS`` at a time (memory stays flat): each chunk an Arrow table built a column at a
    time (issue 14: the journal hashes it as columns, and inserts its values), or without pyarrow
    (or for a column Arrow cannot hold as one type) plain Python values zipped into tuples."""
    return ColumnChunks(_chunks(import_id, columns))


def _chunks(import_id: int, columns: Columns) -> Iterator[Any]:
    n = len(columns["id"])
    try:
        import pyarrow as pa
    except ImportError:  # the ``scale`` extra is not installed: rows of Python values
        pa = None
    for start in range(0, n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n)
        part = {name: columns["id" if name == "incident_id" else name][start:stop] for name in INCIDENT_COLUMNS[2:]}
        if pa is not None:
            try:
                yield _table(import_id, start, stop, part)
                continue
            except (pa.ArrowException, TypeError, ValueError):  # e.g. a text column holding numbers
                pass
        values = [_plain(name, column) for name, column in part.items()]
        yield list(zip([import_id] * (stop - start), range(start, stop), *values, strict=True))


def _table(import_id: int, start: int, stop: int, part: Columns) -> Any:
    """One chunk of ``incidents`` rows as an Arrow table: the values ``_plain`` gives, as columns."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ceasefire.text_columns import iso_dates

    arrays = [pa.array(np.full(stop - start, import_id, np.int64)), pa.array(np.arange(start, stop, dtype=np.int64))]
    for name, column in part.items():
        if name in DATE_COLUMNS:
            ordinals = np.asarray(column, np.int64)
            text = iso_dates(np.where(ordinals > 0, ordinals, _EPOCH))  # (an absent date: any valid one, masked)
            absent = pa.scalar(None, pa.string())  # 0: no such date (``date`` always has one)
            arrays.append(text if name == "date" else pc.if_else(pa.array(ordinals > 0), text, absent))
        elif name in _NUMBERS:
            arrays.append(pa.array(np.asarray(column, _NUMBERS[name])))
        elif isinstance(column, pd.Categorical):
            words = pa.array(np.asarray(column.categories, dtype=object), pa.string())
            codes = np.asarray(column.codes, np.int32)
            arrays.append(pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), words))
        else:
            arrays.append(pa.array(np.asarray(column, dtype=object), pa.string()))
    return pa.table(arrays, names=list(INCIDENT_COLUMNS))


def _plain(name: str, column: Any) -> list[Any]:
    if name in DATE_COLUMNS:
        ordinals = np.asarray(column, np.int64)
        text: list[Any] = (ordinals - _EPOCH).astype("datetime64[D]").astype(str).tolist()
        return text if name == "date" else [t if d > 0 else None for t, d in zip(text, ordinals.tolist(), strict=True)]
    if name in _NUMBERS:
        return np.asarray(column, _NUMBERS[name]).tolist()  # type: ignore[no-any-return]
    return np.asarray(column, dtype=object).tolist()  # type: ignore[no-any-return]


REPEAT_COLUMNS = ("import_id", "seq")  # 0038_incident_repeats
# the rows of an import whose id an earlier import holds (it has at least one)
_EARLIER = (
    "SELECT i.seq FROM incidents i WHERE i.import_id = ?"
    " AND EXISTS (SELECT 1 FROM incidents j WHERE j.incident_id = i.incident_id AND j.import_id < i.import_id)"
)


def repeat_rows(db: Database, import_id: int, ids: Any) -> list[tuple[Value, ...]]:
    """The ``incident_repeats`` rows (0038, ``REPEAT_COLUMNS``) of import ``import_id``, whose
    incident ids in file order are ``ids`` and whose rows are written: each row whose id an
    earlier stored row holds, earlier in the file (found in the column, no query) or in an
    earlier import (one query, made only when an earlier import stored incidents). Ids compare
    as the text they are stored as."""
    text = pd.Series(np.asarray(ids, dtype=object), dtype=object)
    if pd.api.types.infer_dtype(text, skipna=False) != "string":  # a scan in C: str() of each costs 0.2 s at 1M
        text = text.astype(str)
    repeated = set(np.flatnonzero(text.duplicated(keep="first").to_numpy()).tolist())
    if db.execute("SELECT 1 FROM incidents WHERE import_id < ? LIMIT 1", (import_id,)):
        repeated.update(int(row[0]) for row in db.execute(_EARLIER, (import_id,)))
    return [(import_id, seq) for seq in sorted(repeated)]


def read_incident_columns(db: Database, before: int | None = None, imports: tuple[int, int] | None = None) -> Columns:
    """Every stored incident (import order, then file order; duplicate ids included) as raw
    columns; ``before``: only those of imports logged before that log index; ``imports`` =
    (after, through): only those of the imports whose id is in ``after < id <= through``. One
    query, read a chunk at a time, each chunk turned into arrays (text dictionary-encoded as
    ``pandas.Categorical``) before the next is read."""
    params: tuple[int, ...]
    where, params = ("WHERE m.log_index < ?", (before,)) if before is not None else ("", ())
    if imports is not None:
        where, params = "WHERE i.import_id > ? AND i.import_id <= ?", imports
    return read_columns_where(db, where, params)


def read_columns_where(db: Database, where: str, params: Sequence[Value], *, encoded: bool = True) -> Columns:
    """The stored incidents ``where`` selects (an SQL ``WHERE`` clause over ``incidents i`` joined
    with ``imports m``), as :func:`read_incident_columns` reads them, in the same order; without
    ``encoded``, text stays plain object arrays (a few thousand rows: encoding costs more)."""
    names = INCIDENT_COLUMNS[2:]
    sql = (
        f"SELECT {', '.join(f'i.{c}' for c in names)} FROM incidents i JOIN imports m ON m.id = i.import_id "
        f"{where} ORDER BY i.import_id, i.seq"
    )
    parts: list[list[Any]] = [[] for _ in names]
    with db.read():
        for chunk in db.chunks(sql, params):
            for part, name, column in zip(parts, names, zip(*chunk, strict=True), strict=True):
                part.append(_array(name, column, encoded))
    return {
        ("id" if name == "incident_id" else name): _joined(name, part, encoded)
        for name, part in zip(names, parts, strict=True)
    }


def _array(name: str, values: Sequence[Any], encoded: bool = True) -> Any:
    """One chunk of a column: numbers as arrays, dates as ordinals, repetitive text (actors,
    event types, places) dictionary-encoded, so a chunk's row strings are freed once read."""
    if name in DATE_COLUMNS:  # a few hundred distinct days: each parsed once
        codes, days = pd.factorize(np.array(values, dtype=object))
        ordinals = np.array([dt.date.fromisoformat(d).toordinal() for d in days] + [0], np.int64)
        return ordinals[codes]  # code -1 (NULL): the 0 appended
    if name in _NUMBERS:
        return np.array(values, dtype=_NUMBERS[name])
    text = np.array(values, dtype=object)
    return text if name in _UNIQUE_TEXT or not encoded else pd.Categorical(text)


def _joined(name: str, parts: list[Any], encoded: bool = True) -> Any:
    if not parts:
        return _array(name, (), encoded)
    if name in DATE_COLUMNS or name in _NUMBERS or name in _UNIQUE_TEXT or not encoded:
        return np.concatenate(parts)
    return union_categoricals(parts)


def concat_columns(first: Columns, then: Columns) -> Columns:
    """Two sets of raw columns one after the other (dictionary-encoded ones stay so)."""
    out: Columns = {}
    for name, column in first.items():
        if not len(then[name]) or not len(column):  # an empty Categorical's categories have no dtype to match
            out[name] = column if len(column) else then[name]
        elif isinstance(column, pd.Categorical) or isinstance(then[name], pd.Categorical):
            out[name] = union_categoricals([pd.Categorical(column), pd.Categorical(then[name])])
        else:
            out[name] = np.concatenate([column, np.asarray(then[name], column.dtype)])
    return out
