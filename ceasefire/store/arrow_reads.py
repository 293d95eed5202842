"""Query results as Arrow tables, without a Python object per value (issue 14: the exports).

``SQLiteDatabase.arrow`` and ``PostgresDatabase.arrow`` delegate here. SQLite is read with the
ADBC SQLite driver (``adbc-driver-sqlite``, the Apache Arrow project's: rows straight into Arrow
arrays in C) when it is installed, and through ``sqlite3``'s rows otherwise (the same table,
slower). PostgreSQL answers ``COPY (query) TO STDOUT`` as CSV, which ``pyarrow.csv`` parses into
the columns: no new dependency, and no Python object per value either.

Every table has the caller's schema (names and types), whatever types the driver inferred:
the ADBC SQLite driver infers a column's type from its values, so a column that is NULL in every
row of a chunk comes back as int64 and is cast here.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv

from ceasefire.store.database import Value

__all__ = ["SQLiteArrow", "postgres_table", "rows_table"]


def rows_table(rows: Sequence[Sequence[Any]], schema: pa.Schema) -> pa.Table:
    """Plain rows (one value per field of ``schema``) as a table of ``schema``."""
    values = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    arrays = [pa.array(column, field.type) for column, field in zip(values, schema, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


def _typed(table: pa.Table, schema: pa.Schema) -> pa.Table:
    arrays = [column.cast(field.type) for column, field in zip(table.columns, schema, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


class SQLiteArrow:
    """Arrow reads of one SQLite file: an ADBC connection opened on first use (reads only: each
    query sees the last committed state, as ``sqlite3`` does in autocommit), or ``fallback``'s rows
    when the driver is not installed."""

    def __init__(self, path: Path, fallback: sqlite3.Connection) -> None:
        self._path, self._fallback = path, fallback
        self._conn: Any = None
        try:
            import adbc_driver_sqlite.dbapi as adbc  # the server extra; the core store works without
        except ImportError:
            self._adbc: Any = None
        else:
            self._adbc = adbc

    def table(self, sql: str, params: Sequence[Value], schema: pa.Schema, rows: int) -> pa.Table:
        """The query's answer as a table of ``schema``; ``rows``: about how many it holds (the
        driver infers each column's type from that many rows, one batch)."""
        if self._adbc is None:
            return rows_table(self._fallback.execute(sql, params).fetchall(), schema)
        if self._conn is None:
            self._conn = self._adbc.connect(str(self._path), autocommit=True)  # else a snapshot held
        cursor = self._conn.cursor()
        try:
            cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(max(rows, 1024))})
            cursor.execute(sql, list(params))
            table = cursor.fetch_arrow_table()
        finally:
            cursor.close()
        return _typed(table, schema)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def postgres_table(conn: Any, sql: str, params: Sequence[Value], schema: pa.Schema) -> pa.Table:
    """The answer of ``sql`` (``%s`` placeholders, bound by psycopg on the client: ``COPY`` takes
    no server-side parameters) over psycopg connection ``conn``, as a table of ``schema``.

    CSV keeps NULL (an empty field) apart from an empty text (``""``), and PostgreSQL writes
    floats in their shortest exact form (``extra_float_digits`` 1, the default): the values are
    those the rows would hold."""
    buffer = io.BytesIO()
    with conn.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
        for data in copy:
            buffer.write(data)
    if not buffer.tell():
        return schema.empty_table()
    buffer.seek(0)
    table = pcsv.read_csv(
        buffer,
        read_options=pcsv.ReadOptions(column_names=schema.names, block_size=1 << 24),
        parse_options=pcsv.ParseOptions(newlines_in_values=True),
        convert_options=pcsv.ConvertOptions(
            column_types=schema,
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )
    return _typed(table, schema)
