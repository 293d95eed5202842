"""The server signs a checkpoint at least every ``checkpoint_every`` seconds, writes or not."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from api.apikit import database, running

from ceasefire.api.state import Settings
from ceasefire.ledger import Checkpoint, verify_checkpoint
from ceasefire.server import create_app
from ceasefire.store import open_store


def test_checkpoints_are_signed_periodically(tmp_path: Path) -> None:
    with database("sqlite", tmp_path) as (settings, _tokens):
        before = _checkpoints(settings)
        app = create_app(dataclasses.replace(settings, checkpoint_every=0.2))
        with running(app):
            time.sleep(1.5)
        after = _checkpoints(settings)
    fresh = after[len(before) :]
    assert len(fresh) >= 3  # about 7 in 1.5 s; at least 3 even on a loaded machine
    assert len({(c.size, c.root_hash) for c in fresh}) == 1  # nothing was written: one tree
    assert fresh[0].size >= before[-1].size
    assert fresh[-1].timestamp >= fresh[0].timestamp >= before[-1].timestamp


def test_no_periodic_checkpoints_when_disabled(tmp_path: Path) -> None:
    with database("sqlite", tmp_path) as (settings, _tokens):
        before = len(_checkpoints(settings))
        with running(create_app(dataclasses.replace(settings, checkpoint_every=0))):
            time.sleep(0.6)
        assert len(_checkpoints(settings)) == before


def _checkpoints(settings: Settings) -> list[Checkpoint]:
    """The stored checkpoints, each checked against the log's public key."""
    store = open_store(settings.db, key=settings.key, evidence=settings.evidence)
    try:
        key = store.public_key()
        found = store.checkpoints()
        assert key is not None and all(verify_checkpoint(key, c) for c in found)
        return found
    finally:
        store.close()
