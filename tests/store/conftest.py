"""Store fixtures: every store test runs against SQLite and PostgreSQL.

PostgreSQL tests use ``CEASEFIRE_TEST_PG_URL`` (set by .ci/setup.d/10-postgres.sh), each in a
schema of its own (dropped afterwards). Without the variable they skip with the reason, except
under ``CI=true``, where a missing server is a failure: CI must test both backends.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from store.storekit import BACKENDS, OpenTarget, pg_url


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A postgresql:// URL whose search_path is a fresh schema (then public, for PostGIS)."""
    import psycopg

    url = pg_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    yield f"{url}{sep}options=-csearch_path%3D{schema},public"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's database lives: a SQLite file or a PostgreSQL schema URL."""
    if request.param == "sqlite":
        return str(tmp_path / "cf.db")
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def open_target(target: str, tmp_path: Path) -> Iterator[OpenTarget]:
    opener = OpenTarget(target, tmp_path)
    yield opener
    opener.close_all()
