"""``GET /claims``: the claims ledger over a real server, claims stored by ``import --news``."""

from __future__ import annotations

from typing import Any

import pytest
from api.apikit import Live
from store.storekit import ROOT

from ceasefire.service.workflow import import_news
from ceasefire.store import open_store

NEWS = ROOT / "bench" / "data" / "claims"


@pytest.fixture(scope="module")
def ledger(live: Live) -> list[dict[str, Any]]:
    """The live database with two articles' claims stored; the unfiltered ledger."""
    s = live.settings
    store = open_store(s.db, key=s.key, evidence=s.evidence)
    try:
        import_news(store, [NEWS / "convoy.txt", NEWS / "castello.txt"])
    finally:
        store.close()
    with live.client("observer") as client:
        answer = client.get("/claims")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == len(body["claims"]) > 0
    return list(body["claims"])


def test_every_claim_has_the_contract_fields_and_a_verdict(ledger: list[dict[str, Any]]) -> None:
    fields = {
        "file",
        "speaker",
        "speaker_party",
        "cited_by",
        "kind",
        "accused",
        "obligation",
        "category",
        "quote",
        "sentence",
        "date",
        "verdict",
        "findings",
        "explanation",
    }
    for claim in ledger:
        assert fields <= set(claim)
        assert claim["verdict"] in {"supports", "contradicts", "no_evidence"}
        assert (claim["verdict"] == "no_evidence") == (not claim["findings"])


def test_the_ledger_rests_on_the_served_findings(live: Live, ledger: list[dict[str, Any]]) -> None:
    with live.client("gov") as client:
        findings = {f["id"] for f in client.get("/findings", params={"limit": 1000}).json()["findings"]}
    assert all(set(c["findings"]) <= findings for c in ledger)
    us_on_aid = [c for c in ledger if c["speaker_party"] == "us" and c["obligation"] == "humanitarian-access"]
    assert us_on_aid and all(c["verdict"] == "supports" and c["date"] == "2016-09-20" for c in us_on_aid)


FILTERS = [
    ({"party": "us"}, lambda c: c["speaker_party"] == "us" or "us" in c["accused"]),
    ({"obligation": "humanitarian-access"}, lambda c: c["obligation"] == "humanitarian-access"),
    ({"verdict": "supports"}, lambda c: c["verdict"] == "supports"),
    ({"from": "2016-09-20"}, lambda c: c["date"] is not None and c["date"] >= "2016-09-20"),
    ({"to": "2016-09-19"}, lambda c: c["date"] is not None and c["date"] <= "2016-09-19"),
]


@pytest.mark.parametrize(("params", "keep"), FILTERS, ids=[next(iter(p)) for p, _ in FILTERS])
def test_filters(live: Live, ledger: list[dict[str, Any]], params: dict[str, str], keep: Any) -> None:
    with live.client("analyst") as client:
        body = client.get("/claims", params=params).json()
    assert body["claims"] == [c for c in ledger if keep(c)]


@pytest.mark.parametrize("params", [{"verdict": "maybe"}, {"from": "yesterday"}], ids=["verdict", "from"])
def test_bad_filters_are_problems(live: Live, params: dict[str, str]) -> None:
    with live.client("monitor") as client:
        answer = client.get("/claims", params=params)
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["in"] == "query"
