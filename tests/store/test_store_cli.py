"""``init``, ``import``, ``token create`` and ``log verify`` end to end, in a real subprocess."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from store.storekit import SYRIA, OpenTarget

CLI = [sys.executable, "-m", "ceasefire.cli"]


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=120)


def test_the_store_commands_end_to_end(open_target: OpenTarget, tmp_path: Path) -> None:
    db = open_target.cli_args()
    done = cli("init", *db, SYRIA / "agreement.yaml")
    assert done.returncode == 0 and "stored version 1" in done.stdout, done.stderr
    done = cli("import", *db, SYRIA / "incidents.csv", "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["imports"][0]["incidents"] == 116 and result["run"]["findings"] == 121
    token = cli("token", "create", *db[:4], "--role", "party", "--party", "syria-gov", "--name", "liaison")
    assert token.returncode == 0 and token.stdout.strip().startswith("cf_")
    assert len(token.stdout.splitlines()) == 1
    done = cli("log", "verify", *db)
    assert done.returncode == 0 and done.stdout.startswith("ok: 6 entries"), done.stdout + done.stderr
    changed = tmp_path / "agreement.yaml"
    changed.write_text((SYRIA / "agreement.yaml").read_text() + "\n# amended\n")
    assert "stored version 2" in cli("init", *db, changed).stdout


def test_bad_input_is_one_line_and_exit_2(open_target: OpenTarget, tmp_path: Path) -> None:
    db = open_target.cli_args()
    missing = cli("import", *db, SYRIA / "incidents.csv")
    assert missing.returncode == 2 and len(missing.stderr.splitlines()) == 1, missing.stderr
    assert cli("init", *db, SYRIA / "agreement.yaml").returncode == 0
    for args in (
        ["token", "create", *db[:4], "--role", "party"],
        ["token", "create", *db[:4], "--role", "party", "--party", "nobody"],
        ["import", *db, tmp_path / "nothing.csv"],
        ["log", "verify", "--db", "mysql://x"],
    ):
        done = cli(*args)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, (args, done.stderr)
        assert "Traceback" not in done.stderr


def test_log_verify_exits_1_naming_the_first_bad_entry(tmp_path: Path) -> None:
    db = tmp_path / "cf.db"
    assert cli("init", "--db", db, SYRIA / "agreement.yaml").returncode == 0
    assert cli("import", "--db", db, SYRIA / "incidents.csv").returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER incidents_no_update")
        conn.execute("UPDATE incidents SET actor1 = 'Someone else' WHERE seq = 10")
    done = cli("log", "verify", "--db", db)
    assert done.returncode == 1
    assert done.stdout.startswith("FAILED: entry 3 (import): does not match its imports row"), done.stdout
