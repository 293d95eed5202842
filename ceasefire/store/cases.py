"""The case workflow (migration ``0008_cases``), written through the store's :class:`Journal`
(the ``store`` argument of every function here).

An analyst opens a case (an allegation from one or more stored reports); then each step is a
new row, logged in the same write transaction with who (token, role, party) and when (UTC):

- ``request``: a request for information addressed to a party, with a deadline;
- ``response``: the addressed party answers one of its requests (the latest one by default);
- ``assessment``: an analyst concludes ``violation`` / ``no_violation`` / ``inconclusive``,
  grading each source on the Admiralty scale (reliability A-F, credibility 1-6). A later
  assessment supersedes an earlier one; both stay.

Nothing is updated or deleted. Who may take which step is the API's business (docs/api.md);
this module checks that what a step points at exists (:class:`UnknownRecord` when not).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ceasefire.errors import InputError
from ceasefire.ledger import canonical_json
from ceasefire.store.agreements import check_party
from ceasefire.store.database import Row, Value
from ceasefire.store.errors import UnknownRecord
from ceasefire.store.journal import Journal, now
from ceasefire.store.log_entries import KINDS
from ceasefire.store.protocol import (
    STEP_KINDS,
    Assessment,
    CaseRecord,
    CaseStep,
    Grade,
    InformationRequest,
    PartyResponse,
    StepDetail,
    StepKind,
    Submitter,
)

__all__ = ["CONCLUSIONS", "STEPS", "add_case_step", "get_case", "list_cases", "open_case"]

CONCLUSIONS = ("violation", "no_violation", "inconclusive")
# step kind -> log kind (its table: KINDS[log kind].table)
STEPS: dict[StepKind, str] = {"request": "case_request", "response": "case_response", "assessment": "case_assessment"}


def open_case(store: Journal, submitter: Submitter, title: str, allegation: str, reports: Sequence[int]) -> CaseRecord:
    """Open a case from stored ``reports`` (UnknownRecord naming the first missing one)."""
    with store.db.write():
        for report_id in reports:
            if not store.db.execute("SELECT 1 FROM report_versions WHERE report_id = ?", (report_id,)):
                raise UnknownRecord(f"report {report_id}: no such report")
        case_id = _next_id(store, "cases")
        row = {
            "id": case_id,
            "title": title,
            "allegation": allegation,
            "reports": canonical_json(sorted(set(reports))).decode("utf-8"),
            "token_id": submitter.token_id,
            "role": submitter.role,
            "party": submitter.party,
            "created_at": now(),
        }
        store.append("case", row)
        store.checkpoint()
    found = get_case(store, case_id)
    assert found is not None
    return found


def add_case_step(store: Journal, submitter: Submitter, case_id: int, detail: StepDetail) -> CaseStep:
    """Append a request, a response or an assessment to case ``case_id`` (a response's
    ``request_id`` None: the latest request addressed to the submitter's party, who answers)."""
    kind = STEP_KINDS[type(detail)]
    log_kind = STEPS[kind]
    with store.db.write():
        if not store.db.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)):
            raise UnknownRecord(f"case {case_id}: no such case")
        if isinstance(detail, InformationRequest):
            check_party(store, detail.party)
        if isinstance(detail, PartyResponse):
            request_id = _addressed(store, case_id, detail.request_id, submitter.party)
            detail = PartyResponse(request_id, detail.response, submitter.party)
        if isinstance(detail, Assessment) and detail.conclusion not in CONCLUSIONS:
            raise InputError(f"conclusion: {detail.conclusion!r} is not one of {', '.join(CONCLUSIONS)}")
        row = _columns(detail)
        row |= {
            "id": _next_id(store, KINDS[log_kind].table),
            "case_id": case_id,
            "token_id": submitter.token_id,
            "role": submitter.role,
            "created_at": now(),
        }
        index = store.append(log_kind, row)
        store.checkpoint()
    return _step(kind, {**row, "party": row.get("party")}, index)


def _columns(detail: StepDetail) -> dict[str, Value]:
    """The step's own columns as stored (and logged), in the table's order; grades as canonical
    JSON text."""
    if isinstance(detail, InformationRequest):
        return {"party": detail.party, "question": detail.question, "deadline": detail.deadline}
    if isinstance(detail, PartyResponse):
        return {"request_id": detail.request_id, "party": detail.party, "response": detail.response}
    grades: list[dict[str, str | int]] = [
        {"source": g.source, "reliability": g.reliability, "credibility": g.credibility} for g in detail.grades
    ]
    return {
        "conclusion": detail.conclusion,
        "reasoning": detail.reasoning,
        "grades": canonical_json(grades).decode("utf-8"),
    }


def _addressed(store: Journal, case_id: int, request_id: int | None, party: str | None) -> int:
    """The request of ``case_id`` addressed to ``party`` being answered (the latest by default)."""
    extra, params = ("AND id = ?", (request_id,)) if request_id is not None else ("", ())
    rows = store.db.execute(
        f"SELECT MAX(id) FROM case_requests WHERE case_id = ? AND party = ? {extra}", (case_id, party, *params)
    )
    if rows[0][0] is None:
        which = f"request {request_id}" if request_id is not None else "no request"
        raise UnknownRecord(f"case {case_id}: {which} addressed to party {party!r}")
    return int(rows[0][0])


def list_cases(store: Journal, party: str | None = None) -> list[CaseRecord]:
    """Every case by id, or (``party`` given) those with a request addressed to ``party``."""
    where, params = (
        ("", ()) if party is None else ("WHERE id IN (SELECT case_id FROM case_requests WHERE party = ?)", (party,))
    )
    with store.db.read():
        ids = [int(i) for (i,) in store.db.execute(f"SELECT id FROM cases {where} ORDER BY id", params)]
        found = [get_case(store, i) for i in ids]
    return [case for case in found if case is not None]


def get_case(store: Journal, case_id: int) -> CaseRecord | None:
    """The case and its steps in log order, or None."""
    rows = list(store.db.dicts(KINDS["case"].select("WHERE id = ?"), (case_id,)))
    if not rows:
        return None
    steps = []
    for kind, log_kind in STEPS.items():
        for row in store.db.dicts(KINDS[log_kind].select("WHERE case_id = ?"), (case_id,)):
            steps.append(_step(kind, row, int(row["log_index"])))
    r = rows[0]
    return CaseRecord(
        id=int(r["id"]),
        title=r["title"],
        allegation=r["allegation"],
        reports=tuple(json.loads(r["reports"])),
        opened_by=Submitter(int(r["token_id"]), r["role"], r["party"]),
        created_at=r["created_at"],
        log_index=int(r["log_index"]),
        steps=tuple(sorted(steps, key=lambda s: s.log_index)),
    )


def _step(kind: StepKind, row: Row, index: int) -> CaseStep:
    detail: StepDetail
    if kind == "request":
        detail = InformationRequest(row["party"], row["question"], row["deadline"])
    elif kind == "response":
        detail = PartyResponse(int(row["request_id"]), row["response"], row["party"])
    else:
        grades = tuple(
            Grade(str(g["source"]), str(g["reliability"]), int(g["credibility"])) for g in json.loads(row["grades"])
        )
        detail = Assessment(row["conclusion"], row["reasoning"], grades)
    party = row["party"] if kind == "response" else None
    by = Submitter(int(row["token_id"]), row["role"], party)
    return CaseStep(int(row["id"]), int(row["case_id"]), detail, by, row["created_at"], index)


def _next_id(store: Journal, table: str) -> int:
    return int(store.db.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")[0][0])
