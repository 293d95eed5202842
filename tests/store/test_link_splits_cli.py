"""A split holds through the CLI's ``ceasefire import`` runs, on every backend (issue 13): three
files report one strike, an operator splits two of its records, and the next run keeps them in
two events although the third record links to both."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from store.storekit import SYRIA, OpenTarget

CLI = [sys.executable, "-m", "ceasefire.cli"]
INCIDENT = "SYR-ILL-0041"


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=120)


def _copy(folder: Path, name: str, changes: dict[str, str]) -> Path:
    """A one-row ACLED file: INCIDENT's row with ``changes``."""
    with (SYRIA / "incidents.csv").open(newline="", encoding="utf-8") as fp:
        row = next(r for r in csv.DictReader(fp) if r["event_id_cnty"] == INCIDENT)
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as fp:
        writer = csv.DictWriter(fp, list(row))
        writer.writeheader()
        writer.writerow({**row, **changes})
    return path


def _events(open_target: OpenTarget) -> list[set[str]]:
    """The records of the latest run's findings that name INCIDENT or one of its copies."""
    store = open_target(create=False)
    findings = store.run_findings(store.runs()[-1].id)
    return [set(f.incidents) for f in findings if any(i.startswith(("SYR-ILL-0041", "COPY-")) for i in f.incidents)]


def test_a_split_holds_when_a_third_record_links_to_both(open_target: OpenTarget, tmp_path: Path) -> None:
    db = open_target.cli_args()
    near = _copy(tmp_path, "near.csv", {"event_id_cnty": "COPY-NEAR"})
    far = _copy(tmp_path, "far.csv", {"event_id_cnty": "COPY-FAR", "latitude": "36.16", "fatalities": "15"})
    assert cli("init", *db, SYRIA / "agreement.yaml").returncode == 0
    done = cli("import", *db, SYRIA / "incidents.csv", near, far)
    assert done.returncode == 0, done.stderr
    before = _events(open_target)
    assert before and all(records == {INCIDENT, "COPY-NEAR", "COPY-FAR"} for records in before)
    open_target(create=False).add_link_decision(None, INCIDENT, "COPY-FAR", "split", "two strikes")
    other = _copy(tmp_path, "other.csv", {"event_id_cnty": "OTHER-1", "event_date": "2016-09-01"})
    done = cli("import", *db, other)  # a new import: the next run applies the decision
    assert done.returncode == 0, done.stderr
    events = _events(open_target)
    assert events and all(records in ({INCIDENT, "COPY-NEAR"}, {"COPY-FAR"}) for records in events)
