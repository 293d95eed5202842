"""The server runs as PostgreSQL's restricted app role (docs/store.md, "Roles of the database"):
``ceasefire_app`` may read and insert, never update or delete. Every kind of write the API makes
must work under it, and the log must verify afterwards; the owner role only migrates."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from api.apikit import Live, database, report, running

from ceasefire.server import create_app
from ceasefire.store import open_store
from ceasefire.store.postgres import PostgresDatabase, grant_app_role

APP_ROLE = "ceasefire_app"


def as_app_role(url: str) -> str:
    """``url`` (whose options set the search path) connecting as the app role."""
    base, _, options = url.partition("?options=")
    return f"{base}?options={options}{quote(f' -crole={APP_ROLE}')}"


@pytest.fixture(scope="module")
def restricted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with database("postgres", tmp_path_factory.mktemp("approle")) as (owner, tokens):
        db = PostgresDatabase(owner.db)
        try:
            grant_app_role(db, APP_ROLE)
        finally:
            db.close()
        settings = dataclasses.replace(owner, db=as_app_role(owner.db))
        app = create_app(settings)
        with running(app) as url:
            yield Live(url, app, settings, tokens)


def test_the_server_connects_as_the_app_role(restricted: Live) -> None:
    store = open_store(restricted.settings.db, key=restricted.settings.key, evidence=restricted.settings.evidence)
    try:
        assert store.db.execute("SELECT current_user")[0][0] == APP_ROLE
    finally:
        store.close()


def test_every_kind_of_write_works_as_the_app_role_and_the_log_verifies(restricted: Live) -> None:
    with restricted.client("gov") as client:
        made = client.post("/reports", json=report(title="as app role"))
        assert made.status_code == 201, made.text
        report_id = made.json()["id"]
        assert client.post(f"/reports/{report_id}/versions", json=report(fatalities=4)).status_code == 201
        upload = client.post(f"/reports/{report_id}/evidence", files={"file": ("a.txt", b"photo", "text/plain")})
        assert upload.status_code == 201, upload.text
    with restricted.client("analyst") as client:
        assert client.post(f"/reports/{report_id}/publish").status_code == 200
        case = client.post("/cases", json={"title": "app role", "reports": [report_id]})
        assert case.status_code == 201, case.text
        assert client.post(f"/cases/{case.json()['id']}/publish").status_code == 200
        run = client.post("/runs")
        assert run.status_code == 201, run.text
        assert client.post(f"/runs/{run.json()['id']}/publish").status_code == 200
    with restricted.client("admin") as client:
        assert client.post("/tokens", json={"role": "observer", "name": "app role"}).status_code == 201
    with restricted.client() as client:  # the public now reads the new run, report finding included
        findings = client.get("/findings").json()["findings"]
        assert any(f"report-{report_id}" in f["incidents"] for f in findings)
    store = open_store(restricted.settings.db, key=restricted.settings.key, evidence=restricted.settings.evidence)
    try:
        assert store.verify_log().ok
    finally:
        store.close()
