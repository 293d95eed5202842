"""The case workflow in the store (0008_cases), on both backends: every step a logged row,
a step pointing at nothing refused before anything is written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from store.storekit import SYRIA, OpenTarget

from ceasefire.errors import CeasefireError, InputError, UsageError
from ceasefire.service.workflow import init_database
from ceasefire.store import SQLStore
from ceasefire.store.errors import UnknownRecord
from ceasefire.store.protocol import ReportSubmission, Submitter

ANALYST, GOV, OPPOSITION = (
    Submitter(1, "analyst"),
    Submitter(2, "party", "syria-gov"),
    Submitter(3, "party", "opposition"),
)
ASK = {"party": "syria-gov", "question": "q", "deadline": "2016-10-01"}


@pytest.fixture
def store(open_target: OpenTarget) -> SQLStore:
    opened = open_target()
    init_database(opened, SYRIA / "agreement.yaml")
    submission = ReportSubmission("t", "", "2016-09-14", 36.2, 37.1, "Battles", "", "", "", "", 0, ())
    opened.submit_report(Submitter(9, "monitor"), submission)
    return opened


def test_a_case_and_its_steps_are_logged_in_order(store: SQLStore) -> None:
    case = store.open_case(ANALYST, "t", "a", [1, 1])
    request = store.add_case_step(ANALYST, case.id, "request", ASK)
    response = store.add_case_step(GOV, case.id, "response", {"request_id": None, "response": "r"})
    store.add_case_step(
        ANALYST,
        case.id,
        "assessment",
        {"conclusion": "violation", "reasoning": "", "grades": [{"source": "s", "reliability": "A", "credibility": 1}]},
    )
    stored = store.case(case.id)
    assert stored is not None and stored.reports == (1,)
    assert [s.kind for s in stored.steps] == ["request", "response", "assessment"]
    assert response.fields["request_id"] == request.id and response.by == GOV
    kinds = [json.loads(store.log_entry(s.log_index))["kind"] for s in stored.steps]
    assert kinds == ["case_request", "case_response", "case_assessment"]
    assert [c.id for c in store.cases("syria-gov")] == [case.id] and store.cases("opposition") == []
    assert store.verify_log().ok


REFUSED: list[tuple[str, Submitter, dict[str, Any], type[CeasefireError]]] = [
    ("request", ANALYST, {**ASK, "party": "martians"}, UsageError),
    ("response", OPPOSITION, {"request_id": None, "response": "r"}, UnknownRecord),
    ("response", GOV, {"request_id": 99, "response": "r"}, UnknownRecord),
    ("assessment", ANALYST, {"conclusion": "guilty", "reasoning": "", "grades": []}, InputError),
]


@pytest.mark.parametrize(
    ("kind", "who", "fields", "error"), REFUSED, ids=["unknown party", "not addressed", "no such request", "conclusion"]
)
def test_a_step_pointing_at_nothing_writes_nothing(
    store: SQLStore,
    kind: str,
    who: Submitter,
    fields: dict[str, Any],
    error: type[CeasefireError],
) -> None:
    case = store.open_case(ANALYST, "t", "", [1])
    store.add_case_step(ANALYST, case.id, "request", ASK)
    size = store.log_size()
    with pytest.raises(error):
        store.add_case_step(who, case.id, kind, fields)
    assert store.log_size() == size


def test_unknown_reports_and_cases(store: SQLStore) -> None:
    with pytest.raises(UnknownRecord, match="report 7"):
        store.open_case(ANALYST, "t", "", [1, 7])
    with pytest.raises(UnknownRecord, match="case 5"):
        store.add_case_step(ANALYST, 5, "request", ASK)
    assert store.case(5) is None and store.cases() == []
