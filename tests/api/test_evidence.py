"""Evidence files: multipart upload, SHA-256 recorded and returned, size limit with 413."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

import pytest
from api.apikit import MAX_UPLOAD, Live, report

from ceasefire.ledger import Receipt, verify_receipt
from ceasefire.store import open_store


def new_report(live: Live, who: str, **changes: object) -> int:
    with live.client(who) as client:
        return int(client.post("/reports", json=report(**changes)).json()["id"])


def upload(live: Live, who: str, report_id: int, data: bytes, name: str = "photo.jpg") -> dict[str, object]:
    with live.client(who) as client:
        answer = client.post(f"/reports/{report_id}/evidence", files={"file": (name, data, "image/jpeg")})
    return {"status": answer.status_code, **answer.json()}


def test_an_upload_is_kept_under_its_sha256_logged_and_listed(live: Live) -> None:
    data = b"\xff\xd8 a photograph of the market " * 40
    sha = hashlib.sha256(data).hexdigest()
    report_id = new_report(live, "gov", client_hash=sha)
    done = upload(live, "gov", report_id, data)
    assert done["status"] == 201 and done["sha256"] == sha and done["size"] == len(data)
    assert done["matches_client_hash"] is True and done["new"] is True
    store = open_store(live.settings.db, key=live.settings.key, evidence=live.settings.evidence)
    try:
        assert store.evidence_files().path(sha).read_bytes() == data
        receipt = Receipt.from_json(json.dumps(done["receipt"]))
        verify_receipt(receipt, store.public_key(), store.log_entry(int(str(done["log_index"]))))  # type: ignore[arg-type]
        assert store.verify_log().ok
    finally:
        store.close()
    with live.client("gov2") as client:
        shown = client.get(f"/reports/{report_id}").json()
    assert shown["evidence"] == [{"sha256": sha, "size": len(data), "name": "photo.jpg", "media_type": "image/jpeg"}]
    again = upload(live, "gov2", report_id, data)  # same party, same file: nothing new
    assert again["status"] == 201 and again["new"] is False and again["log_index"] == done["log_index"]


@pytest.mark.parametrize(
    ("who", "status"), [("monitor2", 404), ("opposition", 404), ("analyst", 403), ("observer", 403)]
)
def test_only_the_submitter_attaches(live: Live, who: str, status: int) -> None:
    report_id = new_report(live, "monitor")
    assert upload(live, who, report_id, b"x")["status"] == status


def test_a_file_over_the_limit_gets_413_and_stores_nothing(live: Live) -> None:
    report_id = new_report(live, "monitor")
    big = upload(live, "monitor", report_id, b"0" * (MAX_UPLOAD + 1))
    assert big["status"] == 413 and big["type"] == "/api/v1/problems/too-large"
    with live.client("monitor") as client:
        assert client.get(f"/reports/{report_id}").json()["evidence"] == []


def test_a_chunked_upload_over_the_limit_is_cut_off_with_413(live: Live) -> None:
    report_id = new_report(live, "monitor")
    boundary = "cfboundary"

    def body() -> Iterator[bytes]:  # no Content-Length: the server must count
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n'.encode()
        for _ in range(40):
            yield b"1" * 8192
        yield f"\r\n--{boundary}--\r\n".encode()

    with live.client("monitor", **{"content-type": f"multipart/form-data; boundary={boundary}"}) as client:
        answer = client.post(f"/reports/{report_id}/evidence", content=body())
    assert answer.status_code == 413 and answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"json": {"file": "not a file"}}, "file"),
        ({"files": {"other": ("a.txt", b"a", "text/plain")}}, "file"),
        ({"content": b"--x\r\nbroken", "headers": {"content-type": "multipart/form-data"}}, "file"),
    ],
    ids=["json", "wrong-field", "no-boundary"],
)
def test_bad_uploads_name_the_field(live: Live, kwargs: dict[str, object], field: str) -> None:
    report_id = new_report(live, "monitor")
    with live.client("monitor") as client:
        answer = client.post(f"/reports/{report_id}/evidence", **kwargs)  # type: ignore[arg-type]
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == field
