"""Class 5: deployment hygiene. Before: a new SQLite database (unpublished reports, token
hashes) was created world-readable (0644), and ``ceasefire serve`` printed ``--db`` as given,
a PostgreSQL password included."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from store.storekit import SYRIA

from ceasefire.service.workflow import init_database
from ceasefire.store import open_store

CEASEFIRE = Path(sys.executable).with_name("ceasefire")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_wal_are_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a usual umask: files would be 0644
    try:
        db = tmp_path / "cf.db"
        store = open_store(str(db), create=True)
        try:
            init_database(store, SYRIA / "agreement.yaml")
            made = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
            for path in made:
                if path.exists():
                    assert _mode(path) == 0o600, f"{path.name} is {oct(_mode(path))}"
            assert Path(f"{db}-wal").exists()  # WAL mode: the -wal file exists while open
        finally:
            store.close()
    finally:
        os.umask(old)
    assert _mode(db) == 0o600


def test_the_cli_creates_the_database_0600(tmp_path: Path) -> None:
    db = tmp_path / "init.db"
    done = subprocess.run(
        [str(CEASEFIRE), "init", "--db", str(db), str(SYRIA / "agreement.yaml")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert _mode(db) == 0o600


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://alice:s3cret@db.example:5432/cf", "postgresql://alice:***@db.example:5432/cf"),
        ("postgresql://alice:p%40ss@db/cf?sslmode=require", "postgresql://alice:***@db/cf?sslmode=require"),
        ("postgresql://db/cf?user=alice&password=s3cret", "postgresql://db/cf?user=alice&password=***"),
        ("postgresql://alice@db/cf", "postgresql://alice@db/cf"),
        ("/var/lib/ceasefire/cf.db", "/var/lib/ceasefire/cf.db"),
    ],
    ids=["userinfo", "escaped", "query", "no-password", "sqlite"],
)
def test_redact_url(url: str, shown: str) -> None:
    from ceasefire.store.urls import redact_url

    assert redact_url(url) == shown


def test_serve_prints_the_database_url_without_its_password(tmp_path: Path) -> None:
    from urllib.parse import urlsplit

    from api.apikit import database
    from store.storekit import pg_url

    password = urlsplit(pg_url()).password
    if not password:
        pytest.skip("the test PostgreSQL URL has no password to hide")
    with database("postgres", tmp_path) as (settings, _):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        command = [str(CEASEFIRE), "serve", "--db", settings.db, "--port", str(port)]
        command += ["--key", str(settings.key), "--evidence", str(settings.evidence)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        with subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env) as server:
            try:
                assert server.stderr is not None
                line = server.stderr.readline()
            finally:
                server.terminate()
                server.wait(30)
    assert "serving postgresql://" in line and ":***@" in line
    assert f":{password}@" not in line


def test_serve_never_prints_the_database_password() -> None:
    url = "postgresql://alice:hunter2-secret@127.0.0.1:1/nothing"
    done = subprocess.run(
        [str(CEASEFIRE), "serve", "--db", url, "--port", "1"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        timeout=120,
    )
    assert done.returncode == 2 and "alice" in done.stderr
    assert "hunter2" not in done.stdout + done.stderr


def test_a_bad_db_url_is_printed_redacted() -> None:
    done = subprocess.run(
        [str(CEASEFIRE), "serve", "--db", "mysql://root:hunter2@db/x"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        timeout=120,
    )
    assert done.returncode == 2 and "hunter2" not in done.stdout + done.stderr
