"""Writers over ``FindingColumns``: Parquet, Arrow IPC, and the JSON and CSV texts of
``formats`` built a slice of rows at a time with Arrow's string kernels (issue 16).

The JSON findings are byte-identical to ``json.dumps(finding.to_document(), ensure_ascii=False)``
joined by ``", "``; the CSV rows to ``exports.csv_row`` through ``csv.writer(lineterminator="\\n")``
(a field is quoted when it holds ``,``, ``"`` or a newline, quotes doubled). tests/test_columnar.py
compares both with the object path on generated data.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, TextIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ceasefire import exports
from ceasefire.finding_columns import FindingColumns
from ceasefire.model import FINDING_KEYS
from ceasefire.parallel import in_order
from ceasefire.text_columns import (
    csv_cells,
    dictionary,
    float_cells,
    iso_dates,
    join,
    json_bodies,
    json_strings,
    pick,
    when,
)

__all__ = [
    "BINARY_FORMATS",
    "write_arrow",
    "write_binary",
    "write_binary_slices",
    "write_csv",
    "write_csv_slices",
    "write_json",
    "write_json_slices",
    "write_parquet",
]

BINARY_FORMATS = ("parquet", "arrow")
SLICE = 100_000  # rows formatted at once (as explanations are built): bounds the memory of a slice's text


# Columns with a value per finding: a Parquet dictionary of them only costs the attempt (issue 16:
# about a fifth of the write's CPU) and makes the file larger; the others repeat and are encoded
# by dictionary, as before.
_DISTINCT = frozenset({"id", "incident", "explanation", "lat", "lon", "distance_m", "notes"})


def write_parquet(fc: FindingColumns, out: BinaryIO) -> None:
    """zstd (level 1, the default), dictionary pages for the repeating columns only."""
    repeating = [name for name in fc.table.column_names if name not in _DISTINCT]
    pq.write_table(fc.table, out, compression="zstd", use_dictionary=repeating)


def write_arrow(fc: FindingColumns, out: BinaryIO) -> None:
    """The Arrow IPC file format (random access; ``pyarrow.ipc.open_file`` reads it)."""
    with pa.ipc.new_file(out, fc.table.schema) as writer:
        writer.write_table(fc.table)


def write_binary(fc: FindingColumns, fmt: str, out: BinaryIO) -> None:
    (write_parquet if fmt == "parquet" else write_arrow)(fc, out)


def write_binary_slices(pieces: Iterable[FindingColumns], fmt: str, out: BinaryIO) -> None:
    """``write_binary`` of the slices' tables concatenated (``finding_column_slices``), one
    writer for the file, a slice at a time: Parquet gets a row group per slice (same
    compression and dictionary columns as ``write_parquet``), Arrow IPC a record batch per
    chunk. ``pieces`` holds at least one slice; memory holds the slices being written."""
    writer: pq.ParquetWriter | pa.ipc.RecordBatchFileWriter | None = None
    try:
        for fc in pieces:
            if writer is None:
                writer = _writer(fc.table.schema, fmt, out)
            writer.write_table(fc.table)
    finally:
        if writer is not None:
            writer.close()


def _writer(schema: pa.Schema, fmt: str, out: BinaryIO) -> pq.ParquetWriter | pa.ipc.RecordBatchFileWriter:
    if fmt != "parquet":
        return pa.ipc.new_file(out, schema)
    repeating = [name for name in schema.names if name not in _DISTINCT]
    return pq.ParquetWriter(out, schema, compression="zstd", use_dictionary=repeating)


def _write_lines(lines: pa.Array, out: TextIO, drop: int = 0) -> None:
    """Write a string array's values back to back, straight from its data buffer (to the
    binary stream under ``out`` when there is one), leaving out the last ``drop`` bytes."""
    lines = pa.concat_arrays([lines.cast(pa.large_string())])  # offsets from 0, no slicing
    offsets = np.frombuffer(lines.buffers()[1], np.int64)[: len(lines) + 1]
    data = lines.buffers()[2]
    if data is None or not len(lines):
        return
    view = memoryview(data)[: max(int(offsets[-1]) - drop, 0)]
    binary = getattr(out, "buffer", None)
    if binary is not None:
        out.flush()
        binary.write(view)
    else:
        out.write(str(view, "utf-8"))


def _floats(table: pa.Table, name: str, python: Callable[[float], str] | None = None) -> pa.Array:
    return float_cells(table.column(name).combine_chunks(), "null", python)


def _slice_lines(
    fc: FindingColumns, lines: Callable[[FindingColumns, pa.Table, np.ndarray, int], pa.Array]
) -> Iterator[pa.Array]:
    """``lines`` of each slice of ``SLICE`` rows, made on ``parallel.THREADS`` threads, in order."""

    def work(start: int) -> pa.Array:
        return lines(fc, fc.table.slice(start, SLICE), fc.party_code[start : start + SLICE], start)

    return in_order(work, range(0, fc.table.num_rows, SLICE))


def _json_lines(fc: FindingColumns, table: pa.Table, codes: np.ndarray, start: int = 0) -> pa.Array:
    """One ``finding.to_document()`` text per row, in the contract's key order (``table`` is
    the slice of ``fc.table`` from row ``start``). Each value is (opening, text, closing):
    the quotes around strings go into the literals between values, so the row's text is one
    join of the columns, with no join per string column to quote it."""
    incidents = fc.incidents_json
    s = {name: ('"', json_bodies(dictionary(table.column(name).combine_chunks())), '"') for name in _JSON_STRINGS}
    days = table.column("date").combine_chunks().cast(pa.int32()).to_numpy().astype(np.int64) + 719163
    values: dict[str, tuple[str, pa.Array, str]] = {
        **s,
        "parties": ("", pick([json.dumps(list(p), ensure_ascii=False) for p in fc.party_sets] or ["[]"], codes), ""),
        "incidents": ('["', s["incident"][1], '"]')
        if incidents is None
        else ("", incidents.slice(start, len(table)), ""),
        "date": ('"', iso_dates(days), '"'),
        **{name: ("", _floats(table, name), "") for name in ("lat", "lon", "confidence", "distance_m", "radius_m")},
        "weapon": ("", _string_or_null(dictionary(table.column("weapon").combine_chunks())), ""),
        "fatalities": ("", table.column("fatalities").combine_chunks().cast(pa.string()), ""),
        "sources": ("", table.column("sources").combine_chunks().cast(pa.string()), ""),
    }
    pieces: list[pa.Array | str] = []
    literal = "{"
    for key in _JSON_KEYS:
        opening, text, closing = values[key]
        pieces += [literal + json.dumps(key) + ": " + opening, text]
        literal = closing + ", "
    return join(*pieces, literal[:-2] + "}, ")  # the writer drops the last row's ", "


def _string_or_null(column: pa.Array) -> pa.Array:
    """A JSON string, or ``null`` for an empty text (the finding's ``weapon``)."""
    if pa.types.is_dictionary(column.type):
        return _string_or_null(column.dictionary).take(column.indices)
    empty = np.asarray(pc.equal(column, "").to_numpy(zero_copy_only=False), bool)
    return when(empty, "null", json_strings(column))


_JSON_KEYS = FINDING_KEYS
_JSON_STRINGS = (
    "id",
    "obligation",
    "category",
    "status",
    "attribution",
    "incident",
    "explanation",
    "rule",
    "event_type",
    "sub_event_type",
    "weapon",
    "location",
    "actor1",
    "actor2",
    "source",
)


def write_json(fc: FindingColumns, head: str, tail: str, out: TextIO) -> None:
    """``head`` + the findings' documents joined by ``", "`` + ``tail``, a slice at a time."""
    write_json_slices([fc], head, tail, out)


def write_json_slices(pieces: Iterable[FindingColumns], head: str, tail: str, out: TextIO) -> None:
    """``write_json`` of the slices' rows (``finding_column_slices``), a slice at a time."""
    out.write(head)
    held: pa.Array | None = None  # the last lines so far: the very last row loses its ", "
    for fc in pieces:
        for lines in _slice_lines(fc, _json_lines):
            if held is not None:
                _write_lines(held, out)
            held = lines
    if held is not None:
        _write_lines(held, out, drop=2)
    out.write(tail)


def _csv_lines(fc: FindingColumns, table: pa.Table, codes: np.ndarray, start: int = 0) -> pa.Array:
    """One CSV line per row: the incident's ACLED columns, then the finding's (``exports.csv_row``)."""
    days = table.column("date").combine_chunks().cast(pa.int32()).to_numpy().astype(np.int64) + 719163
    date = iso_dates(days)
    column = {name: table.column(name).combine_chunks() for name in table.column_names}
    cells: dict[str, pa.Array] = {
        **{name: csv_cells(dictionary(column[name])) for name in _CSV_STRINGS},
        "event_id_cnty": csv_cells(column["incident"]),
        "event_date": date,
        "year": pc.utf8_slice_codeunits(date, 0, 4),
        "time_precision": column["date_precision"].cast(pa.string()),
        "latitude": _floats(table, "lat", repr),
        "longitude": _floats(table, "lon", repr),
        "geo_precision": column["geo_precision"].cast(pa.string()),
        "source": csv_cells(column["source"]),
        "fatalities": column["fatalities"].cast(pa.string()),
        "finding_id": csv_cells(column["id"]),
        "parties": csv_cells(pick([";".join(p) for p in fc.party_sets] or [""], codes)),
        "confidence": _floats(table, "confidence", repr),
        "distance_m": pc.if_else(pc.is_null(column["distance_m"]), "", _floats(table, "distance_m", repr)),
        "radius_m": _floats(table, "radius_m", repr),
    }
    names = [*exports.ACLED_COLUMNS, *exports.FINDING_COLUMNS]
    pieces: list[pa.Array | str] = []
    for k, name in enumerate(names):
        pieces += ([] if k == 0 else [","]) + [cells[name]]
    return join(*pieces, "\n")


_CSV_STRINGS = (
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "country",
    "admin1",
    "location",
    "notes",
    "weapon",
    "obligation",
    "category",
    "status",
    "attribution",
    "rule",
    "explanation",
)


def write_csv(fc: FindingColumns, out: TextIO, *, hxl: bool = False) -> None:
    """``exports.write_csv`` of the same findings: header (and HXL hashtags), then the rows."""
    header = io.StringIO()
    writer = csv.writer(header, lineterminator="\n")
    writer.writerows(exports.csv_header(hxl=hxl))
    out.write(header.getvalue())
    write_csv_slices([fc], out, header=False)


def write_csv_slices(pieces: Iterable[FindingColumns], out: TextIO, *, hxl: bool = False, header: bool = True) -> None:
    """``write_csv`` of the slices' rows (``finding_column_slices``), a slice at a time."""
    if header:
        head = io.StringIO()
        csv.writer(head, lineterminator="\n").writerows(exports.csv_header(hxl=hxl))
        out.write(head.getvalue())
    for fc in pieces:
        for lines in _slice_lines(fc, _csv_lines):
            _write_lines(lines, out)
