"""The default backend: one SQLite file, WAL journal, ``synchronous=FULL``, foreign keys on.

WAL lets readers work while one writer writes; ``synchronous=FULL`` fsyncs the WAL at every
commit, so a transaction reported committed survives a power cut (issue 3: nothing acknowledged
is ever lost). Writers queue on ``BEGIN IMMEDIATE`` for up to ``BUSY_TIMEOUT_MS``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ceasefire.store.database import CHUNK_ROWS, Row, Transactions, Value
from ceasefire.store.errors import AppendOnlyError, StoreError

if TYPE_CHECKING:
    import pyarrow as pa

    from ceasefire.store.arrow_reads import SQLiteArrow

__all__ = ["BUSY_TIMEOUT_MS", "PRAGMAS", "SQLiteDatabase"]

BUSY_TIMEOUT_MS = 30_000
# Set on every connection (journal_mode is also kept in the file; the others are per connection).
PRAGMAS = {"journal_mode": "wal", "synchronous": "FULL", "foreign_keys": "ON"}


class SQLiteDatabase(Transactions):
    """A connection to a SQLite database file (see :class:`~ceasefire.store.database.Database`).

    ``create``: make the file when missing; otherwise a missing file is a ``StoreError``.
    """

    dialect = "sqlite"

    def __init__(self, path: str | Path, *, create: bool = False) -> None:
        self.path = Path(path)
        self.url = str(path)
        if not create and not self.path.exists():
            raise StoreError(f"{path}: no database here; create it with `ceasefire init --db {path} AGREEMENT`")
        if create:
            _create_private(self.path)
        try:
            self._conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
            )
            for name, value in PRAGMAS.items():
                self._conn.execute(f"PRAGMA {name} = {value}")
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path}: cannot open as a SQLite database: {error}") from None
        self._depth = 0
        self._arrow: SQLiteArrow | None = None

    def pragma(self, name: str) -> Any:
        """The current value of a pragma (tests assert the durability settings)."""
        return self._conn.execute(f"PRAGMA {name}").fetchone()[0]

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[tuple[Any, ...]]:
        with _errors(self.url):
            return self._conn.execute(sql, params).fetchall()

    def executemany(self, sql: str, rows: Iterable[Sequence[Value]]) -> None:
        with _errors(self.url):
            self._conn.executemany(sql, rows)

    def dicts(self, sql: str, params: Sequence[Value] = ()) -> Iterator[Row]:
        with _errors(self.url):
            cursor = self._conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            for row in cursor:
                yield dict(zip(names, row, strict=True))

    def chunks(self, sql: str, params: Sequence[Value] = (), size: int = CHUNK_ROWS) -> Iterator[list[tuple[Any, ...]]]:
        with _errors(self.url):
            cursor = self._conn.execute(sql, params)
            while chunk := cursor.fetchmany(size):
                yield chunk

    def arrow(self, sql: str, params: Sequence[Value], schema: pa.Schema, rows: int) -> pa.Table:
        if self._arrow is None:
            from ceasefire.store.arrow_reads import SQLiteArrow  # pyarrow: the server extra

            self._arrow = SQLiteArrow(self.path, self._conn)
        with _errors(self.url):
            return self._arrow.table(sql, params, schema, rows)

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Value]]) -> None:
        marks = ", ".join("?" * len(columns))
        self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def script(self, sql: str) -> None:
        # executescript() would COMMIT first; run the statements one by one instead.
        with _errors(self.url):
            for statement in _statements(sql):
                self._conn.execute(statement)

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._transaction("BEGIN IMMEDIATE"):
            yield

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._transaction("BEGIN"):
            yield

    def _rollback(self) -> None:
        self._conn.rollback()

    def has_extension(self, name: str) -> bool:
        return False

    def close(self) -> None:
        if self._arrow is not None:
            self._arrow.close()
        self._conn.close()


def _statements(sql: str) -> Iterator[str]:
    """Complete statements of a script, split where sqlite3 says a statement ends."""
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
    if pending.strip() and not all(s.strip().startswith("--") for s in pending.splitlines() if s.strip()):
        raise StoreError(f"incomplete SQL statement at the end of a script: {pending.strip()[:60]!r}")


@contextmanager
def _errors(where: str) -> Iterator[None]:
    try:
        yield
    except sqlite3.IntegrityError as error:
        if "append-only" in str(error):
            raise AppendOnlyError(f"{where}: {error}") from None
        raise
    except sqlite3.OperationalError as error:
        raise StoreError(f"{where}: {error}") from None


def _create_private(path: Path) -> None:
    """Make the database file, readable by its owner only (0600), when it does not exist yet.

    It holds unpublished reports and token hashes (issue 11). SQLite gives the -wal and -shm
    files it creates beside it the file's own mode, so they are 0600 too. The mode is given at
    creation rather than by changing the umask, which would affect every thread of a server.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # an existing file keeps the mode its owner chose
    except OSError as error:
        raise StoreError(f"{path}: cannot create the database file: {error.strerror}") from None
    os.close(fd)
