"""The shared-server backend: PostgreSQL (with PostGIS when installed), chosen by a
``postgresql://`` URL. Needs the ``psycopg`` 3 driver, imported only when such a URL is opened.

Writers are serialized by a transaction-scoped advisory lock (``WRITE_LOCK_SQL``: the key
``WRITE_LOCK`` and the store's schema), which every process writing to the same store takes
first; readers are never blocked. Stores in different schemas of one database do not wait for
each other. The URL is the
libpq one: ``postgresql://USER:PASSWORD@HOST:PORT/DBNAME?options=-csearch_path%3Dschema``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ceasefire.store.database import CHUNK_ROWS, Row, Transactions, Value
from ceasefire.store.errors import AppendOnlyError, StoreError
from ceasefire.store.urls import redact_url

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["SCHEMES", "WRITE_LOCK", "WRITE_LOCK_SQL", "PostgresDatabase", "grant_app_role", "is_postgres_url", "redact"]

SCHEMES = ("postgresql://", "postgres://")
_CURSORS = itertools.count()  # server-side cursors are named: one name each
WRITE_LOCK = 0x63656173  # "ceas": pg_advisory_xact_lock key held by the one writer at a time
# The lock of the store in the current schema: keyed by the schema too, since a lock of the whole
# database made a long import in one schema stall every writer of every other (a test's, another
# mission's: 144 s of a 100k import's 204 s waited so). A schema-name hash collision only makes
# two stores wait for each other. COALESCE: hashtext(NULL) would skip the lock (a strict function).
WRITE_LOCK_SQL = f"SELECT pg_advisory_xact_lock({WRITE_LOCK}, hashtext(COALESCE(current_schema(), '')))"


# Each connection's settings (this session's only; the server's configuration is the DBA's):
# no JIT compilation (PostgreSQL 15 compiles any query its planner costs above 100,000: at 1M
# incidents 0.13 s of each export chunk's query, 0.24 s of each count over the incidents, and 3.3 of
# 5.8 s of a chunk query with a CTE, for queries that run once); sorts and hashes of a chunk's
# 20,000 rows in memory, not in temporary files (the default is 4 MB).
SESSION = "SET jit = off; SET work_mem = '32MB'"


def is_postgres_url(target: str) -> bool:
    return target.startswith(SCHEMES)


def redact(url: str) -> str:
    """The URL without its password, for messages (:func:`ceasefire.store.urls.redact_url`)."""
    return redact_url(url)


class PostgresDatabase(Transactions):
    """A connection to a PostgreSQL database (see :class:`~ceasefire.store.database.Database`)."""

    dialect = "postgres"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError:  # psycopg comes with the server extra (issue 17); the store imports no extras module
            raise StoreError(
                f"{redact(url)}: a postgresql:// database needs psycopg, not installed: pip install 'ceasefire[server]'"
            ) from None
        self.url = redact(url)
        try:
            self._conn = psycopg.connect(url, autocommit=True)
        except psycopg.Error as error:
            reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
            raise StoreError(f"{self.url}: cannot connect: {reason}") from None
        self._depth = 0
        self.script(SESSION)

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[tuple[Any, ...]]:
        with self._errors():
            cursor = self._conn.execute(_placeholders(sql), params)
            return cursor.fetchall() if cursor.description else []

    def executemany(self, sql: str, rows: Iterable[Sequence[Value]]) -> None:
        with self._errors(), self._conn.cursor() as cursor:
            cursor.executemany(_placeholders(sql), rows)

    def dicts(self, sql: str, params: Sequence[Value] = ()) -> Iterator[Row]:
        with self._errors(), self._conn.cursor() as cursor:
            cursor.execute(_placeholders(sql), params)
            names = [d.name for d in cursor.description or ()]
            for row in cursor:
                yield dict(zip(names, row, strict=True))

    def chunks(self, sql: str, params: Sequence[Value] = (), size: int = CHUNK_ROWS) -> Iterator[list[tuple[Any, ...]]]:
        # A named (server-side) cursor needs a transaction; outside one the rows come at once.
        name = f"chunks_{next(_CURSORS)}" if self._depth else ""
        with self._errors(), self._conn.cursor(name=name) as cursor:
            cursor.execute(_placeholders(sql), params)
            while chunk := cursor.fetchmany(size):
                yield chunk

    def arrow(self, sql: str, params: Sequence[Value], schema: pa.Schema, rows: int) -> pa.Table:
        from ceasefire.store.arrow_reads import postgres_table  # pyarrow: the server extra

        with self._errors():
            return postgres_table(self._conn, _placeholders(sql), params, schema)

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Value]]) -> None:
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self._errors(), self._conn.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def script(self, sql: str) -> None:
        with self._errors():
            self._conn.execute(sql.encode())  # no parameters: sent as is, several statements

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._transaction("BEGIN", WRITE_LOCK_SQL):
            yield

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"):
            yield

    def _rollback(self) -> None:
        self._conn.execute("ROLLBACK")

    def has_extension(self, name: str) -> bool:
        return bool(self.execute("SELECT 1 FROM pg_extension WHERE extname = ?", (name,)))

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        import psycopg

        try:
            yield
        except psycopg.errors.RestrictViolation as error:
            raise AppendOnlyError(f"{self.url}: {str(error).strip()}") from None
        except psycopg.OperationalError as error:
            raise StoreError(f"{self.url}: {str(error).strip()}") from None


def grant_app_role(db: PostgresDatabase, role: str) -> None:
    """Let ``role`` (the server's login, not the owner) read and insert, never update or delete.

    The owner runs ``ceasefire init`` (migrations); the server connects as ``role``. REVOKE
    stands even where triggers are dropped, since only the owner may drop them.
    """
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", role):
        raise StoreError(f"role {role!r}: use a plain lowercase role name")
    with db.write():
        db.script(
            f"GRANT USAGE ON SCHEMA {_schema(db)} TO {role};\n"
            f"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA {_schema(db)} TO {role};\n"
            f"REVOKE UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA {_schema(db)} FROM {role};\n"
        )


def _schema(db: PostgresDatabase) -> str:
    return str(db.execute("SELECT current_schema()")[0][0])


def _placeholders(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (our SQL holds no other ``?`` or ``%``)."""
    return sql.replace("%", "%%").replace("?", "%s")
