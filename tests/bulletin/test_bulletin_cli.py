"""`ceasefire bulletin` as a user runs it: a real database, a real subprocess, exit codes, one-line
errors and nothing half-written."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYRIA = ROOT / "examples" / "syria-2016-09"
CLI = [sys.executable, "-m", "ceasefire.cli"]


def cli(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, timeout=180)


@pytest.fixture(scope="module")
def dbs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A database with the example imported, and one initialized but without any run."""
    folder = tmp_path_factory.mktemp("cli")
    full, empty = folder / "syria.db", folder / "empty.db"
    for db in (full, empty):
        done = cli("init", "--db", db, SYRIA / "agreement.yaml")
        assert done.returncode == 0, done.stderr
    done = cli("import", "--db", full, SYRIA / "incidents.csv")
    assert done.returncode == 0, done.stderr
    return {"full": full, "empty": empty}


def test_html_to_stdout(dbs: dict[str, Path]) -> None:
    done = cli("bulletin", "--db", dbs["full"], "--date", "2016-09-19")
    assert done.returncode == 0, done.stderr
    page = done.stdout.decode("utf-8")
    assert page.startswith("<!doctype html>") and "Monday 19 September 2016" in page and "Urum al-Kubra" in page
    assert done.stderr == b""


def test_json(dbs: dict[str, Path]) -> None:
    done = cli("bulletin", "--db", dbs["full"], "--date", "2016-09-17", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["date"], data["previous"], data["agreement_id"]) == ("2016-09-17", "2016-09-16", "syria-2016-09")
    assert data["notable"][0]["place"] == "Jabal Tharda" and data["run"]["id"] == 1


def test_pdf_to_a_file_and_to_a_pipe(dbs: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    done = cli("bulletin", "--db", dbs["full"], "--date", "2016-09-19", "--format", "pdf", "--out", out)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF-") and done.stdout == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.pdf"]  # no temporary file left behind
    piped = cli("bulletin", "--db", dbs["full"], "--date", "2016-09-19", "--format", "pdf")
    assert piped.returncode == 0 and piped.stdout.startswith(b"%PDF-")


def test_pdf_is_not_written_to_a_terminal(dbs: dict[str, Path]) -> None:
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [*CLI, "bulletin", "--db", str(dbs["full"]), "--date", "2016-09-19", "--format", "pdf"],
            stdout=follower,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [
        "--format pdf: give --out FILE, or redirect stdout to a file (no PDF on a terminal)"
    ]


ERRORS = [  # arguments (after --db), the start of the one line on stderr
    (["full", "--date", "2016-09-31"], "--date: '2016-09-31' is not a date"),
    (["full", "--date", "19/09/2016"], "--date: '19/09/2016' is not a date"),
    (["full", "--date", "2016-10-01"], "2016-10-01: outside run 1 (2016-09-12 to 2016-09-26)"),
    (["full", "--date", "2016-09-19", "--format", "docx"], "--format: 'docx' is not one of html, pdf, json"),
    (["empty", "--date", "2016-09-19"], "no verification run yet"),
    (["missing", "--date", "2016-09-19"], "no database here"),
]


@pytest.mark.parametrize(("args", "message"), ERRORS, ids=["day-31", "not-iso", "outside", "format", "no-run", "no-db"])
def test_bad_input_is_one_line_and_exit_2(dbs: dict[str, Path], tmp_path: Path, args: list[str], message: str) -> None:
    db = dbs.get(args[0], tmp_path / "missing.db")
    out = tmp_path / "never.html"
    done = cli("bulletin", "--db", db, *args[1:], "--out", out)
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and message in lines[0], lines
    assert "Traceback" not in done.stderr.decode() and not out.exists() and done.stdout == b""
