"""Issue 11, class 9: evidence de-duplication leaked. Evidence is kept once per content hash, and
attaching bytes another party had already attached answered with *their* file name and media
type. Now each attachment keeps its own name and type: the answer, the report's JSON and its page
show the caller's own; the content is still kept once; the log still verifies, old entries too."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api.apikit import Live, database, report, running
from store.storekit import BACKENDS

from ceasefire.server import create_app
from ceasefire.store import open_store
from ceasefire.store.log_entries import KINDS, entry_bytes

SECRET_NAME, SECRET_TYPE = "idlib-strike-plan-oct.pdf", "application/pdf"


@pytest.fixture(scope="module", params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("leak")
    with database(request.param, folder) as (settings, tokens):
        settings = dataclasses.replace(settings, evidence=settings.evidence or Path(settings.db + ".evidence"))
        app = create_app(settings)
        with running(app) as url:
            yield Live(url, app, settings, tokens)


def _attach(client: httpx.Client, report_id: int, data: bytes, name: str, media: str) -> httpx.Response:
    answer = client.post(f"/reports/{report_id}/evidence", files={"file": (name, data, media)})
    assert answer.status_code == 201, answer.text
    return answer


def test_same_bytes_show_only_the_callers_name_and_type(served: Live) -> None:
    data = os.urandom(4096)
    with served.client("gov") as gov, served.client("opposition") as opposition:
        theirs = gov.post("/reports", json=report(title="ours")).json()["id"]
        _attach(gov, theirs, data, SECRET_NAME, SECRET_TYPE)
        mine = opposition.post("/reports", json=report(title="mine")).json()["id"]
        answer = _attach(opposition, mine, data, "photo.jpg", "image/jpeg").json()
        assert (answer["name"], answer["media_type"]) == ("photo.jpg", "image/jpeg")
        shown = opposition.get(f"/reports/{mine}").json()["evidence"]
        assert [(e["name"], e["media_type"]) for e in shown] == [("photo.jpg", "image/jpeg")]
        again = _attach(opposition, mine, data, "photo.jpg", "image/jpeg").json()  # attached before
        assert (again["name"], again["new"]) == ("photo.jpg", False)
        page = httpx.get(f"{served.url}/reports/{mine}", headers=opposition.headers, timeout=30)
        assert page.status_code == 200 and "photo.jpg" in page.text
        assert SECRET_NAME not in page.text and SECRET_NAME not in str(shown) + str(answer)
        own = gov.get(f"/reports/{theirs}").json()["evidence"]  # the first party still sees its own
        assert [(e["name"], e["media_type"]) for e in own] == [(SECRET_NAME, SECRET_TYPE)]
    store = open_store(served.settings.db, key=served.settings.key, evidence=served.settings.evidence)
    try:
        assert own[0]["sha256"] == shown[0]["sha256"]
        assert store.evidence_files().path(own[0]["sha256"]).read_bytes() == data  # kept once
        assert store.verify_log().ok
    finally:
        store.close()


def test_attachments_logged_before_the_names_keep_their_entries() -> None:
    """An attachment row from before 0014 (no name, no type) hashes as it always did."""
    kind = KINDS["attachment"]
    old = dataclasses.replace(kind, columns=("report_id", "sha256", "token_id", "created_at"), optional=())
    row = {"report_id": 1, "sha256": "ab" * 32, "token_id": 3, "created_at": "2026-01-01T00:00:00.000000Z"}
    assert entry_bytes(kind, {**row, "name": None, "media_type": None}, {}) == entry_bytes(old, row, {})
    assert entry_bytes(kind, {**row, "name": "a.jpg", "media_type": "image/jpeg"}, {}) != entry_bytes(old, row, {})
