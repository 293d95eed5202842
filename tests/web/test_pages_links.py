"""Linked events on the dashboard (issue 13): the triage queue lists the events each report may
belong to, and an analyst confirms or splits a link with a CSRF-checked form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from api.apikit import CONVOY, Live, database, running
from store.storekit import BACKENDS

from ceasefire.server import create_app


@pytest.fixture(scope="module", params=BACKENDS)
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with database(request.param, tmp_path_factory.mktemp("links")) as (settings, tokens):
        app = create_app(settings)
        with running(app) as url:
            yield Live(url, app, settings, tokens)


@pytest.fixture(scope="module")
def convoy(live: Live) -> int:
    """The convoy report (the same strike as SYR-ILL-0041), published: its id."""
    with live.client("monitor") as monitor, live.client("analyst") as analyst:
        made = monitor.post("/reports", json=CONVOY)
        assert made.status_code == 201, made.text
        assert analyst.post(f"/reports/{made.json()['id']}/publish").status_code == 200
        return int(made.json()["id"])


def _browser(live: Live, who: str) -> httpx.Client:
    return httpx.Client(base_url=live.url, cookies={"cf_session": live.session(who)}, timeout=30)


def _row(client: httpx.Client, report: int) -> dict[str, Any]:
    answer = client.get("/cases.json")
    assert answer.status_code == 200, answer.text
    return dict(next(r for r in answer.json()["triage"] if r["id"] == report))


def test_the_triage_queue_lists_the_events_a_report_may_belong_to(live: Live, convoy: int) -> None:
    with _browser(live, "analyst") as analyst:
        row = _row(analyst, convoy)
        best = row["candidates"][0]
        assert "SYR-ILL-0041" in best["records"] and best["score"] >= 0.7 and best["linked"]
        assert "same place within the precision of both" in best["reasons"]
        html = analyst.get("/cases").text
        assert "May belong to" in html and f'id="link-{convoy}-1"' in html
    with live.client("analyst") as api:
        answer = api.get("/links/candidates", params={"report": convoy})
        assert answer.status_code == 200 and answer.json()["candidates"] == row["candidates"]
        assert api.get("/links/candidates", params={"report": 999}).status_code == 404
    with live.client("gov") as party:
        assert party.get("/links/candidates", params={"report": convoy}).status_code == 403


def test_an_analyst_splits_a_link_with_the_form_and_the_queue_shows_it(live: Live, convoy: int) -> None:
    with _browser(live, "analyst") as analyst:
        html = analyst.get("/cases").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', html)
        assert csrf
        form = {
            "csrf": csrf.group(1),
            "record_a": f"report-{convoy}",
            "record_b": "SYR-ILL-0041",
            "decision": "split",
            "reason": "two strikes",
            "next": "//evil.example/",
        }
        done = analyst.post("/links", data=form, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"].startswith("/cases?decided=")
        assert "saved: the next verification run applies it" in analyst.get(done.headers["location"]).text
        row = _row(analyst, convoy)
        assert not any("SYR-ILL-0041" in c["records"] for c in row["candidates"])
        bad = analyst.post("/links", data={**form, "decision": "merge"})
        assert bad.status_code == 422 and "decision" in bad.text
        forged = analyst.post("/links", data={**form, "csrf": "0" * 64})
        assert forged.status_code == 403
    with live.client("analyst") as api:
        decisions = api.get("/links").json()["decisions"]
        assert [d["decision"] for d in decisions] == ["split"] and decisions[0]["reason"] == "two strikes"
