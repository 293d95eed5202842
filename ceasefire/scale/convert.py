"""Event files (any format ``sources`` reads) -> Parquet in the ``incidents`` layout, streaming.

``incident_batches`` reads incidents with the ordinary readers and yields Arrow tables of
``batch`` incidents; ``convert`` writes each as one row group, so memory stays constant
whatever the size of the input. Strings are dictionary-encoded (``ceasefire verify`` reads them
back as pandas Categoricals: repetitive actor and type names cost nothing).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ceasefire.errors import InputError
from ceasefire.model import Incident
from ceasefire.sources import BadRows, iter_files
from ceasefire.sources.columns import INCIDENT_SCHEMA
from ceasefire.table import FIELDS

__all__ = ["BATCH", "convert", "incident_batches", "incidents_to_arrow"]

BATCH = 200_000  # incidents per row group


def incidents_to_arrow(incidents: Sequence[Incident]) -> pa.Table:
    """Incidents as one Arrow table in the ``incidents`` layout."""
    values = list(zip(*map(attrgetter(*FIELDS), incidents), strict=True)) if incidents else [()] * len(FIELDS)
    arrays: dict[str, Any] = {}
    for name, column in zip(FIELDS, values, strict=True):
        kind = INCIDENT_SCHEMA.field(name).type
        if pa.types.is_dictionary(kind):
            arrays[name] = pa.array(np.asarray(column, dtype=object), pa.string()).dictionary_encode()
        else:
            arrays[name] = pa.array(column, kind)
    return pa.table(arrays).select(INCIDENT_SCHEMA.names).cast(INCIDENT_SCHEMA)


def incident_batches(incidents: Iterable[Incident], batch: int = BATCH) -> Iterator[pa.Table]:
    """Arrow tables of at most ``batch`` incidents each, as the incidents arrive."""
    stream = iter(incidents)
    while chunk := list(islice(stream, batch)):
        yield incidents_to_arrow(chunk)


def convert(
    paths: Sequence[str | os.PathLike[str]],
    out: Path,
    *,
    skip_bad_rows: bool = False,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, BadRows]:
    """Write the incidents of ``paths`` to the Parquet file ``out`` (atomically: a temporary
    file renamed when complete); returns (incidents written, bad rows)."""
    bad_rows = BadRows(skip=skip_bad_rows)
    tmp = out.with_name(f".{out.name}.part")
    written = 0
    try:
        with pq.ParquetWriter(tmp, INCIDENT_SCHEMA, compression="zstd") as writer:
            for table in incident_batches(iter_files(paths, bad_rows), batch):
                writer.write_table(table, row_group_size=batch)
                written += table.num_rows
                if progress is not None:
                    progress(written)
        os.replace(tmp, out)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{out}: cannot write: {error.strerror}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return written, bad_rows
