"""Partitions verified apart and reduced give the local engine's findings, clocks and summaries."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceasefire.actors import AliasResolver
from ceasefire.formats import _tail, clock_dict, finding_dict
from ceasefire.model import Agreement
from ceasefire.pipeline import Intake, Verification, verify_table
from ceasefire.rules.clocks import merge_daily
from ceasefire.scale.normalize import incident_columns
from ceasefire.scale.partition import Chunk, Task, reduce_parts, verify_chunk
from ceasefire.table import IncidentTable

N = 3_000


def local(agreement: Agreement, table: pa.Table) -> Verification:
    resolver = AliasResolver(agreement)
    return verify_table(agreement, IncidentTable.from_columns(incident_columns(table), resolver), resolver)


def partitioned(agreement: Agreement, table: pa.Table, cuts: list[int]) -> Verification:
    bounds = [0, *sorted(set(cuts)), table.num_rows]
    tasks = [Task(Chunk("incidents", table=table.slice(a, b - a))) for a, b in itertools.pairwise(bounds)]
    return reduce_parts(agreement, [verify_chunk(agreement, t) for t in tasks], Intake())


def same(a: Verification, b: Verification) -> None:
    assert [finding_dict(f, a) for f in a.finding_objects()] == [finding_dict(f, b) for f in b.finding_objects()]
    assert [clock_dict(c) for c in a.clocks] == [clock_dict(c) for c in b.clocks]
    tail_a, tail_b = _tail(a), _tail(b)
    assert tail_a["summary"] == tail_b["summary"]
    assert tail_a["unresolved_actors"] == tail_b["unresolved_actors"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(0, N), max_size=6))
def test_any_partitioning_gives_the_same_findings(synthetic_agreement: Agreement, synthetic: Any, cuts: list[int]) -> None:
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
