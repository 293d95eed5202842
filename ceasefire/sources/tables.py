"""CSV files whose first line names the columns (ACLED, UCDP GED), read one row at a time.

A ``TableSpec`` lists the columns a format reads, in the order its record (a NamedTuple) holds
them, and which of them are required; header names match case-insensitively (old ACLED exports
are upper case), and a few old names are aliases of current ones. Each row is handed to the
format's ``build`` function as a tuple in the spec's order, an absent column holding its default,
and becomes an ``Incident`` or raises ``RowError``.

Date columns (``TableSpec.dates``) are read in one order for the whole column (``datecolumns``):
the first ``SCAN_ROWS`` rows are scanned, and the rest of the file too when they hold day/month
numbers none of which says whether the day or the month comes first; then the file is read from
its start (a workbook, which cannot be rewound, has its first rows held back instead). When the
rows scanned hold no day/month numbers (ISO dates, month names), values pass to ``parse_date``
as they are.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, TextIO

from ceasefire.errors import InputError
from ceasefire.model import Incident
from ceasefire.sources.datecolumns import DateColumn, DateScan, decide
from ceasefire.sources.rows import BadRows, NoPlace, RowError, fail_file

__all__ = ["SCAN_ROWS", "TableSpec", "column_name", "read_table"]

SCAN_ROWS = 2_000  # rows scanned to decide the date order before the first is read


@dataclass(frozen=True)
class TableSpec:
    label: str  # the format's name in messages, e.g. "ACLED"
    columns: tuple[str, ...]  # every column read, in record order
    required: tuple[tuple[str, ...], ...]  # each entry: one of these names must be present
    defaults: Mapping[str, str] = field(default_factory=dict)  # for absent columns; else ""
    aliases: Mapping[str, str] = field(default_factory=dict)  # old name -> current name
    source: str = ""  # the format's key in EVENT_FORMATS, for its date convention
    dates: tuple[str, ...] = ()  # date columns: day/month order decided per file

    def needs(self) -> str:
        return ", ".join(" or ".join(names) for names in self.required)


def column_name(text: str) -> str:
    """A header cell as the specs spell column names: lower case, no BOM, no padding."""
    return text.replace("\ufeff", "").strip().lower()


def read_table(
    fp: TextIO,
    name: str,
    bad_rows: BadRows,
    spec: TableSpec,
    build: Callable[[tuple[str, ...], int], Incident],
) -> Iterator[Incident]:
    """Incidents from ``fp`` row by row; bad rows go to ``bad_rows`` as ``FILE:LINE: ...``."""
    reader: Any = csv.reader(fp, strict=True)  # a stray quote is an error, not a merged row
    last = 0  # the physical line the previous row ended on
    counts = bad_rows.current
    try:
        header = next(reader, None)
        if header is None:
            fail_file(bad_rows, f"{name}:1: the file is empty ({spec.label} CSV needs a header)")
        width = len(header)
        columns = _columns(header, spec, name, bad_rows)
        pick, fill = _picker(columns, spec, width)
        dated = [(columns[c], c) for c in spec.dates if c in columns]
        convert = None
        if dated:
            reader, convert = _date_order(fp, reader, dated, spec.source, bad_rows)
        last = reader.line_num
        for row in reader:
            # A quoted field may span lines: report the line the row starts on.
            line, last = last + 1, reader.line_num
            if not row:
                continue
            if len(row) != width:
                bad_rows.report(f"{name}:{line}: the row has {len(row)} fields, the header {width}")
                continue
            row.extend(fill)
            try:
                if convert is not None:
                    for index, column in dated:
                        row[index] = convert(column, row[index])
                incident = build(pick(row), line)
            except NoPlace as error:
                bad_rows.no_place(f"{name}:{line}: {error}")
                continue
            except RowError as error:
                bad_rows.report(f"{name}:{line}: {error}")
                continue
            counts.incidents += 1
            yield incident
    except csv.Error as error:  # e.g. an unclosed quote: no row after it can be trusted
        raise InputError(f"{name}:{last + 1}: not valid CSV: {error}") from None


def _date_order(
    fp: TextIO, reader: Any, dated: list[tuple[int, str]], source: str, bad_rows: BadRows
) -> tuple[Any, DateColumn | None]:
    """A reader positioned after the header again, and the converter of the date columns (None
    when the rows scanned hold no day/month numbers). A file that can be rewound is scanned,
    then read from the start, so that reading its rows costs nothing more; another (a
    workbook) has its first rows held back and replayed."""
    scan = DateScan()
    if fp.seekable():
        with contextlib.suppress(csv.Error):  # broken quoting: the reading pass reports it at its line
            _scan(scan, ((reader.line_num, row) for row in reader), dated, whole=False)
        fp.seek(0)
        reader = csv.reader(fp, strict=True)
        next(reader, None)
    else:
        reader = _Replay(reader)
        _scan(scan, reader.hold(SCAN_ROWS), dated, whole=True)  # a csv.Error here: at the held rows
    counts = bad_rows.current
    counts.date_order, counts.date_order_why = decide(scan, source)
    return reader, DateColumn(counts.date_order, scan.evidence) if scan.numeric else None


def _scan(scan: DateScan, rows: Iterable[tuple[int, list[str]]], dated: list[tuple[int, str]], *, whole: bool) -> None:
    """Show the date columns' values to ``scan`` until it has decided; past ``SCAN_ROWS`` rows
    only while the values seen hold day/month numbers that did not decide (unless ``whole``)."""
    for number, (line, row) in enumerate(rows):
        if not whole and number >= SCAN_ROWS and not scan.numeric:
            return
        for index, _ in dated:
            if index < len(row) and scan.see(row[index], line):
                return


class _Replay:
    """A CSV reader whose first rows were read ahead: it gives them again, then the rest, with
    ``line_num`` as the reader had it after each."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._held: list[tuple[list[str], int]] = []
        self.line_num = reader.line_num

    def hold(self, count: int) -> list[tuple[int, list[str]]]:
        """Read ``count`` rows ahead: (line, row) for each."""
        for row in itertools.islice(self._reader, count):
            self._held.append((row, self._reader.line_num))
        ahead = [(line, row) for row, line in self._held]
        self._held.reverse()  # popped from the end
        return ahead

    def __iter__(self) -> _Replay:
        return self

    def __next__(self) -> list[str]:
        if self._held:
            row, self.line_num = self._held.pop()
            return row
        row = next(self._reader)
        self.line_num = self._reader.line_num
        return row


def _columns(header: list[str], spec: TableSpec, name: str, bad_rows: BadRows) -> dict[str, int]:
    """Column -> index for the columns the spec names; a missing required one fails the file."""
    wanted = set(spec.columns)
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = column_name(cell)
        column = spec.aliases.get(column, column)
        if column in wanted and column not in columns:
            columns[column] = index
    for names in spec.required:
        if not any(n in columns for n in names):
            fail_file(
                bad_rows,
                f"{name}:1: {' or '.join(names)}: required column missing from the header "
                f"({spec.label} files need {spec.needs()})",
            )
    return columns


def _picker(columns: dict[str, int], spec: TableSpec, width: int) -> tuple[Any, list[str]]:
    """A getter of the spec's columns from a row extended by ``fill``: the absent ones' defaults."""
    positions: list[int] = []
    fill: list[str] = []
    for column in spec.columns:
        if column in columns:
            positions.append(columns[column])
        else:
            positions.append(width + len(fill))
            fill.append(spec.defaults.get(column, ""))
    return itemgetter(*positions), fill
