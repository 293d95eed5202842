"""The cached Merkle tree (ceasefire/store/logtree.py, kept by the journal), on every backend:
checkpoints and receipts stay identical to those of a tree rebuilt from the stored leaf hashes,
whatever mix of appends, rollbacks and writes through another connection (another process)
came before."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store.storekit import OpenTarget

from ceasefire.ledger import Receipt, issue_receipt, verify_receipt
from ceasefire.store import SQLStore
from ceasefire.store.logtree import latest_checkpoint

OPS = ("append", "append_other", "rollback", "rollback_other", "checkpoint", "old_receipt")


class Rollback(Exception):
    """Raised inside a write transaction to roll it back."""


def _opened(open_target: OpenTarget) -> tuple[SQLStore, SQLStore]:
    """Two stores (connections) on one fresh database with its log key."""
    first = open_target()
    first.migrate()
    first.ensure_log_key(create=True)
    second = open_target(create=False)
    second.ensure_log_key(create=False)
    return first, second


def _append(store: SQLStore) -> Receipt:
    _, record = store.create_token("monitor", None, "logtree test")
    return store.receipt(record.log_index)


def _rolled_back(store: SQLStore) -> None:
    """An append, its checkpoint and receipt, all rolled back (the cache saw them)."""
    with contextlib.suppress(Rollback), store.db.write():
        _append(store)
        raise Rollback


def _check(store: SQLStore, receipt: Receipt) -> None:
    """``receipt`` is exactly the one a tree rebuilt from the stored hashes gives, and verifies."""
    scratch = store.merkle_log()
    signed = receipt.checkpoint
    assert scratch.root(signed.size) == signed.root_hash
    assert receipt == issue_receipt(scratch, receipt.index, signed)
    public = store.public_key()
    assert public is not None
    verify_receipt(receipt, public, store.log_entry(receipt.index))
    assert store.journal.current_tree().root() == scratch.root()


def _step(op: str, store: SQLStore, other: SQLStore) -> None:
    if op in ("append", "append_other"):
        _check(store, _append(store if op == "append" else other))
    elif op in ("rollback", "rollback_other"):
        _rolled_back(store if op == "rollback" else other)
    elif op == "checkpoint":
        signed = store.checkpoint()
        assert signed.root_hash == store.merkle_log().root() and signed == latest_checkpoint(store.db)
    else:
        _check(store, store.receipt(0))


def test_receipts_match_a_rebuilt_tree_over_any_history(open_target: OpenTarget) -> None:
    store, other = _opened(open_target)

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.sampled_from(OPS), min_size=1, max_size=8))
    def run(ops: list[str]) -> None:
        for op in ops:
            _step(op, store, other)
        for one in (store, other):  # both caches end in agreement with the stored log
            _check(one, _append(one))

    run()


def test_appends_reuse_the_cache_and_a_rollback_rebuilds_it(open_target: OpenTarget) -> None:
    store, _ = _opened(open_target)
    for _ in range(5):
        _check(store, _append(store))
    assert store.journal.tree.rebuilds == 1  # built once, then extended
    _rolled_back(store)
    _check(store, _append(store))
    assert store.journal.tree.rebuilds == 2


@pytest.mark.parametrize("same_count", [True, False], ids=["as-many-leaves", "fewer-leaves"])
def test_a_rolled_back_leaf_replaced_by_another_writer_is_not_trusted(
    open_target: OpenTarget, same_count: bool
) -> None:
    store, other = _opened(open_target)
    _check(store, _append(store))
    with contextlib.suppress(Rollback), store.db.write():  # two doomed leaves, checkpointed
        _append(store)
        _append(store)
        raise Rollback
    _check(other, _append(other))
    if same_count:
        _check(other, _append(other))
    assert store.journal.current_tree().root() == store.merkle_log().root()
    _check(store, _append(store))
