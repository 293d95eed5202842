"""A delimited text file as Arrow string columns, when pyarrow reads it exactly as ``csv`` does (issue 16).

``string_table(data, ...)`` parses a whole file with ``pyarrow.csv`` (multi-threaded, every
column read as text, nothing read as null) and returns None whenever its reading could differ
from the row readers' (``sources.tables``, ``sources.gdelt``), so that the caller falls back to
them: a NUL byte, a carriage return that does not end a line, a quote that neither opens nor
closes a field nor is doubled, a row spread over several lines or an empty line (then row ``i``
would not be on line ``first_line + i``, which messages and ``Incident.line`` rely on), or a row
of another width than the first. Only the named columns are converted.

``file_bytes(detected)`` reads a file whole, without its UTF-8 byte-order mark.
``date_order(table, names, first_line, source)`` decides a table's day/month order the way
``tables.read_table`` does it row by row (``datecolumns``), once per distinct value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pacsv

from ceasefire.sources.columns import categorical
from ceasefire.sources.datecolumns import DAY_FIRST, MONTH_FIRST, DateColumn, DateScan, Evidence, decide
from ceasefire.sources.formats import Detected
from ceasefire.sources.tables import SCAN_ROWS

__all__ = ["date_order", "file_bytes", "string_table"]

_QUOTE, _CR, _LF = 34, 13, 10
_BOM = b"\xef\xbb\xbf"
# A kind per date value: not day/month numbers, numbers that do not decide, day-first, month-first.
_OTHER, _UNDECIDED, _DAY, _MONTH = range(4)


def file_bytes(detected: Detected) -> bytes:
    """The file's bytes without a UTF-8 byte-order mark; b"" when it cannot be read (the row
    readers then say why)."""
    try:
        with detected.member.open() as raw:
            data = raw.read()
    except (OSError, EOFError, ValueError):
        return b""
    return data[len(_BOM) :] if data.startswith(_BOM) else data


def string_table(
    data: bytes, delimiter: str, width: int, columns: dict[str, int], *, header: bool, quoting: bool = True
) -> pa.Table | None:
    """The columns named in ``columns`` (name -> field index) of every row after the header
    (when ``header``), each row ``width`` fields, as strings; None when pyarrow's reading could
    differ from ``csv``'s."""
    if not data or not _plain_lines(data, quoting, delimiter):
        return None
    names = [f"f{i}" for i in range(width)]
    wanted = {f"f{i}": name for name, i in columns.items()}
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1 if header else 0),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"' if quoting else False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(wanted, pa.string()),
                include_columns=list(wanted),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, ValueError):  # a ragged row, bytes that are not UTF-8: the rows say where
        return None
    if table.num_rows + int(header) != _lines(data):
        return None  # an empty line, or a quoted line break: line numbers would drift
    return table.rename_columns([wanted[n] for n in table.column_names])


def _lines(data: bytes) -> int:
    """Physical lines, as ``csv`` and ``TextIOWrapper`` count them (no lone CR: checked before)."""
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def _plain_lines(data: bytes, quoting: bool, delimiter: str) -> bool:
    """No NUL, every CR followed by LF, and (CSV) every quote at a field's edge or doubled."""
    if b"\0" in data or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):
        return False
    if not quoting or b'"' not in data:
        return True
    raw = np.frombuffer(data, np.uint8)
    quotes = np.flatnonzero(raw == _QUOTE)
    edges = np.array([ord(delimiter), _CR, _LF, _QUOTE], np.uint8)
    before = np.where(quotes > 0, raw[np.maximum(quotes - 1, 0)], _LF)
    after = np.where(quotes < len(raw) - 1, raw[np.minimum(quotes + 1, len(raw) - 1)], _LF)
    return bool((np.isin(before, edges) | np.isin(after, edges)).all())


def date_order(
    table: pa.Table, names: Sequence[str], first_line: int, source: str
) -> tuple[str, str, DateColumn | None]:
    """(order, why, converter) for the date columns ``names`` of a table whose row ``i`` is on
    line ``first_line + i``: what ``tables.read_table`` finds scanning the rows in order (the
    first ``SCAN_ROWS``, all of them while day/month numbers leave the order open)."""
    scan = DateScan()
    present = [n for n in names if n in table.column_names]
    if table.num_rows and present:
        scan.seen = True
        kinds = np.stack([_kinds(table, n) for n in present], axis=1)  # row-major: the scan's order
        scan.numeric = bool((kinds[:SCAN_ROWS] != _OTHER).any())
        decisive = np.flatnonzero(kinds.ravel() >= _DAY) if scan.numeric else np.zeros(0, np.intp)
        if len(decisive):
            row, col = divmod(int(decisive[0]), len(present))
            value = str(table[present[col]][row].as_py()).strip()
            order = DAY_FIRST if kinds[row, col] == _DAY else MONTH_FIRST
            scan.evidence = Evidence(order, value, first_line + row)
    order, why = decide(scan, source)
    return order, why, DateColumn(order, scan.evidence) if scan.numeric else None


def _kinds(table: pa.Table, name: str) -> npt.NDArray[np.int8]:
    cat = categorical(table, name)
    kinds = []
    for value in cat.categories:
        scan = DateScan()
        scan.see(str(value), 0)
        if scan.evidence is not None:
            kinds.append(_DAY if scan.evidence.order == DAY_FIRST else _MONTH)
        else:
            kinds.append(_UNDECIDED if scan.numeric else _OTHER)
    table_of_kinds = np.array([*kinds, _OTHER], np.int8)
    return table_of_kinds[np.asarray(cat.codes, np.intp)]
