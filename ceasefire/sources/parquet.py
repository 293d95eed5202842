"""Parquet inputs: single files and hive-partitioned folders, cut into partitions of row groups.

``parquet_parts(path)`` lists a file's or a folder's row groups as ``Part``s of about
``PART_ROWS`` rows, in file order; ``Part.read(columns)`` reads only the named columns of its row
groups (string columns dictionary-encoded, as pandas Categorical later), and adds a hive folder's
``key=value`` directories as constant columns. Nothing is read until a part is.

Two column layouts are understood (``layout``): ``incidents``, the normalized incident columns
``ceasefire convert`` writes (``id``, ``date``, ``lat``, ... one per ``Incident`` field), and
``acled``, ACLED's own column names as ACLED bulk users keep them (``event_id_cnty``,
``event_date``, ``latitude``, ...), normalized like the ACLED CSV reader (``sources.columns``).

``part_columns(part, layout, bad_rows)`` gives a part's raw columns for
``IncidentTable.from_columns`` (what the partitioned engine, ``ceasefire.scale``, verifies);
``parquet_incidents(path, bad_rows)`` gives ``Incident`` objects, for callers of
``sources.read_events`` that want objects (the engine never does).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.dataset as pds
import pyarrow.parquet as pq

from ceasefire.errors import FormatNotRecognized, InputError
from ceasefire.model import Incident
from ceasefire.sources.columns import acled_columns, incident_columns
from ceasefire.sources.rows import BadRows
from ceasefire.table import FIELDS

__all__ = ["PART_ROWS", "Part", "is_parquet", "layout", "parquet_incidents", "parquet_parts", "part_columns"]

PART_ROWS = 500_000  # rows per partition: a few hundred MB of working memory each
MAGIC = b"PAR1"
INCIDENT_MARKERS = ("id", "date", "lat", "lon", "event_type")
ACLED_MARKERS = ("event_date", "latitude", "longitude", "event_type")
ACLED_READ = (  # the ACLED columns the normalization reads: the others stay on disk
    "event_id_cnty",
    "data_id",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
    "weapon",
    "attacker",
)


def is_parquet(path: str | os.PathLike[str]) -> bool:
    """A Parquet file (its first bytes are ``PAR1``) or a folder holding one, by content."""
    p = Path(path)
    if p.is_dir():
        return any(_magic(f) for f in sorted(p.rglob("*")) if f.is_file() and not f.name.startswith((".", "_")))
    return p.is_file() and _magic(p)


def _magic(path: Path) -> bool:
    try:
        with open(path, "rb") as raw:
            return raw.read(4) == MAGIC
    except OSError:
        return False


@dataclass(frozen=True)
class Part:
    """Some row groups of one Parquet file (``first_row``: the first one's row number in it)."""

    path: str
    row_groups: tuple[int, ...]
    first_row: int
    rows: int
    keys: dict[str, Any] = field(default_factory=dict)  # hive partition values

    def read(self, columns: list[str] | None = None, progress: Callable[[int], None] | None = None) -> pa.Table:
        """The named columns (None: all) of this part; absent names are skipped. ``progress``
        is called with the rows of each row group once it is read."""
        try:
            file = pq.ParquetFile(self.path, read_dictionary=self._strings(columns))
            names = file.schema_arrow.names
            wanted = [c for c in (columns or names) if c in names]
            groups = []
            for group in self.row_groups:  # one at a time: a progress bar moves while we read
                groups.append(file.read_row_group(group, columns=wanted))
                if progress is not None:
                    progress(groups[-1].num_rows)
            table = pa.concat_tables(groups) if groups else file.schema_arrow.empty_table().select(wanted)
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"{self.path}: cannot read Parquet: {error}") from None
        for key, value in self.keys.items():
            if key not in table.column_names and (columns is None or key in columns):
                table = table.append_column(key, pa.array([value] * table.num_rows).dictionary_encode())
        return table

    def _strings(self, columns: list[str] | None) -> list[str]:
        schema = pq.read_schema(self.path)
        return [
            f.name
            for f in schema
            if pa.types.is_string(f.type)
            and (columns is None or f.name in columns)
            and f.name not in ("id", "event_id_cnty", "data_id")
        ]


def parquet_parts(path: str | os.PathLike[str], part_rows: int = PART_ROWS) -> list[Part]:
    """The partitions of a Parquet file or hive-partitioned folder, in file and row order."""
    try:
        dataset = pds.dataset(os.fspath(path), format="parquet", partitioning="hive")
        fragments = sorted(dataset.get_fragments(), key=lambda f: f.path)
    except (OSError, pa.ArrowException) as error:
        raise InputError(f"{path}: cannot open as Parquet: {error}") from None
    parts: list[Part] = []
    for fragment in fragments:
        keys = pds.get_partition_keys(fragment.partition_expression)
        parts += _split(fragment.path, fragment.metadata, keys, part_rows)
    return parts


def _split(path: str, meta: Any, keys: dict[str, Any], part_rows: int) -> list[Part]:
    """Consecutive row groups of one file, grouped to about ``part_rows`` rows."""
    parts: list[Part] = []
    groups: list[int] = []
    first = start = rows = 0
    for g in range(meta.num_row_groups):
        if groups and rows + meta.row_group(g).num_rows > part_rows:
            parts.append(Part(path, tuple(groups), first, rows, keys))
            groups, first, rows = [], start, 0
        groups.append(g)
        rows += meta.row_group(g).num_rows
        start += meta.row_group(g).num_rows
    if groups:
        parts.append(Part(path, tuple(groups), first, rows, keys))
    return parts


def layout(part: Part) -> str:
    """``incidents`` or ``acled``, from the column names; else ``FormatNotRecognized``."""
    names = set(pq.read_schema(part.path).names) | set(part.keys)
    if all(c in names for c in INCIDENT_MARKERS):
        return "incidents"
    if all(c in names for c in ACLED_MARKERS) and names & {"event_id_cnty", "data_id"}:
        return "acled"
    raise FormatNotRecognized(
        f"{part.path}: Parquet, but neither ceasefire incident columns ({', '.join(INCIDENT_MARKERS)}) "
        f"nor ACLED's (event_id_cnty, {', '.join(ACLED_MARKERS)}): convert other sources with "
        "`ceasefire convert`"
    )


def part_columns(
    part: Part,
    part_layout: str,
    bad_rows: BadRows,
    progress: Callable[[int], None] | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Raw columns of a part in ``part_layout`` (``layout(part)``) for
    ``IncidentTable.from_columns``; bad rows reported and dropped (an ACLED date after the day
    after ``today`` among them; None: any date). ``progress`` gets each row group's rows."""
    if part_layout == "incidents":
        return incident_columns(part.read(None, progress))
    return acled_columns(part.read(list(ACLED_READ), progress), part.path, part.first_row, bad_rows, today)


def parquet_incidents(path: str, bad_rows: BadRows, today: dt.date | None = None) -> Iterator[Incident]:
    """The incidents of a Parquet file or folder, one partition in memory at a time."""
    for part in parquet_parts(path):
        yield from _objects(part_columns(part, layout(part), bad_rows, today=today))


def _objects(raw: dict[str, Any]) -> Iterator[Incident]:
    n = len(raw["id"])
    columns = []
    for name in FIELDS:
        values = np.asarray(raw[name]) if name in raw else np.zeros(n, np.int64)
        if name in ("date", "date_end", "date_reported"):
            values = np.array([dt.date.fromordinal(d) if d > 0 else None for d in values.tolist()], dtype=object)
        columns.append(values.tolist())
    for row in zip(*columns, strict=True):  # one object per row: what this API is for
        fields = dict(zip(FIELDS, row, strict=True))
        if fields["date_end"] == fields["date"]:
            fields["date_end"] = None
        yield Incident(**fields)
