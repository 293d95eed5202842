"""``/api/v1/links`` (issue 13): an analyst confirms or splits a link; the decision is logged,
answered with a receipt and applied by the next run; other roles are refused."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from api.apikit import CONVOY, Live

INCIDENT = "SYR-ILL-0041"


@pytest.fixture(scope="module")
def convoy(live: Live) -> str:
    """The convoy report, published: its record id (``report-ID``)."""
    with live.client("monitor") as monitor, live.client("analyst") as analyst:
        made = monitor.post("/reports", json=CONVOY)
        assert made.status_code == 201, made.text
        assert analyst.post(f"/reports/{made.json()['id']}/publish").status_code == 200
        return f"report-{made.json()['id']}"


def _linked(analyst: httpx.Client, record: str) -> list[dict[str, Any]]:
    """A new run's findings that name both ``record`` and INCIDENT."""
    assert analyst.post("/runs").status_code == 201
    findings = analyst.get("/findings", params={"limit": 1000}).json()["findings"]
    return [f for f in findings if {record, INCIDENT} <= set(f["incidents"])]


def test_a_split_then_a_confirm_apply_to_the_next_run(live: Live, convoy: str) -> None:
    with live.client("analyst") as analyst:
        assert _linked(analyst, convoy)
        split = analyst.post("/links", json={"records": [convoy, INCIDENT], "decision": "split", "reason": "two"})
        assert split.status_code == 201, split.text
        body = split.json()
        assert body["decision"] == "split" and sorted(body["records"]) == body["records"]
        assert body["role"] == "analyst" and '"kind":"link_decision"' in body["entry"]
        assert body["receipt"]["index"] == body["log_index"]
        assert _linked(analyst, convoy) == []
        confirm = analyst.post("/links", json={"records": [INCIDENT, convoy], "decision": "confirm"})
        assert confirm.status_code == 201, confirm.text
        linked = _linked(analyst, convoy)
        assert linked and all("confirmed by an analyst" in f["explanation"] for f in linked)
        listed = analyst.get("/links", params={"record": convoy}).json()["decisions"]
        assert [d["decision"] for d in listed][-2:] == ["split", "confirm"]


@pytest.mark.parametrize("who", ["gov", "opposition", "monitor", "observer", "admin"])
def test_only_an_analyst_decides(live: Live, convoy: str, who: str) -> None:
    with live.client(who) as client:
        answer = client.post("/links", json={"records": [convoy, INCIDENT], "decision": "confirm"})
        assert answer.status_code == 403, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")


def test_the_public_must_sign_in(live: Live, convoy: str) -> None:
    with live.client() as client:
        answer = client.post("/links", json={"records": [convoy, INCIDENT], "decision": "confirm"})
        assert answer.status_code == 401 and client.get("/links").status_code == 401


BAD = [
    ({"records": ["SYR-ILL-0041", "nope"], "decision": "confirm"}, "records"),
    ({"records": ["SYR-ILL-0041", "SYR-ILL-0041"], "decision": "split"}, "records"),
    ({"records": ["SYR-ILL-0041"], "decision": "split"}, "records"),
    ({"records": ["SYR-ILL-0041", "SYR-ILL-0040"], "decision": "merge"}, "decision"),
    ({"records": ["SYR-ILL-0041", "SYR-ILL-0040"], "decision": "split", "extra": 1}, "extra"),
]


@pytest.mark.parametrize(("body", "field"), BAD, ids=["unknown", "itself", "one", "decision", "extra"])
def test_bad_input_is_problem_json_naming_the_field(live: Live, body: dict[str, Any], field: str) -> None:
    with live.client("analyst") as analyst:
        answer = analyst.post("/links", json=body)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert field in [e["field"].split(".")[-1] for e in answer.json()["errors"]]
