"""Tests for ceasefire.ledger: RFC 9162 trees and proofs, checkpoints, receipts, entries.

Three independent anchors keep the Merkle code honest: the Certificate Transparency reference
vectors, a literal transcription of the RFC's recursive definitions (``ref_*`` below, slow and
obviously right), and the standalone verifier printed in docs/log.md, which is run here.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from ceasefire.errors import CeasefireError
from ceasefire.ledger import (
    EMPTY_ROOT,
    Checkpoint,
    LogError,
    MerkleLog,
    Receipt,
    canonical_json,
    canonicalize,
    checkpoint_message,
    generate_private_key,
    issue_receipt,
    key_id,
    leaf_hash,
    node_hash,
    private_key_from_base64,
    private_key_to_base64,
    public_key_from_base64,
    public_key_to_base64,
    root_from_inclusion_proof,
    sign_checkpoint,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
    verify_receipt,
)
from ceasefire.ledger import entry as entry_module

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "ledger"


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# --- Certificate Transparency reference vectors ----------------------------------------------
# Source: github.com/transparency-dev/merkle, proof/verify_test.go (commit 02194e9a; the same
# values as google/certificate-transparency's merkle tests). That file numbers leaves from 1;
# the indices below are 0-based. Only the hash values are taken from it.
CT_LEAVES = [
    h(x) for x in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")
]
CT_ROOTS = [
    h(x)
    for x in (  # CT_ROOTS[n] is the root of the first n leaves
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
CT_INCLUSION = [  # (index, size, audit path)
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CT_CONSISTENCY = [  # (old size, new size, proof)
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")


def ct_log() -> MerkleLog:
    return MerkleLog(leaf_hash(leaf) for leaf in CT_LEAVES)


# --- RFC 9162 §2.1, transcribed literally (over leaf hashes; O(n) per call) -------------------
def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: Sequence[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = _k(len(d))
    return node_hash(ref_mth(d[:k]), ref_mth(d[k:]))


def ref_path(m: int, d: Sequence[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [ref_mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


# --- hashing and known answers ----------------------------------------------------------------
def test_leaf_and_node_hashes_use_rfc9162_prefixes() -> None:
    assert leaf_hash(b"") == CT_ROOTS[1] == hashlib.sha256(b"\x00").digest()
    assert node_hash(CT_ROOTS[1], leaf_hash(b"\x00")) == CT_ROOTS[2]
    assert EMPTY_ROOT == CT_ROOTS[0] == MerkleLog().root()


@pytest.mark.parametrize("size", range(9), ids=lambda n: f"size-{n}")
def test_roots_match_ct_reference(size: int) -> None:
    log = ct_log()
    assert log.root(size) == CT_ROOTS[size]
    assert MerkleLog(log.leaf(i) for i in range(size)).root() == CT_ROOTS[size]


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION, ids=[f"leaf-{i}-of-{n}" for i, n, _ in CT_INCLUSION])
def test_inclusion_proofs_match_ct_reference(index: int, size: int, path: list[str]) -> None:
    log = ct_log()
    assert [p.hex() for p in log.inclusion_proof(index, size)] == path
    assert verify_inclusion(log.leaf(index), index, size, [h(p) for p in path], CT_ROOTS[size])


@pytest.mark.parametrize(("old", "new", "proof"), CT_CONSISTENCY, ids=[f"{m}-to-{n}" for m, n, _ in CT_CONSISTENCY])
def test_consistency_proofs_match_ct_reference(old: int, new: int, proof: list[str]) -> None:
    assert [p.hex() for p in ct_log().consistency_proof(old, new)] == proof
    assert verify_consistency(old, new, CT_ROOTS[old], CT_ROOTS[new], [h(p) for p in proof])


def test_every_proof_up_to_33_leaves_matches_the_rfc_recursion() -> None:
    leaves = [leaf_hash(bytes([i])) for i in range(33)]
    log = MerkleLog(leaves)
    for n in range(1, 34):
        assert log.root(n) == ref_mth(leaves[:n])
        for m in range(n):
            assert log.inclusion_proof(m, n) == ref_path(m, leaves[:n])
        for m in range(1, n + 1):
            assert log.consistency_proof(m, n) == ref_subproof(m, leaves[:n], True)


# --- MerkleLog edges --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda log: log.inclusion_proof(8, 8), "leaf index 8 is not in a tree of size 8"),
        (lambda log: log.inclusion_proof(-1, 8), "leaf index -1"),
        (lambda log: log.inclusion_proof(0, 0), "valid: none"),
        (lambda log: log.inclusion_proof(0, 9), "tree size 9 is not available"),
        (lambda log: log.root(9), "the log has 8 leaves"),
        (lambda log: log.consistency_proof(0, 8), "need 0 < old size <= new size"),
        (lambda log: log.consistency_proof(5, 4), "got 5 and 4"),
        (lambda log: log.consistency_proof(1, 9), "tree size 9 is not available"),
        (lambda log: log.leaf(8), "leaf index 8"),
        (lambda log: log.append(b"short"), "leaf hash must be 32 bytes"),
    ],
    ids=[
        "index=size",
        "negative-index",
        "empty-tree",
        "size-beyond-log",
        "root-beyond-log",
        "consistency-old-0",
        "consistency-old>new",
        "consistency-beyond-log",
        "leaf-beyond-log",
        "append-not-a-hash",
    ],
)
def test_merkle_log_refuses_impossible_requests(call: Callable[[MerkleLog], object], message: str) -> None:
    with pytest.raises(LogError, match=re.escape(message)):
        call(ct_log())


def test_log_error_is_a_ceasefire_error() -> None:
    assert issubclass(LogError, CeasefireError)


def test_append_returns_indices_and_equal_sizes_have_empty_consistency_proof() -> None:
    log = MerkleLog()
    assert [log.append(leaf_hash(leaf)) for leaf in CT_LEAVES] == list(range(8))
    assert len(log) == log.size == 8
    assert log.consistency_proof(8) == []
    assert verify_consistency(8, 8, CT_ROOTS[8], CT_ROOTS[8], [])


# --- corrupted inclusion proofs ---------------------------------------------------------------
def _inclusion_mutations(
    index: int, size: int, leaf: bytes, path: list[bytes], root: bytes
) -> dict[str, tuple[bytes, int, int, list[bytes], bytes]]:
    """Named wrong inputs; each must fail. (A wrong size is only caught when it changes the
    path's shape; in a receipt the size is bound to the root by the checkpoint signature.)"""
    cases = {
        "index-1": (leaf, index - 1, size, path, root),
        "index+1": (leaf, index + 1, size, path, root),
        "index^2": (leaf, index ^ 2, size, path, root),
        "size*2": (leaf, index, size * 2, path, root),
        "size//2": (leaf, index, size // 2, path, root),
        "size=index": (leaf, index, index, path, root),
        "wrong-leaf": (SOME_HASH, index, size, path, root),
        "empty-root": (leaf, index, size, path, EMPTY_ROOT),
        "random-root": (leaf, index, size, path, SOME_HASH),
        "short-leaf": (leaf[:31], index, size, path, root),
        "extra-node-at-end": (leaf, index, size, [*path, SOME_HASH], root),
        "root-at-end": (leaf, index, size, [*path, root], root),
        "extra-node-at-start": (leaf, index, size, [SOME_HASH, *path], root),
        "empty-node-at-end": (leaf, index, size, [*path, b""], root),
    }
    if path:
        cases["missing-last-node"] = (leaf, index, size, path[:-1], root)
        cases["missing-first-node"] = (leaf, index, size, path[1:], root)
        cases["inserted-node"] = (leaf, index, size, [path[0], SOME_HASH, *path[1:]], root)
    if len(path) > 1:
        cases["swapped-nodes"] = (leaf, index, size, [path[1], path[0], *path[2:]], root)
    return cases


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION, ids=[f"leaf-{i}-of-{n}" for i, n, _ in CT_INCLUSION])
def test_corrupted_inclusion_proofs_fail(index: int, size: int, path: list[str]) -> None:
    leaf = leaf_hash(CT_LEAVES[index])
    cases = _inclusion_mutations(index, size, leaf, [h(p) for p in path], CT_ROOTS[size])
    passed = [name for name, args in cases.items() if verify_inclusion(*args)]
    assert passed == []


def _flips(value: bytes) -> list[bytes]:
    """``value`` with each of its bits flipped in turn."""
    out = []
    for i in range(len(value) * 8):
        mutable = bytearray(value)
        mutable[i // 8] ^= 1 << (i % 8)
        out.append(bytes(mutable))
    return out


@pytest.mark.parametrize("size", range(1, 9), ids=lambda n: f"size-{n}")
def test_every_bit_flip_in_inclusion_proofs_fails(size: int) -> None:
    log = ct_log()
    root = log.root(size)
    for index in range(size):
        path, leaf = log.inclusion_proof(index, size), log.leaf(index)
        assert verify_inclusion(leaf, index, size, path, root)
        for k, node in enumerate(path):
            for bad in _flips(node):
                assert not verify_inclusion(leaf, index, size, [*path[:k], bad, *path[k + 1 :]], root)
        assert not any(verify_inclusion(bad, index, size, path, root) for bad in _flips(leaf))
        assert not any(verify_inclusion(leaf, index, size, path, bad) for bad in _flips(root))


def test_inclusion_root_is_none_for_malformed_input() -> None:
    leaf = leaf_hash(b"")
    assert root_from_inclusion_proof(leaf, 0, 1, []) == leaf
    assert root_from_inclusion_proof(leaf, 0, 0, []) is None
    assert root_from_inclusion_proof(leaf, 1, 1, []) is None
    assert root_from_inclusion_proof(leaf, 0, 1, [SOME_HASH]) is None
    assert root_from_inclusion_proof(leaf, 0, 2, [b"\x00" * 31]) is None


# --- corrupted consistency proofs -------------------------------------------------------------
def _consistency_mutations(
    old: int, new: int, r1: bytes, r2: bytes, proof: list[bytes]
) -> dict[str, tuple[int, int, bytes, bytes, list[bytes]]]:
    cases = {
        "old-1": (old - 1, new, r1, r2, proof),
        "old+1": (old + 1, new, r1, r2, proof),
        "old^2": (old ^ 2, new, r1, r2, proof),
        "new*2": (old, new * 2, r1, r2, proof),
        "new//2": (old, new // 2, r1, r2, proof),
        "old>new": (new, old, r2, r1, proof),
        "old=0": (0, new, EMPTY_ROOT, r2, proof),
        "wrong-root1": (old, new, SOME_HASH, r2, proof),
        "wrong-root2": (old, new, r1, SOME_HASH, proof),
        "swapped-roots": (old, new, r2, r1, proof),
        "empty-proof": (old, new, r1, r2, []),
        "extra-node-at-end": (old, new, r1, r2, [*proof, SOME_HASH]),
        "root1-at-end": (old, new, r1, r2, [*proof, r1]),
        "root2-at-end": (old, new, r1, r2, [*proof, r2]),
        "root1-at-start": (old, new, r1, r2, [r1, *proof]),
        "root2-at-start": (old, new, r1, r2, [r2, *proof]),
        "first-node-twice": (old, new, r1, r2, [proof[0], *proof]),
        "empty-node-at-end": (old, new, r1, r2, [*proof, b""]),
        "missing-last-node": (old, new, r1, r2, proof[:-1]),
        "missing-first-node": (old, new, r1, r2, proof[1:]),
    }
    if len(proof) > 1:
        cases["swapped-nodes"] = (old, new, r1, r2, [proof[1], proof[0], *proof[2:]])
    return cases


CONSISTENT_PAIRS = [(m, n) for n in range(2, 9) for m in range(1, n)]


@pytest.mark.parametrize(("old", "new"), CONSISTENT_PAIRS, ids=[f"{m}-to-{n}" for m, n in CONSISTENT_PAIRS])
def test_corrupted_consistency_proofs_fail(old: int, new: int) -> None:
    log = ct_log()
    r1, r2, proof = log.root(old), log.root(new), log.consistency_proof(old, new)
    assert verify_consistency(old, new, r1, r2, proof)
    cases = _consistency_mutations(old, new, r1, r2, proof)
    assert [name for name, args in cases.items() if verify_consistency(*args)] == []
    for k, node in enumerate(proof):
        for bad in _flips(node):
            assert not verify_consistency(old, new, r1, r2, [*proof[:k], bad, *proof[k + 1 :]])


@pytest.mark.parametrize(
    ("old", "new", "r1", "r2", "proof", "expected"),
    [
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [], False),
        (0, 1, EMPTY_ROOT, CT_ROOTS[1], [], False),
        (1, 1, CT_ROOTS[1], CT_ROOTS[1], [], True),
        (1, 1, CT_ROOTS[1], CT_ROOTS[2], [], False),
        (1, 1, CT_ROOTS[1], CT_ROOTS[1], [EMPTY_ROOT], False),
        (2, 1, CT_ROOTS[2], CT_ROOTS[1], [], False),
        (1, 2, CT_ROOTS[1], CT_ROOTS[2], [], False),
        (-1, 2, CT_ROOTS[1], CT_ROOTS[2], [leaf_hash(b"\x00")], False),
        (1, 2, CT_ROOTS[1], CT_ROOTS[2], [leaf_hash(b"\x00")], True),
    ],
    ids=[
        "0-to-0",
        "0-to-1",
        "equal-sizes",
        "equal-sizes-different-roots",
        "equal-sizes-nonempty-proof",
        "old>new",
        "empty-proof",
        "negative-old",
        "1-to-2",
    ],
)
def test_consistency_edge_cases(old: int, new: int, r1: bytes, r2: bytes, proof: list[bytes], expected: bool) -> None:
    assert verify_consistency(old, new, r1, r2, proof) is expected


# --- properties up to 4,096 leaves ------------------------------------------------------------
BIG_LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(4096)]
BIG_LOG = MerkleLog(BIG_LEAVES)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_every_sampled_inclusion_proof_verifies(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, 4096), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = BIG_LOG.inclusion_proof(index, size)
    root = BIG_LOG.root(size)
    assert root == ref_mth(BIG_LEAVES[:size])
    assert proof == ref_path(index, BIG_LEAVES[:size])
    assert verify_inclusion(BIG_LEAVES[index], index, size, proof, root)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_every_sampled_consistency_proof_verifies(data: st.DataObject) -> None:
    new = data.draw(st.integers(1, 4096), label="new")
    old = data.draw(st.integers(1, new), label="old")
    proof = BIG_LOG.consistency_proof(old, new)
    assert proof == ref_subproof(old, BIG_LEAVES[:new], True)
    assert verify_consistency(old, new, BIG_LOG.root(old), BIG_LOG.root(new), proof)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_root_changes_when_any_leaf_changes(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, 4096), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    replacement = leaf_hash(data.draw(st.binary(min_size=5, max_size=8), label="entry"))
    leaves = BIG_LEAVES[:size]
    changed = MerkleLog([*leaves[:index], replacement, *leaves[index + 1 :]])
    assert changed.root() != BIG_LOG.root(size)
    assert changed.root(index) == BIG_LOG.root(index)  # the prefix before it is untouched


def test_100k_leaves_build_and_prove_quickly() -> None:
    log = MerkleLog(leaf_hash(i.to_bytes(4, "big")) for i in range(100_000))
    root = log.root()
    for index in (0, 1, 65_535, 65_536, 99_999):
        assert verify_inclusion(log.leaf(index), index, 100_000, log.inclusion_proof(index), root)
    assert verify_consistency(70_001, 100_000, log.root(70_001), root, log.consistency_proof(70_001))


# --- checkpoints ------------------------------------------------------------------------------
# RFC 8032 §7.1 "TEST 1": a published key, so signatures in the golden files are reproducible.
RFC8032_SECRET = h("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = h("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
TEST_KEY = Ed25519PrivateKey.from_private_bytes(RFC8032_SECRET)
TIMESTAMP = 1474308000  # 2016-09-19T18:00:00Z


def test_keys_round_trip_through_base64() -> None:
    public = TEST_KEY.public_key()
    assert public_key_to_base64(public) == "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
    assert public_key_from_base64(public_key_to_base64(public)) == public
    again = private_key_from_base64(private_key_to_base64(TEST_KEY))
    assert again.private_bytes_raw() == RFC8032_SECRET
    assert key_id(public) == hashlib.sha256(RFC8032_PUBLIC).digest()[:8].hex() == "21fe31dfa154a261"
    fresh = generate_private_key()
    assert key_id(fresh.public_key()) != key_id(public)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo", "not standard base64"),
        ("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp=", "not canonical base64"),
        ("AAAA", "expected 32 bytes"),
        ("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n", "not standard base64"),
    ],
    ids=["no-padding", "nonzero-padding-bits", "too-short", "trailing-newline"],
)
def test_bad_public_keys_are_refused(text: str, message: str) -> None:
    with pytest.raises(LogError, match=f"public key: {message}"):
        public_key_from_base64(text)


def test_checkpoint_message_is_the_documented_text() -> None:
    message = checkpoint_message("ceasefire", 8, CT_ROOTS[8], TIMESTAMP)
    assert message == (b"ceasefire\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\ntimestamp 1474308000\n")


def test_checkpoint_sign_verify_round_trip() -> None:
    cp = sign_checkpoint(TEST_KEY, 8, CT_ROOTS[8], TIMESTAMP, origin="example.org/log")
    assert verify_checkpoint(TEST_KEY.public_key(), cp)
    TEST_KEY.public_key().verify(cp.signature, cp.message())  # a plain Ed25519 signature
    assert Checkpoint.from_dict(json.loads(json.dumps(cp.to_dict()))) == cp
    assert not verify_checkpoint(generate_private_key().public_key(), cp)


def _changed_checkpoints(cp: Checkpoint) -> dict[str, Checkpoint]:
    """Every one-field change an attacker could make, a byte at a time where bytes are fields."""
    replace = dataclasses.replace
    cases = {
        "size+1": replace(cp, size=cp.size + 1),
        "size-1": replace(cp, size=cp.size - 1),
        "timestamp+1": replace(cp, timestamp=cp.timestamp + 1),
        "origin": replace(cp, origin="ceasefirf"),
        "key_id": replace(cp, key_id="0" + cp.key_id[1:]),
    }
    for i in range(len(cp.root_hash)):
        cases[f"root_hash[{i}]"] = replace(cp, root_hash=_flip_byte(cp.root_hash, i))
    for i in range(len(cp.signature)):
        cases[f"signature[{i}]"] = replace(cp, signature=_flip_byte(cp.signature, i))
    return cases


def _flip_byte(value: bytes, i: int) -> bytes:
    return value[:i] + bytes([value[i] ^ 0x01]) + value[i + 1 :]


def test_any_changed_byte_breaks_checkpoint_verification() -> None:
    cp = sign_checkpoint(TEST_KEY, 8, CT_ROOTS[8], TIMESTAMP)
    passed = [n for n, bad in _changed_checkpoints(cp).items() if verify_checkpoint(TEST_KEY.public_key(), bad)]
    assert passed == []


def test_a_forged_signature_under_the_real_key_id_fails() -> None:
    forged = sign_checkpoint(generate_private_key(), 9, CT_ROOTS[8], TIMESTAMP)
    forged = dataclasses.replace(forged, key_id=key_id(TEST_KEY.public_key()))
    assert not verify_checkpoint(TEST_KEY.public_key(), forged)


SIG = bytes(64)
KID = "21fe31dfa154a261"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"origin": "cease fire"}, "origin 'cease fire' must be printable ASCII"),
        ({"origin": "a+b"}, "must be printable ASCII without spaces or '+'"),
        ({"origin": "log\n9"}, "origin"),
        ({"origin": ""}, "origin"),
        ({"origin": "journal-é"}, "origin"),
        ({"size": -1}, "size must be a non-negative integer"),
        ({"size": True}, "size must be a non-negative integer"),
        ({"timestamp": 1.5}, "timestamp must be a non-negative integer"),
        ({"root_hash": bytes(31)}, "root_hash must be 32 bytes"),
        ({"key_id": "21FE31DFA154A261"}, "key_id must be 16 lowercase hex digits"),
        ({"signature": bytes(63)}, "signature must be 64 bytes"),
    ],
    ids=[
        "origin-space",
        "origin-plus",
        "origin-newline",
        "origin-empty",
        "origin-non-ascii",
        "size-negative",
        "size-bool",
        "timestamp-float",
        "root-31-bytes",
        "key-id-uppercase",
        "signature-63-bytes",
    ],
)
def test_invalid_checkpoints_are_refused(fields: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "size": 8,
        "root_hash": CT_ROOTS[8],
        "timestamp": TIMESTAMP,
        "key_id": KID,
        "signature": SIG,
    }
    with pytest.raises(LogError, match=re.escape(message)):
        Checkpoint(**{**base, **fields})  # type: ignore[arg-type]


def test_sign_checkpoint_refuses_a_bad_origin_before_signing() -> None:
    with pytest.raises(LogError, match="origin"):
        sign_checkpoint(TEST_KEY, 1, CT_ROOTS[1], TIMESTAMP, origin="two\nlines")


# --- receipts ---------------------------------------------------------------------------------
ENTRIES = (DATA / "entries.jsonl").read_bytes().splitlines()
GOLDEN_RECEIPT = (DATA / "receipt.json").read_text().strip()


def entries_log() -> MerkleLog:
    return MerkleLog(leaf_hash(entry) for entry in ENTRIES)


def golden_receipt() -> Receipt:
    log = entries_log()
    return issue_receipt(log, 3, sign_checkpoint(TEST_KEY, log.size, log.root(), TIMESTAMP))


def test_golden_receipt_is_reproduced_byte_for_byte() -> None:
    assert all(canonical_json(json.loads(entry)) == entry for entry in ENTRIES)
    assert golden_receipt().to_json() == GOLDEN_RECEIPT
    receipt = Receipt.from_json(GOLDEN_RECEIPT)
    assert receipt == golden_receipt()
    verify_receipt(receipt, TEST_KEY.public_key(), ENTRIES[3])


def test_every_receipt_of_a_growing_log_verifies_after_a_json_round_trip() -> None:
    key = generate_private_key()
    log = MerkleLog()
    for n in range(1, 20):
        log.append(leaf_hash(canonical_json({"n": n})))
        cp = sign_checkpoint(key, n, log.root(), TIMESTAMP + n)
        for index in range(n):
            receipt = Receipt.from_json(issue_receipt(log, index, cp).to_json())
            verify_receipt(receipt, key.public_key(), canonical_json({"n": index + 1}))


def _tampered_receipts() -> dict[str, tuple[Receipt, bytes, str]]:
    """(receipt, entry bytes, expected message) for each way a receipt can be wrong."""
    good, entry = golden_receipt(), ENTRIES[3]
    cp, proof = good.checkpoint, list(good.inclusion_proof)
    replace = dataclasses.replace
    other = issue_receipt(entries_log(), 2, cp)
    attacker_cp = replace(sign_checkpoint(generate_private_key(), 5, cp.root_hash, TIMESTAMP), key_id=cp.key_id)
    lead = "inclusion proof does not lead to the signed root"
    return {
        "signature-byte": (
            replace(good, checkpoint=replace(cp, signature=_flip_byte(cp.signature, 7))),
            entry,
            "bad signature",
        ),
        "root-byte": (
            replace(good, checkpoint=replace(cp, root_hash=_flip_byte(cp.root_hash, 0))),
            entry,
            "bad signature",
        ),
        "size": (replace(good, checkpoint=replace(cp, size=6)), entry, "bad signature"),
        "timestamp": (replace(good, checkpoint=replace(cp, timestamp=TIMESTAMP - 1)), entry, "bad signature"),
        "signed-by-another-key": (replace(good, checkpoint=attacker_cp), entry, "bad signature"),
        "entry-byte": (good, entry.replace(b"31 trucks", b"13 trucks"), "leaf hash mismatch"),
        "entry-of-another-receipt": (good, ENTRIES[2], "leaf hash mismatch"),
        "leaf-swapped-with-entry": (replace(good, leaf_hash=other.leaf_hash), ENTRIES[2], lead),
        "index-1": (replace(good, index=2), entry, lead),
        "index+1": (replace(good, index=4), entry, lead),
        "index-outside": (replace(good, index=5), entry, "entry index 5 is outside the signed tree of size 5"),
        "proof-node-bit": (replace(good, inclusion_proof=(_flip_byte(proof[0], 31), proof[1], proof[2])), entry, lead),
        "proof-node-flipped": (
            replace(good, inclusion_proof=(proof[0], _flip_byte(proof[1], 5), proof[2])),
            entry,
            lead,
        ),
        "missing-node": (replace(good, inclusion_proof=tuple(proof[:2])), entry, "needs 3 hashes, the proof has 2"),
        "extra-node": (replace(good, inclusion_proof=(*proof, SOME_HASH)), entry, "needs 3 hashes, the proof has 4"),
        "swapped-nodes": (replace(good, inclusion_proof=(proof[1], proof[0], proof[2])), entry, lead),
        "other-receipts-proof": (replace(good, inclusion_proof=other.inclusion_proof), entry, lead),
    }


TAMPERED = _tampered_receipts()


@pytest.mark.parametrize("case", list(TAMPERED), ids=list(TAMPERED))
def test_tampered_receipts_fail_with_the_reason(case: str) -> None:
    receipt, entry, message = TAMPERED[case]
    with pytest.raises(LogError, match=re.escape(message)):
        verify_receipt(receipt, TEST_KEY.public_key(), entry)


def test_receipt_checked_with_the_wrong_key_says_so() -> None:
    other = generate_private_key().public_key()
    with pytest.raises(LogError, match=f"names key 21fe31dfa154a261, but the given public key is {key_id(other)}"):
        verify_receipt(golden_receipt(), other, ENTRIES[3])


def test_proof_mismatch_message_shows_both_roots() -> None:
    receipt, entry, _ = TAMPERED["swapped-nodes"]
    with pytest.raises(LogError, match=f"the checkpoint signed {receipt.checkpoint.root_hash.hex()}"):
        verify_receipt(receipt, TEST_KEY.public_key(), entry)


def _golden_with(**changes: object) -> str:
    document = json.loads(GOLDEN_RECEIPT)
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = document
        for parent in parents:
            target = target[parent]
        if value is KeyError:
            del target[last]
        else:
            target[last] = value
    return json.dumps(document)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "receipt: not valid JSON"),
        ("[]", "receipt: expected a JSON object, got list"),
        (_golden_with(schema="ceasefire/receipt/v2"), "receipt.schema: expected 'ceasefire/receipt/v1'"),
        (_golden_with(index=KeyError), "receipt: missing field 'index'"),
        (_golden_with(extra=1), "receipt: unknown field(s) 'extra'"),
        (_golden_with(index=-1), "receipt.index: expected a non-negative integer"),
        (_golden_with(index=3.0), "receipt.index: expected a non-negative integer"),
        (_golden_with(leaf_hash="AB" * 32), "receipt.leaf_hash: expected 64 lowercase hex digits"),
        (_golden_with(inclusion_proof="00"), "receipt.inclusion_proof: expected an array"),
        (_golden_with(inclusion_proof=["00"]), "receipt.inclusion_proof[0]: expected 64 lowercase hex"),
        (_golden_with(checkpoint=[]), "receipt.checkpoint: expected a JSON object"),
        (_golden_with(checkpoint__size="5"), "receipt.checkpoint.size: expected a non-negative integer"),
        (_golden_with(checkpoint__signature="AAAA"), "receipt.checkpoint.signature: expected 64 bytes"),
        (_golden_with(checkpoint__signature=None), "receipt.checkpoint.signature: expected a string"),
        (_golden_with(checkpoint__key_id=KeyError), "receipt.checkpoint: missing field 'key_id'"),
        (_golden_with(checkpoint__origin="a b"), "checkpoint origin 'a b' must be printable ASCII"),
    ],
    ids=[
        "not-json",
        "not-object",
        "wrong-schema",
        "missing-index",
        "unknown-field",
        "negative-index",
        "float-index",
        "uppercase-hex",
        "proof-not-list",
        "proof-node-short",
        "checkpoint-not-object",
        "size-as-string",
        "short-signature",
        "null-signature",
        "missing-key-id",
        "bad-origin",
    ],
)
def test_malformed_receipt_json_is_refused(text: str, message: str) -> None:
    with pytest.raises(LogError, match=re.escape(message)):
        Receipt.from_json(text)


def test_issue_receipt_refuses_a_checkpoint_of_another_tree() -> None:
    log = entries_log()
    foreign = sign_checkpoint(TEST_KEY, 5, CT_ROOTS[5], TIMESTAMP)
    with pytest.raises(LogError, match="does not match this log"):
        issue_receipt(log, 0, foreign)
    future = sign_checkpoint(TEST_KEY, 6, CT_ROOTS[6], TIMESTAMP)
    with pytest.raises(LogError, match="does not match this log"):
        issue_receipt(log, 0, future)


# --- the standalone verifier printed in docs/log.md -------------------------------------------
DOC = (ROOT / "docs" / "log.md").read_text()


def _doc_check_receipt() -> Callable[[str, str, bytes], None]:
    blocks = re.findall(r"```python\n(.*?)```", DOC, flags=re.S)
    (source,) = [block for block in blocks if "def check_receipt" in block]
    namespace: dict[str, object] = {}
    exec(compile(source, "docs/log.md", "exec"), namespace)
    return namespace["check_receipt"]  # type: ignore[return-value]


def test_doc_snippet_accepts_every_genuine_receipt() -> None:
    check = _doc_check_receipt()
    public = public_key_to_base64(TEST_KEY.public_key())
    check(GOLDEN_RECEIPT, public, ENTRIES[3])
    log = MerkleLog(leaf_hash(bytes([i])) for i in range(37))
    for size in (1, 2, 5, 32, 37):
        cp = sign_checkpoint(TEST_KEY, size, log.root(size), TIMESTAMP)
        for index in range(size):
            check(issue_receipt(log, index, cp).to_json(), public, bytes([index]))


@pytest.mark.parametrize("case", list(TAMPERED), ids=list(TAMPERED))
def test_doc_snippet_rejects_every_tampered_receipt(case: str) -> None:
    receipt, entry, _ = TAMPERED[case]
    with pytest.raises((ValueError, InvalidSignature)):
        _doc_check_receipt()(receipt.to_json(), public_key_to_base64(TEST_KEY.public_key()), entry)


def test_doc_examples_match_the_golden_files() -> None:
    golden = json.loads(GOLDEN_RECEIPT)
    assert json.dumps(golden, indent=2) in DOC
    assert ENTRIES[3].decode() in DOC
    assert f"`{public_key_to_base64(TEST_KEY.public_key())}`" in DOC
    assert golden_receipt().checkpoint.message().decode().rstrip("\n") in DOC


# --- canonical JSON entries -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"b": 1, "a": [1, 2.5, "x"]}, b'{"a":[1,2.5,"x"],"b":1}'),
        ({"z": {"y": None, "x": True}}, b'{"z":{"x":true,"y":null}}'),
        ({"place": "Urum al-Kubra — حلب"}, '{"place":"Urum al-Kubra — حلب"}'.encode()),
        ({"text": 'line\n"quoted"\\'}, b'{"text":"line\\n\\"quoted\\"\\\\"}'),
        ((1, [2, (3,)]), b"[1,[2,[3]]]"),
        ({"big": 2**70, "small": -0.5, "tiny": 1e-7}, b'{"big":1180591620717411303424,"small":-0.5,"tiny":1e-07}'),
        ({"é": 1, "e": 2, "E": 3}, '{"E":3,"e":2,"é":1}'.encode()),
        ("", b'""'),
    ],
    ids=[
        "sorted-keys",
        "nested",
        "utf8-not-escaped",
        "escapes",
        "tuples-are-arrays",
        "numbers",
        "code-point-order",
        "empty-string",
    ],
)
def test_canonical_json(value: object, expected: bytes) -> None:
    assert canonical_json(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("nan"), "entry $: nan is not allowed"),
        ({"lat": float("inf")}, "entry $.lat: inf is not allowed"),
        ({"a": [0, {"b": -float("inf")}]}, "entry $.a[1].b: -inf is not allowed"),
        ({"at": datetime.date(2016, 9, 19)}, "entry $.at: date cannot be logged"),
        ({"blob": b"\x00"}, "entry $.blob: bytes cannot be logged"),
        ({"set": {1}}, "entry $.set: set cannot be logged"),
        ({1: "a"}, "entry $: object key 1 is not a string"),
        ({"x": object()}, "entry $.x: object cannot be logged"),
        ({"s": "\ud800"}, "entry: a string is not valid Unicode"),
    ],
    ids=["nan", "infinity", "nested-negative-infinity", "date", "bytes", "set", "int-key", "object", "lone-surrogate"],
)
def test_canonical_json_refuses_what_json_cannot_carry(value: object, message: str) -> None:
    with pytest.raises(LogError, match=re.escape(message)):
        canonical_json(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b' { "b" : 1 ,\n "a" : "\\u00e9" } ', '{"a":"é","b":1}'.encode()),
        ('[1.0, 10, "x"]', b'[1.0,10,"x"]'),
    ],
    ids=["whitespace-order-escapes", "str-input"],
)
def test_canonicalize(raw: bytes | str, expected: bytes) -> None:
    assert canonicalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"a": 1, "a": 2}', "duplicate object key(s) 'a'"),
        (b'{"a": NaN}', "NaN is not allowed"),
        (b"[Infinity]", "Infinity is not allowed"),
        (b"{", "not valid JSON"),
        (b'"\xff"', "not valid JSON"),
    ],
    ids=["duplicate-key", "nan", "infinity", "truncated", "invalid-utf8"],
)
def test_canonicalize_refuses(raw: bytes, message: str) -> None:
    with pytest.raises(LogError, match=re.escape(message)):
        canonicalize(raw)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(JSON_VALUES)
def test_canonical_json_round_trips_and_is_a_fixed_point(value: object) -> None:
    encoded = canonical_json(value)  # type: ignore[arg-type]
    assert json.loads(encoded) == value
    assert canonical_json(json.loads(encoded)) == encoded
    assert canonicalize(encoded) == encoded


class _Label(str):
    """A str subclass (an enum's value, say): written as its text on both paths."""


# What canonical_json must refuse or copy as well as plain JSON: keys that are not strings, NaN,
# tuples, container subclasses, sets, bytes, lone surrogates.
ODD_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.builds(_Label, st.text(max_size=3))
    | st.just("\ud800")
    | st.just(b"x")
    | st.frozensets(st.integers(), max_size=2),
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=3) | st.integers() | st.none() | st.booleans(), children, max_size=4)
        | st.dictionaries(st.text(max_size=3), children, max_size=3).map(collections.OrderedDict)
    ),
    max_leaves=12,
)


def _outcome(encode: Callable[[object], bytes], value: object) -> bytes | str:
    try:
        return encode(value)
    except LogError as error:
        return f"LogError: {error}"


@settings(max_examples=400, deadline=None)
@given(ODD_VALUES)
def test_canonical_json_writes_what_the_checking_walk_writes(value: object) -> None:
    """The direct ``json.dumps`` of :func:`canonical_json` gives the walk's bytes, or its error."""
    assert _outcome(canonical_json, value) == _outcome(entry_module._walked, value)  # type: ignore[arg-type]


# --- purity -----------------------------------------------------------------------------------
def test_ledger_imports_no_database_web_or_cli_code() -> None:
    code = "import sys, ceasefire.ledger; print('\\n'.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    )
    forbidden = {
        "sqlite3",
        "psycopg",
        "psycopg2",
        "typer",
        "rich",
        "starlette",
        "fastapi",
        "uvicorn",
        "ceasefire.cli",
        "pandas",
        "numpy",
    }
    assert loaded & forbidden == set()
