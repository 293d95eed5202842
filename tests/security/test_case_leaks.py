"""Issue 11, class 11: a case's ``reports`` lists only the reports the caller may see: a party
asked about a case must not learn the ids of another party's unpublished reports, in the API,
the case page or its JSON twin, before or after the case is published."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from api.apikit import Live, report

REQUEST = {"question": "Which unit fired?", "deadline": "2016-10-01"}


@pytest.fixture(scope="module")
def case(live: Live) -> dict[str, Any]:
    """A case from a syria-gov report, an opposition report and a monitor's published report,
    none of the first two published, asked of both parties."""
    with (
        live.client("gov") as gov,
        live.client("opposition") as opposition,
        live.client("monitor") as monitor,
        live.client("analyst") as analyst,
    ):
        ids = {
            name: client.post("/reports", json=report(title=f"by {name}")).json()["id"]
            for name, client in (("gov", gov), ("opposition", opposition), ("monitor", monitor))
        }
        assert analyst.post(f"/reports/{ids['monitor']}/publish").status_code in (200, 201)
        opened = analyst.post("/cases", json={"title": "Leak", "allegation": "x", "reports": list(ids.values())})
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["id"]
        for party in ("syria-gov", "opposition"):
            assert analyst.post(f"/cases/{case_id}/requests", json={**REQUEST, "party": party}).status_code == 201
    return {"id": case_id, **ids}


def _api_reports(live: Live, who: str | None, case_id: int) -> tuple[list[int], list[int]]:
    """The case's reports as ``who`` reads them: (``GET /cases/{id}``, the case in ``GET /cases``)."""
    with live.client(who) as client:
        one = client.get(f"/cases/{case_id}").json()["reports"]
        listed = [c for c in client.get("/cases").json()["items"] if c["id"] == case_id]
    return one, listed[0]["reports"]


# who -> which of the case's reports they may see
SEES = [("gov", ["gov", "monitor"]), ("opposition", ["opposition", "monitor"])]


@pytest.mark.parametrize(("who", "sees"), SEES, ids=[w for w, _ in SEES])
def test_the_api_lists_only_the_reports_the_caller_may_see(
    live: Live, case: dict[str, Any], who: str, sees: list[str]
) -> None:
    expected = sorted(case[name] for name in sees)
    one, listed = _api_reports(live, who, case["id"])
    assert sorted(one) == sorted(listed) == expected


@pytest.mark.parametrize(("who", "sees"), SEES, ids=[w for w, _ in SEES])
def test_the_case_page_lists_only_the_reports_the_caller_may_see(
    live: Live, case: dict[str, Any], who: str, sees: list[str]
) -> None:
    cookies = {"cf_session": live.session(who)}
    with httpx.Client(base_url=live.url, cookies=cookies, timeout=30) as client:
        twin = client.get(f"/cases/{case['id']}.json")
        page = client.get(f"/cases/{case['id']}")
    assert twin.status_code == page.status_code == 200
    assert sorted(twin.json()["case"]["reports"]) == sorted(case[name] for name in sees)
    hidden = [case[n] for n in ("gov", "opposition") if n not in sees]
    assert all(f"report {i}" not in page.text and f"/reports/{i}" not in page.text for i in hidden)


def test_once_published_the_public_sees_only_the_published_reports(live: Live, case: dict[str, Any]) -> None:
    with live.client("analyst") as analyst:
        assert analyst.post(f"/cases/{case['id']}/publish").status_code in (200, 201)
    for who in (None, "observer", "gov"):
        one, listed = _api_reports(live, who, case["id"])
        visible = [case["monitor"]] + ([case["gov"]] if who == "gov" else [])
        assert sorted(one) == sorted(listed) == sorted(visible), who
