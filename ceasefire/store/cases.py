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
from collections.abc import Mapping, Sequence
from typing import Any

from ceasefire.errors import InputError
from ceasefire.ledger import canonical_json
from ceasefire.store.agreements import check_party
from ceasefire.store.database import Row
from ceasefire.store.errors import UnknownRecord
from ceasefire.store.journal import Journal, now
from ceasefire.store.log_entries import KINDS
from ceasefire.store.protocol import CaseRecord, CaseStep, Submitter

__all__ = ["CONCLUSIONS", "STEPS", "add_case_step", "get_case", "list_cases", "open_case"]

CONCLUSIONS = ("violation", "no_violation", "inconclusive")
# step kind -> (log kind, its own columns; JSON columns are decoded when read)
STEPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "request": ("case_request", ("party", "question", "deadline")),
    "response": ("case_response", ("request_id", "party", "response")),
    "assessment": ("case_assessment", ("conclusion", "reasoning", "grades")),
}
_JSON = {"grades", "reports"}


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


def add_case_step(store: Journal, submitter: Submitter, case_id: int, kind: str, fields: Mapping[str, Any]) -> CaseStep:
    """Append a ``request``, ``response`` or ``assessment`` (``fields``: its columns; for a
    response ``request_id`` may be None: the latest request addressed to the submitter's party)."""
    log_kind, columns = STEPS[kind]
    with store.db.write():
        if not store.db.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)):
            raise UnknownRecord(f"case {case_id}: no such case")
        values = dict(fields)
        if kind == "request":
            check_party(store, str(values["party"]))
        if kind == "response":
            values["request_id"], values["party"] = (
                _addressed(store, case_id, values.get("request_id"), submitter.party),
                submitter.party,
            )
        if kind == "assessment" and values["conclusion"] not in CONCLUSIONS:
            raise InputError(f"conclusion: {values['conclusion']!r} is not one of {', '.join(CONCLUSIONS)}")
        row = {c: canonical_json(values[c]).decode("utf-8") if c in _JSON else values[c] for c in columns}
        row |= {
            "id": _next_id(store, KINDS[log_kind].table),
            "case_id": case_id,
            "token_id": submitter.token_id,
            "role": submitter.role,
            "created_at": now(),
        }
        index = store.append(log_kind, row)
        store.checkpoint()
    return _step(kind, {**row, "party": row.get("party")}, index, columns)


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
    for kind, (log_kind, columns) in STEPS.items():
        for row in store.db.dicts(KINDS[log_kind].select("WHERE case_id = ?"), (case_id,)):
            steps.append(_step(kind, row, int(row["log_index"]), columns))
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


def _step(kind: str, row: Row, index: int, columns: tuple[str, ...]) -> CaseStep:
    fields = {c: json.loads(row[c]) if c in _JSON and isinstance(row[c], str) else row[c] for c in columns}
    party = row["party"] if kind == "response" else None
    by = Submitter(int(row["token_id"]), row["role"], party)
    return CaseStep(kind, int(row["id"]), int(row["case_id"]), fields, by, row["created_at"], index)


def _next_id(store: Journal, table: str) -> int:
    return int(store.db.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")[0][0])
