"""Admin endpoints: tokens (the token shown once, only records listed) and agreement versions
(a changed document is a new version; findings made under the old one keep it)."""

from __future__ import annotations

import pytest
from api.apikit import Live
from api.test_errors import assert_problem
from store.storekit import SYRIA

YAML = {"Content-Type": "application/yaml"}


def test_an_admin_creates_a_token_that_works_and_is_listed_without_its_secret(live: Live) -> None:
    with live.client("admin") as client:
        made = client.post("/tokens", json={"role": "party", "party": "russia", "name": "liaison"})
        assert made.status_code == 201, made.text
        listed = client.get("/tokens").json()["items"]
    token = made.json()["token"]
    assert token.startswith("cf_") and made.json()["party"] == "russia"
    assert made.json()["id"] in {t["id"] for t in listed} and token not in str(listed)
    with live.client(Authorization=f"Bearer {token}") as client:
        assert client.get("/reports").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "party", "name": "no party"}, "party"),
        ({"role": "observer", "party": "russia"}, "party"),
        ({"role": "party", "party": "novorossiya"}, "novorossiya"),
        ({"role": "king"}, "role"),
    ],
    ids=["party-missing", "party-for-observer", "unknown-party", "unknown-role"],
)
def test_bad_token_requests_are_refused_naming_the_problem(live: Live, body: dict[str, str], field: str) -> None:
    with live.client("admin") as client:
        answer = client.post("/tokens", json=body)
    assert 400 <= answer.status_code < 500 and field in answer.text


def test_a_changed_agreement_is_a_new_version_and_old_findings_keep_theirs(live: Live) -> None:
    text = (SYRIA / "agreement.yaml").read_text(encoding="utf-8")
    changed = text.replace("title:", "title: Revised -", 1)
    with live.client("admin") as client:
        same = client.post("/agreements", content=text.encode(), headers=YAML)
        assert same.status_code == 201 and same.json()["new"] is False and same.json()["version"] == 1
        new = client.post("/agreements", content=changed.encode(), headers=YAML)
        assert new.status_code == 201 and new.json()["new"] is True and new.json()["version"] == 2
        assert [v["version"] for v in client.get("/agreements").json()["items"]] == [1, 2]
    with live.client() as client:
        assert client.get("/agreement").json()["version"] == 2
        assert client.get("/findings").json()["run"]["agreement_version"] == 1


def test_a_bad_agreement_is_refused_with_its_line(live: Live) -> None:
    text = (SYRIA / "agreement.yaml").read_text(encoding="utf-8").replace("id: syria-gov", "id: [oops", 1)
    with live.client("admin") as client:
        body = assert_problem(client.post("/agreements", content=text.encode(), headers=YAML), 422)
    assert str(body["detail"]).startswith("agreement.yaml:") and "/tmp" not in str(body)


def test_another_agreement_is_refused(live: Live) -> None:
    text = (SYRIA.parent / "donbas-2015" / "agreement.yaml").read_text(encoding="utf-8")
    with live.client("admin") as client:
        body = assert_problem(client.post("/agreements", content=text.encode(), headers=YAML), 422)
    assert "syria-2016-09" in str(body["detail"])
