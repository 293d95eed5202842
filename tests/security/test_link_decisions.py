"""Link decisions (issue 13) are an analyst's: a party that would merge or split the records
accusing it, through the API or the dashboard's form with a valid CSRF token of its own
session, is refused and nothing is written to the log."""

from __future__ import annotations

import re

import httpx
import pytest
from api.apikit import Live

from ceasefire.store import open_store

FORM = {"record_a": "SYR-ILL-0041", "record_b": "SYR-ILL-0040", "decision": "split", "reason": "not us"}


def _log_size(live: Live) -> int:
    s = live.settings
    store = open_store(s.db, key=s.key, evidence=s.evidence)
    try:
        return store.log_size()
    finally:
        store.close()


@pytest.mark.parametrize("who", ["gov", "opposition", "monitor", "observer"])
def test_a_party_cannot_post_a_decision(live: Live, who: str) -> None:
    size = _log_size(live)
    with live.client(who) as client:
        body = {"records": [FORM["record_a"], FORM["record_b"]], "decision": "split"}
        assert client.post("/links", json=body).status_code == 403
        assert client.get("/links").status_code == 403
    with httpx.Client(base_url=live.url, cookies={"cf_session": live.session(who)}, timeout=30) as page:
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.get("/cases").text)
        assert csrf, "the page has no csrf field"
        refused = page.post("/links", data={**FORM, "csrf": csrf.group(1)}, follow_redirects=False)
        assert refused.status_code == 403
    with live.client("analyst") as analyst:
        assert analyst.get("/links").json()["decisions"] == []
    assert _log_size(live) == size


def test_the_public_cannot_post_a_decision(live: Live) -> None:
    with httpx.Client(base_url=live.url, timeout=30) as page:
        assert page.post("/links", data=FORM, follow_redirects=False).status_code in (401, 403)
    with live.client() as public:
        assert (
            public.post("/links", json={"records": ["SYR-ILL-0041", "SYR-ILL-0040"], "decision": "split"}).status_code
            == 401
        )
