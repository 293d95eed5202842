"""Scorecards, clocks, claims, case and report pages over a real uvicorn server: every page and
its JSON twin, who sees what, CSRF, field errors, evidence upload, and the case forms."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from api.apikit import MAX_UPLOAD, Live, database, report, running, session_of
from store.storekit import BACKENDS, ROOT

from ceasefire.model import Finding
from ceasefire.news.verdicts import ClaimVerdict
from ceasefire.server import create_app
from ceasefire.service.workflow import import_news
from ceasefire.store import open_store
from ceasefire.store.protocol import ReportScope
from ceasefire.web import views

NEWS = ROOT / "bench" / "data" / "claims"


@pytest.fixture(scope="module", params=BACKENDS)
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server over the Syria database (run published) with two news articles' claims."""
    with database(request.param, tmp_path_factory.mktemp("pages")) as (settings, tokens):
        store = open_store(settings.db, key=settings.key, evidence=settings.evidence)
        try:
            import_news(store, [NEWS / "convoy.txt", NEWS / "castello.txt"])
        finally:
            store.close()
        app = create_app(settings)
        with running(app) as url:
            yield Live(url, app, settings, tokens)


def browser(live: Live, who: str | None = None) -> httpx.Client:
    """A client signed in as a dashboard visitor is: a session of the token in the ``cf_session`` cookie."""
    cookies = {"cf_session": live.session(who)} if who else {}
    return httpx.Client(base_url=live.url, cookies=cookies, timeout=30, follow_redirects=False)


def csrf_of(html: str, name: str = "csrf") -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found, f"no {name} field in the page"
    return found.group(1)


def stored_reports(live: Live) -> int:
    s = live.settings
    store = open_store(s.db, key=s.key, evidence=s.evidence)
    try:
        return store.reports(ReportScope(everything=True), limit=1, offset=0)[1]
    finally:
        store.close()


# (path, who, keys of the twin) for every page of this module, as someone allowed to see it
PAGES = [
    ("/scorecards", None, {"agreement", "run", "filters", "days", "obligations", "parties", "trend_peak"}),
    ("/clocks", None, {"agreement", "run", "clocks"}),
    ("/claims", None, {"agreement", "run", "filters", "claims", "total", "verdicts"}),
    ("/cases", "analyst", {"today", "triage", "cases", "requests", "overdue", "may_open", "form"}),
    ("/cases", "gov", {"today", "triage", "cases", "requests"}),
    ("/cases", None, {"today", "triage", "cases", "requests"}),
    ("/cases", "observer", {"cases"}),
    ("/report", "gov", {"may_submit", "event_types", "weapons", "values", "errors", "mine", "form_key"}),
    ("/report", "monitor", {"may_submit", "mine"}),
]


@pytest.mark.parametrize(("path", "who", "keys"), PAGES, ids=[f"{p[1:]}-{w or 'public'}" for p, w, _ in PAGES])
def test_every_page_and_its_twin(live: Live, path: str, who: str | None, keys: set[str]) -> None:
    with browser(live, who) as client:
        page, twin = client.get(path), client.get(path + ".json")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), page.text[:300]
    assert "<h1>" in page.text and f'href="{path}.json"' in page.text
    assert twin.status_code == 200 and twin.headers["content-type"].startswith("application/json")
    assert keys <= set(twin.json())
    assert "<" not in str(twin.json().get("parties", "")), "the twin holds data, not HTML"


def test_scorecards_agree_with_the_runs_own_summary(live: Live) -> None:
    """Counted by views.scorecards from the findings, checked against the counts the verifier
    wrote into the run summary (another piece of code)."""
    s = live.settings
    store = open_store(s.db, key=s.key, evidence=s.evidence)
    try:
        by_party = store.run_summary(store.runs()[-1].id).to_document()["summary"]["by_party"]
    finally:
        store.close()
    with browser(live, "analyst") as client:
        card = client.get("/scorecards.json").json()
    totals = {row["id"]: (row["total"]["violation"], row["total"]["possible_violation"]) for row in card["parties"]}
    assert totals == {p: (c["violation"], c["possible_violation"]) for p, c in by_party.items()}
    assert card["days"][0] == "2016-09-12" and card["days"][-1] == "2016-09-26" and len(card["days"]) == 15
    gov = next(r for r in card["parties"] if r["id"] == "syria-gov")
    assert sum(t["violations"] for t in gov["trend"]) == gov["total"]["violation"]


def test_scorecard_numbers_link_to_the_filtered_map(live: Live) -> None:
    with browser(live) as client:
        card = client.get("/scorecards.json", params={"from": "2016-09-17", "to": "2016-09-19"}).json()
        html = client.get("/scorecards", params={"from": "2016-09-17", "to": "2016-09-19"}).text
        cell = next(c for c in card["parties"][0]["cells"] if c["violation"])
        answer = client.get(
            "/api/v1/findings",
            params={
                "party": card["parties"][0]["id"],
                "obligation": cell["obligation"],
                "status": "violation",
                "from": "2016-09-17",
                "to": "2016-09-19",
            },
        )
    assert card["days"] == ["2016-09-17", "2016-09-18", "2016-09-19"]
    assert answer.json()["total"] == cell["violation"]  # the map link's filter finds as many
    assert cell["violation_href"].replace("&", "&amp;") in html


@pytest.mark.parametrize(
    "query", [{"from": "2016-09-20", "to": "2016-09-10"}, {"from": "yesterday"}], ids=["reversed", "not-a-date"]
)
def test_scorecards_refuse_bad_dates(live: Live, query: dict[str, str]) -> None:
    with browser(live) as client:
        page, twin = client.get("/scorecards", params=query), client.get("/scorecards.json", params=query)
    assert page.status_code == twin.status_code == 422
    assert "from" in page.text and twin.headers["content-type"] == "application/problem+json"


def test_clocks_page_shows_the_run_clocks(live: Live) -> None:
    with browser(live) as client:
        api = client.get("/api/v1/clocks").json()["clocks"]
        twin = client.get("/clocks.json").json()["clocks"]
        html = client.get("/clocks").text
    assert [c["obligation"] for c in twin] == [c["obligation"] for c in api]
    assert [[d["date"] for d in c["days"]] for c in twin] == [[d["date"] for d in c["days"]] for c in api]
    jic = next(c for c in twin if c["obligation"] == "jic-condition")
    # the September 2016 story: seven quiet days were never reached (four at most, 13-16 Sep)
    assert jic["met"] is False and jic["met_on"] is None and jic["longest"] == 4 and jic["consecutive_days"] == 7
    assert max(d["streak"] for d in jic["days"]) == 4 and "Never met" in html and "7 needed" in html


def test_claims_page_is_the_ledger_beside_the_findings(live: Live) -> None:
    with browser(live) as client:
        ledger = client.get("/api/v1/claims", params={"verdict": "supports"}).json()
        findings = client.get("/api/v1/findings", params={"limit": 1000}).json()["findings"]
        twin = client.get("/claims.json", params={"verdict": "supports"}).json()
        html = client.get("/claims", params={"verdict": "supports"}).text
    assert twin["total"] == ledger["total"] > 0
    judged = [ClaimVerdict.from_document(c) for c in ledger["claims"]]
    assert twin == {**twin, **views.claims_evidence(judged, [Finding.from_document(f) for f in findings])}
    for claim in twin["claims"]:  # a supported claim rests on findings, and they are listed first
        assert claim["evidence"]["top"] and claim["evidence"]["top"][0]["cited"]
    assert "Supported by the findings" in html and "Contradicted" not in html.split('<ol class="claim-list">')[1]


@pytest.mark.parametrize("who", [None, "observer", "gov", "analyst"], ids=["public", "observer", "party", "analyst"])
def test_claims_page_reads_what_every_finding_gives(live: Live, who: str | None) -> None:
    """Issue 14: the page reads a claim's counts and strongest findings, not the run; it shows
    what ``views.claims_evidence`` makes of every finding the viewer may see, for every viewer."""
    with browser(live, who) as client:
        ledger = client.get("/api/v1/claims", params={"limit": 1000}).json()
        findings = client.get("/api/v1/findings", params={"limit": 1000}).json()["findings"]
        twin = client.get("/claims.json").json()
    judged = [ClaimVerdict.from_document(c) for c in ledger["claims"]]
    assert twin == {**twin, **views.claims_evidence(judged, [Finding.from_document(f) for f in findings])}
    assert len(twin["claims"]) == len(judged) > 0


# "/cases/1" is the unpublished case of the ``case_id`` fixture (a request to syria-gov)
AUTH = [
    ("/report", None, 401),
    ("/reports/1", None, 401),
    ("/cases/1", None, 401),
    ("/cases/1.json", None, 401),
    ("/cases/999999", None, 401),  # the same answer whether or not the case exists
    ("/report", "observer", 403),
    ("/cases/1", "monitor", 404),
    ("/cases/1.json", "observer", 404),
    ("/cases/1", "opposition", 404),
    ("/cases/1", "gov", 200),
    ("/cases/1", "admin", 200),
]


@pytest.fixture(scope="module")
def case_id(live: Live) -> int:
    """An unpublished case with a request to syria-gov."""
    return make_case(live)


def make_case(live: Live) -> int:
    """A case on a new report (by the monitor) with a request to syria-gov, made through the API."""
    with live.client("monitor") as monitor, live.client("analyst") as analyst:
        report_id = monitor.post("/reports", json=report(title="for a case")).json()["id"]
        case = analyst.post("/cases", json={"title": "T", "allegation": "A", "reports": [report_id]}).json()["id"]
        asked = analyst.post(
            f"/cases/{case}/requests", json={"party": "syria-gov", "question": "Q?", "deadline": "2016-09-25"}
        )
    assert asked.status_code == 201, asked.text
    return int(case)


@pytest.mark.parametrize(("path", "who", "status"), AUTH, ids=[f"{p}-{w or 'public'}" for p, w, _ in AUTH])
def test_signed_out_and_other_roles(live: Live, case_id: int, path: str, who: str | None, status: int) -> None:
    with browser(live, who) as client:
        answer = client.get(re.sub(r"^/cases/1\b", f"/cases/{case_id}", path))
    assert answer.status_code == status
    if status == 401 and not path.endswith(".json"):
        assert "/signin?next=" in answer.text  # the page asks to sign in


def submit_form(client: httpx.Client, *, files: dict[str, Any] | None = None, **fields: str) -> httpx.Response:
    """Fill the /report form as a browser does (its CSRF token and form key) and send it."""
    html = client.get("/report").text
    data = {
        "csrf": csrf_of(html),
        "form_key": csrf_of(html, "form_key"),
        "title": "Shelling near Kafr Hamra",
        "occurred_on": "2016-09-14",
        "lat": "36.26",
        "lon": "37.08",
        "event_type": "Explosions/Remote violence",
        "weapon": "mortar",
        "source_name_0": "SOHR",
        "source_url_0": "https://example.org/1",
        **fields,
    }
    return client.post("/report", data=data, files=files or {"file": ("", b"", "application/octet-stream")})


def test_a_partys_report_is_seen_by_its_party_and_the_analyst_not_by_another_party(live: Live) -> None:
    with browser(live, "gov") as gov:
        sent = submit_form(gov, title="Gov report for the triage queue")
        assert sent.status_code == 303, sent.text[:500]
        report_id = int(sent.headers["location"].split("/")[-1].split("?")[0])
        page = gov.get(sent.headers["location"])
        assert (
            page.status_code == 200
            and "was stored as report" in page.text
            and '"leaf_hash"' in gov.get(f"/reports/{report_id}.json").text
        )
        assert report_id in [r["id"] for r in gov.get("/report.json").json()["mine"]]
    with browser(live, "gov2") as same_party, browser(live, "analyst") as analyst, browser(live, "opposition") as other:
        assert same_party.get(f"/reports/{report_id}").status_code == 200
        assert report_id in [r["id"] for r in same_party.get("/report.json").json()["mine"]]
        assert analyst.get(f"/reports/{report_id}").status_code == 200
        assert report_id in [r["id"] for r in analyst.get("/cases.json").json()["triage"]]
        assert f'value="{report_id}"' in analyst.get("/cases").text
        assert other.get(f"/reports/{report_id}").status_code == 404
        assert other.get(f"/reports/{report_id}.json").status_code == 404
        assert report_id not in [r["id"] for r in other.get("/report.json").json()["mine"]]


def test_the_same_form_sent_twice_stores_one_report(live: Live) -> None:
    with browser(live, "monitor") as client:
        html = client.get("/report").text
        data = {
            "csrf": csrf_of(html),
            "form_key": csrf_of(html, "form_key"),
            "title": "twice",
            "occurred_on": "2016-09-15",
            "lat": "36.2",
            "lon": "37.1",
            "event_type": "Battles",
        }
        first = client.post("/report", data=data)
        before = stored_reports(live)
        again = client.post("/report", data=data)
        changed = client.post("/report", data={**data, "title": "twice, edited"})
    assert first.status_code == again.status_code == 303 and first.headers["location"] == again.headers["location"]
    assert stored_reports(live) == before
    assert changed.status_code == 409 and "already sent" in changed.text


@pytest.mark.parametrize("csrf", ["", "0" * 64], ids=["missing", "forged"])
def test_forms_without_this_sites_token_are_refused(live: Live, csrf: str) -> None:
    before = stored_reports(live)
    with browser(live, "gov") as client:
        answer = client.post(
            "/report",
            data={
                "csrf": csrf,
                "title": "x",
                "occurred_on": "2016-09-14",
                "lat": "1",
                "lon": "1",
                "event_type": "Battles",
            },
        )
        html = client.get("/report").text
        foreign = client.post(
            "/report",
            headers={"Origin": "https://evil.example"},
            data={
                "csrf": csrf_of(html),
                "title": "x",
                "occurred_on": "2016-09-14",
                "lat": "1",
                "lon": "1",
                "event_type": "Battles",
            },
        )
    assert answer.status_code == foreign.status_code == 403
    assert stored_reports(live) == before


def test_field_errors_are_shown_beside_their_fields(live: Live) -> None:
    before = stored_reports(live)
    with browser(live, "gov") as client:
        answer = submit_form(client, title="", lat="100", weapon="spear", source_url_1="ftp://x")
    assert answer.status_code == 422 and stored_reports(live) == before
    html = answer.text
    for field in ("title", "lat", "weapon", "sources-1-url", "sources-1-name"):
        assert f'id="err-{field}"' in html, field
    assert 'id="lat" name="lat" inputmode="decimal" required value="100" aria-invalid="true"' in html  # kept, flagged
    assert 'id="lon" name="lon" inputmode="decimal" required value="37.08">' in html  # a good field is not flagged
    assert "Required." in html and "spear" in html and "starts with http:// or https://" in html


def test_evidence_is_uploaded_with_the_form(live: Live) -> None:
    content = b"photo bytes " * 100
    with browser(live, "monitor") as client:
        sent = submit_form(client, files={"file": ("photo.jpg", content, "image/jpeg")})
        assert sent.status_code == 303
        shown = client.get(sent.headers["location"].split("?")[0] + ".json").json()["report"]
    assert [(e["name"], e["sha256"], e["size"]) for e in shown["evidence"]] == [
        ("photo.jpg", hashlib.sha256(content).hexdigest(), len(content))
    ]


def test_evidence_over_the_servers_limit_stores_nothing(live: Live) -> None:
    before = stored_reports(live)
    with browser(live, "monitor") as client:
        answer = submit_form(
            client, files={"file": ("big.bin", b"x" * (MAX_UPLOAD + 100_000), "application/octet-stream")}
        )
    assert answer.status_code == 413 and 'id="err-file"' in answer.text
    assert stored_reports(live) == before


def test_analysts_and_observers_get_no_form(live: Live) -> None:
    with browser(live, "analyst") as client:
        page = client.get("/report")
        html = page.text
        refused = client.post("/report", data={"csrf": csrf_of(html), "title": "x"})
    assert page.status_code == 200 and 'action="/report"' not in html and "triage queue" in html
    assert refused.status_code == 403


def test_the_case_workflow_through_the_forms(live: Live) -> None:
    with browser(live, "opposition") as party:
        sent = submit_form(party, title="Opposition report")
        report_id = int(sent.headers["location"].split("/")[-1].split("?")[0])
    with browser(live, "analyst") as analyst:
        token = csrf_of(analyst.get("/cases").text)
        missing = analyst.post("/cases", data={"csrf": token, "title": "", "allegation": "a"})
        assert missing.status_code == 422 and 'id="err-title"' in missing.text and 'id="err-reports"' in missing.text
        opened = analyst.post(
            "/cases", data={"csrf": token, "title": "Shelling", "allegation": "who", "reports": str(report_id)}
        )
        assert opened.status_code == 303, opened.text[:400]
        case = int(opened.headers["location"].split("/")[2].split("?")[0])
        assert report_id not in [r["id"] for r in analyst.get("/cases.json").json()["triage"]]
        bad = analyst.post(
            f"/cases/{case}/requests",
            data={"csrf": token, "party": "novorossiya", "question": "q", "deadline": "2016-09-20"},
        )
        assert bad.status_code == 422 and 'id="err-party"' in bad.text and "not a party of the agreement" in bad.text
        asked = analyst.post(
            f"/cases/{case}/requests",
            data={"csrf": token, "party": "opposition", "question": "Which unit?", "deadline": "2016-09-20"},
        )
        assert asked.status_code == 303
        detail = analyst.get(f"/cases/{case}.json").json()
        assert [s["kind"] for s in detail["case"]["steps"]] == ["request"] and detail["case"]["steps"][0]["overdue"]
    with browser(live, "gov") as other:
        assert other.get(f"/cases/{case}").status_code == 404
    with browser(live, "opposition") as party:
        html = party.get(f"/cases/{case}").text
        assert "Answer a request" in html and "Record the assessment" not in html
        answered = party.post(f"/cases/{case}/responses", data={"csrf": csrf_of(html), "response": "None of ours."})
        assert answered.status_code == 303
        assert (
            party.post(f"/cases/{case}/assessment", data={"csrf": csrf_of(html), "conclusion": "violation"}).status_code
            == 403
        )
    with browser(live, "analyst") as analyst:
        html = analyst.get(f"/cases/{case}").text
        rows = {
            "csrf": csrf_of(html),
            "conclusion": "violation",
            "reasoning": "r",
            "rows": "3",
            "source_0": "report",
            "source_1": "SOHR",
        }
        ungraded = analyst.post(f"/cases/{case}/assessment", data=rows)
        assert ungraded.status_code == 422 and 'id="err-grades"' in ungraded.text
        half = analyst.post(f"/cases/{case}/assessment", data={**rows, "reliability_1": "B"})
        assert half.status_code == 422 and 'id="err-grades-1-credibility"' in half.text  # the form's own row number
        done = analyst.post(f"/cases/{case}/assessment", data={**rows, "reliability_1": "B", "credibility_1": "2"})
        assert done.status_code == 303
        detail = analyst.get(f"/cases/{case}.json").json()["case"]
    assert detail["status"] == "violation" and [s["kind"] for s in detail["steps"]] == [
        "request",
        "response",
        "assessment",
    ]
    assert detail["steps"][2]["grades"] == [{"source": "SOHR", "reliability": "B", "credibility": 2}]
    assert detail["steps"][1]["by"] == {"role": "party", "party": "opposition"}


def test_pages_before_any_run(tmp_path: Any) -> None:
    """A database with an agreement and nothing verified yet: every page still answers, saying so."""
    from store.storekit import SYRIA

    from ceasefire.api.state import Settings
    from ceasefire.service.workflow import init_database

    settings = Settings(db=str(tmp_path / "bare.db"), max_upload=MAX_UPLOAD)
    store = open_store(settings.db, key=settings.key, evidence=settings.evidence, create=True)
    try:
        init_database(store, SYRIA / "agreement.yaml")
        token = store.create_token("analyst", None, "a")[0]
    finally:
        store.close()
    with running(create_app(settings)) as url:
        for cookies in ({}, {"cf_session": session_of(settings, token)}):
            with httpx.Client(base_url=url, cookies=cookies, timeout=30) as client:
                for path in ("/scorecards", "/clocks", "/claims") + (("/cases", "/report") if cookies else ()):
                    page, twin = client.get(path), client.get(path + ".json")
                    assert page.status_code == twin.status_code == 200, (path, page.text[-500:])
                    if path in ("/scorecards", "/clocks", "/claims"):
                        assert twin.json()["run"] is None and "No verification run" in page.text


def test_a_published_case_is_read_by_everyone(live: Live) -> None:
    case_id = make_case(live)
    with browser(live) as public, browser(live, "gov") as gov:
        assert case_id not in [c["id"] for c in public.get("/cases.json").json()["cases"]]
        assert public.get("/cases.json").json()["triage"] == gov.get("/cases.json").json()["triage"] == []
        refused = gov.post(f"/cases/{case_id}/publish", data={"csrf": csrf_of(gov.get("/cases").text)})
    assert refused.status_code == 403
    with browser(live, "analyst") as analyst:
        html = analyst.get(f"/cases/{case_id}").text
        assert "Publish this case" in html
        done = analyst.post(f"/cases/{case_id}/publish", data={"csrf": csrf_of(html)})
        assert done.status_code == 303 and done.headers["location"].endswith("?saved=publish")
    with browser(live) as public, browser(live, "monitor") as monitor:
        page = public.get(f"/cases/{case_id}")
        assert page.status_code == 200 and "Publish this case" not in page.text and "Answer a request" not in page.text
        assert public.get(f"/cases/{case_id}.json").json()["case"]["published"] is True
        assert case_id in [c["id"] for c in monitor.get("/cases.json").json()["cases"]]
