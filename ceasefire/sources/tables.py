"""CSV files whose first line names the columns (ACLED, UCDP GED), read one row at a time.

A ``TableSpec`` lists the columns a format reads, in the order its record (a NamedTuple) holds
them, and which of them are required; header names match case-insensitively (old ACLED exports
are upper case), and a few old names are aliases of current ones. Each row is handed to the
format's ``build`` function as a tuple in the spec's order, an absent column holding its default,
and becomes an ``Incident`` or raises ``RowError``.

Date columns (``TableSpec.dates``) are read in one order for the whole column (``datecolumns``):
the first ``SCAN_ROWS`` rows are held back and scanned; when none of them says whether the day or
the month comes first and the file can be rewound, the rest of the file is scanned too, then the
file is read again from the start (a second pass only for such files). When the rows held back
hold no day/month numbers (ISO dates, month names), values pass to ``parse_date`` as they are.
"""

from __future__ import annotations

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

__all__ = ["EXTRA_COLUMNS", "TableSpec", "column_name", "read_table"]

EXTRA_COLUMNS = ("weapon", "attacker")  # honoured in any format that has a header
SCAN_ROWS = 2_000  # rows held back to decide the date order before the first is read


@dataclass(frozen=True)
class TableSpec:
    label: str  # the format's name in messages, e.g. "ACLED"
    columns: tuple[str, ...]  # every column read, in record order
    required: tuple[tuple[str, ...], ...]  # each entry: one of these names must be present
    defaults: Mapping[str, str] = field(default_factory=dict)  # for absent columns; else ""
    aliases: Mapping[str, str] = field(default_factory=dict)  # old name -> current name
    source: str = ""  # the format's key in FORMATS, for its date convention
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
    reader = csv.reader(fp, strict=True)  # a stray quote is an error, not a merged row
    ended = [0]  # the physical line the last row read ended on
    counts = bad_rows.current
    try:
        header = next(reader, None)
        if header is None:
            fail_file(bad_rows, f"{name}:1: the file is empty ({spec.label} CSV needs a header)")
        width = len(header)
        columns = _columns(header, spec, name, bad_rows)
        pick, fill = _picker(columns, spec, width)
        dated = [(columns[c], c) for c in spec.dates if c in columns]
        ended[0] = reader.line_num
        rows, convert = _date_order(fp, _numbered(reader, ended), dated, spec.source, bad_rows, ended)
        for line, row in rows:
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
        raise InputError(f"{name}:{ended[0] + 1}: not valid CSV: {error}") from None


Rows = Iterator[tuple[int, list[str]]]


def _numbered(reader: Any, ended: list[int]) -> Rows:
    """The reader's rows with the physical line each starts on: a quoted field may span lines,
    and a row is reported at the line it starts on. ``ended[0]`` follows the last line read."""
    for row in reader:
        line = ended[0] + 1
        ended[0] = reader.line_num
        yield line, row


def _date_order(
    fp: TextIO, rows: Rows, dated: list[tuple[int, str]], source: str, bad_rows: BadRows, ended: list[int]
) -> tuple[Rows, DateColumn | None]:
    """Every row, the first ones held back to decide the date order, and the converter of the
    date columns (None when the rows held back have no day/month numbers in them)."""
    if not dated:
        return rows, None
    held = list(itertools.islice(rows, SCAN_ROWS))
    scan = DateScan()
    _scan(scan, held, dated)
    if scan.evidence is None and scan.numeric and len(held) == SCAN_ROWS and fp.seekable():
        _scan(scan, rows, dated)  # the rest of the file, then read it again after the held rows
        fp.seek(0)
        reader = csv.reader(fp, strict=True)
        ended[0] = 0
        rows = _numbered(reader, ended)
        for _ in range(1 + len(held)):
            next(rows)
    counts = bad_rows.current
    counts.date_order, counts.date_order_why = decide(scan, source)
    convert = DateColumn(counts.date_order, scan.evidence) if scan.numeric else None
    return itertools.chain(held, rows), convert


def _scan(scan: DateScan, rows: Iterable[tuple[int, list[str]]], dated: list[tuple[int, str]]) -> None:
    """Show the date columns' values to ``scan`` until it has decided."""
    for line, row in rows:
        for index, _ in dated:
            if index < len(row) and scan.see(row[index], line):
                return


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
