"""The log endpoints: a signed checkpoint, inclusion and consistency proofs that verify alone."""

from __future__ import annotations

import pytest
from api.apikit import Live, report

from ceasefire.ledger import (
    Checkpoint,
    leaf_hash,
    public_key_from_base64,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from ceasefire.store import open_store


def get(live: Live, path: str, **params: int) -> dict[str, object]:
    with live.client("observer") as client:
        answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_the_checkpoint_is_signed_by_the_published_key_and_covers_every_write(live: Live) -> None:
    with live.client("monitor") as client:
        index = client.post("/reports", json=report()).json()["log_index"]
    data = get(live, "/log/checkpoint")
    assert {"size", "root_hash", "timestamp", "key_id", "signature"} <= set(data)
    checkpoint = Checkpoint.from_dict(data)
    key = public_key_from_base64(str(get(live, "/log/key")["public_key"]))
    assert verify_checkpoint(key, checkpoint) and checkpoint.size > index


def test_inclusion_proofs_lead_to_the_signed_root(live: Live) -> None:
    with live.client("monitor") as client:
        done = client.post("/reports", json=report()).json()
    size = int(str(get(live, "/log/checkpoint")["size"]))
    proof = get(live, "/log/proof", index=done["log_index"], size=size)
    assert proof["leaf_hash"] == leaf_hash(done["entry"].encode()).hex()
    nodes = [bytes.fromhex(h) for h in proof["inclusion_proof"]]  # type: ignore[attr-defined]
    root = bytes.fromhex(str(get(live, "/log/checkpoint")["root_hash"]))
    assert verify_inclusion(leaf_hash(done["entry"].encode()), done["log_index"], size, nodes, root)
    assert not verify_inclusion(leaf_hash(b"other"), done["log_index"], size, nodes, root)


@pytest.mark.parametrize("old", [1, 2, 5], ids=["from-1", "from-2", "from-5"])
def test_consistency_proofs_show_the_log_only_grew(live: Live, old: int) -> None:
    before = get(live, "/log/proof", index=0, size=old)
    with live.client("monitor") as client:
        client.post("/reports", json=report())
    new = int(str(get(live, "/log/checkpoint")["size"]))
    proof = get(live, "/log/consistency", **{"from": old, "to": new})
    nodes = [bytes.fromhex(h) for h in proof["consistency_proof"]]  # type: ignore[attr-defined]
    old_root, new_root = bytes.fromhex(str(before["root_hash"])), bytes.fromhex(str(proof["new_root"]))
    assert verify_consistency(old, new, old_root, new_root, nodes)
    assert not verify_consistency(old, new, old_root, new_root, nodes[:-1])


def test_the_log_verifies_after_api_writes(live: Live) -> None:
    with live.client("gov", **{"Idempotency-Key": "log-1"}) as client:
        client.post("/reports", json=report())
    store = open_store(live.settings.db, key=live.settings.key, evidence=live.settings.evidence)
    try:
        assert store.verify_log().ok, store.verify_log().problems
    finally:
        store.close()
