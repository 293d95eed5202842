"""The thin SQL layer each backend provides, so the store's logic is written once.

A :class:`Database` runs SQL written with ``?`` placeholders (the PostgreSQL backend turns them
into ``%s``) and returns plain Python values: ``str``, ``int``, ``float`` or ``None``. Writes
happen inside :meth:`Database.write`, which serializes writers across processes (SQLite:
``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock), so the log's next index
and the next ids can be read and used without races.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["CHUNK_ROWS", "Database", "Row", "Transactions", "Value"]

CHUNK_ROWS = 10_000  # rows fetched at a time by ``Database.chunks``: tens of MB of Python values

Value = str | int | float | None
Row = dict[str, Any]


class Database(Protocol):
    """One connection to one database, used by one thread at a time."""

    dialect: str  # "sqlite" | "postgres": picks migration files
    url: str  # what the user gave, without a password, for messages

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[tuple[Any, ...]]:
        """Run one statement; the rows it returns (empty for statements returning none)."""
        ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Value]]) -> None:
        """Run one statement once per parameter row (bulk inserts)."""
        ...

    def dicts(self, sql: str, params: Sequence[Value] = ()) -> Iterator[Row]:
        """The rows of a query as dicts keyed by column name, streamed."""
        ...

    def chunks(self, sql: str, params: Sequence[Value] = (), size: int = CHUNK_ROWS) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of a query as value tuples, ``size`` at a time (issue 14: a million rows
        read into columns without a dict per row; on PostgreSQL a server-side cursor inside a
        transaction, so memory stays flat)."""
        ...

    def arrow(self, sql: str, params: Sequence[Value], schema: pa.Schema, rows: int) -> pa.Table:
        """The answer of a query as an Arrow table of ``schema`` (one field per selected column),
        with no Python object per value where the backend can (issue 14: the exports;
        ``store.arrow_reads``); ``rows``: about how many rows it holds. Needs pyarrow."""
        ...

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Value]]) -> None:
        """Insert many rows into ``table`` (SQLite: ``executemany``; PostgreSQL: ``COPY``)."""
        ...

    def script(self, sql: str) -> None:
        """Run several statements (a migration file) inside the current write transaction."""
        ...

    def write(self) -> AbstractContextManager[None]:
        """A serialized write transaction: commits on success, rolls back on any exception.

        Re-entrant: a write inside a write joins the outer transaction.
        """
        ...

    def read(self) -> AbstractContextManager[None]:
        """A read transaction seeing one consistent snapshot (for ``log verify``)."""
        ...

    def has_extension(self, name: str) -> bool:
        """True when the database offers the named extension (``postgis``) installed."""
        ...

    def close(self) -> None: ...


class Transactions:
    """Transactions that nest, for both backends: only the outermost one begins and commits
    (or rolls back); an inner one joins it. A backend supplies ``execute`` and ``_rollback``."""

    _depth = 0

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _rollback(self) -> None:
        raise NotImplementedError

    @contextmanager
    def _transaction(self, *begin: str) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        for statement in begin:
            self.execute(statement)
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._rollback()
            raise
        self._depth = 0
        self.execute("COMMIT")
