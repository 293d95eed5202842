"""A run's findings as the store's rows, straight from the engine's Arrow columns (issue 14).

``run_rows(v)`` gives what ``store.pages.run_rows`` gives for ``v.finding_objects()``, the same
values in the same rows, without a ``Finding`` per finding: ``finding_columns`` builds each
field a column at a time (its values are those ``materialize`` puts in each ``Finding``: the
JSON and CSV writers print from them, tests/test_differential.py), and the rows are zipped from
Python values a chunk of ``CHUNK_ROWS`` at a time, as the driver takes them, so no list of
every row is held. ``parties`` and ``incidents`` are canonical JSON arrays (``canonical_json``),
as ``store.pages.finding_row`` writes them. Without pyarrow (the ``scale`` extra) the findings
are materialized and written by ``store.pages.run_rows``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from ceasefire.extras import MissingExtra, require_extra
from ceasefire.ledger import canonical_json
from ceasefire.model import REPORT_PREFIX
from ceasefire.service.increments import Plan, plan_days
from ceasefire.store.database import CHUNK_ROWS, Value
from ceasefire.store.log_entries import FINDING_ROW_COLUMNS
from ceasefire.store.pages import RunRows, report_id_of
from ceasefire.store.pages import run_rows as object_rows
from ceasefire.store.written import ColumnChunks
from ceasefire.verification import Verification

if TYPE_CHECKING:
    import pyarrow as pa

    from ceasefire.finding_columns import FindingColumns

__all__ = ["run_rows"]

_SAME = {"finding_id": "id"}  # a finding_rows column read from another finding column


def run_rows(v: Verification, plan: Plan | None = None) -> RunRows:
    """The ``finding_rows`` and ``finding_incidents`` rows of ``v``'s findings, in output order:
    all of them, or those ``plan`` stores (``service.increments``), and its ``run_days``;
    ``count``: the findings ``plan.days`` counts (an incremental run's ``v`` holds only some)."""
    plan = plan or plan_days(v)
    count = sum(n for _, n in plan.days.values())
    try:
        require_extra("scale", ("pyarrow",))
    except MissingExtra:  # the row path: the same rows, one object per finding
        stored = plan.store[v.findings.order(v.table)]
        kept = [f for f, keep in zip(v.finding_objects(), stored.tolist(), strict=True) if keep]
        return replace(
            object_rows(kept, {d: (None, 0) for d in {f.date.isoformat() for f in kept}}), count=count, days=plan.days
        )
    from ceasefire.finding_columns import finding_columns

    fc = finding_columns(v, plan.store)
    table = _row_table(fc)
    seqs, ids = _links(fc)
    return RunRows(
        count,
        lambda run_id: _rows(run_id, table),
        lambda run_id: _link_rows(run_id, seqs, ids),
        plan.days,
    )


def _row_table(fc: FindingColumns) -> pa.Table:
    """``fc.table`` as ``finding_rows`` columns (after ``run_id`` and ``seq``), text where the row is text."""
    import pyarrow as pa

    from ceasefire.text_columns import pick

    parties = pick([canonical_json(list(s)).decode("utf-8") for s in fc.party_sets] or ["[]"], fc.party_code)
    columns = {
        name: fc.table.column(_SAME.get(name, name)).combine_chunks()
        for name in FINDING_ROW_COLUMNS[2:]
        if name not in ("parties", "incidents", "date")
    }
    columns["parties"] = parties
    columns["incidents"] = _incidents_json(fc)
    columns["date"] = fc.table.column("date").combine_chunks().cast(pa.string())
    return pa.table({name: columns[name] for name in FINDING_ROW_COLUMNS[2:]})


def _incidents_json(fc: FindingColumns) -> pa.Array:
    """Each finding's ``incidents`` as ``canonical_json`` writes the list: ``["ID"]`` for one
    record; the rows of linked records (``fc.incidents_json``, written by ``json.dumps``) again."""
    import pyarrow as pa

    from ceasefire.text_columns import join, json_strings

    single = join("[", json_strings(fc.table.column("incident").combine_chunks()), "]")
    if fc.incidents_json is None:
        return single
    texts = fc.incidents_json.to_pylist()
    return pa.array([t if "," not in t else canonical_json(json.loads(t)).decode("utf-8") for t in texts], pa.string())


def _rows(run_id: int, table: pa.Table) -> ColumnChunks:
    """The rows as Arrow tables of ``CHUNK_ROWS``: the journal inserts their values and hashes
    their columns (issue 14: no read back, no Python value per cell hashed)."""
    return ColumnChunks(_tables(run_id, table))


def _tables(run_id: int, table: pa.Table) -> Iterator[pa.Table]:
    import pyarrow as pa

    for start in range(0, table.num_rows, CHUNK_ROWS):
        chunk = table.slice(start, CHUNK_ROWS)
        n = chunk.num_rows
        ids = [pa.array(np.full(n, run_id, np.int64)), pa.array(np.arange(start, start + n, dtype=np.int64))]
        yield pa.table([*ids, *chunk.columns], names=list(FINDING_ROW_COLUMNS))


def _links(fc: FindingColumns) -> tuple[np.ndarray, list[str]]:
    """(seq, incident id) of every incident each finding names, in seq order."""
    single = fc.table.column("incident").to_pylist()
    if fc.incidents_json is None:
        return np.arange(len(single)), single
    named = [json.loads(t) if "," in t else [one] for t, one in zip(fc.incidents_json.to_pylist(), single, strict=True)]
    seqs = np.repeat(np.arange(len(named)), [len(n) for n in named])
    return seqs, [i for n in named for i in n]


def _link_rows(run_id: int, seqs: np.ndarray, ids: list[str]) -> Iterator[tuple[Value, ...]]:
    for seq, incident_id in zip(seqs.tolist(), ids, strict=True):
        report = report_id_of(incident_id) if incident_id.startswith(REPORT_PREFIX) else None
        yield run_id, seq, incident_id, report
