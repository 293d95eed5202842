"""The Dask engine against a real scheduler and 2 workers (.ci/setup.d/20-dask.sh): the
differential test of issue 6 on 200,000 synthetic incidents covering every rule kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ceasefire.actor_resolution import AliasResolver
from ceasefire.formats import _tail
from ceasefire.model import RULE_KINDS, Agreement
from ceasefire.scale import verify_partitioned
from ceasefire.sources.columns import incident_columns
from ceasefire.table import IncidentTable
from ceasefire.verification import verify_table

N = 200_000


def test_dask_engine_equals_local_engine(
    tmp_path: Path, synthetic_agreement: Agreement, synthetic: Any, dask_scheduler: str
) -> None:
    table = synthetic(synthetic_agreement, N)
    pq.write_table(table, tmp_path / "events.parquet", row_group_size=25_000)
    resolver = AliasResolver(synthetic_agreement)
    local = verify_table(synthetic_agreement, IncidentTable.from_columns(incident_columns(table), resolver), resolver)
    remote = verify_partitioned(
        synthetic_agreement, [tmp_path / "events.parquet"], engine="dask", scheduler=dask_scheduler, part_rows=50_000
    )
    a = [f.to_document() for f in local.finding_objects()]
    b = [f.to_document() for f in remote.finding_objects()]
    assert len(a) == len(b) > N // 2
    assert a == b  # ids, statuses, parties, attribution, confidence and explanations
    assert {f["rule"] for f in a} == set(RULE_KINDS) - {"condition"}
    assert [c.to_document() for c in local.clocks] == [c.to_document() for c in remote.clocks]
    assert _tail(local)["summary"] == _tail(remote)["summary"]
    assert remote.intake.incidents == N
