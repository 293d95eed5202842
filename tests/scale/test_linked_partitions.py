"""The partitioned engine links records across sources as the one-process engine does (issue 13):
every record is linked once in the reduction, whatever the partitions, the input order or the
engine (in-process or Dask), and the findings are merged per event."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import fusion

from ceasefire import pipeline
from ceasefire.actor_resolution import AliasResolver
from ceasefire.agreement import load_agreement
from ceasefire.formats import _tail
from ceasefire.scale import verify_partitioned
from ceasefire.scale.engine import several_files
from ceasefire.scale.partition import Chunk, Task, verify_chunk
from ceasefire.scale.reduce import Reduction
from ceasefire.sources.columns import incident_columns
from ceasefire.table import IncidentTable
from ceasefire.verification import Intake, Verification, verify_table
from tests.scale.conftest import to_arrow

AGREEMENT = fusion.agreement()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "syria-2016-09"


def records(seed: int, events: int) -> pa.Table:
    """``fusion``'s multi-source records (ACLED-, UCDP-, monitor- and news-like files), as Arrow."""
    rng = np.random.default_rng(seed)
    columns, _ = fusion.reports(rng, fusion.true_events(rng, events, fusion.Noise()), fusion.Noise())
    table = IncidentTable.from_columns(columns, AliasResolver(AGREEMENT))
    return to_arrow(table, np.arange(len(table)))


def one_process(table: pa.Table) -> Verification:
    resolver = AliasResolver(AGREEMENT)
    return verify_table(AGREEMENT, IncidentTable.from_columns(incident_columns(table), resolver), resolver)


def partitioned(table: pa.Table, cuts: list[int]) -> Verification:
    bounds = [0, *sorted(set(cuts)), table.num_rows]
    chunks = [Chunk("incidents", table=table.slice(a, b - a)) for a, b in itertools.pairwise(bounds)]
    link = several_files(chunks)
    reduction = Reduction(AGREEMENT, Intake(), link=link)
    for index in reversed(range(len(chunks))):  # results arrive in any order
        reduction.add(index, verify_chunk(AGREEMENT, Task(chunks[index], link=link)))
    return reduction.verification()


def documents(v: Verification) -> list[dict[str, Any]]:
    return [f.to_document() for f in v.finding_objects()]


def same(a: Verification, b: Verification) -> None:
    assert documents(a) == documents(b)
    assert [c.to_document() for c in a.clocks] == [c.to_document() for c in b.clocks]
    assert _tail(a)["summary"] == _tail(b)["summary"]


@pytest.fixture(scope="module")
def generated() -> pa.Table:
    return records(7, 500)


def test_partitions_link_like_one_process(generated: pa.Table) -> None:
    want = one_process(generated)
    assert want.events is not None and want.events.links.linked.sum() > len(generated) // 2
    got = partitioned(generated, [150, 151, 700, 1_000])
    same(want, got)
    assert any(len(d["incidents"]) > 1 for d in documents(got))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(0, 1_200), max_size=6), seed=st.integers(0, 2**16))
def test_linking_ignores_partitioning_and_input_order(generated: pa.Table, cuts: list[int], seed: int) -> None:
    """Any cuts give the one-process findings; shuffled records give the same findings, listed
    in the new input order."""
    order = np.random.default_rng(seed).permutation(generated.num_rows)
    shuffled = generated.take(pa.array(order))
    got = partitioned(shuffled, cuts)
    same(one_process(shuffled), got)
    assert sorted(map(repr, documents(got))) == sorted(map(repr, documents(one_process(generated))))


def test_one_file_keeps_only_the_records_with_findings(generated: pa.Table) -> None:
    """One file: nothing to link (the partitions send only the records with findings)."""
    acled = generated.filter(pa.compute.equal(generated["file"].cast(pa.string()), "acled.csv"))
    chunks = [Chunk("incidents", table=acled.slice(0, 100)), Chunk("incidents", table=acled.slice(100))]
    assert not several_files(chunks)
    got = partitioned(acled, [100])
    same(one_process(acled), got)
    assert got.events is None and len(got.table) == len(np.unique(got.findings.incident))


def test_the_example_with_its_news_links_like_one_process() -> None:
    """The Syria example with its news articles (records of six files), cut into partitions of
    7 records: the one-process engine's findings, merged per event."""
    agreement = load_agreement(EXAMPLE / "agreement.yaml")
    paths = [EXAMPLE / "incidents.csv", *sorted((EXAMPLE / "news").glob("*.txt"))]
    want = pipeline.verify(agreement, paths)
    got = verify_partitioned(agreement, paths, part_rows=7)
    assert want.events is not None and want.events.links.linked.any()
    same(want, got)


def test_a_parquet_file_of_several_sources_is_linked(tmp_path: Path, generated: pa.Table) -> None:
    """One Parquet file holding the records of several files (``ceasefire convert a.csv b.csv``)."""
    pq.write_table(generated, tmp_path / "all.parquet", row_group_size=200)
    got = verify_partitioned(AGREEMENT, [tmp_path / "all.parquet"], part_rows=400)
    same(one_process(generated), got)


def test_dask_links_like_one_process(tmp_path: Path, dask_scheduler: str) -> None:
    table = records(11, 3_000)
    pq.write_table(table, tmp_path / "all.parquet", row_group_size=1_000)
    got = verify_partitioned(
        AGREEMENT, [tmp_path / "all.parquet"], engine="dask", scheduler=dask_scheduler, part_rows=2_000
    )
    want = one_process(table)
    assert want.events is not None
    same(want, got)
