"""Partitions verified apart and reduced give the local engine's findings, clocks and summaries."""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceasefire.actor_resolution import AliasResolver
from ceasefire.formats import _tail
from ceasefire.model import Agreement
from ceasefire.rules.clocks import merge_daily
from ceasefire.scale import verify_partitioned
from ceasefire.scale.partition import Chunk, Task, verify_chunk
from ceasefire.scale.reduce import Reduction
from ceasefire.sources.columns import incident_columns
from ceasefire.table import IncidentTable
from ceasefire.verification import Intake, Verification, verify_table

N = 3_000


def local(agreement: Agreement, table: pa.Table) -> Verification:
    resolver = AliasResolver(agreement)
    return verify_table(agreement, IncidentTable.from_columns(incident_columns(table), resolver), resolver)


def partitioned(agreement: Agreement, table: pa.Table, cuts: list[int]) -> Verification:
    bounds = [0, *sorted(set(cuts)), table.num_rows]
    tasks = [Task(Chunk("incidents", table=table.slice(a, b - a))) for a, b in itertools.pairwise(bounds)]
    reduction = Reduction(agreement, Intake())
    for index, task in enumerate(tasks):
        reduction.add(index, verify_chunk(agreement, task))
    return reduction.verification()


def same(a: Verification, b: Verification) -> None:
    assert [f.to_document() for f in a.finding_objects()] == [f.to_document() for f in b.finding_objects()]
    assert [c.to_document() for c in a.clocks] == [c.to_document() for c in b.clocks]
    tail_a, tail_b = _tail(a), _tail(b)
    assert tail_a["summary"] == tail_b["summary"]
    assert tail_a["unresolved_actors"] == tail_b["unresolved_actors"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(0, N), max_size=6))
def test_any_partitioning_gives_the_same_findings(
    synthetic_agreement: Agreement, synthetic: Any, cuts: list[int]
) -> None:
    table = synthetic(synthetic_agreement, N)
    same(local(synthetic_agreement, table), partitioned(synthetic_agreement, table, cuts))


def test_no_incidents(synthetic_agreement: Agreement, synthetic: Any) -> None:
    empty = synthetic(synthetic_agreement, 0)
    v = partitioned(synthetic_agreement, empty, [])
    assert len(v.findings) == 0 and v.intake.incidents == 0
    assert [c.days for c in v.clocks] == [()]


def test_daily_counts_add_up() -> None:
    a = {"c": (np.array([3, 5]), np.array([1, 2]))}
    b = {"c": (np.array([5, 9]), np.array([4, 1])), "d": (np.array([1]), np.array([7]))}
    merged = merge_daily([a, b])
    assert merged["c"][0].tolist() == [3, 5, 9] and merged["c"][1].tolist() == [1, 6, 1]
    assert merged["d"][1].tolist() == [7]


def first_inside(ids: np.ndarray, day: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """The reference: rows inside [lo, hi], first occurrence of each id (pipeline._admitted)."""
    inside = (day >= lo) & (day <= hi)
    keep = np.zeros(len(ids), bool)
    rows = np.flatnonzero(inside)
    keep[rows[~pd.Series(ids[rows]).duplicated().to_numpy()]] = True
    return keep


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(distinct=st.integers(200, N), part_rows=st.integers(300, N), trim=st.integers(0, 20))
def test_repeated_ids_inside_the_period_are_dropped_like_the_local_engine(
    synthetic_agreement: Agreement, synthetic: Any, distinct: int, part_rows: int, trim: int
) -> None:
    table = synthetic(synthetic_agreement, N)
    ids = np.array([f"R{k}" for k in np.random.default_rng(distinct).integers(0, distinct, N)], dtype=object)
    table = table.set_column(0, "id", pa.array(ids, pa.string()))
    day = incident_columns(table)["date"]
    lo, hi = int(day.min()) + trim, int(day.max()) - trim
    keep = first_inside(ids, day, lo, hi)
    period: dict[str, Any] = {"date_from": dt.date.fromordinal(lo), "date_to": dt.date.fromordinal(hi)}
    with tempfile.TemporaryDirectory() as tmp:
        pq.write_table(table, Path(tmp) / "events.parquet", row_group_size=100)
        got = verify_partitioned(synthetic_agreement, [Path(tmp) / "events.parquet"], part_rows=part_rows, **period)
    resolver = AliasResolver(synthetic_agreement)
    want = verify_table(
        synthetic_agreement,
        IncidentTable.from_columns(incident_columns(table.filter(pa.array(keep))), resolver),
        resolver,
        **period,
    )
    same(want, got)
    assert got.intake.incidents == keep.sum()
    assert got.intake.duplicates == ((day >= lo) & (day <= hi)).sum() - keep.sum()


def test_progress_counts_rows_as_they_are_read(tmp_path: Path, synthetic_agreement: Agreement, synthetic: Any) -> None:
    pq.write_table(synthetic(synthetic_agreement, N), tmp_path / "events.parquet", row_group_size=250)
    seen: list[int] = []
    verify_partitioned(synthetic_agreement, [tmp_path / "events.parquet"], part_rows=1_000, progress=seen.append)
    assert seen == list(range(250, N + 1, 250))  # every row group, before its partition is verified


def test_reduced_table_keeps_ids_as_arrow_strings(synthetic_agreement: Agreement, synthetic: Any) -> None:
    v = partitioned(synthetic_agreement, synthetic(synthetic_agreement, N), [700, 1_900])
    assert isinstance(v.table.columns["id"], pd.arrays.ArrowStringArray)
    assert len(v.table.columns["id"].__arrow_array__().chunks) == 3  # the partitions' ids, not copied
    assert isinstance(v.table.columns["id"][0], str)
