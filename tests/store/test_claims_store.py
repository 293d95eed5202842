"""Claims from news in the store (0006_claims): extracted with the current agreement version,
stored append-only with one log entry each, idempotent by the article's SHA-256; on both backends."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from store.storekit import ROOT, SYRIA, OpenTarget

from ceasefire.agreement import load_agreement
from ceasefire.news.claims import extract_claims
from ceasefire.news.text import read_article
from ceasefire.service.workflow import import_events, import_news, init_database

NEWS = ROOT / "bench" / "data" / "claims"


@pytest.fixture
def stored(open_target: OpenTarget) -> OpenTarget:
    store = open_target()
    init_database(store, SYRIA / "agreement.yaml")
    import_events(store, [SYRIA / "incidents.csv"])
    return open_target


def test_claims_are_stored_as_extracted_each_logged(stored: OpenTarget) -> None:
    store = stored()
    before = store.log_size()
    [record] = import_news(store, [NEWS / "convoy.txt"])
    agreement = load_agreement(SYRIA / "agreement.yaml")
    near = agreement.effective.date()
    expected = list(extract_claims(agreement, [read_article(NEWS / "convoy.txt", near)]))
    assert expected and store.stored_claims() == expected
    assert (record.new, record.claims, record.agreement_version, record.published) == (
        True,
        len(expected),
        1,
        "2016-09-20",
    )
    kinds = [json.loads(store.log_entry(i))["kind"] for i in range(before, store.log_size())]
    assert kinds == ["evidence", "news_import", *["claim"] * len(expected)]
    assert store.verify_log().ok


def test_the_same_article_again_adds_nothing(stored: OpenTarget, tmp_path: Path) -> None:
    store = stored()
    import_news(store, [NEWS / "convoy.txt"])
    size = store.log_size()
    copy = tmp_path / "renamed.txt"
    shutil.copy(NEWS / "convoy.txt", copy)
    [again] = import_news(store, [copy])
    assert again.new is False and again.id == 1
    assert store.log_size() == size and len(store.news_imports()) == 1


def test_the_ledger_judges_stored_claims_on_the_latest_run(stored: OpenTarget) -> None:
    from ceasefire.service.claims import claims_ledger

    store = stored()
    assert claims_ledger(store) == []
    import_news(store, [NEWS / "convoy.txt", NEWS / "castello.txt"])
    ledger = [c.to_document() for c in claims_ledger(store)]
    findings = {f.id for f in store.run_findings(store.runs()[-1].id)}
    assert ledger and all(c["verdict"] in {"supports", "contradicts", "no_evidence"} for c in ledger)
    assert all(set(c["findings"]) <= findings for c in ledger)
    us_on_aid = [c for c in ledger if c["speaker_party"] == "us" and c["obligation"] == "humanitarian-access"]
    assert us_on_aid and all(c["verdict"] == "supports" for c in us_on_aid)


def test_a_bad_article_stores_nothing(stored: OpenTarget, tmp_path: Path) -> None:
    from ceasefire.errors import CeasefireError

    store = stored()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe caf\xe9")
    size = store.log_size()
    with pytest.raises(CeasefireError, match="not UTF-8"):
        import_news(store, [NEWS / "convoy.txt", bad])
    assert store.log_size() == size


def test_import_news_on_the_command_line(open_target: OpenTarget) -> None:
    import subprocess
    import sys

    def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "ceasefire.cli", *map(str, args)]
        return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)

    db = open_target.cli_args()
    assert cli("init", *db, SYRIA / "agreement.yaml").returncode == 0
    done = cli("import", *db, SYRIA / "incidents.csv", "--news", NEWS / "convoy.txt", "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["run"]["findings"] == 121 and result["news"][0]["claims"] > 0 and result["news"][0]["new"]
    again = cli("import", *db, "--news", NEWS / "convoy.txt")
    assert again.returncode == 0 and "already imported" in again.stdout
    nothing = cli("import", *db)
    assert nothing.returncode == 2 and nothing.stderr.count("\n") == 1 and "--news" in nothing.stderr
    assert cli("log", "verify", *db).returncode == 0
