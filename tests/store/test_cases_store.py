"""The case workflow in the store (0008_cases), on both backends: every step a logged row,
a step pointing at nothing refused before anything is written."""

from __future__ import annotations

import json

import pytest
from store.storekit import SYRIA, OpenTarget

from ceasefire.errors import CeasefireError, InputError, UsageError
from ceasefire.service.workflow import init_database
from ceasefire.store import SQLStore
from ceasefire.store.errors import UnknownRecord
from ceasefire.store.protocol import (
    Assessment,
    Grade,
    InformationRequest,
    PartyResponse,
    ReportSubmission,
    StepDetail,
    Submitter,
)

ANALYST, GOV, OPPOSITION = (
    Submitter(1, "analyst"),
    Submitter(2, "party", "syria-gov"),
    Submitter(3, "party", "opposition"),
)
ASK = InformationRequest("syria-gov", "q", "2016-10-01")


@pytest.fixture
def store(open_target: OpenTarget) -> SQLStore:
    opened = open_target()
    init_database(opened, SYRIA / "agreement.yaml")
    submission = ReportSubmission("t", "", "2016-09-14", 36.2, 37.1, "Battles", "", "", "", "", 0, ())
    opened.submit_report(Submitter(9, "monitor"), submission)
    return opened


def test_a_case_and_its_steps_are_logged_in_order(store: SQLStore) -> None:
    case = store.open_case(ANALYST, "t", "a", [1, 1])
    request = store.add_case_step(ANALYST, case.id, ASK)
    response = store.add_case_step(GOV, case.id, PartyResponse(None, "r"))
    store.add_case_step(ANALYST, case.id, Assessment("violation", "", (Grade("s", "A", 1),)))
    stored = store.case(case.id)
    assert stored is not None and stored.reports == (1,)
    assert [s.kind for s in stored.steps] == ["request", "response", "assessment"]
    assert [s.detail for s in stored.steps] == [
        ASK,
        PartyResponse(request.id, "r", "syria-gov"),
        Assessment("violation", "", (Grade("s", "A", 1),)),
    ]
    assert response.detail == PartyResponse(request.id, "r", "syria-gov") and response.by == GOV
    kinds = [json.loads(store.log_entry(s.log_index))["kind"] for s in stored.steps]
    assert kinds == ["case_request", "case_response", "case_assessment"]
    assert [c.id for c in store.cases("syria-gov")] == [case.id] and store.cases("opposition") == []
    assert store.verify_log().ok


REFUSED: list[tuple[Submitter, StepDetail, type[CeasefireError]]] = [
    (ANALYST, InformationRequest("martians", "q", "2016-10-01"), UsageError),
    (OPPOSITION, PartyResponse(None, "r"), UnknownRecord),
    (GOV, PartyResponse(99, "r"), UnknownRecord),
    (ANALYST, Assessment("guilty", "", ()), InputError),
]


@pytest.mark.parametrize(
    ("who", "detail", "error"), REFUSED, ids=["unknown party", "not addressed", "no such request", "conclusion"]
)
def test_a_step_pointing_at_nothing_writes_nothing(
    store: SQLStore,
    who: Submitter,
    detail: StepDetail,
    error: type[CeasefireError],
) -> None:
    case = store.open_case(ANALYST, "t", "", [1])
    store.add_case_step(ANALYST, case.id, ASK)
    size = store.log_size()
    with pytest.raises(error):
        store.add_case_step(who, case.id, detail)
    assert store.log_size() == size


def test_unknown_reports_and_cases(store: SQLStore) -> None:
    with pytest.raises(UnknownRecord, match="report 7"):
        store.open_case(ANALYST, "t", "", [1, 7])
    with pytest.raises(UnknownRecord, match="case 5"):
        store.add_case_step(ANALYST, 5, ASK)
    assert store.case(5) is None and store.cases() == []
