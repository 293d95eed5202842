"""Child rows hashed as they are written (issue 14): the digest a log entry chains
(``log_entries.chunks_digest``), computed from the values given to the database instead of
reading a million rows back.

The digest is of the rows *as stored*, so a value is hashed only when the database returns it
exactly as given: each column's values must be of the Python type its declared type returns
(``column_types``) or None, and a float finite and not ``-0.0``. SQLite turns ``-0.0`` into
``0.0``, NaN into NULL, ``3.0`` into ``3`` in an integer column, ``1`` into ``1.0`` in a real
one, ``True`` into ``1``: any such value makes :attr:`WrittenRows.digest` None, and the writer
reads the rows back, as ``log verify`` does.

Rows come as value tuples, or as :class:`ColumnChunks`: Arrow tables (the engine's columns),
whose Python values are what is inserted and whose columns are hashed without a Python value
per cell (the same text as ``canonical_lines``; a test holds them equal).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

import numpy as np

from ceasefire.ledger import LogError
from ceasefire.ledger.entry import canonical_lines
from ceasefire.store.database import Database, Value

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ColumnChunks", "WrittenRows", "column_types"]


@dataclass(frozen=True)
class ColumnChunks:
    """Child rows a chunk at a time, each an Arrow table (columns in the child table's order:
    int64, float64, string or dictionary of strings are hashed as columns; a chunk of another
    type is read back) or a list of value tuples. Iterating gives the rows as value tuples."""

    tables: Iterable[pa.Table | list[tuple[Value, ...]]]

    def chunks(self) -> Iterator[tuple[list[tuple[Value, ...]], pa.Table | None]]:
        """(the rows to insert, the table they come from or None), chunk by chunk."""
        for table in self.tables:
            if isinstance(table, list):
                yield table, None
                continue
            columns = [_python_values(column.combine_chunks()) for column in table.columns]
            yield list(zip(*columns, strict=True)), table

    def __iter__(self) -> Iterator[tuple[Value, ...]]:
        for rows, _ in self.chunks():
            yield from rows


def _python_values(column: pa.Array) -> list[Value]:
    """``column.to_pylist()``, through numpy (several times faster: no Arrow scalar per value)."""
    import pyarrow as pa

    if pa.types.is_dictionary(column.type):
        words = np.array([*column.dictionary.to_pylist(), None], dtype=object)
        codes = column.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        return words[codes].tolist()  # type: ignore[no-any-return]  # code -1: the None appended
    if not column.null_count:
        return column.to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]
    if pa.types.is_null(column.type):
        return [None] * len(column)
    filled = column.fill_null("" if pa.types.is_string(column.type) else 0)
    values = filled.to_numpy(zero_copy_only=False).astype(object)
    values[np.asarray(column.is_null())] = None
    return values.tolist()  # type: ignore[no-any-return]


class WrittenRows:
    """The children digest of the rows given to :meth:`add`, once written (module docstring)."""

    def __init__(self, names: Sequence[str], types: Mapping[str, type | None]) -> None:
        self.names = names
        self.types = [types.get(name) for name in names]
        self.order = sorted(range(len(names)), key=lambda k: names[k])
        self._digest: Any = hashlib.sha256()  # None once a value is not known to be stored as given

    def add(self, chunk: Sequence[Sequence[Any]], table: pa.Table | None = None) -> None:
        """Hash the rows of ``chunk`` (value tuples in ``names`` order), or of ``table`` when
        given (the same rows as Arrow columns)."""
        if self._digest is None or not chunk:
            return
        if table is not None:
            import pyarrow as pa

            try:
                self._add_table(table)
            except (pa.ArrowException, LogError):  # not hashed here: the read back names any error
                self._digest = None
            return
        columns = list(zip(*chunk, strict=True))
        if not all(map(_returned_as_given, columns, self.types)):
            self._digest = None
            return
        try:
            self._digest.update(canonical_lines(self.names, columns).encode("utf-8"))
        except (LogError, UnicodeEncodeError):  # not JSON: the read back names the error
            self._digest = None

    def _add_table(self, table: pa.Table) -> None:
        import pyarrow.compute as pc

        parts: list[Any] = []
        for i, k in enumerate(self.order):
            text = _json_texts(table.column(k).combine_chunks(), self.types[k])
            if text is None:
                self._digest = None
                return
            parts += [("{" if i == 0 else ",") + encode_basestring(self.names[k]) + ":", text]
        lines = pc.binary_join_element_wise(*parts, "}\n", "")
        offsets = np.frombuffer(lines.buffers()[1], np.int32)
        data = lines.buffers()[2]
        start, stop = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
        self._digest.update(memoryview(data)[start:stop] if data is not None else b"")

    @property
    def digest(self) -> str | None:
        """The hex digest of every row added, or None when some value is not known to be stored as given."""
        return None if self._digest is None else str(self._digest.hexdigest())


def _returned_as_given(values: Sequence[Any], want: type | None) -> bool:
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if want is None or not kinds <= {want}:
        return False
    if want is not float or not kinds:
        return True
    numbers = [v for v in values if v is not None]
    if not all(map(math.isfinite, numbers)):
        return False
    return 0.0 not in numbers or not any(math.copysign(1.0, v) < 0 for v in numbers if v == 0.0)


def _json_texts(column: pa.Array, want: type | None) -> pa.Array | None:
    """Each value of ``column`` as ``canonical_json`` writes it (``null`` for a null), or None
    when the column is not of the Arrow type that stores as ``want`` unchanged. Nulls are
    filled before ``text_columns`` encodes a column (it takes columns without them)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ceasefire.text_columns import json_floats

    kind = column.type
    words = pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type) and not column.dictionary.null_count
    if want is str and words:
        text = _json_strings(column.dictionary).take(column.indices)  # each word once
    elif want is str and pa.types.is_string(kind):
        text = _json_strings(column.fill_null(""))
    elif want is int and pa.types.is_int64(kind):
        text = pc.cast(column.fill_null(0), pa.string())
    elif want is float and pa.types.is_float64(kind) and _stored_as_given(column):
        text = json_floats(column.fill_null(0.0).to_numpy(zero_copy_only=False))
    elif pa.types.is_null(kind):
        return pa.array(["null"] * len(column), pa.string())
    else:
        return None
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    return pc.if_else(column.is_null(), "null", text) if column.null_count else text


def _json_strings(column: pa.Array) -> pa.Array:
    """``json.dumps(s, ensure_ascii=False)`` of each string (no nulls): the rows holding a quote
    or a backslash (found by ``text_columns.escaped_rows``, a byte scan: every finding's
    ``incidents`` has quotes, long explanations seldom do) escaped by Arrow; a column with a
    control character is left to ``text_columns.json_strings`` (those rows escaped in Python)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ceasefire.text_columns import escaped_rows, json_strings

    bad = escaped_rows(column)
    if bad.any():
        rows = pa.array(bad)
        some = column.filter(rows)
        if pc.any(pc.match_substring_regex(some, "[\\x00-\\x1f]")).as_py():
            return json_strings(column)
        escaped = pc.replace_substring(pc.replace_substring(some, "\\", "\\\\"), '"', '\\"')
        column = pc.replace_with_mask(column, rows, escaped)
    return pc.binary_join_element_wise('"', column, '"', "")


def _stored_as_given(column: pa.Array) -> bool:
    """Whether every float of ``column`` is finite and not ``-0.0`` (SQLite stores ``0.0``)."""
    values = column.to_numpy(zero_copy_only=False)  # a null as NaN
    present = values[~np.asarray(column.is_null())] if column.null_count else values
    return bool(np.isfinite(present).all() and not np.signbit(present[present == 0.0]).any())


# the type a column's values come back as, by its declared type (SQLite's affinity rules, which
# PostgreSQL's names follow too: bigint, double precision, text)
_AFFINITIES: tuple[tuple[str, type], ...] = (
    ("INT", int),
    ("CHAR", str),
    ("CLOB", str),
    ("TEXT", str),
    ("REAL", float),
    ("FLOA", float),
    ("DOUB", float),
)


def column_types(db: Database, table: str) -> dict[str, type | None]:
    """The Python type each column of ``table`` returns its values as (None: not one of the
    portable types of 0001_core, so :class:`WrittenRows` hashes none of it)."""
    if db.dialect == "postgres":
        sql = (
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = CAST(? AS regclass) AND attnum > 0 AND NOT attisdropped"
        )
        declared = [(str(n), str(t)) for n, t in db.execute(sql, (table,))]
    else:
        declared = [(str(row[1]), str(row[2])) for row in db.execute(f"PRAGMA table_info({table})")]
    return {name: next((t for key, t in _AFFINITIES if key in kind.upper()), None) for name, kind in declared}
