"""Helpers of the store tests: paths, the PostgreSQL URL, stores opened on one test database."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import uuid
from pathlib import Path

import pytest

from ceasefire.store import SQLStore, open_store

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SYRIA = ROOT / "examples" / "syria-2016-09"
PG_ENV = "CEASEFIRE_TEST_PG_URL"
BACKENDS = ["sqlite", "postgres"]


def pg_url() -> str:
    """The test server's URL, or skip (fail under CI=true) when none is configured."""
    url = os.environ.get(PG_ENV)
    if not url:
        message = f"{PG_ENV} is not set: PostgreSQL store tests need a server (source .ci/setup.d/10-postgres.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


class OpenTarget:
    """Opens stores on one database with the key and evidence folder a test uses."""

    def __init__(self, target: str, tmp_path: Path) -> None:
        self.target, self.tmp_path = target, tmp_path
        self.postgres = target.startswith("postgresql://")
        self.key = tmp_path / "log.key" if self.postgres else Path(target + ".key")
        self.evidence = tmp_path / "evidence" if self.postgres else Path(target + ".evidence")
        self.opened: list[SQLStore] = []

    def __call__(self, *, create: bool = True) -> SQLStore:
        store = open_store(self.target, key=self.key, evidence=self.evidence, create=create)
        self.opened.append(store)
        return store

    def cli_args(self) -> list[str]:
        return ["--db", self.target, "--key", str(self.key), "--evidence", str(self.evidence)]

    def close_all(self) -> None:
        for store in self.opened:
            store.close()


def agreement_copy(tmp_path: Path, *, title: str | None = None) -> Path:
    """tests/data/agreements/full.yaml (with its zone files) copied, the title changed if asked."""
    folder = tmp_path / f"agreement-{uuid.uuid4().hex[:6]}"
    shutil.copytree(DATA / "agreements" / "zones", folder / "zones")
    text = (DATA / "agreements" / "full.yaml").read_text(encoding="utf-8")
    if title is not None:
        text = text.replace("title: Test arrangement with every key", f"title: {title}")
    (folder / "agreement.yaml").write_text(text, encoding="utf-8")
    return folder / "agreement.yaml"


def assert_append_only(open_target: OpenTarget, table: str, update: str) -> None:
    """``UPDATE table SET update`` and ``DELETE FROM table`` are refused by the table's triggers,
    on a connection of the test's own (not the store's)."""
    import sqlite3

    import psycopg

    for sql in (f"UPDATE {table} SET {update}", f"DELETE FROM {table}"):
        if open_target.postgres:
            with (
                pytest.raises(psycopg.errors.RestrictViolation, match="append-only"),
                psycopg.connect(open_target.target, autocommit=True) as conn,
            ):
                conn.execute(sql)
        else:
            with pytest.raises(sqlite3.IntegrityError, match="append-only"), sqlite3.connect(open_target.target) as raw:
                raw.execute(sql)


class _Undo(Exception):
    pass


def verified_after(store: SQLStore, table: str, statement: str) -> list[str]:
    """``log verify``'s problems after ``statement`` ran on ``table`` with its append-only
    triggers off (as the database's owner could), then everything undone."""
    found: list[str] = []
    try:
        with store.db.write():
            if store.db.dialect == "postgres":
                store.db.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            else:
                store.db.execute(f"DROP TRIGGER {table}_no_update")
                store.db.execute(f"DROP TRIGGER {table}_no_delete")
            store.db.execute(statement)
            found.extend(str(p) for p in store.verify_log().problems)
            raise _Undo
    except _Undo:
        pass
    return found


def older_demo(tmp_path: Path) -> SQLStore:
    """A copy of tests/data/golden/demo-before.sqlite (with its key and evidence), the demo
    database as an earlier version wrote it, opened and not migrated: the caller closes it."""
    for item in (DATA / "golden").glob("demo-before.sqlite*"):
        (shutil.copytree if item.is_dir() else shutil.copy2)(item, tmp_path / item.name)
    (tmp_path / "demo-before.sqlite.key").chmod(0o600)
    return open_store(tmp_path / "demo-before.sqlite")


def a_day_later(folder: Path, ids: set[str], name: str, *, first_twice: bool = False) -> tuple[Path, list[str]]:
    """An ACLED file ``name`` in ``folder`` repeating five rows of the Syria file whose ids are in
    ``ids`` (those with findings), each a day later (a row read instead of the first stored row
    of its id shows), the first of them twice if asked; and the ids it repeats."""
    with (SYRIA / "incidents.csv").open(encoding="utf-8", newline="") as fp:
        header, *rows = list(csv.reader(fp))
    again = [row for row in rows if row[0] in ids][:5]
    day = header.index("event_date")
    for row in again:
        row[day] = (dt.date.fromisoformat(row[day]) + dt.timedelta(days=1)).isoformat()
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as fp:
        csv.writer(fp).writerows([header, *again, *again[:1] * first_twice])
    return path, [row[0] for row in again]
