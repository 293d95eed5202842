"""Receipts: what a submitter keeps to prove, alone, that its entry is in the log.

A receipt binds an entry's index and leaf hash to a signed checkpoint through an inclusion
proof. JSON form (canonical: sorted keys, no whitespace)::

    {"checkpoint": {"key_id": "<16 hex>", "origin": "ceasefire", "root_hash": "<64 hex>",
                    "signature": "<base64>", "size": 8, "timestamp": 1474300800},
     "inclusion_proof": ["<64 hex>", ...], "index": 5, "leaf_hash": "<64 hex>",
     "schema": "ceasefire/receipt/v1"}

:func:`verify_receipt` needs only the receipt, the log's public key and the entry's bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ceasefire.ledger.checkpoint import Checkpoint, key_id, verify_checkpoint
from ceasefire.ledger.encoding import (
    as_count,
    as_hash,
    as_hash_list,
    check_hash,
    check_keys,
    field,
    parse_json_object,
)
from ceasefire.ledger.entry import JSONValue, canonical_json
from ceasefire.ledger.errors import LogError
from ceasefire.ledger.merkle import MerkleLog, leaf_hash, root_from_inclusion_proof

__all__ = ["RECEIPT_SCHEMA", "Receipt", "issue_receipt", "verify_receipt"]

RECEIPT_SCHEMA = "ceasefire/receipt/v1"
_FIELDS = ("schema", "index", "leaf_hash", "checkpoint", "inclusion_proof")


@dataclass(frozen=True)
class Receipt:
    """Entry ``index`` with ``leaf_hash`` is in the tree that ``checkpoint`` signs."""

    index: int
    leaf_hash: bytes
    checkpoint: Checkpoint
    inclusion_proof: tuple[bytes, ...]

    def __post_init__(self) -> None:
        if isinstance(self.index, bool) or not isinstance(self.index, int) or self.index < 0:
            raise LogError(f"receipt index must be a non-negative integer, got {self.index!r}")
        check_hash(self.leaf_hash, "receipt leaf_hash")
        for i, node in enumerate(self.inclusion_proof):
            check_hash(node, f"receipt inclusion_proof[{i}]")

    def to_json(self) -> str:
        """Canonical JSON text (hashes in lowercase hex, signature in base64)."""
        document: dict[str, JSONValue] = {
            "schema": RECEIPT_SCHEMA,
            "index": self.index,
            "leaf_hash": self.leaf_hash.hex(),
            "checkpoint": self.checkpoint.to_dict(),
            "inclusion_proof": [node.hex() for node in self.inclusion_proof],
        }
        return canonical_json(document).decode("utf-8")

    @classmethod
    def from_json(cls, text: str | bytes) -> Receipt:
        """Read :meth:`to_json` output strictly; LogError names the bad field."""
        data = parse_json_object(text, "receipt")
        check_keys(data, _FIELDS, "receipt")
        schema = field(data, "schema", "receipt")
        if schema != RECEIPT_SCHEMA:
            raise LogError(f"receipt.schema: expected {RECEIPT_SCHEMA!r}, got {schema!r:.80}")
        checkpoint = field(data, "checkpoint", "receipt")
        if not isinstance(checkpoint, dict):
            raise LogError("receipt.checkpoint: expected a JSON object")
        return cls(
            index=as_count(field(data, "index", "receipt"), "receipt.index"),
            leaf_hash=as_hash(field(data, "leaf_hash", "receipt"), "receipt.leaf_hash"),
            checkpoint=Checkpoint.from_dict(checkpoint, "receipt.checkpoint"),
            inclusion_proof=as_hash_list(field(data, "inclusion_proof", "receipt"), "receipt.inclusion_proof"),
        )


def issue_receipt(log: MerkleLog, index: int, checkpoint: Checkpoint) -> Receipt:
    """The receipt for entry ``index`` under ``checkpoint``, which must sign this log's root.

    Refuses (LogError) a checkpoint whose root is not this log's root at that size: a receipt
    that could never verify must not be handed out.
    """
    if checkpoint.size > log.size or log.root(checkpoint.size) != checkpoint.root_hash:
        raise LogError(
            f"checkpoint for size {checkpoint.size} does not match this log "
            f"({log.size} leaves): refusing to issue a receipt against it"
        )
    proof = log.inclusion_proof(index, checkpoint.size)
    return Receipt(index, log.leaf(index), checkpoint, tuple(proof))


def verify_receipt(receipt: Receipt, public_key: Ed25519PublicKey, entry_bytes: bytes) -> None:
    """Check ``receipt`` for ``entry_bytes`` against the log's ``public_key``; None when it holds.

    Raises LogError saying which check failed: wrong key, bad signature, leaf hash mismatch,
    index outside the signed tree, or a proof that does not lead to the signed root.
    """
    cp = receipt.checkpoint
    if cp.key_id != key_id(public_key):
        raise LogError(
            f"receipt: checkpoint names key {cp.key_id}, but the given public key is "
            f"{key_id(public_key)}: wrong key for this log"
        )
    if not verify_checkpoint(public_key, cp):
        raise LogError(
            f"receipt: bad signature: checkpoint (size {cp.size}, root {cp.root_hash.hex()}) "
            f"was not signed by key {cp.key_id}"
        )
    actual = leaf_hash(entry_bytes)
    if actual != receipt.leaf_hash:
        raise LogError(
            f"receipt: leaf hash mismatch: the entry hashes to {actual.hex()}, "
            f"the receipt says {receipt.leaf_hash.hex()}"
        )
    _check_inclusion(receipt)


def _check_inclusion(receipt: Receipt) -> None:
    cp, index, proof = receipt.checkpoint, receipt.index, receipt.inclusion_proof
    if index >= cp.size:
        raise LogError(f"receipt: entry index {index} is outside the signed tree of size {cp.size}")
    computed = root_from_inclusion_proof(receipt.leaf_hash, index, cp.size, proof)
    if computed is None:
        expected = _inclusion_proof_length(index, cp.size)
        raise LogError(
            f"receipt: inclusion proof does not lead to the signed root: entry {index} in a "
            f"tree of size {cp.size} needs {expected} hashes, the proof has {len(proof)}"
        )
    if computed != cp.root_hash:
        raise LogError(
            f"receipt: inclusion proof does not lead to the signed root: it gives "
            f"{computed.hex()}, the checkpoint signed {cp.root_hash.hex()}"
        )


def _inclusion_proof_length(index: int, size: int) -> int:
    """Number of hashes in PATH(index, D[size]): one per level where a sibling exists."""
    length, lo, hi = 0, 0, size
    while hi - lo > 1:
        k = 1 << ((hi - lo - 1).bit_length() - 1)
        lo, hi = (lo, lo + k) if index < lo + k else (lo + k, hi)
        length += 1
    return length
