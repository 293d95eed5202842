"""Named, ordered schema migrations, recorded in the table ``schema_migrations``.

Files are ``NNNN_name.sql`` (shared by both backends), or ``NNNN_name.DIALECT.sql`` (``sqlite`` /
``postgres``: the same step written for one backend), or ``NNNN_name.postgis.sql`` (PostgreSQL
with the postgis extension installed; pending until it is). A migration's name is its file name
without the ``.DIALECT``/``.sql`` suffixes; it runs once, in number order. All pending migrations
and the rows recording them run in one write transaction: a crash leaves all applied or none.
Never edit an applied file: add the next number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources

from ceasefire.store.database import Database

__all__ = ["Migration", "applied", "migrate", "migrations_for"]

_TABLE = "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"


@dataclass(frozen=True)
class Migration:
    name: str  # e.g. "0001_core"
    file: str  # e.g. "0001_core.sql"
    requires: str | None = None  # an extension that must be installed ("postgis")

    def sql(self) -> str:
        return resources.files(__name__).joinpath(self.file).read_text(encoding="utf-8")


def migrations_for(dialect: str) -> list[Migration]:
    """Every migration that applies to ``dialect``, in order (one file per name)."""
    chosen: dict[str, Migration] = {}
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name):
        parts = entry.name.split(".")
        if parts[-1] != "sql":
            continue
        name, variant = parts[0], (parts[1] if len(parts) == 3 else None)
        if variant is None:
            chosen.setdefault(name, Migration(name, entry.name))
        elif variant == dialect:
            chosen[name] = Migration(name, entry.name)
        elif variant == "postgis" and dialect == "postgres":
            chosen[name] = Migration(name, entry.name, requires="postgis")
    return [chosen[name] for name in sorted(chosen)]


def _ensure_table(db: Database) -> None:
    """Create ``schema_migrations`` when missing. Looked up first: the server's restricted
    PostgreSQL role may not create anything, even ``IF NOT EXISTS`` (docs/store.md)."""
    if db.dialect == "postgres":
        found = db.execute("SELECT to_regclass('schema_migrations') IS NOT NULL")[0][0]
    else:
        found = bool(db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"))
    if not found:
        db.execute(_TABLE)


def applied(db: Database) -> list[str]:
    """Names of the migrations applied to ``db``, in the order they were applied."""
    with db.write():
        _ensure_table(db)
        return [row[0] for row in db.execute("SELECT name FROM schema_migrations ORDER BY applied_at, name")]


def migrate(db: Database) -> list[str]:
    """Apply every pending migration; return the names applied now (empty: up to date)."""
    done: list[str] = []
    with db.write():
        _ensure_table(db)
        have = {row[0] for row in db.execute("SELECT name FROM schema_migrations")}
        for migration in migrations_for(db.dialect):
            if migration.name in have:
                continue
            if migration.requires and not db.has_extension(migration.requires):
                continue  # pending until the extension is installed
            db.script(migration.sql())
            stamp = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
            db.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", (migration.name, stamp))
            done.append(migration.name)
    return done
