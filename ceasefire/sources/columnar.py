"""Columnar intake (issue 16): events files read with pyarrow and checked column by column.

::

    read_files(paths, bad_rows, today=None, *, encoding=None, sheet=None) -> raw columns
                      every file's incidents as the columns ``IncidentTable.from_columns`` takes,
                      in file and line order: what ``iter_files`` gives as objects
    read_columns(detected, bad_rows, today=None) -> raw columns, or None
                      one ACLED or UCDP GED CSV (GDELT: ``gdeltcolumns``) read by pyarrow

A file is parsed once by ``pyarrow.csv`` (``arrowtext.string_table``: every column as text), its
day/month order decided as the row readers decide it (``arrowtext.date_order``), and each field
checked and converted once per distinct value, or in bulk for the numbers (``sources.columns``).
A row in which any check failed is then read again by the format's own row function (``recheck.Replay``: what
``read_acled``/``read_ucdp`` call), which says what is wrong in its own words, ``FILE:LINE:
column: problem``, or that the event has no place; so messages, counts and the bad-row policy
are the row readers' by construction. Whatever pyarrow might read differently (another
encoding, a workbook, a ragged row, a quoted line break, odd quoting...) is read by the row
readers instead, whose incidents become columns (``columns_of``): the result is the same
either way (tests/sources/test_columnar_intake.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ceasefire.model import REPORT_PREFIX, Incident
from ceasefire.sources.acled import ACLED, AcledRecord, acled_incident
from ceasefire.sources.arrowtext import date_order, file_bytes, string_table
from ceasefire.sources.columns import Checks, acled_checked
from ceasefire.sources.datecolumns import DateColumn
from ceasefire.sources.formats import PARQUET_MAGIC, Detected, detect, read_detected, read_events
from ceasefire.sources.gdeltcolumns import gdelt_columns
from ceasefire.sources.recheck import Replay, joined, start_counts
from ceasefire.sources.rows import BadRows, RowError
from ceasefire.sources.tables import TableSpec, column_name
from ceasefire.sources.ucdp import UCDP, UcdpRecord, ucdp_incident
from ceasefire.sources.ucdpcolumns import ucdp_checked
from ceasefire.table import columns_of

__all__ = ["TEXT_ENCODINGS", "read_columns", "read_files"]

TEXT_ENCODINGS = frozenset({"utf-8", "utf-8-sig", "ascii"})  # what pyarrow reads as it is
Build = Callable[[tuple[str, ...], int], Incident]
Checked = Callable[[pa.Table, str, dt.date | None], tuple[dict[str, Any], Checks]]


def read_files(
    paths: Iterable[str | os.PathLike[str]],
    bad_rows: BadRows,
    today: dt.date | None = None,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
) -> dict[str, Any]:
    """The incidents of every file, as raw columns; every file's format is checked before any
    is read (as ``iter_files`` does)."""
    found = [_found(os.fspath(p), encoding, sheet) for p in paths]
    parts: list[dict[str, Any]] = []
    for path, detected in found:
        if detected is None:  # Parquet: read as objects by its own reader
            parts.append(columns_of(read_events(path, bad_rows, today)))
            continue
        for one in detected:
            raw = read_columns(one, bad_rows, today)
            parts.append(columns_of(read_detected(one, bad_rows, today)) if raw is None else raw)
    return joined(parts)


def _found(path: str, encoding: str | None, sheet: str | None) -> tuple[str, list[Detected] | None]:
    if os.path.isdir(path):
        return path, None
    try:
        with open(path, "rb") as raw:
            head = raw.read(len(PARQUET_MAGIC))
    except OSError:  # detect says what is wrong, as read_events does
        head = b""
    return path, None if head == PARQUET_MAGIC else detect(path, encoding, sheet)


def read_columns(detected: Detected, bad_rows: BadRows, today: dt.date | None = None) -> dict[str, Any] | None:
    """One ACLED, UCDP GED or GDELT text file as raw columns, its counts in ``bad_rows``; None
    (nothing counted) when the row readers must read it."""
    if detected.member.workbook or detected.encoding not in TEXT_ENCODINGS:
        return None
    if detected.format == "acled":
        return _table_columns(detected, bad_rows, today, ACLED, _acled_checked, _acled_build)
    if detected.format == "ucdp":
        return _table_columns(detected, bad_rows, today, UCDP, ucdp_checked, _ucdp_build)
    if detected.format == "gdelt":
        return gdelt_columns(detected, bad_rows, today)
    return None


def _acled_checked(table: pa.Table, name: str, today: dt.date | None) -> tuple[dict[str, Any], Checks]:
    raw, checks = acled_checked(table, name, 1, today)  # row i on line i + 2
    ids = _id_text(table, ("event_id_cnty", "data_id"))
    checks.flag(_unusual_id(ids, raw["id"]), "id")
    return raw, checks


def _id_text(table: pa.Table, names: Sequence[str]) -> pa.ChunkedArray:
    """The id as the row reader takes it before stripping: the first non-empty of ``names``."""
    cols = [table[n] for n in names if n in table.column_names]
    return cols[0] if len(cols) == 1 else pc.if_else(pc.equal(cols[0], ""), cols[1], cols[0])


def _unusual_id(text: pa.ChunkedArray, ids: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """Ids Python might strip otherwise than Arrow, or that take the reports' prefix."""
    stripped = pc.utf8_trim_whitespace(text)
    odd = pc.or_(pc.not_equal(stripped, text), pc.starts_with(stripped, REPORT_PREFIX))
    return np.asarray(odd.to_numpy(zero_copy_only=False), bool)


def _acled_build(name: str, today: dt.date | None) -> Build:
    return lambda values, line: acled_incident(AcledRecord._make(values), line, source="acled", file=name, today=today)


def _ucdp_build(name: str, today: dt.date | None) -> Build:
    return lambda values, line: ucdp_incident(UcdpRecord._make(values), line, file=name, today=today)


def _header(data: bytes, spec: TableSpec) -> tuple[int, dict[str, int]] | None:
    """(width, column -> index) of the header, as ``tables.read_table`` maps it; None when a
    required column is missing (the row reader fails the file with its message)."""
    end = data.find(b"\n")
    first = data[: end if end >= 0 else len(data)].rstrip(b"\r").decode("utf-8", "replace")
    header = next(csv.reader([first]), [])
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = spec.aliases.get(column_name(cell), column_name(cell))
        if column in spec.columns and column not in columns:
            columns[column] = index
    if not header or any(not any(n in columns for n in names) for names in spec.required):
        return None
    return len(header), columns


def _table_columns(
    detected: Detected,
    bad_rows: BadRows,
    today: dt.date | None,
    spec: TableSpec,
    checked: Checked,
    build: Callable[[str, dt.date | None], Build],
) -> dict[str, Any] | None:
    data = file_bytes(detected)
    header = _header(data, spec)
    table = string_table(data, ",", header[0], header[1], header=True) if header else None
    del data  # the columns hold the text now: the bytes are not kept through the checks
    if table is None:
        return None
    counts = start_counts(bad_rows, detected)
    dated = [c for c in spec.dates if c in table.column_names]
    convert = None
    if dated:
        counts.date_order, counts.date_order_why, convert = date_order(table, dated, 2, spec.source)
    converted, date_bad = _converted(table, dated, convert)
    raw, checks = checked(converted, detected.name, today)
    replay = Replay(detected.name, _table_row(spec, build(detected.name, today), dated, convert))
    lines = np.arange(2, table.num_rows + 2, dtype=np.int64)  # the header is line 1
    return replay.settle(raw, checks.bad | date_bad, table, bad_rows, lines)


def _converted(
    table: pa.Table, dated: Sequence[str], convert: DateColumn | None
) -> tuple[pa.Table, npt.NDArray[np.bool_]]:
    """The table with its date columns as ``parse_date`` reads them, and the rows whose date
    contradicts the column's order or is no date."""
    bad = np.zeros(table.num_rows, bool)
    if convert is None:
        return table, bad
    for name in dated:
        dictionary = pc.dictionary_encode(table[name]).combine_chunks()
        values, failed = [], []
        for text in dictionary.dictionary.to_pylist():
            try:
                values.append(convert(name, text))
                failed.append(False)
            except RowError:
                values.append(text)
                failed.append(True)
        indices = dictionary.indices
        bad |= np.asarray([*failed, False], bool)[np.asarray(indices.to_numpy(zero_copy_only=False), np.intp)]
        column = pa.array(values, pa.string()).take(indices)
        table = table.set_column(table.column_names.index(name), name, column)
    return table, bad


def _table_row(spec: TableSpec, build: Build, dated: Sequence[str], convert: DateColumn | None) -> Any:
    """``read_table``'s treatment of one row: absent columns hold their default, the date
    columns are converted to the file's order, then the format's ``build``."""
    positions = [(spec.columns.index(c), c) for c in dated] if convert is not None else []

    def read_row(record: dict[str, str], line: int) -> Incident:
        values = [record.get(c, spec.defaults.get(c, "")) for c in spec.columns]
        for index, column in positions:
            values[index] = convert(column, values[index]) if convert is not None else values[index]
        return build(tuple(values), line)

    return read_row
