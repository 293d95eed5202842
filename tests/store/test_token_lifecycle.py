"""Token expiry, revocation and dashboard sessions in the store (issue 11, class 6), on both
backends; and a database written before ``0015_token_lifecycle`` (as main wrote it, up to 0014)
still opens, migrates, keeps its log entries and passes ``log verify``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from store.storekit import OpenTarget, agreement_copy

from ceasefire.service.workflow import init_database
from ceasefire.store import SQLStore, migrations
from ceasefire.store import tokens as token_store
from ceasefire.store.journal import now
from ceasefire.store.log_entries import KINDS

LIFECYCLE = ["0015_token_lifecycle", "0016_token_lifecycle_append_only"]
OLD_TOKEN = "cf_a-token-made-before-0015"


def _old_database(open_target: OpenTarget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SQLStore:
    """A database as the code before 0015 left it: migrated up to 0014 (0012 and 0013 never
    existed), one token logged without ``expires_at``, a checkpoint signed over it."""
    every = migrations.migrations_for
    token = KINDS["token"]
    with monkeypatch.context() as before:
        before.setattr(migrations, "migrations_for", lambda d: [m for m in every(d) if m.name < "0015"])
        before.setitem(KINDS, "token", dataclasses.replace(token, columns=token.columns[:-1], optional=()))
        store = open_target()
        init_database(store, agreement_copy(tmp_path))
        row = {"id": 1, "token_sha256": token_store.token_hash(OLD_TOKEN), "role": "analyst", "party": None}
        store.journal.append("token", {**row, "name": "old analyst", "created_at": now()})
        store.checkpoint()
    assert "0014_attachment_names" in store.migrations() and "0015_token_lifecycle" not in store.migrations()
    return store


def test_a_database_from_before_0015_migrates_keeps_its_entries_and_verifies(
    open_target: OpenTarget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _old_database(open_target, tmp_path, monkeypatch)
    entries = [store.log_entry(i) for i in range(store.log_size())]
    assert store.verify_log().ok  # read as it is, not migrated (no token_revocations table yet)
    applied = store.migrate()  # 0015 and 0016, then the later steps (0017 to 0020: issue 14)
    assert applied[:2] == LIFECYCLE and all(name > LIFECYCLE[-1] for name in applied[2:])
    assert [store.log_entry(i) for i in range(len(entries))] == entries
    assert store.verify_log().ok
    record = store.find_token(OLD_TOKEN)
    assert record is not None and record.revoked_at is None
    left = dt.datetime.fromisoformat(record.expires_at) - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=89) < left <= token_store.DEFAULT_LIFETIME  # 90 days from the upgrade
    store.revoke_token(record.id, None)
    assert store.find_token(OLD_TOKEN) is None
    report = store.verify_log()
    assert report.ok and report.size == len(entries) + 1


def test_expired_and_revoked_tokens_are_never_found(open_target: OpenTarget, tmp_path: Path) -> None:
    store = open_target()
    init_database(store, agreement_copy(tmp_path))
    past = token_store.stamp(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    expired, _ = token_store.create(store.journal, "monitor", None, "expired", past)
    live, record = store.create_token("monitor", None, "live")
    assert store.find_token(expired) is None and store.find_token(live) == record
    index, new = store.revoke_token(record.id, None)
    assert new and store.find_token(live) is None
    assert store.revoke_token(record.id, None) == (index, False)  # revoking again appends nothing
    listed = {t.name: t for t in store.tokens()}
    assert listed["expired"].expires_at == past and listed["expired"].revoked_at is None
    assert listed["live"].revoked_at is not None
    assert store.verify_log().ok


def test_sessions_end_expire_and_die_with_their_token(open_target: OpenTarget, tmp_path: Path) -> None:
    store = open_target()
    init_database(store, agreement_copy(tmp_path))
    _, record = store.create_token("analyst", None, "dashboard")
    session = store.create_session(record.id)
    assert store.find_session(session) == record and store.find_session(session + "x") is None
    assert store.end_session(session) and not store.end_session(session)
    assert store.find_session(session) is None
    stale = token_store.create_session(store.journal, record.id, lifetime=dt.timedelta(seconds=-1))
    assert store.find_session(stale) is None
    other = store.create_session(record.id)
    store.revoke_token(record.id, None)
    assert store.find_session(other) is None
    assert store.verify_log().ok  # sessions are not logged: the log still matches its rows
