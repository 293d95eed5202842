"""RFC 9162 §2.1 Merkle trees: hashing, proofs, and their verification.

Hashing (SHA-256, with RFC 9162's domain separation so a leaf can never pass for a node)::

    leaf_hash(entry)   = SHA-256(0x00 || entry)
    node_hash(l, r)    = SHA-256(0x01 || l || r)
    MTH({})            = SHA-256("")
    MTH({d0})          = leaf_hash(d0)
    MTH(D[n])          = node_hash(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n

:class:`MerkleLog` produces roots, inclusion proofs (``PATH(m, D[n])``, §2.1.3.1) and consistency
proofs (``PROOF(m, D[n])``/``SUBPROOF``, §2.1.4.1). :func:`verify_inclusion` and
:func:`verify_consistency` are the bit-shifting algorithms of §2.1.3.2 and §2.1.4.2: they need
nothing but hashes, sizes and the proof, never the log.

Why this is written here rather than imported: the log is only as trustworthy as the code that
checks it, and no pure-Python RFC 9162 library is both maintained and independently reviewed.
On PyPI we looked at ``pymerkle`` 7.0.0 (closest fit: RFC 9162-style proofs, but 1-based
indices, its own proof objects and storage model, one maintainer and no published review),
``merkletools`` 1.0.3 (2018), ``merkle`` 0.1.3 (2017), ``merkle-tree`` 0.2 (2015, Glacier tree
hash) and ``merkle-py``/``merklelib`` (not RFC 9162 trees). The algorithms are about a hundred
lines, fully specified by the RFC, and pinned here by the Certificate Transparency reference
vectors and by property tests against a literal transcription of the RFC's recursion, which is
easier to audit than a dependency.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from ceasefire.ledger.encoding import HASH_SIZE, check_hash
from ceasefire.ledger.errors import LogError

__all__ = [
    "EMPTY_ROOT",
    "MerkleLog",
    "leaf_hash",
    "node_hash",
    "root_from_inclusion_proof",
    "verify_consistency",
    "verify_inclusion",
]

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH of the empty tree: e3b0c442...7852b855."""


def leaf_hash(entry_bytes: bytes) -> bytes:
    """``SHA-256(0x00 || entry_bytes)``: the hash of one log entry."""
    return hashlib.sha256(b"\x00" + entry_bytes).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``: the hash of an interior node."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleLog:
    """An append-only list of leaf hashes with RFC 9162 roots and proofs for any prefix.

    Every complete, aligned subtree (sizes 1, 2, 4, ...) is hashed once, when its last leaf
    arrives; ``_levels[h][i]`` covers leaves ``[i * 2**h, (i + 1) * 2**h)``. A root or a proof
    node over any prefix then costs O(log n) hashes, and memory is about 2n hashes (64 bytes of
    digest per leaf, ~13 MB of Python objects for 100,000 leaves).
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        for item in leaf_hashes:
            self.append(item)

    def __len__(self) -> int:
        return len(self._levels[0])

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self._levels[0])

    def append(self, leaf_hash: bytes) -> int:
        """Add one leaf hash (see :func:`leaf_hash`); return its 0-based index."""
        check_hash(leaf_hash, "leaf hash")
        index = position = len(self._levels[0])
        self._levels[0].append(leaf_hash)
        node, level = leaf_hash, 0
        while position & 1:  # this node completes a pair: hash the parent, one level up
            node = node_hash(self._levels[level][position - 1], node)
            level, position = level + 1, position >> 1
            if level == len(self._levels):
                self._levels.append([])
            self._levels[level].append(node)
        return index

    def leaf(self, index: int) -> bytes:
        """The leaf hash at ``index``."""
        self._check_index(index, self.size)
        return self._levels[0][index]

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (default: all of them)."""
        size = self._check_size(size)
        return self._hash(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[size]): the audit path proving leaf ``index`` is in the tree of ``size``."""
        size = self._check_size(size)
        self._check_index(index, size)
        return self._path(index, 0, size)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[new_size]): proves the tree of ``old_size`` is a prefix of the new one.

        ``0 < old_size <= new_size``; equal sizes give the empty proof.
        """
        new_size = self._check_size(new_size)
        if not 0 < old_size <= new_size:
            raise LogError(f"consistency proof: need 0 < old size <= new size, got {old_size} and {new_size}")
        return self._subproof(old_size, 0, new_size, True)

    def _hash(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]) for a range of the RFC's recursion (``lo`` aligned to its size)."""
        n = hi - lo
        if n & (n - 1) == 0:  # a complete subtree: hashed once already
            level = n.bit_length() - 1
            return self._levels[level][lo >> level]
        mid = lo + _split(n)
        return node_hash(self._hash(lo, mid), self._hash(mid, hi))

    def _path(self, index: int, lo: int, hi: int) -> list[bytes]:
        if hi - lo == 1:
            return []
        mid = lo + _split(hi - lo)
        if index < mid:
            return [*self._path(index, lo, mid), self._hash(mid, hi)]
        return [*self._path(index, mid, hi), self._hash(lo, mid)]

    def _subproof(self, old: int, lo: int, hi: int, complete: bool) -> list[bytes]:
        """SUBPROOF(old - lo, D[lo:hi], complete), with ``old`` an absolute leaf count."""
        if old == hi:
            return [] if complete else [self._hash(lo, hi)]
        mid = lo + _split(hi - lo)
        if old <= mid:
            return [*self._subproof(old, lo, mid, complete), self._hash(mid, hi)]
        return [*self._subproof(old, mid, hi, False), self._hash(lo, mid)]

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise LogError(f"tree size {size} is not available: the log has {self.size} leaves")
        return size

    @staticmethod
    def _check_index(index: int, size: int) -> None:
        if not 0 <= index < size:
            valid = f"0..{size - 1}" if size else "none: the tree is empty"
            raise LogError(f"leaf index {index} is not in a tree of size {size} (valid: {valid})")


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def root_from_inclusion_proof(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes | None:
    """The root that ``proof`` leads to from leaf ``index`` of a tree of ``size`` (§2.1.3.2).

    ``None`` when the proof cannot apply: index outside the tree, a node that is not 32 bytes,
    or a proof too long or too short for this index and size.
    """
    if not 0 <= index < size or not _is_hash(leaf_hash) or not all(map(_is_hash, proof)):
        return None
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """True iff ``proof`` shows ``leaf_hash`` at ``index`` in the tree of ``size`` with ``root``."""
    computed = root_from_inclusion_proof(leaf_hash, index, size, proof)
    return computed is not None and _is_hash(root) and computed == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """True iff ``proof`` shows the tree (old_size, old_root) is a prefix of (new_size, new_root).

    Follows §2.1.4.2; sizes must satisfy ``0 < old_size <= new_size``, and equal sizes need an
    empty proof and equal roots.
    """
    if not (_is_hash(old_root) and _is_hash(new_root) and all(map(_is_hash, proof))):
        return False
    if not 0 < old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    return _roots_from_consistency_proof(old_size, new_size, old_root, proof) == (
        old_root,
        new_root,
    )


def _roots_from_consistency_proof(
    first: int, second: int, first_hash: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes] | None:
    """(old root, new root) that ``proof`` leads to, per §2.1.4.2; None when it cannot apply."""
    if not proof:
        return None
    path = [first_hash, *proof] if first & (first - 1) == 0 else list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return (fr, sr) if sn == 0 else None
