"""Issue 14: child rows are hashed as they are written, not read back; the digest must be the one
``log verify`` computes from the rows as stored (``log_entries.chunks_digest``), or None (then the
journal reads them back). And a bulk write drops and remakes indexes without ever losing one."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceasefire.store import bulk
from ceasefire.store.bulk import bulk_rows
from ceasefire.store.log_entries import chunks_digest
from ceasefire.store.sqlite import SQLiteDatabase
from ceasefire.store.written import ColumnChunks, WrittenRows, column_types

NAMES = ("t", "i", "f", "n")
SCHEMA = "CREATE TABLE kids (t TEXT, i BIGINT, f DOUBLE PRECISION, n BIGINT)"

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)  # no lone surrogates
anything = st.one_of(
    st.none(),
    texts,
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 3.0, 1e16, 1e-7, 123456789.0]),
)
rows = st.lists(st.tuples(anything, anything, anything, anything), max_size=25)


def _stored(db: SQLiteDatabase) -> str:
    return chunks_digest(NAMES, db.chunks(f"SELECT {', '.join(NAMES)} FROM kids ORDER BY rowid", (), 7))


def _database(tmp_path: Path, name: str) -> SQLiteDatabase:
    db = SQLiteDatabase(tmp_path / f"{name}.db", create=True)
    db.execute("DROP TABLE IF EXISTS kids")
    db.execute(SCHEMA)
    return db


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows)
def test_rows_hashed_as_written_are_hashed_as_stored(tmp_path: Path, given_rows: list[tuple[Any, ...]]) -> None:
    db = _database(tmp_path, "rows")
    hashed = WrittenRows(NAMES, column_types(db, "kids"))
    for start in range(0, len(given_rows), 7):
        chunk = given_rows[start : start + 7]
        db.copy("kids", NAMES, chunk)
        hashed.add(chunk)
    assert hashed.digest in (None, _stored(db))
    plain = [
        type(t) in (str, type(None)) and type(i) in (int, type(None)) and type(f) is float and str(f) != "-0.0"
        for t, i, f, n in given_rows
        if n is None
    ]
    if len(plain) == len(given_rows) and all(plain):
        assert hashed.digest == _stored(db)  # nothing here needs reading back


typed = st.lists(
    st.tuples(
        st.one_of(st.none(), texts),
        st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1)),
        st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
        st.none(),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed, st.booleans())
def test_arrow_columns_hash_as_the_rows_stored(tmp_path: Path, given_rows: list[tuple[Any, ...]], words: bool) -> None:
    db = _database(tmp_path, "arrow")
    columns = list(zip(*given_rows, strict=True))
    text = pa.array(columns[0], pa.string())
    arrays = [
        text.dictionary_encode() if words else text,
        pa.array(columns[1], pa.int64()),
        pa.array(columns[2], pa.float64()),
        pa.array(columns[3], pa.int64()),
    ]
    table = pa.table(arrays, names=list(NAMES))
    hashed = WrittenRows(NAMES, column_types(db, "kids"))
    for chunk, part in ColumnChunks([table.slice(0, 9), table.slice(9)]).chunks():
        assert part is not None
        db.copy("kids", NAMES, chunk)
        hashed.add(chunk, part)
    assert [tuple(r) for r in db.execute("SELECT * FROM kids ORDER BY rowid")] == given_rows
    negative_zero = any(r[2] == 0.0 and str(r[2]) == "-0.0" for r in given_rows)
    assert hashed.digest == (None if negative_zero else _stored(db))


def _indexes(db: SQLiteDatabase) -> list[str]:
    rows = db.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
    return [str(r[0]) for r in rows]


def test_a_bulk_write_remakes_the_indexes_and_a_failed_one_keeps_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BULK_ROWS", 10)
    db = _database(tmp_path, "bulk")
    db.execute("CREATE INDEX kids_by_t ON kids (t)")
    db.execute("CREATE INDEX kids_by_i_f ON kids (i, f)")
    before = _indexes(db)
    with db.write(), bulk_rows(db, "kids", 100):
        assert _indexes(db) == []  # dropped while the rows go in
        db.copy("kids", NAMES, [(str(k), k, 0.5, None) for k in range(100)])
    assert _indexes(db) == before
    with pytest.raises(RuntimeError), db.write(), bulk_rows(db, "kids", 200):
        db.copy("kids", NAMES, [(str(k), k, 0.5, None) for k in range(200)])
        raise RuntimeError("the import fails half way")
    assert _indexes(db) == before and db.execute("SELECT COUNT(*) FROM kids")[0][0] == 100
    with db.write(), bulk_rows(db, "kids", 50):  # fewer rows than stored: the indexes stay
        assert _indexes(db) == before
    assert db.pragma("cache_size") == sqlite3.connect(":memory:").execute("PRAGMA cache_size").fetchone()[0]
