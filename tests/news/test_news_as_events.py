"""``verify``, ``import`` and ``inspect`` take news text files as events files (issue 13)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYRIA = ROOT / "examples" / "syria-2016-09"
NEWS = ROOT / "tests" / "data" / "news"
ARTICLES = sorted(NEWS.iterdir())
CLI = [sys.executable, "-m", "ceasefire.cli"]
GOVERNORATES = {
    "Damascus",
    "Aleppo",
    "Rural Damascus",
    "Homs",
    "Hama",
    "Lattakia",
    "Idleb",
    "Al-Hasakeh",
    "Deir-ez-Zor",
    "Tartous",
    "Ar-Raqqa",
    "Dar'a",
    "As-Sweida",
    "Quneitra",
}


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=300)


def verify_json(*files: Path) -> dict[str, Any]:
    done = cli("verify", SYRIA / "agreement.yaml", *files, "--format", "json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def mixed(fast_nlp: Any) -> dict[str, Any]:
    """verify on the three hand-written articles and the example's ACLED file together."""
    return verify_json(*ARTICLES, SYRIA / "incidents.csv")


def test_news_findings_sit_beside_the_events_files(mixed: dict[str, Any]) -> None:
    by_file = {f["file"]: f for f in mixed["inputs"]["by_file"]}
    assert [by_file[str(p)]["format"] for p in ARTICLES] == ["news", "news", "news"]
    assert by_file[str(SYRIA / "incidents.csv")]["incidents"] == 116
    assert mixed["inputs"]["incidents"] == 116 + sum(by_file[str(p)]["incidents"] for p in ARTICLES)
    news = [f for f in mixed["findings"] if any(i.startswith("NEWS-") for i in f["incidents"])]
    assert news, "the articles' incidents found nothing to judge"
    # The convoy article's incident is the ACLED record's event (issue 13): one finding, two sources.
    (convoy,) = [f for f in news if f["obligation"] == "cease-attacks" and "SYR-ILL-0041" in f["incidents"]]
    assert convoy["sources"] == 2 and len(convoy["incidents"]) == 2 and convoy["fatalities"] == 20
    alone = [f for f in news if all(i.startswith("NEWS-") for i in f["incidents"])]
    assert alone and {f["source"] for f in alone} == {"news"}  # MISSION: news incidents say "news"


def test_verify_alone_on_news_and_inputs_counts(fast_nlp: Any) -> None:
    result = verify_json(NEWS / "council-digest.txt")
    (counts,) = result["inputs"]["by_file"]
    assert (counts["format"], counts["incidents"], counts["no_place"], counts["bad_rows"]) == ("news", 1, 0, 0)
    (finding,) = [f for f in result["findings"] if f["obligation"] == "cease-attacks"]
    assert finding["radius_m"] == 62_000.0 and finding["source"] == "news"  # Idlib province, as a whole


def test_table_and_csv_outputs_read_news(fast_nlp: Any) -> None:
    done = cli("verify", SYRIA / "agreement.yaml", NEWS / "convoy-strike.txt", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(done.stdout.splitlines()))
    assert rows and {r["source"] for r in rows} == {"news"} and rows[0]["event_id_cnty"].startswith("NEWS-")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02binary\x00" * 20, "it holds binary data, not text"),
    ],
    ids=["empty", "binary"],
)
def test_bad_news_files_exit_2_with_one_line(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    done = cli("verify", SYRIA / "agreement.yaml", path, "--format", "json")
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}: not a recognized events file") and message in lines[0]


def test_undecodable_news_exits_2(tmp_path: Path, fast_nlp: Any) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(b"Mon 19 Sep 2016\n\nShelling killed 3 people in Homs \xff\xfe.\n")
    done = cli("verify", SYRIA / "agreement.yaml", path, "--encoding", "utf-8")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "not utf-8 text" in done.stderr


def test_inspect_describes_an_article(fast_nlp: Any) -> None:
    done = cli("inspect", NEWS / "deir-ez-zor.html", "--format", "json")
    assert done.returncode == 0, done.stderr
    (report,) = json.loads(done.stdout)["files"]
    assert (report["format"], report["version"], report["incidents"]) == ("news", "HTML", 2)
    assert report["place_precision"] == {"2": 1, "3": 1} and report["countries"] == {"Syria": 2}
    assert report["first"]["incidents"].startswith(f"{NEWS / 'deir-ez-zor.html'}:11: NEWS-")
    table = cli("inspect", NEWS / "convoy-strike.txt")
    assert table.returncode == 0 and "news (plain text), encoding utf-8" in table.stdout


def test_import_stores_news_and_verifies_it(tmp_path: Path, fast_nlp: Any) -> None:
    db = tmp_path / "cf.db"
    assert cli("init", "--db", db, SYRIA / "agreement.yaml").returncode == 0
    done = cli("import", "--db", db, NEWS / "convoy-strike.txt", NEWS / "deir-ez-zor.html", "--format", "json")
    assert done.returncode == 0, done.stderr
    imports = json.loads(done.stdout)["imports"]
    assert [(i["format"], i["incidents"]) for i in imports] == [("news", 2), ("news", 2)]
    again = cli("import", "--db", db, NEWS / "convoy-strike.txt")
    assert again.returncode == 0 and "already imported" in again.stdout
    assert cli("log", "verify", "--db", db).returncode == 0
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    refused = cli("import", "--db", db, bad)
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1


# --- real articles: FA-KES (../shared/data/fakes, never committed), read at test time ---


def _fakes_articles(shared: Path, tmp_path: Path, count: int = 6) -> list[Path]:
    source = shared / "fakes" / "fakes-dev.csv"
    if not source.is_file():
        pytest.skip(f"{source} absent: the real-article check is skipped")
    with source.open(encoding="utf-8", newline="") as fp:
        rows = [r for r in csv.DictReader(fp) if r["article_content"].strip()][:count]
    paths = []
    for n, row in enumerate(rows):
        path = tmp_path / f"fakes-{n}.txt"
        path.write_text(row["article_content"], encoding="utf-8")
        paths.append(path)
    return paths


def test_real_articles_verify(shared_data: Path, tmp_path: Path, fast_nlp: Any) -> None:
    paths = _fakes_articles(shared_data, tmp_path)
    result = verify_json(*paths)
    by_file = result["inputs"]["by_file"]
    assert [f["format"] for f in by_file] == ["news"] * len(paths)
    found = sum(f["incidents"] + f["no_place"] for f in by_file)
    assert found >= len(paths) // 2, by_file  # most real war reports hold an incident
    done = cli("inspect", *paths, "--format", "json")
    assert done.returncode == 0, done.stderr
    for report in json.loads(done.stdout)["files"]:
        assert report["countries"].keys() <= {"Syria"}
        assert set(report["place_precision"]) <= {"1", "2", "3"}
    imported = _import_real(tmp_path, paths)
    assert sum(i["incidents"] for i in imported) == result["inputs"]["incidents"]


def _import_real(tmp_path: Path, paths: list[Path]) -> list[dict[str, Any]]:
    db = tmp_path / "real.db"
    assert cli("init", "--db", db, SYRIA / "agreement.yaml").returncode == 0
    done = cli("import", "--db", db, *paths, "--format", "json")
    assert done.returncode == 0, done.stderr
    imports: list[dict[str, Any]] = json.loads(done.stdout)["imports"]
    return imports


def test_governorates_of_real_articles(shared_data: Path, tmp_path: Path, fast_nlp: Any) -> None:
    from ceasefire.sources import BadRows, read_events

    for path in _fakes_articles(shared_data, tmp_path):
        for incident in read_events(path, BadRows(skip=True)):
            assert incident.source == "news" and incident.admin1 in GOVERNORATES
            assert incident.radius_m > 0 and incident.line >= 1 and incident.notes
