"""The log's Merkle tree kept in memory per journal (one per store), so a write signs its
checkpoint and issues its receipt without rebuilding the tree from every stored leaf hash
(issue 3: p99 under load).

:meth:`LogTree.refresh` returns a journal's cached :class:`~ceasefire.ledger.MerkleLog` brought
up to date with the database; the journal (``Journal.current_tree``) calls it inside a write
transaction, so the view is serialized:

- the leaves stored since the cache last looked, by this connection or by any other process,
  are read (``idx >= min(cached size, latest checkpoint size)``) and appended;
- the cache is trusted only when it agrees with the database: every cached leaf past the latest
  stored checkpoint equals the stored one, none is missing from the database, and the cached
  root at the checkpoint's size is the checkpoint's root (a Merkle root pins every leaf under
  it). A cache holding leaves of a transaction that rolled back, or one that another process
  outran, fails a check and the tree is rebuilt from all stored leaf hashes, as before.

Stored checkpoints are signed from trees checked this way, so by induction the cache is the
tree over the stored leaves whenever it is used. A write then costs two indexed queries, the
leaves since the latest checkpoint (usually one or two) and O(log n) hashes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ceasefire.ledger import EMPTY_ROOT, Checkpoint, MerkleLog
from ceasefire.store.database import Database

__all__ = ["LogTree", "latest_checkpoint", "stored_tree"]

_CHECKPOINT_COLUMNS = "origin, size, root_hash, timestamp, key_id, signature"


@dataclass
class LogTree:
    """One journal's cached tree; ``rebuilds`` counts full rebuilds (tests and benchmarks)."""

    tree: MerkleLog = field(default_factory=MerkleLog)
    built: bool = False
    rebuilds: int = 0

    def refresh(self, db: Database) -> MerkleLog:
        """The tree over the stored leaves (call inside a write transaction)."""
        if not (self.built and self._catch_up(db)):
            self.tree, self.built = stored_tree(db), True
            self.rebuilds += 1
        return self.tree

    def _catch_up(self, db: Database) -> bool:
        """Append the leaves stored since; False when the cache disagrees with the database."""
        size, root = _signed_root(db)
        tree, lo = self.tree, min(self.tree.size, size)
        stored = db.execute("SELECT idx, leaf_hash FROM log_entries WHERE idx >= ? ORDER BY idx", (lo,))
        for offset, (idx, hex_hash) in enumerate(stored):
            leaf = bytes.fromhex(str(hex_hash))
            if idx != lo + offset:
                return False  # a gap in the stored log: rebuild as before (log verify reports it)
            if idx >= tree.size:
                tree.append(leaf)
            elif tree.leaf(idx) != leaf:
                return False  # a rolled-back leaf, replaced by another writer's
        if lo + len(stored) < tree.size:
            return False  # cached leaves the database does not hold: a rollback
        return size <= tree.size and tree.root(size) == root


def stored_tree(db: Database) -> MerkleLog:
    """The tree over every stored leaf hash, as stored (``log verify`` checks them)."""
    return MerkleLog(bytes.fromhex(str(h)) for (h,) in db.execute("SELECT leaf_hash FROM log_entries ORDER BY idx"))


def latest_checkpoint(db: Database) -> Checkpoint | None:
    """The newest stored checkpoint (by id), without reading the others."""
    rows = list(db.dicts(f"SELECT {_CHECKPOINT_COLUMNS} FROM checkpoints ORDER BY id DESC LIMIT 1"))
    return Checkpoint.from_dict(rows[0]) if rows else None


def _signed_root(db: Database) -> tuple[int, bytes]:
    """(size, root) of the newest checkpoint; (0, the empty root) when there is none or it is
    unreadable (then every cached leaf is compared with the stored one)."""
    rows = db.execute("SELECT size, root_hash FROM checkpoints ORDER BY id DESC LIMIT 1")
    if not rows:
        return 0, EMPTY_ROOT
    try:
        return int(rows[0][0]), bytes.fromhex(str(rows[0][1]))
    except ValueError:
        return 0, EMPTY_ROOT
