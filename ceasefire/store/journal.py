"""``Journal``: the store's tamper-evident log, the one object every record module writes through.

A record module (agreements, evidence, reports, claims, cases, publications) receives the
journal; it never reaches into ``SQLStore``. The journal gives it:

- :meth:`Journal.append`: insert a record row (and its child rows) and append the log entry
  built from what was stored (``log_entries.entry_bytes``) at the next index, in the caller's
  write transaction (or its own);
- :func:`now`: the clock, as stored;
- the signing key (:meth:`Journal.signing_key`, made or read by :meth:`Journal.ensure_key`),
  :meth:`Journal.checkpoint` and :meth:`Journal.receipt`, signed from the cached Merkle tree
  (``logtree``).

Signing needs the private key file (``key_path``); a database records its public half first.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ceasefire.ledger import (
    DEFAULT_ORIGIN,
    Checkpoint,
    MerkleLog,
    Receipt,
    issue_receipt,
    key_id,
    leaf_hash,
    public_key_from_base64,
    public_key_to_base64,
    sign_checkpoint,
)
from ceasefire.store.bulk import bulk_rows
from ceasefire.store.database import CHUNK_ROWS, Database, Row
from ceasefire.store.errors import StoreError
from ceasefire.store.keys import KEY_ENV, create_key, read_key
from ceasefire.store.log_entries import KINDS, Child, chunks_digest, entry_bytes
from ceasefire.store.logtree import LogTree, latest_checkpoint, stored_tree
from ceasefire.store.written import ColumnChunks, WrittenRows, column_types

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ChildRows", "Journal", "now"]

ChildRows = Iterable[Sequence[Any]] | ColumnChunks  # a record's rows in one child table


def now() -> str:
    """The current UTC time as stored: ISO 8601 with microseconds and ``Z``."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Journal:
    """The log of ``db`` (see the module docstring); ``url`` names the database in messages."""

    def __init__(self, db: Database, *, key_path: Path | None = None, origin: str = DEFAULT_ORIGIN) -> None:
        self.db, self.url, self.origin, self.key_path = db, db.url, origin, key_path
        self.tree = LogTree()  # this connection's cached Merkle tree
        self._key: Ed25519PrivateKey | None = None

    # -- the key ----------------------------------------------------------------------------

    def ensure_key(self, *, create: bool) -> str:
        """The database's log key id; with ``create``, make and record the key when there is none.

        The key file must hold the private half of the recorded public key (StoreError if not).
        """
        with self.db.write():
            rows = self.db.execute("SELECT key_id FROM log_keys ORDER BY log_index")
            if rows:
                self.signing_key()
                return str(rows[0][0])
            if not create:
                raise StoreError(f"{self.url}: this database has no log key yet; run `ceasefire init` first")
            path = self._key_file()
            self._key = read_key(path) if path.exists() else create_key(path)
            public = self._key.public_key()
            row = {
                "key_id": key_id(public),
                "public_key": public_key_to_base64(public),
                "origin": self.origin,
                "created_at": now(),
            }
            self.append("log_key", row)
            return str(row["key_id"])

    def public_key(self) -> Ed25519PublicKey | None:
        """The log's public key as recorded in the database (None before init)."""
        rows = self.db.execute("SELECT public_key FROM log_keys ORDER BY log_index")
        return public_key_from_base64(str(rows[0][0])) if rows else None

    def signing_key(self) -> Ed25519PrivateKey:
        """The private key from ``key_path``; StoreError when it is not the recorded key's."""
        if self._key is None:
            key = read_key(self._key_file())
            recorded = self.public_key()
            if recorded is not None and key_id(recorded) != key_id(key.public_key()):
                raise StoreError(
                    f"{self._key_file()}: this is not the log key of {self.url} "
                    f"(the database's key id is {key_id(recorded)})"
                )
            self._key = key
        return self._key

    def _key_file(self) -> Path:
        if self.key_path is None:
            raise StoreError(f"{self.url}: no log signing key given: use --key FILE or set {KEY_ENV}")
        return self.key_path

    # -- entries ----------------------------------------------------------------------------

    def append(
        self, kind_name: str, row: Row, children: Mapping[str, ChildRows] = {}, sizes: Mapping[str, int] = {}
    ) -> int:
        """Insert a record (and its child rows, as value tuples or ``ColumnChunks``) and log it;
        return its index. ``sizes``: how many rows go into a child table, when known (a bulk
        write, ``store.bulk``, when many)."""
        kind = KINDS[kind_name]
        with self.db.write():
            index = self.size()
            self.db.execute(kind.insert(), [*(row[c] for c in kind.columns), index])
            written = {
                c.table: self._write_children(c, sizes.get(c.table, 0), children.get(c.table, ()))
                for c in kind.children
            }
            stored = next(self.db.dicts(kind.select("WHERE log_index = ?"), (index,)))
            digests = {  # as written, else from the rows as stored, read back a chunk at a time
                c.table: written[c.table]
                or chunks_digest(c.columns, self.db.chunks(c.select(f"WHERE {c.parent_key} = ?"), (stored[c.key],)))
                for c in kind.children
            }
            entry = entry_bytes(kind, stored, digests)
            self.db.execute(
                "INSERT INTO log_entries (idx, entry, leaf_hash) VALUES (?, ?, ?)",
                (index, entry.decode("utf-8"), leaf_hash(entry).hex()),
            )
            return index

    def _write_children(self, child: Child, size: int, rows: ChildRows) -> str | None:
        """Insert ``rows`` (about ``size``) a chunk at a time (``store.bulk`` when many) and hash
        each chunk as written (``WrittenRows``): the digest, or None when the rows must be read
        back to be hashed."""
        hashed = WrittenRows(child.columns, column_types(self.db, child.table))
        with bulk_rows(self.db, child.table, size), ThreadPoolExecutor(1, "ceasefire-hash") as hasher:
            hashing: Future[None] | None = None
            for chunk, table in _chunks(rows):
                if hashing is not None:
                    hashing.result()  # one chunk hashed at a time: memory stays flat
                    hashing = None
                if table is not None:  # Arrow and hashlib release the GIL while SQLite inserts (issue 14)
                    hashing = hasher.submit(hashed.add, chunk, table)
                else:  # Python values: hashing them holds the GIL, a thread would only contend
                    hashed.add(chunk)
                self.db.copy(child.table, child.columns, chunk)
            if hashing is not None:
                hashing.result()
        return hashed.digest

    def size(self) -> int:
        """The next index: one past the highest stored (``log verify`` checks there is no gap)."""
        return int(self.db.execute("SELECT COALESCE(MAX(idx), -1) + 1 FROM log_entries")[0][0])

    def entry(self, index: int) -> bytes:
        rows = self.db.execute("SELECT entry FROM log_entries WHERE idx = ?", (index,))
        if not rows:
            raise StoreError(f"{self.url}: no log entry {index} (the log has {self.size()})")
        return str(rows[0][0]).encode("utf-8")

    # -- the tree, checkpoints and receipts ---------------------------------------------------

    def merkle_log(self) -> MerkleLog:
        """The tree over the stored leaf hashes, as stored (``log verify`` checks them)."""
        return stored_tree(self.db)

    def current_tree(self) -> MerkleLog:
        """The tree over the stored leaf hashes, from the cache when it agrees (``logtree``)."""
        with self.db.write():
            return self.tree.refresh(self.db)

    def read_tree(self) -> MerkleLog:
        """:meth:`current_tree` for readers (proofs, receipts of stored entries): the cache is
        checked and extended inside a read snapshot, which serializes it as well as a write
        does, without taking the write lock (issue 11)."""
        with self.db.read():
            return self.tree.refresh(self.db)

    def latest_checkpoint(self) -> Checkpoint | None:
        """The newest stored checkpoint (one indexed row), None before the first."""
        return latest_checkpoint(self.db)

    def checkpoint(self) -> Checkpoint:
        """Sign the log as it is now, store the checkpoint and return it."""
        key = self.signing_key()
        with self.db.write():
            tree = self.current_tree()
            signed = sign_checkpoint(key, tree.size, tree.root(), int(time.time()), origin=self.origin)
            next_id = self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM checkpoints")[0][0]
            data = signed.to_dict()
            self.db.execute(
                "INSERT INTO checkpoints (id, origin, size, root_hash, timestamp, key_id, signature) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    next_id,
                    data["origin"],
                    data["size"],
                    data["root_hash"],
                    data["timestamp"],
                    data["key_id"],
                    data["signature"],
                ),
            )
        return signed

    def checkpoints(self) -> list[Checkpoint]:
        """Every stored checkpoint, oldest first (``log verify`` checks them; this does not)."""
        rows = self.db.dicts(
            "SELECT origin, size, root_hash, timestamp, key_id, signature FROM checkpoints ORDER BY id"
        )
        return [Checkpoint.from_dict(row) for row in rows]

    def receipt(self, index: int) -> Receipt:
        """A receipt for entry ``index`` against the latest checkpoint that covers it; a reader
        (the latest checkpoint covers the entry) takes no write lock (issue 11)."""
        with self.db.read():
            latest = latest_checkpoint(self.db)
            if latest is not None and latest.size > index:
                return issue_receipt(self.tree.refresh(self.db), index, latest)
        with self.db.write():
            latest = latest_checkpoint(self.db)
            signed = latest if latest is not None and latest.size > index else self.checkpoint()
            return issue_receipt(self.current_tree(), index, signed)


def _chunks(rows: ChildRows) -> Iterator[tuple[Sequence[Sequence[Any]], pa.Table | None]]:
    """The rows to insert, ``CHUNK_ROWS`` at a time, with their Arrow table when they came as one."""
    if isinstance(rows, ColumnChunks):
        yield from rows.chunks()
        return
    pending = iter(rows)
    while chunk := list(islice(pending, CHUNK_ROWS)):
        yield chunk, None
