"""PostgreSQL's write lock is the store's (its schema's), not the whole database's: writers of
one store still take turns, writers of stores in other schemas of the same database never wait
for them (a 1M import in one schema held every other schema's writers for minutes)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
from store.storekit import pg_url

from ceasefire.store.postgres import PostgresDatabase


@pytest.fixture
def other_schema_url() -> Iterator[str]:
    import psycopg

    url, schema = pg_url(), f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema},public"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _writer(url: str) -> tuple[threading.Thread, threading.Event]:
    """Another connection to ``url`` entering ``write()`` in a thread; the event says it got in."""
    done = threading.Event()

    def write() -> None:
        db = PostgresDatabase(url)
        try:
            with db.write():
                done.set()
        finally:
            db.close()

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread, done


def test_only_writers_of_the_same_store_wait(pg_schema_url: str, other_schema_url: str) -> None:
    holder = PostgresDatabase(pg_schema_url)
    try:
        with holder.write():
            other, other_in = _writer(other_schema_url)
            same, same_in = _writer(pg_schema_url)
            assert other_in.wait(10)  # another store: no wait
            assert not same_in.wait(1)  # the same store: waits for the holder
        assert same_in.wait(30)
        other.join(30)
        same.join(30)
    finally:
        holder.close()
