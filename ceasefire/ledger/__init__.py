"""The tamper-evident log core: pure functions and classes, no database, no web.

An append-only log where parties distrust each other (RFC 9162-style, see ``docs/log.md``):

- :mod:`~ceasefire.ledger.entry`: an entry is canonical JSON bytes (:func:`canonical_json`);
- :mod:`~ceasefire.ledger.merkle`: ``leaf_hash = SHA-256(0x00 || entry)``, RFC 9162 §2.1 trees,
  inclusion and consistency proofs (:class:`MerkleLog`) and their verification;
- :mod:`~ceasefire.ledger.checkpoint`: Ed25519-signed checkpoints of (origin, size, root, time);
- :mod:`~ceasefire.ledger.receipt`: receipts a submitter verifies alone (:func:`verify_receipt`);
- :mod:`~ceasefire.ledger.encoding`: hex/base64 text forms and strict JSON field readers.

Everything the ledger refuses raises :class:`LogError` (a :class:`~ceasefire.errors.CeasefireError`).
Storage layers keep entry bytes and leaf hashes and rebuild a :class:`MerkleLog` from the hashes.
"""

from ceasefire.ledger.checkpoint import (
    DEFAULT_ORIGIN,
    Checkpoint,
    checkpoint_message,
    generate_private_key,
    key_id,
    private_key_from_base64,
    private_key_to_base64,
    public_key_from_base64,
    public_key_to_base64,
    sign_checkpoint,
    verify_checkpoint,
)
from ceasefire.ledger.entry import JSONValue, canonical_json, canonicalize
from ceasefire.ledger.errors import LogError
from ceasefire.ledger.merkle import (
    EMPTY_ROOT,
    MerkleLog,
    leaf_hash,
    node_hash,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from ceasefire.ledger.receipt import RECEIPT_SCHEMA, Receipt, issue_receipt, verify_receipt

__all__ = [
    "DEFAULT_ORIGIN",
    "EMPTY_ROOT",
    "RECEIPT_SCHEMA",
    "Checkpoint",
    "JSONValue",
    "LogError",
    "MerkleLog",
    "Receipt",
    "canonical_json",
    "canonicalize",
    "checkpoint_message",
    "generate_private_key",
    "issue_receipt",
    "key_id",
    "leaf_hash",
    "node_hash",
    "private_key_from_base64",
    "private_key_to_base64",
    "public_key_from_base64",
    "public_key_to_base64",
    "root_from_inclusion_proof",
    "sign_checkpoint",
    "verify_checkpoint",
    "verify_consistency",
    "verify_inclusion",
    "verify_receipt",
]
