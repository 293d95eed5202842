"""``/api/v1/log``: the signed checkpoint, the log's public key, inclusion and consistency proofs.

Everything here is hashes and signatures (RFC 9162, docs/log.md): with the public key and a
checkpoint, anyone checks a receipt, a proof, or that the log only grew, with nothing else.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ceasefire.api.auth import CallerDep, StoreDep
from ceasefire.api.body import JSONBody
from ceasefire.api.problems import Problem
from ceasefire.ledger import Checkpoint, public_key_to_base64
from ceasefire.ledger import key_id as key_id_of
from ceasefire.store import SQLStore

__all__ = ["router"]

router = APIRouter(prefix="/log", tags=["log"])
Size = Annotated[int, Query(ge=1, le=2**53)]


def latest_checkpoint(db: SQLStore) -> Checkpoint:
    """The newest stored checkpoint, signed anew when the log grew since (signed on demand).

    Reads that one row, never the whole table (one more row a minute, forever: issue 11)."""
    stored = db.latest_checkpoint()
    if stored is not None and stored.size == db.log_size():
        return stored
    return db.checkpoint()


@router.get("/checkpoint", summary="The latest signed checkpoint")
def checkpoint(db: StoreDep, who: CallerDep) -> JSONBody:
    """``{"origin", "size", "root_hash", "timestamp", "key_id", "signature"}`` (Ed25519)."""
    return dict(latest_checkpoint(db).to_dict())


@router.get("/key", summary="The log's public key")
def key(db: StoreDep, who: CallerDep) -> JSONBody:
    """The Ed25519 public key checkpoints are signed with (base64 of the 32 raw bytes)."""
    public = db.public_key()
    if public is None:
        raise Problem(503, "this database has no log key yet; run `ceasefire init`")
    return {"key_id": key_id_of(public), "public_key": public_key_to_base64(public), "origin": db.origin}


def _check(field: str, value: int, limit: int, what: str) -> None:
    if value > limit:
        message = f"{field}={value} is beyond {what} ({limit})"
        raise Problem(422, message, errors=[{"field": field, "in": "query", "message": message}])


@router.get("/proof", summary="Inclusion proof of one entry")
def proof(
    db: StoreDep,
    who: CallerDep,
    index: Annotated[int, Query(ge=0, le=2**53)],
    size: Size | None = None,
) -> JSONBody:
    """The audit path of entry ``index`` in the tree of ``size`` entries (default: the whole log)."""
    tree = db.read_tree()  # the cached tree, not a rebuild from every leaf (issue 11)
    size = tree.size if size is None else size
    _check("size", size, tree.size, "the log's size")
    _check("index", index, size - 1, "the last entry of that tree")
    return {
        "index": index,
        "size": size,
        "leaf_hash": tree.leaf(index).hex(),
        "root_hash": tree.root(size).hex(),
        "inclusion_proof": [node.hex() for node in tree.inclusion_proof(index, size)],
    }


@router.get("/consistency", summary="Consistency proof between two tree sizes")
def consistency(
    db: StoreDep,
    who: CallerDep,
    old: Annotated[int, Query(alias="from", ge=1, le=2**53)],
    new: Annotated[int, Query(alias="to", ge=1, le=2**53)],
) -> JSONBody:
    """Proves the tree of ``from`` entries is a prefix of the tree of ``to`` entries."""
    tree = db.read_tree()
    _check("to", new, tree.size, "the log's size")
    _check("from", old, new, "'to'")
    return {
        "from": old,
        "to": new,
        "old_root": tree.root(old).hex(),
        "new_root": tree.root(new).hex(),
        "consistency_proof": [node.hex() for node in tree.consistency_proof(old, new)],
    }
