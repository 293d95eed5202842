"""Durable, append-only storage behind one protocol, with a tamper-evident log (issue 3).

::

    open_store(target, key=..., evidence=..., create=False) -> SQLStore   (a Store)
        target: a SQLite file path (default backend) or a postgresql:// URL

    protocol    Store, the records it returns (AgreementVersion, ImportRecord, ...), ROLES
    database    the thin SQL layer a backend provides; sqlite / postgres implement it
    migrations  named, ordered SQL files recorded in schema_migrations
    log_entries what each log entry records, rebuilt from the rows (write and verify share it)
    journal     the log: append an entry in the current transaction, the clock, the key,
                checkpoints and receipts (logtree: its cached Merkle tree)
    sqlstore    the Store, composing the journal and the record modules, which each receive
                the journal: agreements, evidence_log, reports, claims, cases, publications
    audit       ``log verify``: everything recomputed from the stored rows
    bundle      an agreement with the files it names, as one stored document (data only)
    evidence    files kept under their SHA-256 (temp file, fsync, rename, then recorded)
    keys        the log's Ed25519 key file (0600)

This package imports only model, ledger and errors; orchestration (init, import and
re-verify, loading an agreement, the claims ledger) is ``ceasefire.service``. The core
(model, agreement, geo, rules) never imports this package. docs/store.md has the
tables, the migrations, the roles and how to run against PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

from ceasefire.store.errors import AppendOnlyError, StoreError
from ceasefire.store.evidence import EVIDENCE_ENV
from ceasefire.store.keys import KEY_ENV
from ceasefire.store.postgres import is_postgres_url
from ceasefire.store.protocol import ROLES, LogReport, Store
from ceasefire.store.sqlstore import SQLStore
from ceasefire.store.urls import redact_url

__all__ = ["ROLES", "AppendOnlyError", "LogReport", "SQLStore", "Store", "StoreError", "open_store"]


def open_store(
    target: str | Path, *, key: Path | None = None, evidence: Path | None = None, create: bool = False
) -> SQLStore:
    """Open the database at ``target`` (a SQLite path, or a ``postgresql://`` URL).

    SQLite: the key file defaults to ``TARGET.key`` and the evidence folder to
    ``TARGET.evidence``, beside the database. PostgreSQL: they come from ``key``/``evidence`` or
    the ``CEASEFIRE_LOG_KEY``/``CEASEFIRE_EVIDENCE_DIR`` environment variables. ``create``:
    make a missing SQLite file (``init`` only). Migrations are not applied here: call
    ``migrate()``.
    """
    text = os.fspath(target)
    key = key or _env_path(KEY_ENV)
    evidence = evidence or _env_path(EVIDENCE_ENV)
    if is_postgres_url(text):
        from ceasefire.store.postgres import PostgresDatabase

        return SQLStore(PostgresDatabase(text), key_path=key, evidence_dir=evidence)
    from ceasefire.store.sqlite import SQLiteDatabase

    if "://" in text:
        raise StoreError(f"--db {redact_url(text)}: not a file path nor a postgresql:// URL")
    database = SQLiteDatabase(text, create=create)
    return SQLStore(database, key_path=key or Path(text + ".key"), evidence_dir=evidence or Path(text + ".evidence"))


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None
