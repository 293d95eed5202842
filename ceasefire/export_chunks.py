"""The server's exports of a stored run, a chunk of findings at a time, built as Arrow columns
(issue 14): the CSV and HXL lines, the GeoJSON features and the Parquet row groups of
``GET /export/findings.*``.

A chunk is an Arrow table as ``store.export_reads.export_table`` reads it, or the same values as plain
rows (``store.export_reads.export_rows``): with incidents (``CSV_ROW``: ``seq``, the first incident's ``EXPORT_INCIDENT_FIELDS``, the finding's
``EXPORT_FINDING_COLUMNS``) for CSV, HXL and Parquet; without (``FEATURE_ROW``: ``seq`` and the
``finding_rows`` columns) for GeoJSON. Each text is byte for byte what the object path writes
(``exports.csv_row`` through ``csv.writer``; ``exports.feature`` of the stored document through
``json.dumps(separators=(",", ":"), ensure_ascii=False)``), with Arrow's string kernels instead of
a Python call per cell (``text_columns``: Python formats only the rare values where Arrow's text
could differ). tests/test_exports.py compares both paths.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ceasefire import exports
from ceasefire.model import FINDING_KEYS
from ceasefire.store.arrow_reads import rows_table
from ceasefire.store.export_reads import export_names, export_schema
from ceasefire.text_columns import csv_cells, dictionary, float_cells, join, json_floats, json_strings, safe_texts

__all__ = [
    "CSV_ROW",
    "FEATURE_ROW",
    "PARQUET_SCHEMA",
    "Chunk",
    "ParquetStream",
    "csv_lines",
    "features",
    "parquet_table",
]

CSV_ROW = export_names(incidents=True)
FEATURE_ROW = export_names(incidents=False)
Row = Sequence[Any]
Chunk: TypeAlias = "Sequence[Row] | pa.Table"  # export_rows's rows, or export_table's table of the same values


def _columns(rows: Chunk, *, incidents: bool) -> dict[str, pa.Array]:
    """The chunk as one typed Arrow array per field of ``CSV_ROW`` (``incidents``) or
    ``FEATURE_ROW`` (``store.export_reads.export_schema``: numbers as float64/int64, the rest text): a
    table's own columns, or the rows converted."""
    if not isinstance(rows, pa.Table):
        rows = rows_table(rows, export_schema(incidents=incidents))
    names = CSV_ROW if incidents else FEATURE_ROW
    return {name: column.combine_chunks() for name, column in zip(names, rows.columns, strict=True)}


def _field(column: str) -> str:
    """The row name of a CSV column: the incident field ``exports.ACLED_COLUMNS`` names, or itself."""
    return exports.ACLED_COLUMNS.get(column, column)


def _party_lists(parties: pa.Array) -> pa.Array:
    """Each JSON array of party ids as a list (the few distinct sets are parsed once each)."""
    codes = pc.dictionary_encode(parties)
    sets = [json.loads(text) for text in codes.dictionary.to_pylist()]
    return pa.array(sets, pa.list_(pa.string())).take(codes.indices)


def _csv_cell(name: str, column: pa.Array, c: dict[str, pa.Array]) -> pa.Array:
    """One CSV column's cells as ``csv.writer`` writes ``exports.csv_row``'s values."""
    if name == "year":
        return csv_cells(dictionary(pc.utf8_slice_codeunits(c["date"], 0, 4)))
    if name == "parties":
        return csv_cells(pc.binary_join(_party_lists(column), ";"))
    if pa.types.is_floating(column.type):
        return float_cells(dictionary(column), "", repr)
    if pa.types.is_integer(column.type):
        return column.cast(pa.string()).fill_null("")
    return csv_cells(column if name in _DISTINCT else dictionary(column))


_DISTINCT = frozenset({"event_id_cnty", "notes", "finding_id", "explanation"})  # rarely repeated: no dictionary


def csv_lines(rows: Chunk) -> bytes:
    """The CSV lines of a chunk of ``CSV_ROW`` rows (``exports.csv_row``), each ending in ``\\n``."""
    c = _columns(rows, incidents=True)
    cells = [
        _csv_cell(name, c.get(_field(name), c["date"]), c)
        for name in [*exports.ACLED_COLUMNS, *exports.FINDING_COLUMNS]
    ]
    cells[-1] = join(cells[-1], "\n")
    # the cells as arguments and "," as the separator: half the arguments of "," literals between them
    return _bytes(pc.binary_join_element_wise(*cells, ","))


def _bytes(lines: pa.Array) -> bytes:
    """A string array's values back to back, straight from its data buffer (one copy)."""
    if not len(lines):
        return b""
    offsets, data = lines.buffers()[1:3]
    if data is None or offsets is None:
        return b""
    wide = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    ends = np.frombuffer(offsets, wide)[lines.offset : lines.offset + len(lines) + 1]
    return bytes(data[int(ends[0]) : int(ends[-1])].to_pybytes())


def _json_cell(key: str, c: dict[str, pa.Array]) -> pa.Array:
    """The JSON text of one property of each finding's stored document (``stored_form``)."""
    column = c["finding_id" if key == "id" else key]
    if key in ("parties", "incidents"):
        return column  # stored as canonical JSON arrays: the text json.dumps writes for them
    if key == "weapon":  # Finding.to_document: no weapon is null
        return pc.if_else(pc.equal(column, ""), pa.scalar("null", pa.string()), json_strings(dictionary(column)))
    if pa.types.is_floating(column.type):
        return float_cells(dictionary(column), "null")
    if pa.types.is_integer(column.type):
        return column.cast(pa.string()).fill_null("null")
    return json_strings(dictionary(column))


_PROPERTIES = sorted(key for key in FINDING_KEYS if key not in ("lat", "lon"))  # stored_form sorts keys


def features(rows: Chunk) -> bytes:
    """The GeoJSON features of a chunk of ``FEATURE_ROW`` rows (``exports.feature`` of the stored
    document), joined by ``,`` (none after the last)."""
    c = _columns(rows, incidents=False)
    if not len(c["seq"]):
        return b""
    pieces: list[pa.Array | str] = ['{"type":"Feature","id":', json_strings(c["finding_id"])]
    pieces += [',"geometry":{"type":"Point","coordinates":[', _coordinate(c["lon"]), ","]
    pieces += [_coordinate(c["lat"]), ']},"properties":{']
    for k, key in enumerate(_PROPERTIES):
        name = ("," if k else "") + json.dumps(key) + ":"
        if key == "sources":  # Finding.to_document: an uncounted finding has no "sources" key
            text = join(name, _json_cell(key, c))
            pieces.append(pc.if_else(pc.is_null(c[key]), pa.scalar("", pa.string()), text))
        else:
            pieces += [name, _json_cell(key, c)]
    return _bytes(join(*_merged([*pieces, "}},"])))[:-1]


def _merged(pieces: list[pa.Array | str]) -> list[pa.Array | str]:
    """``pieces`` with each run of literals made one: fewer arguments for the one join of a line
    (a join per property would copy every line once per property)."""
    out: list[pa.Array | str] = []
    for piece in pieces:
        if isinstance(piece, str) and out and isinstance(out[-1], str):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def _coordinate(column: pa.Array) -> pa.Array:
    return json_floats(column.to_numpy(zero_copy_only=False))


# -- Parquet ------------------------------------------------------------------------------------

_PARQUET_TYPES = {
    "event_date": pa.date32(),
    "year": pa.int32(),
    "time_precision": pa.int64(),
    "latitude": pa.float64(),
    "longitude": pa.float64(),
    "geo_precision": pa.int64(),
    "fatalities": pa.int64(),
    "parties": pa.list_(pa.string()),
    "confidence": pa.float64(),
    "distance_m": pa.float64(),
    "radius_m": pa.float64(),
}
PARQUET_SCHEMA = pa.schema(
    [(name, _PARQUET_TYPES.get(name, pa.string())) for name in (*exports.ACLED_COLUMNS, *exports.FINDING_COLUMNS)]
)


def parquet_table(rows: Chunk) -> pa.Table:
    """A chunk of ``CSV_ROW`` rows as the CSV's columns, typed (``PARQUET_SCHEMA``): dates as
    dates, numbers as numbers (null where the CSV cell is empty), parties as a list; text as the
    CSV's cells hold it before quoting (a formula start neutralized, issue 11)."""
    c = _columns(rows, incidents=True)
    date = c["date"].cast(pa.date32())
    arrays: list[pa.Array] = []
    for spec in PARQUET_SCHEMA:
        column = c.get(_field(spec.name), date)
        if spec.name == "year":
            column = pc.year(date).cast(pa.int32())
        elif spec.name == "parties":
            column = _party_lists(column)
        elif pa.types.is_string(spec.type):
            column = safe_texts(column)
        arrays.append(column)
    return pa.Table.from_arrays(arrays, schema=PARQUET_SCHEMA)


class _Pipe:
    """A write-only file object whose bytes are taken as they come (ParquetWriter's sink)."""

    closed = False

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.written = 0

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        self.written += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.written

    def flush(self) -> None:
        return None

    def writable(self) -> bool:
        return True

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


class ParquetStream:
    """A Parquet file written a row group at a time, its bytes handed out as they are written:
    ``write`` gives the bytes of the row groups a chunk completes, ``close`` the rest (the last
    row group and the footer). With ``group_rows``, every row group but the last holds that many
    rows whatever the chunks' sizes (a chunk the viewer's hidden findings made smaller, issue
    14: the file is the same bytes as when those were left out in SQL); without, one per chunk."""

    def __init__(self, group_rows: int | None = None) -> None:
        self._pipe = _Pipe()
        self._writer = pq.ParquetWriter(pa.PythonFile(self._pipe, mode="w"), PARQUET_SCHEMA, compression="zstd")
        self._rows, self._held = group_rows, PARQUET_SCHEMA.empty_table()

    def write(self, rows: Chunk) -> bytes:
        table = parquet_table(rows)
        if self._rows is None:
            self._writer.write_table(table)
            return self._pipe.take()
        self._held = pa.concat_tables([self._held, table])
        while self._held.num_rows >= self._rows:
            self._writer.write_table(self._held.slice(0, self._rows).combine_chunks())
            self._held = self._held.slice(self._rows)
        return self._pipe.take()

    def close(self) -> bytes:
        if self._held.num_rows:
            self._writer.write_table(self._held.combine_chunks())
        self._writer.close()
        return self._pipe.take()
