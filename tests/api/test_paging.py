"""The list endpoints page (issue 14): ``limit`` and an opaque ``cursor`` in, ``next`` out.

Following ``next`` page by page gives exactly the rows of one big page, in the same order, with
the same ``total``, for every viewer; filters hold on every page; a bad ``limit`` is a 422 and a
bad ``cursor`` a 400, both problem+json naming the field; a cursor never lets a viewer reach or
detect a finding it may not see (issue 11).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from api.apikit import STRIKE, Live, database, report, running
from store.storekit import BACKENDS

from ceasefire.api.paging import encode_cursor
from ceasefire.server import create_app
from ceasefire.service.workflow import import_news
from ceasefire.store import open_store

SYRIA_NEWS = "examples/syria-2016-09/news"
# (path, key of the rows, who may read it)
LISTS = [
    ("/findings", "findings", None),
    ("/findings?status=violation&party=syria-gov", "findings", None),
    ("/findings?from=2016-09-15&to=2016-09-20", "findings", "gov"),
    ("/findings", "findings", "gov"),
    ("/findings", "findings", "analyst"),
    ("/incidents", "features", None),
    ("/incidents?from=2016-09-12", "features", "gov"),
    ("/incidents", "features", "analyst"),
    ("/claims", "claims", None),
    ("/claims?verdict=no_evidence", "claims", "gov"),
    ("/reports", "items", "gov"),
    ("/reports", "items", "analyst"),
    ("/cases", "items", "analyst"),
    ("/cases", "items", None),
]


@pytest.fixture(scope="module", params=BACKENDS)
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The API test database plus news claims, several reports (one unpublished, from gov),
    cases, and a newer published run that verified the reports."""
    from pathlib import Path

    with database(request.param, tmp_path_factory.mktemp("paging")) as (settings, tokens):
        store = open_store(settings.db, key=settings.key, evidence=settings.evidence)
        try:
            import_news(store, sorted(Path(SYRIA_NEWS).glob("*.txt")))
        finally:
            store.close()
        app = create_app(settings)
        with running(app) as url:
            site = Live(url, app, settings, tokens)
            _story(site)
            yield site


def _story(site: Live) -> None:
    with site.client("gov") as gov, site.client("monitor") as monitor, site.client("analyst") as analyst:
        hidden = gov.post("/reports", json=STRIKE).json()["id"]
        shown = [monitor.post("/reports", json=report(title=f"r{n}")).json()["id"] for n in range(4)]
        for report_id in shown:
            assert analyst.post(f"/reports/{report_id}/publish").status_code == 200
        for n in range(3):
            made = analyst.post("/cases", json={"title": f"case {n}", "reports": [shown[n]]})
            assert made.status_code == 201, made.text
            if n:
                assert analyst.post(f"/cases/{made.json()['id']}/publish").status_code == 200
        run = analyst.post("/runs")
        assert run.status_code == 201, run.text
        assert analyst.post(f"/runs/{run.json()['id']}/publish").status_code == 200
    site.tokens["hidden-report"] = str(hidden)


def _get(site: Live, who: str | None, path: str, **params: Any) -> httpx.Response:
    with site.client(who) as client:
        return client.get(path, params=params)


def _pages(site: Live, who: str | None, path: str, key: str, limit: int) -> tuple[list[Any], list[Any]]:
    """(the rows of every page following ``next``, each page's total)."""
    rows: list[Any] = []
    totals: list[Any] = []
    cursor: str | None = None
    for _ in range(1000):
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        answer = _get(site, who, path, **params)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert len(body[key]) <= limit
        rows += body[key]
        totals.append(body.get("total"))
        cursor = body["next"]
        if cursor is None:
            return rows, totals
        assert body[key], "a page before the last is never empty"
    raise AssertionError("next never ended")


@pytest.mark.parametrize(("path", "key", "who"), LISTS, ids=[f"{p}-{w}" for p, _, w in LISTS])
def test_following_next_gives_the_whole_list(live: Live, path: str, key: str, who: str | None) -> None:
    whole = _get(live, who, path, limit=1000).json()
    assert whole["next"] is None and whole[key], "the list must hold something for the test to mean anything"
    for limit in (1, 7):
        rows, totals = _pages(live, who, path, key, limit)
        assert rows == whole[key]
        assert set(totals) == {whole.get("total")}


@pytest.mark.parametrize("path", ["/findings", "/incidents", "/claims", "/reports", "/cases"])
def test_the_default_page_is_100_rows(live: Live, path: str) -> None:
    body = _get(live, "analyst", path).json()
    key = {"/findings": "findings", "/incidents": "features", "/claims": "claims"}.get(path, "items")
    whole = _get(live, "analyst", path, limit=1000).json()[key]
    assert body[key] == whole[:100] and (body["next"] is None) == (len(whole) <= 100)


@pytest.mark.parametrize("limit", ["0", "-1", "1001", "many"])
@pytest.mark.parametrize("path", ["/findings", "/incidents", "/claims", "/reports", "/cases"])
def test_a_limit_out_of_range_is_a_422_naming_it(live: Live, path: str, limit: str) -> None:
    answer = _get(live, "analyst", path, limit=limit)
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in answer.json()["errors"]] == ["limit"]


def _forged(items: list[Any]) -> str:
    """A cursor of the right form made by a client (cursors are not secret)."""
    return encode_cursor(str(items[0]), tuple(items[1:]))


def _unsigned(items: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(items).encode()).decode().rstrip("=") + ".000000000000"


BAD_CURSORS = [
    ("garbage", "not base64 !!"),
    ("empty", ""),
    ("no-tag", base64.urlsafe_b64encode(b'["findings","x"]').decode()),
    ("wrong-tag", _unsigned(["findings", "x"])),
    ("not-json", "bm90IGpzb24." + "0" * 12),
    ("other-list", _forged(["runs", 3])),
    ("wrong-shape", _forged(["cases", "x"])),
    ("too-big", _forged(["cases", 2**70])),
    ("negative", _forged(["reports", -1])),
    ("bad-part", _forged(["incidents", "z", 1, 1])),
    ("long", "A" * 5000),
]


@pytest.mark.parametrize(("name", "cursor"), BAD_CURSORS, ids=[n for n, _ in BAD_CURSORS])
@pytest.mark.parametrize("path", ["/findings", "/incidents", "/claims", "/reports", "/cases"])
def test_a_bad_cursor_is_a_4xx_naming_it(live: Live, path: str, name: str, cursor: str) -> None:
    answer = _get(live, "analyst", path, cursor=cursor)
    if path != "/findings" or name != "wrong-shape":  # a str key is a finding id: it fits
        assert answer.status_code in (400, 422), answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in answer.json()["errors"]] == ["cursor"]


def test_a_cursor_naming_a_hidden_finding_answers_as_an_unknown_id(live: Live) -> None:
    hidden = f"report-{live.tokens['hidden-report']}"
    mine = _get(live, "gov", "/findings", limit=1000).json()["findings"]
    secret = [f["id"] for f in mine if hidden in f["incidents"]]
    assert secret, "gov sees the findings of its own report"
    public = _get(live, None, "/findings", limit=1000).json()
    assert not any(hidden in f["incidents"] for f in public["findings"])
    unknown = _get(live, None, "/findings", cursor=encode_cursor("findings", ("no-such:finding",))).json()
    for finding_id in secret:
        forged = _get(live, None, "/findings", cursor=encode_cursor("findings", (finding_id,))).json()
        assert forged == unknown and forged["findings"] == [] and forged["next"] is None


def test_an_offset_with_a_cursor_is_a_400(live: Live) -> None:
    answer = _get(live, "analyst", "/reports", offset=1, cursor=encode_cursor("reports", (1,)))
    assert answer.status_code == 400 and [e["field"] for e in answer.json()["errors"]] == ["offset"]
