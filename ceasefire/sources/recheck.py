"""Rows a column check refused, read again by their format's row function (issue 16).

The columnar readers (``sources.columnar``, ``sources.gdeltcolumns``) check a whole file's
columns at once and only flag the rows some check refused; ``Replay`` reads each of those rows
again with the row reader's own function, so that its message (``FILE:LINE: column: problem``),
its lack of a place, or its incident after all, is exactly the row reader's. ``joined`` puts
several files' raw columns together; ``start_counts`` starts a file's counts as the row readers
do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from ceasefire.errors import InputError
from ceasefire.model import Incident
from ceasefire.sources.formats import Detected
from ceasefire.sources.rows import BadRows, FileCounts, NoPlace, RowError
from ceasefire.table import FIELDS, columns_of

__all__ = ["Replay", "joined", "start_counts"]


def start_counts(bad_rows: BadRows, detected: Detected) -> FileCounts:
    """The file's counts, started as ``formats.read_detected`` starts them."""
    counts = bad_rows.start_file(detected.name, detected.format, detected.encoding or "xlsx")
    counts.version = detected.version
    return counts


class Replay:
    """Rows a column check refused, read again by the format's row function for its verdict:
    ``read_row(record, line)`` takes the row's text fields by column and its line, and returns
    the ``Incident``, or raises ``NoPlace`` or ``RowError`` as the row reader would."""

    def __init__(
        self,
        name: str,
        read_row: Callable[[dict[str, str], int], Incident],
        counted: Callable[[int | None], None] = lambda before: None,
    ) -> None:
        self.name, self.read_row = name, read_row
        self.counted = counted  # counts the rows no check looks at, those before a line (None: all)

    def settle(
        self,
        raw: dict[str, Any],
        suspect: npt.NDArray[np.bool_],
        text: pa.Table,
        bad_rows: BadRows,
        lines: npt.NDArray[np.int64],
    ) -> dict[str, Any]:
        """The columns of the good rows: the ones no check refused, and the refused ones the
        row function reads after all; the others reported, in line order (``lines``: each
        row's line)."""
        rows = np.flatnonzero(suspect)
        records = text.take(pa.array(rows, pa.int64())).to_pylist() if len(rows) else []
        rescued: list[Incident] = []
        for record, line in zip(records, lines[rows].tolist(), strict=True):
            try:
                rescued.append(self.read_row(record, line))
            except NoPlace as error:
                bad_rows.no_place(f"{self.name}:{line}: {error}")
            except RowError as error:
                try:
                    bad_rows.report(f"{self.name}:{line}: {error}")
                except InputError:  # strict: the counts as the row reader leaves them, stopping here
                    bad_rows.current.incidents += int((lines[~suspect] < line).sum()) + len(rescued)
                    self.counted(line)
                    raise
        good = raw if not len(rows) else {k: v[~suspect] for k, v in raw.items()}
        bad_rows.current.incidents += len(good["id"]) + len(rescued)
        self.counted(None)
        if not rescued:
            return good
        merged = joined([good, columns_of(rescued)])
        order = np.argsort(np.asarray(merged["line"]), kind="stable")
        return {k: v[order] for k, v in merged.items()}


def joined(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Raw columns of several files (each holding every ``table.FIELDS`` column) as one."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return columns_of([])
    raw: dict[str, Any] = {}
    for name in FIELDS:
        values = [p[name] for p in parts]
        if all(isinstance(v, pd.Categorical) for v in values):
            raw[name] = pd.api.types.union_categoricals(values, ignore_order=True)
        elif all(isinstance(v, np.ndarray) and v.dtype != object for v in values):
            raw[name] = np.concatenate(values)
        else:
            raw[name] = np.concatenate([np.asarray(v, dtype=object) for v in values])
    return raw
