"""Parquet rows as ``Incident`` objects, for callers of ``sources.read_events`` that want
objects (the verification engine never does: it reads Parquet column by column)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import numpy as np

from ceasefire.model import Incident
from ceasefire.scale.parquet import layout, parquet_parts
from ceasefire.scale.partition import Chunk
from ceasefire.sources.rows import BadRows
from ceasefire.table import FIELDS

__all__ = ["parquet_incidents"]


def parquet_incidents(path: str, bad_rows: BadRows) -> Iterator[Incident]:
    """The incidents of a Parquet file or folder, one partition in memory at a time."""
    for part in parquet_parts(path):
        raw = Chunk(layout(part), part=part).columns(bad_rows)
        yield from _objects(raw)


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
