"""Issue 11, class 6: tokens expire and can be revoked (an appended, logged row), and a revoked
or expired token answers 401 at once on every endpoint and page; ``GET /tokens`` shows both."""

from __future__ import annotations

import datetime as dt
import json
import time

import httpx
import pytest
from api.apikit import Live, report
from typer.testing import CliRunner

from ceasefire.cli import app as cli
from ceasefire.store import open_store

# (method, path under the site): API endpoints and dashboard pages a token may reach
PLACES = [
    ("GET", "/api/v1/findings"),
    ("GET", "/api/v1/reports"),
    ("GET", "/api/v1/cases"),
    ("GET", "/api/v1/log/checkpoint"),
    ("GET", "/api/v1/clocks"),  # figures cached per viewer class (class 2): the token is checked first
    ("GET", "/export/findings.csv"),
    ("POST", "/api/v1/reports"),
    ("GET", "/"),
    ("GET", "/index.json"),
    ("GET", "/clocks"),
    ("GET", "/cases"),
]


def _new_token(live: Live, **body: object) -> dict[str, object]:
    with live.client("admin") as admin:
        made = admin.post("/tokens", json={"role": "monitor", "name": "short-lived", **body})
    assert made.status_code == 201, made.text
    return dict(made.json())


def _entry(live: Live, index: int) -> bytes:
    store = open_store(live.settings.db, key=live.settings.key, evidence=live.settings.evidence)
    try:
        return store.log_entry(index)
    finally:
        store.close()


def _status(live: Live, token: str, method: str, path: str) -> int:
    with httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        return client.request(method, path, json=report() if method == "POST" else None).status_code


def test_a_revoked_token_answers_401_everywhere_at_once(live: Live) -> None:
    made = _new_token(live)
    assert {_status(live, str(made["token"]), "GET", path) for _, path in PLACES if _ == "GET"} == {200}
    with live.client("admin") as admin:
        revoked = admin.post(f"/tokens/{made['id']}/revoke")
        again = admin.post(f"/tokens/{made['id']}/revoke")
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["new"] is True and revoked.json()["receipt"]["index"] == revoked.json()["log_index"]
    assert again.json()["new"] is False and again.json()["log_index"] == revoked.json()["log_index"]
    entry = json.loads(_entry(live, int(revoked.json()["log_index"])))
    assert entry["kind"] == "token_revocation" and entry["token_id"] == made["id"]
    assert {path: _status(live, str(made["token"]), m, path) for m, path in PLACES} == {p: 401 for _, p in PLACES}


def test_only_an_admin_revokes_and_an_unknown_token_is_404(live: Live) -> None:
    made = _new_token(live)
    with live.client("analyst") as analyst, live.client("admin") as admin:
        assert analyst.post(f"/tokens/{made['id']}/revoke").status_code == 403
        assert admin.post("/tokens/999999/revoke").status_code == 404
    assert _status(live, str(made["token"]), "GET", "/api/v1/findings") == 200


def test_an_expired_token_answers_401(live: Live) -> None:
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)).isoformat()
    made = _new_token(live, expires_at=soon)
    assert _status(live, str(made["token"]), "GET", "/api/v1/findings") == 200
    time.sleep(2.5)
    assert {path: _status(live, str(made["token"]), m, path) for m, path in PLACES} == {p: 401 for _, p in PLACES}


def test_every_token_expires_by_default_in_90_days(live: Live) -> None:
    made = _new_token(live)
    expires = dt.datetime.fromisoformat(str(made["expires_at"]))
    assert dt.timedelta(days=89) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=90)


def test_the_token_list_shows_expiry_and_revocation(live: Live) -> None:
    made = _new_token(live)
    with live.client("admin") as admin:
        admin.post(f"/tokens/{made['id']}/revoke")
        items = {t["id"]: t for t in admin.get("/tokens").json()["items"]}
    assert all(t["expires_at"] for t in items.values())
    assert items[made["id"]]["revoked_at"] is not None
    assert items[1]["revoked_at"] is None and "token" not in items[1]


def test_the_cli_revokes_and_sets_expiry_and_the_log_still_verifies(live: Live) -> None:
    db, key = live.settings.db, live.settings.key
    keys = ["--key", str(key)] if key else []
    made = CliRunner().invoke(cli, ["token", "create", "--db", db, "--role", "observer", "--expires", "30d", *keys])
    assert made.exit_code == 0, made.output
    token = made.output.strip()
    assert _status(live, token, "GET", "/api/v1/findings") == 200
    with live.client("admin") as admin:
        listed = [t for t in admin.get("/tokens").json()["items"] if t["role"] == "observer"][-1]
    expires = dt.datetime.fromisoformat(listed["expires_at"])
    assert dt.timedelta(days=29) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=30)
    revoked = CliRunner().invoke(cli, ["token", "revoke", "--db", db, str(listed["id"]), *keys])
    assert revoked.exit_code == 0 and "revoked" in revoked.output, revoked.output
    assert _status(live, token, "GET", "/api/v1/findings") == 401
    store = open_store(db, key=key, evidence=live.settings.evidence)
    try:
        assert store.verify_log().ok
    finally:
        store.close()


@pytest.mark.parametrize(
    ("expires", "message"),
    [("yesterday", "neither a number of days"), ("2001-01-01", "is not in the future")],
    ids=["not-a-date", "in-the-past"],
)
def test_a_bad_expiry_is_refused(live: Live, expires: str, message: str) -> None:
    keys = ["--key", str(live.settings.key)] if live.settings.key else []
    args = ["token", "create", "--db", live.settings.db, "--role", "observer", "--expires", expires, *keys]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 2 and message in done.output, done.output


def test_the_api_refuses_an_expiry_in_the_past(live: Live) -> None:
    with live.client("admin") as admin:
        made = admin.post("/tokens", json={"role": "observer", "expires_at": "2001-01-01T00:00:00Z"})
    assert made.status_code == 400 and "not in the future" in made.json()["detail"]
