"""CSV files whose first line names the columns (ACLED, UCDP GED), read one row at a time.

A ``TableSpec`` lists the columns a format reads, in the order its record (a NamedTuple) holds
them, and which of them are required; header names match case-insensitively (old ACLED exports
are upper case), and a few old names are aliases of current ones. Each row is handed to the
format's ``build`` function as a tuple in the spec's order, an absent column holding its default,
and becomes an ``Incident`` or raises ``RowError``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, TextIO

from ceasefire.errors import InputError
from ceasefire.model import Incident
from ceasefire.sources.rows import BadRows, RowError, fail_file

__all__ = ["TableSpec", "column_name", "read_table"]


@dataclass(frozen=True)
class TableSpec:
    label: str  # the format's name in messages, e.g. "ACLED"
    columns: tuple[str, ...]  # every column read, in record order
    required: tuple[tuple[str, ...], ...]  # each entry: one of these names must be present
    defaults: Mapping[str, str] = field(default_factory=dict)  # for absent columns; else ""
    aliases: Mapping[str, str] = field(default_factory=dict)  # old name -> current name

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
    last = 0  # the physical line the previous row ended on
    try:
        header = next(reader, None)
        if header is None:
            fail_file(bad_rows, f"{name}:1: the file is empty ({spec.label} CSV needs a header)")
        width = len(header)
        pick, fill = _picker(_columns(header, spec, name, bad_rows), spec, width)
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
                yield build(pick(row), line)
            except RowError as error:
                bad_rows.report(f"{name}:{line}: {error}")
    except csv.Error as error:  # e.g. an unclosed quote: no row after it can be trusted
        raise InputError(f"{name}:{last + 1}: not valid CSV: {error}") from None


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
