"""Reports through a real server: receipts, idempotency, versions, visibility by role and party."""

from __future__ import annotations

import json
from typing import Any

import pytest
from api.apikit import Live, report

from ceasefire.ledger import Receipt, public_key_from_base64, verify_receipt
from ceasefire.store import open_store


def submit(live: Live, who: str, body: dict[str, Any] | None = None, **headers: str) -> dict[str, Any]:
    with live.client(who, **headers) as client:
        answer = client.post("/reports", json=body or report())
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_a_submission_gets_a_receipt_the_submitter_verifies_alone(live: Live) -> None:
    done = submit(live, "monitor")
    assert set(done) >= {"id", "log_index", "receipt"}
    with live.client("observer") as client:
        key = public_key_from_base64(client.get("/log/key").json()["public_key"])
    receipt = Receipt.from_json(json.dumps(done["receipt"]))
    verify_receipt(receipt, key, done["entry"].encode("utf-8"))  # raises when it does not hold
    assert receipt.index == done["log_index"]
    assert json.loads(done["entry"])["kind"] == "report_version"
    with live.client("monitor") as client:
        shown = client.get(f"/reports/{done['id']}").json()
    assert {k: shown[k] for k in report()} == report()
    assert shown["version"] == 1 and shown["submitted_by"] == {"role": "monitor", "party": None}


def test_the_same_idempotency_key_and_body_replays_without_a_new_row(live: Live) -> None:
    body = report(title="idempotent one")
    with live.client("analyst") as client:
        before = client.get("/reports").json()["total"]
    first = submit(live, "monitor", body, **{"Idempotency-Key": "k-1"})
    with live.client("monitor", **{"Idempotency-Key": "k-1"}) as client:
        again = client.post("/reports", json=body)
        other = client.post("/reports", json=report(title="another body"))
    assert again.status_code == 201 and again.json() == first
    assert again.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    with live.client("analyst") as client:
        assert client.get("/reports").json()["total"] == before + 1
    fresh = submit(live, "monitor2", body, **{"Idempotency-Key": "k-1"})  # keys are per token
    assert fresh["id"] != first["id"]


def test_a_key_still_in_flight_gets_409(live: Live) -> None:
    # The first request is held in flight by the server's own registry, as a slow one would be.
    token_id = _token_id(live, "monitor")
    with (
        live.app.state.in_flight.hold(token_id, "slow-1"),
        live.client("monitor", **{"Idempotency-Key": "slow-1"}) as client,
    ):
        answer = client.post("/reports", json=report())
    assert answer.status_code == 409 and answer.headers["content-type"] == "application/problem+json"
    assert submit(live, "monitor", report(), **{"Idempotency-Key": "slow-1"})["version"] == 1


def _token_id(live: Live, name: str) -> int:
    store = open_store(live.settings.db, key=live.settings.key, evidence=live.settings.evidence)
    try:
        found = store.find_token(live.tokens[name])
        assert found is not None
        return found.id
    finally:
        store.close()


# Who sees a report submitted by `owner`, before it is published (observers never).
SEES = {
    "monitor": {"monitor", "analyst", "admin"},
    "gov": {"gov", "gov2", "analyst", "admin"},
}
READERS = ["admin", "analyst", "monitor", "monitor2", "gov", "gov2", "opposition", "observer"]


@pytest.mark.parametrize("owner", sorted(SEES), ids=sorted(SEES))
def test_each_role_sees_what_it_may_and_404_otherwise(live: Live, owner: str) -> None:
    done = submit(live, owner, report(title=f"by {owner}"))
    for reader in READERS:
        with live.client(reader) as client:
            one = client.get(f"/reports/{done['id']}")
            ids = {item["id"] for item in client.get("/reports", params={"limit": 500}).json()["items"]}
        visible = reader in SEES[owner]
        assert one.status_code == (200 if visible else 404), (reader, one.text)
        assert (done["id"] in ids) == visible, reader
        if not visible:
            assert one.json()["detail"] == f"report {done['id']}: no such report"  # no hint it exists
    with live.client("analyst") as client:
        assert client.post(f"/reports/{done['id']}/publish").json()["published"] is True
    for reader in READERS:
        with live.client(reader) as client:
            shown = client.get(f"/reports/{done['id']}")
        assert shown.status_code == 200 and shown.json()["published"] is True, reader


def test_a_missing_report_and_a_hidden_one_answer_alike(live: Live) -> None:
    hidden = submit(live, "opposition")
    with live.client("gov") as client:
        missing, other = client.get("/reports/999999"), client.get(f"/reports/{hidden['id']}")
    assert missing.status_code == other.status_code == 404
    assert missing.json().keys() == other.json().keys()


def test_corrections_are_new_versions_only_by_the_submitter_or_its_party(live: Live) -> None:
    done = submit(live, "gov")
    path = f"/reports/{done['id']}/versions"
    with live.client("gov") as client:
        second = client.post(path, json=report(fatalities=3))
    assert second.status_code == 201 and second.json()["version"] == 2
    with live.client("gov2") as client:  # another liaison officer of the same party
        assert client.post(path, json=report(fatalities=4)).json()["version"] == 3
    for who, status in [("opposition", 404), ("monitor", 404), ("analyst", 403), ("observer", 403)]:
        with live.client(who) as client:
            assert client.post(path, json=report(fatalities=0)).status_code == status, who
    with live.client("analyst") as client:
        client.post(f"/reports/{done['id']}/publish")
    with live.client("opposition") as client:  # published: visible, still not theirs to correct
        assert client.post(path, json=report(fatalities=0)).status_code == 403
    with live.client("gov") as client:
        latest = client.get(f"/reports/{done['id']}").json()
    assert latest["version"] == 3 and latest["fatalities"] == 4
    store = open_store(live.settings.db, key=live.settings.key, evidence=live.settings.evidence)
    try:
        rows = store.db.execute(
            "SELECT version, fatalities FROM report_versions WHERE report_id = ? ORDER BY version", (done["id"],)
        )
        assert [tuple(r) for r in rows] == [(1, 2), (2, 3), (3, 4)]  # nothing updated in place
        assert store.verify_log().ok
    finally:
        store.close()


@pytest.mark.parametrize(
    ("who", "method", "path"),
    [
        ("observer", "post", "/reports"),
        ("analyst", "post", "/reports"),
        ("admin", "post", "/reports"),
        ("monitor", "post", "/reports/1/publish"),
        ("gov", "post", "/reports/1/publish"),
    ],
    ids=["observer-submits", "analyst-submits", "admin-submits", "monitor-publishes", "party-publishes"],
)
def test_roles_without_the_right_get_403(live: Live, who: str, method: str, path: str) -> None:
    submit(live, "monitor")
    with live.client(who) as client:
        answer = client.request(method.upper(), path, json=report())
    assert answer.status_code == 403 and answer.json()["status"] == 403


def test_listing_pages_with_limit_and_offset(live: Live) -> None:
    for n in range(3):
        submit(live, "monitor2", report(title=f"page {n}"))
    with live.client("analyst") as client:
        everything = client.get("/reports", params={"limit": 500}).json()
        page = client.get("/reports", params={"limit": 2, "offset": 1}).json()
    assert page["total"] == everything["total"] == len(everything["items"])
    assert page["items"] == everything["items"][1:3]
