"""Bulk writes (issue 14): a million rows into a table in one transaction, fast and still atomic.

SQLite keeps every index of a table up to date row by row: a million rows in random key order
(incident ids, dates, finding ids) touch pages all over each index, and with the default 2 MB
page cache most of those pages are read and written again and again. :func:`bulk_rows` drops
the table's secondary indexes while the rows go in and creates them again afterwards (one sort
each), in the caller's write transaction: an error rolls the drop back with the rows, so the
store never stays without an index, and readers of other connections keep their snapshot with
the indexes. It does so only when the rows outnumber those already there (re-indexing a big
table for a few rows would cost more than it saves); the page cache is larger meanwhile (the
sorts of ``CREATE INDEX`` use it too). PostgreSQL writes with ``COPY``: nothing to do here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ceasefire.store.database import Database

__all__ = ["BULK_CACHE_KIB", "BULK_ROWS", "bulk_rows"]

BULK_ROWS = 50_000  # fewer rows go in with the indexes kept
BULK_CACHE_KIB = 131_072  # SQLite's page cache while they go in (the default is 2,000 KiB)


@contextmanager
def bulk_rows(db: Database, table: str, rows: int) -> Iterator[None]:
    """Around writing about ``rows`` rows into ``table`` inside a write transaction (see the
    module docstring); the indexes are made again on leaving without an error."""
    if db.dialect != "sqlite" or rows < BULK_ROWS:
        yield
        return
    before = int(db.execute("PRAGMA cache_size")[0][0])
    db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        stored = int(db.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {table}")[0][0])  # append-only: no gaps
        indexes = [] if stored >= rows else _secondary_indexes(db, table)
        for name, _ in indexes:
            db.execute(f'DROP INDEX "{name}"')
        yield
        for _, sql in indexes:
            db.execute(sql)
    finally:
        db.execute(f"PRAGMA cache_size = {before}")


def _secondary_indexes(db: Database, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes made on ``table`` by a migration (not the
    primary key's or a UNIQUE constraint's, which SQLite makes itself and cannot drop)."""
    rows = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
        (table,),
    )
    return [(str(name), str(sql)) for name, sql in rows]
