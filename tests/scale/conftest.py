"""Shared fixtures for the scale-out tests: synthetic incidents (bench/synth.py) and the Dask
scheduler that .ci/setup.d/20-dask.sh starts (CEASEFIRE_DASK_SCHEDULER)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import synth

from ceasefire.actor_resolution import AliasResolver
from ceasefire.model import Agreement
from ceasefire.sources.columns import EPOCH_ORDINAL, INCIDENT_SCHEMA
from ceasefire.table import FIELDS, STRING_FIELDS, IncidentTable

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "syria-2016-09"


@pytest.fixture(scope="session")
def synthetic_agreement() -> Agreement:
    return synth.agreement(n_zones=60, n_routes=8)


@pytest.fixture(scope="session")
def synthetic() -> Callable[[Agreement, int], pa.Table]:
    """A function: (agreement, N) -> N synthetic incidents in the ``incidents`` layout."""

    def make(agreement: Agreement, n: int) -> pa.Table:
        table = IncidentTable.from_columns(synth.incidents(n), AliasResolver(agreement))
        return to_arrow(table, np.arange(n))

    return make


@pytest.fixture(scope="session")
def dask_scheduler() -> Any:
    """The address of the CI's Dask scheduler; skip without one, but fail in CI."""
    address = os.environ.get("CEASEFIRE_DASK_SCHEDULER")
    if not address:
        reason = "CEASEFIRE_DASK_SCHEDULER is not set: start a scheduler and 2 workers (.ci/setup.d/20-dask.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        print(reason)
        pytest.skip(reason)
    return address


def to_arrow(table: IncidentTable, rows: npt.NDArray[np.intp]) -> pa.Table:
    """Some incidents as Arrow in the ``incidents`` layout (strings dictionary-encoded, the id
    plain), as ``ceasefire convert`` writes them."""
    data: dict[str, Any] = {
        name: pa.array((days[rows] - EPOCH_ORDINAL).astype(np.int32)).cast(pa.date32())
        for name, days in (("date", table.day0), ("date_end", table.day1), ("date_reported", table.day))
    }
    for name in FIELDS:
        if name in data:
            continue
        values = table.columns[name][rows]
        if name in STRING_FIELDS and name != "id":
            cat = values if isinstance(values, pd.Categorical) else pd.Categorical(values)
            data[name] = pa.DictionaryArray.from_arrays(
                pa.array(np.asarray(cat.codes, np.int32)),
                pa.array(np.asarray(cat.categories, dtype=object), pa.string()),
            )
        else:
            data[name] = pa.array(values)
    return pa.table(data).select(INCIDENT_SCHEMA.names).cast(INCIDENT_SCHEMA)
