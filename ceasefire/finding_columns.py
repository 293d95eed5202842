"""Findings as Arrow columns: what ``verify --format parquet|arrow`` writes, and what the JSON and
CSV writers (``column_writers``) print from.

``finding_columns`` assembles, with array operations only, the same values ``materialize`` puts
into each ``model.Finding`` (its ``to_document`` keys, in order), followed by the incident's
other ACLED columns; rows are in the output order (``FindingTable.order``).
``finding_column_slices`` gives the same rows as consecutive slices, each assembled apart, so a
writer holds one slice's texts (explanations above all: ~360 bytes a finding) at a time, never
all findings' (issue 16: 7.7M findings' explanations are ~2.8 GB as one column).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ceasefire.explanations import ExplainColumns, explanations
from ceasefire.findings import Status, Who
from ceasefire.parallel import in_order
from ceasefire.table import factorize
from ceasefire.text_columns import join, pick
from ceasefire.verification import Verification

__all__ = ["INCIDENT_EXTRAS", "STREAM_ROWS", "FindingColumns", "finding_column_slices", "finding_columns"]

# Incident columns beyond those a Finding carries (the ACLED columns of the CSV).
INCIDENT_EXTRAS = ("date_precision", "assoc_actor_1", "assoc_actor_2", "country", "admin1", "geo_precision", "notes")
STREAM_ROWS = 100_000  # findings a slice: ~70 MB of columns (issue 16: 200_000 took 190 MB more at peak)
_STRINGS = ("id", "event_type", "sub_event_type", "weapon", "location", "actor1", "actor2", "source_name", "source")


@dataclass(frozen=True, slots=True)
class FindingColumns:
    """``table``: one row per finding. ``party_sets[party_code[i]]`` is row i's parties (the
    few distinct sets, so writers encode each set once)."""

    table: pa.Table
    party_code: npt.NDArray[np.intp]
    party_sets: tuple[tuple[str, ...], ...]
    incidents_json: pa.Array | None = None  # each row's ``incidents`` as JSON, when records were linked


def _strings(column: Any, rows: npt.NDArray[np.intp]) -> pa.DictionaryArray:
    """Rows of a string column (object array, Categorical or Arrow strings) as a
    dictionary-encoded Arrow array: the explanations format its texts once per distinct value.
    Only ``rows`` are factorized (a Categorical keeps its categories), so a slice costs its own
    rows, not the column's."""
    codes, uniques = factorize(column[rows])
    values = pa.array([str(u) for u in uniques.tolist()], pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), values)


def _ids(column: Any, rows: npt.NDArray[np.intp]) -> pa.Array:
    """The incident ids of ``rows``: as they are when they are strings (each is distinct, so a
    dictionary would only add a hash of every id), else as ``_strings`` makes them."""
    if isinstance(column, np.ndarray) and column.dtype == object:
        try:
            return pa.array(column[rows], pa.string())
        except (pa.ArrowTypeError, pa.ArrowInvalid):  # not all str: str() of each, as below
            pass
    if isinstance(column, pd.arrays.ArrowStringArray):  # the reduced table's ids: a take, no hashing
        return pa.chunked_array(column.__arrow_array__()).take(pa.array(rows)).combine_chunks().cast(pa.string())
    return _plain(_strings(column, rows))


def _plain(column: pa.Array) -> pa.Array:
    return column.dictionary.take(column.indices) if isinstance(column, pa.DictionaryArray) else column


def _parties(
    v: Verification, masks: npt.NDArray[np.uint64]
) -> tuple[npt.NDArray[np.intp], tuple[tuple[str, ...], ...]]:
    uniques, codes = np.unique(masks, return_inverse=True)
    sets = tuple(v.resolver.mask_to_ids(int(m)) for m in uniques.tolist())
    return np.asarray(codes, np.intp).reshape(-1), sets


def finding_columns(v: Verification, keep: npt.NDArray[np.bool_] | None = None) -> FindingColumns:
    """The findings of ``v`` as columns, in output order; ``keep`` (aligned with ``v.findings``):
    only those (an incremental run stores the findings of the days it recomputed)."""
    order = v.findings.order(v.table)
    return _columns(v, order if keep is None else order[keep[order]])


def finding_column_slices(
    v: Verification, rows: int | None = None, threads: int | None = None
) -> Iterator[FindingColumns]:
    """``finding_columns(v)`` as consecutive slices of ``rows`` findings (default
    ``STREAM_ROWS``), each assembled when it is asked for: their tables, concatenated, equal
    ``finding_columns(v).table`` (party codes are per slice). At least one slice, empty when
    there are no findings. Findings of linked records come as one slice (their descriptions
    are made from the whole table). Slices are assembled on ``threads`` threads (default
    ``parallel.THREADS``), at most that many ahead of the one being written: a slice of
    ``STREAM_ROWS`` is a single slice of the explanations and of the writers, which would
    otherwise run on one thread. Each thread ahead costs memory (issue 16, 10M-row input: peak
    RSS 2.6 GB on one thread, 3.1 GB on two, jemalloc keeping each thread's freed pages)."""
    order = v.findings.order(v.table)
    step = max(len(order) if v.events is not None else (rows or STREAM_ROWS), 1)
    starts = range(0, max(len(order), 1), step)
    return in_order(lambda start: _columns(v, order[start : start + step]), starts, threads)


def _columns(v: Verification, order: npt.NDArray[np.intp]) -> FindingColumns:
    """The findings ``order`` (indexes into ``v.findings``) as columns, in that order."""
    ft, t = v.findings, v.table
    rows = ft.incident[order]
    coded = {"id": _ids(t.columns["id"], rows)}
    coded |= {name: _strings(t.columns[name], rows) for name in (*_STRINGS[1:], *INCIDENT_EXTRAS) if name in t.columns}
    party_code, party_sets = _parties(v, ft.parties[order])
    c = _explain_input(v, order, rows, coded, party_code, party_sets)
    text = {name: _plain(column) for name, column in coded.items()}
    obligations = v.agreement.obligations
    distance = np.round(ft.distance_m[order], 1)
    columns: dict[str, pa.Array] = {
        "id": _join_ids(pick([o.id for o in obligations], c.obligation), text["id"]),
        "obligation": pick([o.id for o in obligations], c.obligation),
        "category": pick([o.category for o in obligations], c.obligation),
        "status": pick(Status.NAMES, c.status),
        "parties": pa.array([list(s) for s in party_sets], pa.list_(pa.string())).take(pa.array(party_code)),
        "attribution": pick(Who.NAMES, c.who),
        "incident": text["id"],
        "date": pa.array((c.day - 719163).astype(np.int32)).cast(pa.date32()),
        "lat": pa.array(c.lat),
        "lon": pa.array(c.lon),
        "confidence": pa.array(c.confidence),
        "explanation": explanations(v.agreement, ft.places, c),
        "rule": pick([o.rule.kind if o.rule else "" for o in obligations], c.obligation),
        "distance_m": pa.array(distance, mask=np.isnan(distance)),
        "radius_m": pa.array(c.radius_m),
        **{name: text[name] for name in ("event_type", "sub_event_type", "weapon", "location", "actor1", "actor2")},
        "fatalities": pa.array(np.asarray(t.columns["fatalities"])[rows].astype(np.int64)),
        "source": pc.if_else(pc.equal(text["source"], "news"), "news", text["source_name"]),  # findings.shown_source
        "sources": pa.array(ft.sources[order].astype(np.int64)),
    }
    for name in INCIDENT_EXTRAS:
        columns[name] = text[name] if name in text else pa.array(np.asarray(t.columns[name])[rows].astype(np.int64))
    incidents = _linked(v, order, rows, columns, text["id"])
    return FindingColumns(pa.table(columns), party_code, party_sets, incidents)


def _linked(
    v: Verification,
    order: npt.NDArray[np.intp],
    rows: npt.NDArray[np.intp],
    columns: dict[str, pa.Array],
    ids: pa.Array,
) -> pa.Array | None:
    """For findings of linked records: their explanations completed in ``columns`` as
    ``materialize`` completes them, and every row's ``incidents`` as JSON (None: none linked)."""
    if v.events is None:
        return None
    linked_rows = np.flatnonzero(v.events.links.linked[rows])
    if not len(linked_rows):
        return None
    describe = v.events.describe(v.table, v.resolver)
    explanation = columns["explanation"].to_pylist()
    incidents = [json.dumps([i], ensure_ascii=False) for i in ids.to_pylist()]
    disputed = v.findings.disputed[order]
    for k in linked_rows.tolist():
        members, more = describe(int(rows[k]), bool(disputed[k]))
        explanation[k] += more
        incidents[k] = json.dumps(list(members), ensure_ascii=False)
    columns["explanation"] = pa.array(explanation, pa.string())
    return pa.array(incidents, pa.string())


def _join_ids(obligation: pa.Array, incident: pa.Array) -> pa.Array:
    return join(obligation, ":", incident)


def _explain_input(
    v: Verification,
    order: npt.NDArray[np.intp],
    rows: npt.NDArray[np.intp],
    text: dict[str, pa.Array],
    party_code: npt.NDArray[np.intp],
    party_sets: tuple[tuple[str, ...], ...],
) -> ExplainColumns:
    ft, t = v.findings, v.table
    spoken = pa.DictionaryArray.from_arrays(
        pa.array(party_code.astype(np.int32)), pa.array([" or ".join(s) for s in party_sets] or [""], pa.string())
    )
    return ExplainColumns(
        **{f: getattr(ft, f)[order] for f in _FINDING_FIELDS},
        radius_m=np.asarray(t.columns["radius_m"])[rows],
        lat=np.asarray(t.columns["lat"])[rows],
        lon=np.asarray(t.columns["lon"])[rows],
        day=t.day[rows],
        day0=t.day0[rows],
        day1=t.day1[rows],
        **{f: text[f] for f in ("id", "event_type", "sub_event_type", "location", "actor1", "actor2", "weapon")},
        parties=spoken,
    )


_FINDING_FIELDS = (
    "obligation",
    "reason",
    "status",
    "who",
    "place_id",
    "place_share",
    "time_share",
    "confidence",
    "distance_m",
    "limit_m",
)
