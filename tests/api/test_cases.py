"""The case workflow over a real server: open, ask, answer, assess; who sees what; every step
logged with who and when; problem+json for bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from api.apikit import Live, report

from ceasefire.ledger import Receipt, public_key_from_base64, verify_receipt
from ceasefire.store import open_store

REQUEST = {"party": "syria-gov", "question": "Which unit fired from grid 37S?", "deadline": "2016-10-01"}
GRADES = [
    {"source": "report 1", "reliability": "B", "credibility": 2},
    {"source": "SOHR", "reliability": "C", "credibility": 3},
]


@pytest.fixture(scope="module")
def case(live: Live) -> dict[str, Any]:
    """A case from two reports, asked of syria-gov (answered) and opposition, then assessed."""
    with live.client("monitor") as monitor, live.client("analyst") as analyst, live.client("gov2") as gov2:
        reports = [monitor.post("/reports", json=report(title=f"case {n}")).json()["id"] for n in (1, 2)]
        opened = analyst.post(
            "/cases", json={"title": "Kafr Hamra", "allegation": "Mortar fire on the market.", "reports": reports}
        )
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["id"]
        for body in (REQUEST, {**REQUEST, "party": "opposition"}):
            assert analyst.post(f"/cases/{case_id}/requests", json=body).status_code == 201
        answered = gov2.post(f"/cases/{case_id}/responses", json={"response": "No unit of ours was there."})
        assert answered.status_code == 201, answered.text
        assessed = analyst.post(
            f"/cases/{case_id}/assessment",
            json={"conclusion": "violation", "reasoning": "Two sources.", "grades": GRADES},
        )
        assert assessed.status_code == 201, assessed.text
        return dict(analyst.get(f"/cases/{case_id}").json())


def test_the_analyst_sees_every_step_in_order(case: dict[str, Any]) -> None:
    assert case["status"] == "violation" and len(case["reports"]) == 2
    assert [s["kind"] for s in case["steps"]] == ["request", "request", "response", "assessment"]
    response = case["steps"][2]
    assert response["party"] == "syria-gov" and response["request_id"] == case["steps"][0]["id"]
    assert response["late"] is True  # answered after the 2016 deadline
    assert case["steps"][3]["grades"] == GRADES
    assert all(s["at"].endswith("Z") and s["log_index"] > case["log_index"] for s in case["steps"])
    assert [s["by"]["role"] for s in case["steps"]] == ["analyst", "analyst", "party", "analyst"]


VIEWS = [("gov", 2), ("gov2", 2), ("opposition", 1), ("monitor", None), ("observer", None), ("admin", 4)]


@pytest.mark.parametrize(("who", "steps"), VIEWS, ids=[w for w, _ in VIEWS])
def test_who_sees_what(live: Live, case: dict[str, Any], who: str, steps: int | None) -> None:
    with live.client(who) as client:
        one = client.get(f"/cases/{case['id']}")
        listed = [c["id"] for c in client.get("/cases").json()["items"]]
    if steps is None:
        assert one.status_code == 404 and case["id"] not in listed
        return
    assert one.status_code == 200 and case["id"] in listed
    shown = one.json()["steps"]
    assert len(shown) == steps
    if who != "admin":
        assert {s.get("party") for s in shown} == {"syria-gov" if who.startswith("gov") else "opposition"}
        assert one.json()["status"] == "open"  # the assessment is not shown to parties


def test_every_step_is_logged_with_a_verifiable_receipt(live: Live, case: dict[str, Any]) -> None:
    with live.client("analyst") as analyst:
        key = public_key_from_base64(analyst.get("/log/key").json()["public_key"])
        step = analyst.post(f"/cases/{case['id']}/requests", json=REQUEST).json()
    entry = json.loads(step["entry"])
    assert entry["kind"] == "case_request" and entry["case_id"] == case["id"] and entry["party"] == "syria-gov"
    verify_receipt(Receipt.from_json(json.dumps(step["receipt"])), key, step["entry"].encode())
    s = live.settings
    store = open_store(s.db, key=s.key, evidence=s.evidence)
    try:
        kinds = [json.loads(store.log_entry(i))["kind"] for i in range(store.log_size())]
        assert {"case", "case_request", "case_response", "case_assessment"} <= set(kinds)
        assert store.verify_log().ok
    finally:
        store.close()


BAD = [
    ("post", "/cases", {"title": "x", "reports": []}, 422, "reports"),
    ("post", "/cases", {"title": "x", "reports": [999999]}, 422, "reports"),
    ("post", "/cases/{id}/requests", {**REQUEST, "party": "martians"}, 422, "party"),
    ("post", "/cases/{id}/requests", {**REQUEST, "deadline": "soon"}, 422, "deadline"),
    ("post", "/cases/{id}/assessment", {"conclusion": "guilty", "grades": GRADES}, 422, "conclusion"),
    (
        "post",
        "/cases/{id}/assessment",
        {"conclusion": "violation", "grades": [{**GRADES[0], "reliability": "G"}]},
        422,
        "grades.0.reliability",
    ),
    (
        "post",
        "/cases/{id}/assessment",
        {"conclusion": "violation", "grades": [{**GRADES[0], "credibility": 7}]},
        422,
        "grades.0.credibility",
    ),
    ("post", "/cases", {"title": "x\u0000y", "reports": [1]}, 422, "title"),
    ("post", "/cases/{id}/requests", {**REQUEST, "question": "why\u0000"}, 422, "question"),
    ("post", "/cases/999999/requests", REQUEST, 404, None),
    ("get", "/cases/0", None, 422, "case_id"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"), BAD, ids=[f"{p} {f or s}" for _, p, _, s, f in BAD]
)
def test_bad_input_is_a_problem(
    live: Live, case: dict[str, Any], method: str, path: str, body: Any, status: int, field: str | None
) -> None:
    with live.client("analyst") as client:
        answer = client.request(method.upper(), path.format(id=case["id"]), json=body)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    if field is not None:
        assert field in [e["field"] for e in answer.json()["errors"]]


def test_a_party_answers_only_its_own_requests(live: Live, case: dict[str, Any]) -> None:
    theirs = next(s["id"] for s in case["steps"] if s["kind"] == "request" and s["party"] == "opposition")
    with live.client("gov") as gov:
        answer = gov.post(f"/cases/{case['id']}/responses", json={"request_id": theirs, "response": "not ours"})
    assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json"
