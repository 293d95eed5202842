"""The CLI end to end, as a user runs it: real files, a real subprocess, exit codes, outputs."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SYRIA = ROOT / "examples" / "syria-2016-09"
DONBAS = ROOT / "examples" / "donbas-2015"
CLI = [sys.executable, "-m", "ceasefire.cli"]


def cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def syria() -> dict:
    done = cli("verify", SYRIA / "agreement.yaml", SYRIA / "incidents.csv", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def by_id(result: dict) -> dict[str, dict]:
    return {f["id"]: f for f in result["findings"]}


def test_json_contract_keys(syria: dict) -> None:
    assert syria["agreement"] == "syria-2016-09"
    assert set(syria) >= {"agreement", "findings", "summary", "clocks"}
    contract = {
        "id",
        "obligation",
        "category",
        "status",
        "parties",
        "attribution",
        "incidents",
        "date",
        "lat",
        "lon",
        "confidence",
        "explanation",
    }
    for finding in syria["findings"]:
        assert contract <= set(finding)
        assert finding["status"] in {"violation", "possible_violation", "exempt"}
        assert finding["attribution"] in {"certain", "ambiguous", "unknown"}
        assert 0 <= finding["confidence"] <= 1
    assert set(syria["summary"]["by_party"]) == {"syria-gov", "russia", "us", "opposition"}
    for counts in syria["summary"]["by_party"].values():
        assert set(counts) == {"violation", "possible_violation"}


def test_the_september_2016_story(syria: dict) -> None:
    found = by_id(syria)
    tharda = found["cease-attacks:SYR-ILL-0029"]  # 17 Sep, coalition strike on the Syrian army
    assert (tharda["status"], tharda["parties"], tharda["date"]) == ("violation", ["us"], "2016-09-17")
    convoy = [f for f in syria["findings"] if f["incidents"] == ["SYR-ILL-0041"]]  # 19 Sep, Urum al-Kubra
    statuses = {f["obligation"]: (f["status"], f["parties"], f["attribution"]) for f in convoy}
    assert statuses["humanitarian-access"] == ("possible_violation", ["syria-gov", "russia"], "ambiguous")
    assert statuses["cease-attacks"] == ("possible_violation", [], "unknown")
    jic = next(c for c in syria["clocks"] if c["obligation"] == "jic-condition")
    assert jic["met_on"] is None
    assert jic["days"][0]["date"] == "2016-09-13"
    assert max(run_length(jic["days"])) < 7
    exempt = [f for f in syria["findings"] if f["status"] == "exempt"]
    assert exempt and all("outside the truce" in f["explanation"] for f in exempt)


def run_length(days: list[dict]) -> list[int]:
    runs, current = [0], 0
    for day in days:
        current = current + 1 if day["quiet"] else 0
        runs.append(current)
    return runs


def test_second_agreement_from_geojson() -> None:
    done = cli("verify", DONBAS / "agreement.yaml", DONBAS / "incidents.geojson", "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    withdrawal = [f for f in result["findings"] if f["obligation"] == "heavy-weapons-withdrawal"]
    assert withdrawal and all(f["distance_m"] is not None for f in withdrawal)
    for f in withdrawal:  # every withdrawal finding is within its weapon's limit (or straddles it)
        limit = {"artillery": 50_000, "mlrs": 70_000, "heavy_mlrs": 140_000, "missile": 140_000}[f["weapon"]]
        assert f["distance_m"] - f["radius_m"] <= limit


def test_period_filter_and_formats(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    done = cli(
        "verify",
        SYRIA / "agreement.yaml",
        SYRIA / "incidents.csv",
        "--from",
        "2016-09-19",
        "--to",
        "2016-09-19",
        "--format",
        "csv",
        "--out",
        out,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert rows and {r["event_date"] for r in rows} == {"2016-09-19"}
    assert {"event_id_cnty", "latitude", "longitude", "status", "parties", "explanation"} <= set(rows[0])
    geo = cli("verify", SYRIA / "agreement.yaml", SYRIA / "incidents.csv", "--format", "geojson")
    collection = json.loads(geo.stdout)
    assert collection["type"] == "FeatureCollection"
    assert all(f["geometry"]["type"] == "Point" for f in collection["features"])
    table = cli("verify", SYRIA / "agreement.yaml", SYRIA / "incidents.csv")
    assert "jic-condition" in table.stdout and "not met" in table.stdout


def test_check_ok_and_demo() -> None:
    done = cli("check", SYRIA / "agreement.yaml")
    assert done.returncode == 0 and "ok" in done.stdout
    demo = cli("demo", "--format", "json", "--no-serve")
    assert demo.returncode == 0, demo.stderr
    assert json.loads(demo.stdout)["agreement"] == "syria-2016-09"


BAD_ROW = (
    "event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,latitude,longitude,geo_precision\n"
    "X1,2016-09-14,Battles,Armed clash,Military Forces of Syria,Free Syrian Army,36.2,37.1,1\n"
    "X2,2016-13-45,Battles,Armed clash,Military Forces of Syria,Free Syrian Army,36.2,37.1,1\n"
)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["verify", SYRIA / "agreement.yaml", "missing.csv"], "missing.csv"),
        (["verify", SYRIA / "agreement.yaml", SYRIA / "incidents.csv", "--from", "2016-09-31"], "--from"),
        (
            ["verify", SYRIA / "agreement.yaml", SYRIA / "incidents.csv", "--from", "2016-09-20", "--to", "2016-09-10"],
            "--from",
        ),
        (["verify", SYRIA / "agreement.yaml", SYRIA / "incidents.csv", "--format", "xml"], "--format"),
        (["verify", SYRIA / "README.md", SYRIA / "incidents.csv"], "README.md"),
        (["verify", SYRIA / "agreement.yaml", SYRIA / "README.md"], "README.md"),
        (["check", "nowhere.yaml"], "nowhere.yaml"),
    ],
    ids=[
        "missing-events",
        "bad-date",
        "from-after-to",
        "unknown-format",
        "agreement-not-yaml",
        "events-not-recognized",
        "missing-agreement",
    ],
)
def test_bad_input_one_line_exit_2(args: list[str | Path], needle: str) -> None:
    done = cli(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert needle in done.stderr
    assert done.stdout == ""


def test_bad_row_stops_or_is_skipped_and_nothing_half_written(tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_text(BAD_ROW)
    out = tmp_path / "findings.json"
    done = cli("verify", SYRIA / "agreement.yaml", events, "--format", "json", "--out", out)
    assert done.returncode == 2
    assert done.stderr.strip().startswith(f"{events}:3:")
    assert len(done.stderr.strip().splitlines()) == 1
    assert not out.exists() and not list(tmp_path.glob(".findings.json*"))
    skipped = cli("verify", SYRIA / "agreement.yaml", events, "--format", "json", "--skip-bad-rows")
    assert skipped.returncode == 0, skipped.stderr
    result = json.loads(skipped.stdout)
    assert result["inputs"]["bad_rows"] == 1 and result["inputs"]["incidents"] == 1


def test_streamed_json_equals_the_whole_document() -> None:
    import io

    from ceasefire.agreement import load_agreement
    from ceasefire.formats import to_json, write_json
    from ceasefire.pipeline import verify

    v = verify(load_agreement(SYRIA / "agreement.yaml"), [SYRIA / "incidents.csv"])
    for chunk in (1, 7, 100_000):
        buffer = io.StringIO()
        write_json(v, buffer, chunk=chunk)
        assert json.loads(buffer.getvalue()) == json.loads(json.dumps(to_json(v)))


def test_claims_ledger_in_verify() -> None:
    texts = ROOT / "bench" / "data" / "claims"
    done = cli(
        "verify",
        SYRIA / "agreement.yaml",
        SYRIA / "incidents.csv",
        "--format",
        "json",
        "--claims",
        texts / "convoy.txt",
        "--claims",
        texts / "castello.txt",
    )
    assert done.returncode == 0, done.stderr
    claims = json.loads(done.stdout)["claims"]
    assert claims and all(c["verdict"] in {"supports", "contradicts", "no_evidence"} for c in claims)
    findings = {f["id"] for f in json.loads(done.stdout)["findings"]}
    for claim in claims:
        assert set(claim["findings"]) <= findings
        assert (claim["verdict"] == "no_evidence") == (not claim["findings"])
    us_on_aid = [c for c in claims if c["speaker_party"] == "us" and c["obligation"] == "humanitarian-access"]
    assert us_on_aid and all(c["date"] == "2016-09-20" and c["verdict"] == "supports" for c in us_on_aid)


def test_inspect_reports_and_exits_0_even_with_bad_rows(tmp_path: Path) -> None:
    """Issue 12: inspect reports what a file holds; bad rows are counted, verify decides."""
    exports = Path(__file__).resolve().parent / "data" / "exports"
    bad = tmp_path / "bad.csv"
    bad.write_text((exports / "acled_day_first.csv").read_text().replace("35.6131", "95"))
    done = cli("inspect", bad, exports / "gdelt_v1_mixed.tsv", "--format", "json")
    assert done.returncode == 0, done.stderr
    first, second = json.loads(done.stdout)["files"]
    assert (first["format"], first["date_order"], first["incidents"], first["no_place"], first["bad_rows"]) == (
        "acled",
        "day-first",
        3,
        1,
        1,
    )
    assert first["bad_rows_by_reason"] == {"latitude: … is out of range": 1}
    assert first["first"]["bad_rows"] == f"{bad}:2: latitude: 95 is out of range (-90 to 90)"
    assert (second["version"], second["not_incidents"], second["no_place"]) == ("GDELT 1.0", 2, 2)
    table = cli("inspect", exports / "ucdp_cp1252.csv")
    assert table.returncode == 0 and "encoding cp1252" in table.stdout and "month-first" in table.stdout
    refused = cli("inspect", tmp_path / "missing.csv", exports / "ged_points.geojson")
    assert refused.returncode == 2 and "cannot be read" in refused.stdout and "UCDP GED properties" in refused.stdout


def test_verify_names_a_file_read_in_another_encoding(tmp_path: Path) -> None:
    exports = Path(__file__).resolve().parent / "data" / "exports"
    agreement = Path(__file__).resolve().parents[1] / "examples" / "syria-2016-09" / "agreement.yaml"
    done = cli("verify", agreement, exports / "ucdp_cp1252.csv", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().endswith("ucdp_cp1252.csv: read as cp1252")
    forced = cli("verify", agreement, exports / "ucdp_cp1252.csv", "--encoding", "utf-8")
    assert forced.returncode == 2 and "not utf-8 text" in forced.stderr
