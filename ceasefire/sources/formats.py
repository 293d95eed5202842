"""Which events format a file holds, told from its content alone, and reading it.

The first 64 KiB decide: a file starting with ``PAR1`` is Parquet (``sources.parquet`` reads it,
column by column, as is a folder holding Parquet files); a JSON object with ``"type": "FeatureCollection"`` (or a ``features``
array) is GeoJSON; a first line of 57, 58 or 61 tab-separated fields starting with an event id
is GDELT; otherwise the first line is a CSV header, ACLED or UCDP GED by the columns only that
source has (at least two of them). A file's name and extension are never looked at.

Every reader takes ``today``: a date after the day after it is a bad row; None (the default, and
what ``ceasefire verify`` and ``import`` pass) reads any date, so a file's findings never depend
on the day they are read.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import os
import re
from collections.abc import Iterable, Iterator
from typing import Protocol, TextIO

from ceasefire.errors import FormatNotRecognized, InputError
from ceasefire.extras import require_extra
from ceasefire.model import Incident
from ceasefire.sources.acled import read_acled
from ceasefire.sources.gdelt import GDELT_LAYOUTS, gdelt_version, read_gdelt
from ceasefire.sources.geojson import read_geojson
from ceasefire.sources.rows import BadRows
from ceasefire.sources.tables import column_name
from ceasefire.sources.ucdp import read_ucdp

__all__ = ["EVENT_FORMATS", "READERS", "detect_format", "iter_files", "read_events"]

FilePath = str | os.PathLike[str]


class Reader(Protocol):
    """A text format's reader: incidents from a file object; ``name`` is for messages."""

    def __call__(self, fp: TextIO, name: str, bad_rows: BadRows, today: dt.date | None = None) -> Iterator[Incident]:
        """Read lazily; see the module for ``today``."""
        ...


READERS: dict[str, Reader] = {
    "acled": read_acled,
    "ucdp": read_ucdp,
    "gdelt": read_gdelt,
    "geojson": read_geojson,
}
EVENT_FORMATS = tuple(READERS)  # text formats; detect_format also answers "parquet" (sources.parquet)
SNIFF_BYTES = 65536
# Columns only one source's header has; two of them are enough to tell the source.
MARKERS = {
    "acled": frozenset(
        {
            "event_id_cnty",
            "event_id_no_cnty",
            "data_id",
            "event_type",
            "sub_event_type",
            "geo_precision",
            "time_precision",
            "assoc_actor_1",
            "ally_actor_1",
        }
    ),
    "ucdp": frozenset(
        {
            "type_of_violence",
            "where_prec",
            "date_prec",
            "side_a",
            "side_b",
            "conflict_new_id",
            "dyad_new_id",
            "deaths_civilians",
        }
    ),
}
_FEATURE_COLLECTION = re.compile(r'"type"\s*:\s*"FeatureCollection"|"features"\s*:\s*\[')
_EXPECTED = "expected ACLED CSV, UCDP GED CSV, GDELT events TSV or GeoJSON"
PARQUET_MAGIC = b"PAR1"
_ARCHIVES = {b"PK\x03\x04": "a zip archive", b"\x1f\x8b": "a gzip file"}


def detect_format(path: FilePath) -> str:
    """The file's format, one of EVENT_FORMATS, from its content; else ``FormatNotRecognized``."""
    name = os.fspath(path)
    if os.path.isdir(name):
        # sources.parquet needs pyarrow, the scale extra (issue 17): imported for Parquet only.
        require_extra("scale", ("pyarrow",), needed_for=f"{name}: a folder of Parquet files")
        from ceasefire.sources.parquet import is_parquet

        if is_parquet(name):
            return "parquet"
        raise FormatNotRecognized(f"{name}: a folder, but it holds no Parquet files ({_EXPECTED} or Parquet)")
    head = _head(name)
    found, why = _sniff(head)
    if found is None:
        raise FormatNotRecognized(f"{name}: not a recognized events file ({_EXPECTED}): {why}")
    return found


def _head(name: str) -> bytes:
    try:
        with open(name, "rb") as raw:
            return raw.read(SNIFF_BYTES)
    except OSError as error:
        raise InputError(f"{name}: cannot read the file: {error.strerror}") from None


def _sniff(head: bytes) -> tuple[str | None, str]:
    """(format, "") or (None, why not) for the first bytes of a file."""
    if head.startswith(PARQUET_MAGIC):
        return "parquet", ""
    for magic, kind in _ARCHIVES.items():
        if head.startswith(magic):
            return None, f"it is {kind}: unpack it first"
    if b"\x00" in head:
        return None, "it holds binary data, not text"
    text = head.decode("utf-8", errors="replace").removeprefix("\ufeff").lstrip()
    if not text:
        return None, "the file is empty"
    if text.startswith("{"):
        if _FEATURE_COLLECTION.search(text):
            return "geojson", ""
        return None, "a JSON object, but not a GeoJSON FeatureCollection"
    if text.startswith("["):
        return None, "a JSON array, not a GeoJSON FeatureCollection"
    first_line = text.split("\n", 1)[0]
    if "\t" in first_line:
        return _sniff_gdelt(first_line)
    return _sniff_header(first_line)


def _sniff_gdelt(first_line: str) -> tuple[str | None, str]:
    if gdelt_version(first_line) is not None:
        return "gdelt", ""
    fields = first_line.rstrip("\r").split("\t")
    counts = ", ".join(str(n) for n in GDELT_LAYOUTS)
    return None, (
        f"a first line of {len(fields)} tab-separated fields starting {fields[0][:20]!r} "
        f"(GDELT event rows have {counts}, the first an event number)"
    )


def _sniff_header(first_line: str) -> tuple[str | None, str]:
    header = next(csv.reader([first_line]), [])
    columns = {column_name(cell) for cell in header}
    scores = {source: len(markers & columns) for source, markers in MARKERS.items()}
    best = max(scores, key=scores.__getitem__)
    if scores[best] >= 2 and list(scores.values()).count(scores[best]) == 1:
        return best, ""
    shown = ", ".join(cell.strip() for cell in header[:6])
    return None, (
        f"its first line ({shown}{', ...' if len(header) > 6 else ''}) is not an ACLED header "
        "(with event_id_cnty, event_type, ...) nor a UCDP GED one (type_of_violence, where_prec, ...)"
    )


def read_events(path: FilePath, bad_rows: BadRows, today: dt.date | None = None) -> Iterator[Incident]:
    """Incidents from one events file of any format; detects it now, reads it lazily."""
    found = detect_format(path)
    if found == "parquet":  # columnar: one Incident per row only for callers that want objects
        require_extra("scale", ("pyarrow",), needed_for=f"{os.fspath(path)}: a Parquet file")
        from ceasefire.sources.parquet import parquet_incidents

        return parquet_incidents(os.fspath(path), bad_rows, today)
    reader = READERS[found]
    return _read(os.fspath(path), reader, bad_rows, today)


def _read(name: str, reader: Reader, bad_rows: BadRows, today: dt.date | None) -> Iterator[Incident]:
    try:
        with open(name, encoding="utf-8-sig", newline="") as fp:
            yield from reader(fp, name, bad_rows, today)
    except UnicodeDecodeError as error:
        raise InputError(f"{name}: not UTF-8 text ({error.reason}): save it as UTF-8") from None
    except OSError as error:
        raise InputError(f"{name}: cannot read the file: {error.strerror}") from None


def iter_files(paths: Iterable[FilePath], bad_rows: BadRows, today: dt.date | None = None) -> Iterator[Incident]:
    """Incidents from several files in order; every file's format is checked before any is read."""
    return itertools.chain.from_iterable([read_events(path, bad_rows, today) for path in paths])
