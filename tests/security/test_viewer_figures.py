"""Issue 11, class 2: clocks, counts and summaries must not leak unpublished reports.

A party submits a report on a quiet day of a clock, and another after the last day of the data
(the Syria clocks have no end, so they run to the data's last day); an analyst verifies and publishes the run
(not the report). Until the report itself is published, what the public (and another party) reads
of that run (clocks, run counts, scorecards, the day's bulletin and the index, exports) equals
what it read before the report existed; the submitting party and analysts count it. Once the
report is published, everyone counts it. Against a real server, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from api.apikit import Live, database, report, running
from store.storekit import BACKENDS, SYRIA

from ceasefire.api.warmer import warmer_of
from ceasefire.server import create_app
from ceasefire.service.workflow import import_news
from ceasefire.store import open_store

DAY = "2016-09-14"  # a quiet day of both Syria clocks (recommit-48h is met on it)
LATE = "2016-09-30"  # after the last day of the imported incidents: the clocks have no end
CLOCK = "recommit-48h"
# What every viewer reads of the run, by path (JSON bodies; the CSV export as text).
READS = (
    "/api/v1/clocks",
    "/api/v1/runs",
    "/api/v1/findings",
    "/clocks.json",
    "/scorecards.json",
    "/claims.json",
    f"/bulletin/{DAY}.json",
    "/bulletin/index.json",
    "/export/findings.csv",
    "/index.json",  # the map's twin and its clusters (issue 14): counts, rows, markers
    "/api/v1/map?zoom=5",
    "/api/v1/map?zoom=14",
)
VIEWERS = (None, "observer", "opposition", "gov", "analyst")


@pytest.fixture(scope="module", params=BACKENDS)
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with database(request.param, tmp_path_factory.mktemp("figures")) as (settings, tokens):
        store = open_store(settings.db, key=settings.key, evidence=settings.evidence)
        try:  # claims too: their verdicts are judged on the findings a viewer may see
            import_news(store, sorted((SYRIA / "news").glob("*.txt")))
        finally:
            store.close()
        # warming as ``ceasefire serve`` does: the public's views of the new run are made in the
        # background while the viewers read (issue 14), and must be theirs alone all the same
        app = create_app(dataclasses.replace(settings, warm_public=True))
        with running(app) as url:
            yield Live(url, app, settings, tokens)


def _settled(live: Live) -> None:
    """Return once the server's warmer has made one whole round after now and has nothing left to
    make: with no new run or publication, it makes nothing more until one comes."""
    warmer = warmer_of(live.app)
    assert warmer is not None
    done = warmer.rounds
    warmer.wake()
    deadline = time.monotonic() + 120
    while not (warmer.rounds > done and warmer.idle()):
        assert time.monotonic() < deadline, "the warmer did not settle in 120 s"
        time.sleep(0.05)


def _client(live: Live, name: str | None) -> httpx.Client:
    auth = {"Authorization": f"Bearer {live.tokens[name]}"} if name else {}
    return httpx.Client(base_url=live.url, headers=auth, timeout=60)


def _read(live: Live, name: str | None) -> dict[str, Any]:
    """Every read of READS by ``name`` (None: the public), with what names the run itself (its
    id, time, log index, the latest checkpoint) left out: a new run is another run."""
    with _client(live, name) as client:
        out: dict[str, Any] = {}
        for path in READS:
            response = client.get(path)
            assert response.status_code == 200, (path, response.text)
            out[path] = response.text if path.endswith(".csv") else _runless(response.json())
        out["/api/v1/runs"] = out["/api/v1/runs"]["items"][-1]  # the newest run the viewer reads
        return out


def _runless(body: Any) -> Any:
    if isinstance(body, dict):
        return {k: _runless(v) for k, v in body.items() if k not in ("id", "created_at", "log_index", "log")}
    if isinstance(body, list):
        return [_runless(v) for v in body]
    return body


def _day(reads: dict[str, Any]) -> dict[str, Any]:
    clock = next(c for c in reads["/api/v1/clocks"]["clocks"] if c["obligation"] == CLOCK)
    day: dict[str, Any] = next(d for d in clock["days"] if d["date"] == DAY)
    return day


def _last(reads: dict[str, Any]) -> str:
    """The last day of the clock (the last day of the data the viewer may know of)."""
    clock = next(c for c in reads["/api/v1/clocks"]["clocks"] if c["obligation"] == CLOCK)
    return str(clock["days"][-1]["date"])


@pytest.fixture(scope="module")
def story(live: Live) -> dict[str, dict[str | None, dict[str, Any]]]:
    """What each viewer reads before the report, with it unpublished, and once published."""
    before = {name: _read(live, name) for name in VIEWERS}
    with live.client("gov") as gov, live.client("analyst") as analyst:
        submitted = gov.post("/reports", json=report(occurred_on=DAY))
        late = gov.post("/reports", json=report(occurred_on=LATE))
        assert submitted.status_code == late.status_code == 201, (submitted.text, late.text)
        run = analyst.post("/runs")
        assert run.status_code == 201, run.text
        assert analyst.post(f"/runs/{run.json()['id']}/publish").status_code == 200
        hidden = {name: _read(live, name) for name in VIEWERS}
        for made in (submitted, late):
            assert analyst.post(f"/reports/{made.json()['id']}/publish").status_code == 200
    published = {name: _read(live, name) for name in VIEWERS}
    return {"before": before, "hidden": hidden, "published": published}


@pytest.mark.parametrize("name", [None, "observer", "opposition"])
def test_an_unpublished_report_changes_nothing_others_read(
    story: dict[str, dict[str | None, dict[str, Any]]], name: str | None
) -> None:
    """Clocks, run counts, scorecards, bulletins and exports of the public, of an observer and of
    another party are those of a server without the report."""
    before, hidden = story["before"][name], story["hidden"][name]
    assert _day(hidden) == _day(before)
    for path in READS:
        assert hidden[path] == before[path], path


@pytest.mark.parametrize("name", ["gov", "analyst"])
def test_the_submitting_party_and_analysts_count_it(
    story: dict[str, dict[str | None, dict[str, Any]]], name: str
) -> None:
    """They count the report on its day, which was quiet; the public's counts stay as they were."""
    hidden, public = story["hidden"][name], story["hidden"][None]
    assert _day(story["before"][name])["quiet"]
    assert _last(hidden) == LATE and _last(public) < LATE
    assert _day(hidden)["violations"] == _day(story["before"][name])["violations"] + 1
    assert _day(hidden)["violations"] == _day(public)["violations"] + 1
    assert hidden["/api/v1/runs"]["incidents"] == public["/api/v1/runs"]["incidents"] + 2  # both reports
    if name == "gov":  # the party's own view counts what the analysts' does: it sees its report
        assert hidden["/api/v1/clocks"] == story["hidden"]["analyst"]["/api/v1/clocks"]


@pytest.mark.parametrize("name", [None, "observer", "opposition"])
def test_once_published_everyone_counts_it(
    story: dict[str, dict[str | None, dict[str, Any]]], name: str | None
) -> None:
    """The figures follow the report's publication at once (no stale cache): they count it from
    then on, and the public's equal the analysts'."""
    assert _day(story["hidden"][name])["violations"] + 1 == _day(story["published"][name])["violations"]
    assert _last(story["published"][name]) == LATE
    published, analyst = story["published"][name], story["published"]["analyst"]
    assert published["/api/v1/clocks"] == analyst["/api/v1/clocks"]
    assert published["/api/v1/runs"] == analyst["/api/v1/runs"]
    assert published[f"/bulletin/{DAY}.json"]["clocks"] == analyst[f"/bulletin/{DAY}.json"]["clocks"]
    assert published["/claims.json"]["claims"] == analyst["/claims.json"]["claims"]


def test_figures_over_every_report_equal_the_stored_summary(live: Live, story: Any) -> None:
    """Judged again from every finding with the engine's rule, the clocks and counts are those
    the run stored (what analysts read)."""
    from ceasefire.api.findings import FigureCache, run_figures  # here: the other tests run on older code too

    db = open_store(live.settings.db, key=live.settings.key, evidence=live.settings.evidence)
    try:
        for run in db.runs():
            stored, figures = db.run_summary(run.id), run_figures(db, run, None, FigureCache())
            assert figures.summary == stored
            assert (figures.incidents, len(figures.findings)) == (run.incidents, run.findings)
    finally:
        db.close()


def test_counted_figures_equal_those_of_the_findings(live: Live, story: Any) -> None:
    """The counts the pages read (the run's summary rows, 0025, and the findings of the reports a
    viewer sees) equal what the findings that viewer may see give, for every set of reports
    seen: none, each one alone, every one (issue 14: counted, never listed; issue 11: per viewer)."""
    from ceasefire.api.findings import FigureCache, run_figures
    from ceasefire.api.tallies import run_tallies
    from ceasefire.bulletin.daily import days, run_period
    from ceasefire.store.aggregates import tally_findings

    db = open_store(live.settings.db, key=live.settings.key, evidence=live.settings.evidence)
    try:
        for run in db.runs():
            ids = db.run_report_ids(run.id)
            for reports in (None, set(), *({i} for i in sorted(ids)), set(ids)):
                figures, counted = (
                    run_figures(db, run, reports, FigureCache()),
                    run_tallies(db, run, reports, FigureCache()),
                )
                assert (counted.incidents, counted.findings) == (figures.incidents, len(figures.findings))
                assert counted.summary.clocks == figures.summary.clocks
                assert (counted.summary.by_party, counted.summary.by_obligation) == (
                    figures.summary.by_party,
                    figures.summary.by_obligation,
                )
                assert _merged(counted.counts) == _merged(tally_findings(figures.findings))
                assert counted.period() == run_period(figures.findings, figures.summary.clocks)
                lines = days(figures.findings, figures.summary.clocks)
                assert [(d.violation, d.possible, d.incidents) for d in lines] == [
                    (t.get("violation", 0), t.get("possible", 0), t.get("incidents", 0))
                    for t in (counted.days.get(dt.date.fromisoformat(d.date), {}) for d in lines)
                ]
    finally:
        db.close()


def _merged(counts: Any) -> dict[Any, int]:
    out: dict[Any, int] = {}
    for c in counts:
        key = (c.date, c.obligation, c.status, c.parties)
        out[key] = out.get(key, 0) + c.findings
    return out


def test_the_public_figures_are_computed_once_per_run(live: Live, story: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Public pages read the figures the app keeps for the public's class: many requests (and
    several pages) compute them once; another class has its own."""
    from ceasefire.api import findings, tallies

    made: list[str] = []
    real = tallies.run_tallies

    def counted(*args: Any, **kwargs: Any) -> tallies.Tallies:
        made.append("made")
        return real(*args, **kwargs)

    _settled(live)  # a warming round in flight would count too, into the cache replaced below
    monkeypatch.setattr(tallies, "run_tallies", counted)
    monkeypatch.setattr(live.app.state, "figures", findings.FigureCache())
    with _client(live, None) as public, _client(live, "opposition") as other:
        for _ in range(3):
            for path in ("/api/v1/clocks", "/clocks.json", "/bulletin/index.json", f"/bulletin/{DAY}.json"):
                assert public.get(path).status_code == 200
        assert len(made) == 1
        assert other.get("/api/v1/clocks").status_code == 200
        assert len(made) == 2
