"""The events a submitted report may belong to (issue 13): what the triage queue shows an analyst.

``report_candidates`` reads every stored record as a run does (``workflow.stored_records``), links
them into events as the next run would (the analysts' decisions applied), then scores each asked
report against the records it may describe the same event as (``linking.candidates_of``: the same
blocking and score as linking, without the threshold). The candidates of one event are kept as
one, by their best score; the report's own event (when it is linked already) is marked
``linked``. A report kept apart from linking (unpublished) still gets its candidates: the analyst
sees every report, and linking it waits for its publication.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ceasefire.linking import candidates_of, link_records, reason_sentences
from ceasefire.model import REPORT_PREFIX
from ceasefire.service.workflow import stored_records
from ceasefire.store import SQLStore

__all__ = ["FLOOR", "Candidate", "report_candidates"]

FLOOR = 0.5  # the least score shown: below it, two records have little in common but time and place


@dataclass(frozen=True)
class Candidate:
    """An event a report may belong to: its records (first record first), the record the report
    scored best against, that score and its reasons, and whether they are linked already."""

    records: tuple[str, ...]
    record: str
    score: float
    reasons: tuple[str, ...]
    linked: bool

    def to_document(self) -> dict[str, object]:
        return {
            "records": list(self.records),
            "record": self.record,
            "score": round(self.score, 2),
            "reasons": list(self.reasons),
            "linked": self.linked,
        }


def report_candidates(store: SQLStore, report_ids: Sequence[int], limit: int = 3) -> dict[int, list[Candidate]]:
    """For each of ``report_ids``: up to ``limit`` events it may belong to, best first (score at
    least FLOOR); a report not stored, or with no candidate, maps to an empty list."""
    out: dict[int, list[Candidate]] = {r: [] for r in report_ids}
    version = store.current_agreement()
    if version is None:
        return out
    stored = stored_records(store, version)
    table = stored.table
    ids = np.asarray(table.columns["id"], dtype=object)
    wanted = {f"{REPORT_PREFIX}{r}": r for r in report_ids}
    rows = np.flatnonzero(np.isin(ids, list(wanted)))
    if not len(rows):
        return out
    event = link_records(table, apart=stored.apart, decisions=stored.decisions).event
    own, other, score, reasons = candidates_of(table, rows, decisions=stored.decisions)
    by_event = np.argsort(event, kind="stable")
    sorted_events = event[by_event]
    for k in np.lexsort((other, -score)).tolist():  # best first; ties by the other record
        found = out[wanted[str(ids[own[k]])]]
        e = int(event[other[k]])
        if score[k] < FLOOR or len(found) >= limit or any(c.records[0] == str(ids[e]) for c in found):
            continue
        members = by_event[np.searchsorted(sorted_events, e) : np.searchsorted(sorted_events, e, "right")]
        found.append(
            Candidate(
                records=(str(ids[e]), *sorted(str(ids[m]) for m in members if m != e)),
                record=str(ids[other[k]]),
                score=float(score[k]),
                reasons=tuple(reason_sentences(int(reasons[k]))),
                linked=bool(event[own[k]] == e),
            )
        )
    return out
