"""Events files inside other files: .zip (one or more events files), .gz, and .xlsx workbooks.

Told by content, never by name: a zip archive holding ``xl/workbook.xml`` is an Excel workbook,
another zip archive holds events files (every member but folders and macOS metadata), a gzip
signature is one compressed file. Each events file becomes a ``Member`` that can be opened as
bytes as often as detection needs; a member of an archive is named ``ARCHIVE/MEMBER`` in messages.

Workbooks are read with openpyxl in read-only mode, which streams the sheet's rows; each row is
handed to the CSV readers as one CSV line (``SheetText``), cells turned to text as a CSV export
would write them (dates as ISO dates, whole numbers without ``.0``).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any, cast

from ceasefire.errors import FormatNotRecognized, InputError

__all__ = ["Member", "SheetText", "members"]

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
_SKIPPED = ("__MACOSX/", ".")  # macOS resource forks and hidden files inside archives


@dataclass(frozen=True)
class Member:
    """One events file: its name in messages, how to open its bytes, and whether it is a sheet."""

    name: str
    open: Callable[[], IO[bytes]]
    workbook: bool = False
    container: str = ""  # "", "zip", "gzip" or "xlsx"


def members(path: str, head: bytes) -> list[Member]:
    """The events files ``path`` holds (itself when it is not a container)."""
    if head.startswith(GZIP_MAGIC):
        return [Member(path, lambda: cast(IO[bytes], gzip.open(path, "rb")), container="gzip")]
    if not head.startswith(ZIP_MAGIC):
        return [Member(path, lambda: open(path, "rb"))]
    try:
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
    except zipfile.BadZipFile as error:
        raise FormatNotRecognized(f"{path}: it is a zip archive, but a damaged one ({error})") from None
    if "xl/workbook.xml" in names:
        return [Member(path, lambda: open(path, "rb"), workbook=True, container="xlsx")]
    inside = [n for n in names if not os.path.basename(n).startswith(_SKIPPED) and not n.startswith(_SKIPPED)]
    if not inside:
        raise InputError(f"{path}: a zip archive with no file in it")
    return [Member(f"{path}/{n}", _member_opener(path, n), container="zip") for n in inside]


def _member_opener(path: str, name: str) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        with zipfile.ZipFile(path) as archive:  # the member keeps the file open until it closes
            return archive.open(name)

    return opener


class SheetText:
    """A worksheet's rows as CSV text lines, streamed: what the CSV readers need of a text file
    (iteration, ``readline``, ``seekable``, closing)."""

    def __init__(self, member: Member, sheet: str | None) -> None:
        from openpyxl import load_workbook

        self._raw = member.open()
        try:
            self._book = load_workbook(self._raw, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a broken workbook
            self._raw.close()
            raise InputError(f"{member.name}: not a readable Excel workbook ({error})") from None
        names = self._book.sheetnames
        if sheet is not None and sheet not in names:
            self.close()
            raise InputError(f"{member.name}: --sheet: no sheet '{sheet}' (sheets: {', '.join(names)})")
        self._rows = self._book[sheet or names[0]].iter_rows(values_only=True)
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")

    closed = False

    def readline(self) -> str:
        row = next(self._rows, None)
        if row is None:
            return ""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow([_cell(value) for value in row])
        return self._buffer.getvalue()

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def __iter__(self) -> Iterator[str]:
        return self

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        if not self.closed:
            self._book.close()
            self._raw.close()
        self.closed = True

    def __enter__(self) -> SheetText:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def _cell(value: Any) -> str:
    """A cell as a CSV export writes it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
