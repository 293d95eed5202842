"""Issue 11, class 4: no quotas. A token could upload distinct 50 MiB files at 600 requests a
minute until the disk was full. Now reports and evidence bytes are bounded per token and per
party per UTC day (429 with ``Retry-After`` to the next UTC midnight) and uploads stop at a
free-disk floor (507), before any byte is read. Against a real server, on both backends."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api.apikit import Live, database, report, running
from store.storekit import BACKENDS

from ceasefire.api.quotas import seconds_to_tomorrow
from ceasefire.server import create_app

QUOTA_REPORTS = 3
QUOTA_BYTES = 100_000  # the test servers accept files up to 64 KiB (apikit.MAX_UPLOAD)


@pytest.fixture(scope="module", params=BACKENDS)
def guarded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server with small daily quotas and no disk floor."""
    folder = tmp_path_factory.mktemp("quotas")
    with database(request.param, folder) as (settings, tokens):
        small = dataclasses.replace(
            settings,
            evidence=settings.evidence or Path(settings.db + ".evidence"),
            reports_per_day=QUOTA_REPORTS,
            evidence_per_day=QUOTA_BYTES,
            min_free_disk=0,
        )
        app = create_app(small)
        with running(app) as url:
            yield Live(url, app, small, tokens)


def _refused(answer: httpx.Response, status: int) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["status"] == status


def _retry_after(answer: httpx.Response) -> None:
    """``Retry-After`` is the seconds to the next UTC midnight (a few seconds of slack)."""
    _refused(answer, 429)
    assert abs(int(answer.headers["Retry-After"]) - seconds_to_tomorrow()) <= 5


def _attach(client: httpx.Client, report_id: int, data: bytes, name: str = "photo.jpg") -> httpx.Response:
    return client.post(f"/reports/{report_id}/evidence", files={"file": (name, data, "image/jpeg")})


def test_reports_per_token_per_day(guarded: Live) -> None:
    with guarded.client("monitor") as client:
        for n in range(QUOTA_REPORTS):
            assert client.post("/reports", json=report(title=f"mine {n}")).status_code == 201
        _retry_after(client.post("/reports", json=report(title="one too many")))
        first = client.get("/reports").json()["items"][0]["id"]
        _retry_after(client.post(f"/reports/{first}/versions", json=report(title="a correction counts too")))
        assert client.get("/reports").json()["total"] == QUOTA_REPORTS  # nothing more was stored
    with guarded.client("monitor2") as other:  # another token's day is its own
        assert other.post("/reports", json=report()).status_code == 201


def test_reports_per_party_per_day(guarded: Live) -> None:
    """Two tokens of one party share the party's quota: more tokens do not buy more writes."""
    with guarded.client("gov") as gov, guarded.client("gov2") as gov2:
        assert gov.post("/reports", json=report(title="a")).status_code == 201
        assert gov.post("/reports", json=report(title="b")).status_code == 201
        assert gov2.post("/reports", json=report(title="c")).status_code == 201
        answer = gov2.post("/reports", json=report(title="d"))
        _retry_after(answer)
        assert "syria-gov" in answer.json()["detail"]
        _retry_after(gov.post("/reports", json=report(title="e")))
    with guarded.client("opposition") as opposition:  # another party is not affected
        assert opposition.post("/reports", json=report()).status_code == 201


def test_evidence_bytes_per_day(guarded: Live) -> None:
    with guarded.client("opposition") as client:
        report_id = client.get("/reports").json()["items"][0]["id"]
        assert _attach(client, report_id, os.urandom(60_000)).status_code == 201
        _retry_after(_attach(client, report_id, os.urandom(60_000)))  # 120 000 bytes > 100 000
        assert len(client.get(f"/reports/{report_id}").json()["evidence"]) == 1


def test_disk_floor(guarded: Live, tmp_path: Path) -> None:
    """Below the floor an upload answers 507 and nothing reaches the evidence folder."""
    floor = dataclasses.replace(guarded.settings, min_free_disk=2**62, evidence_per_day=0)
    assert guarded.settings.evidence is not None
    before = sorted(p.name for p in guarded.settings.evidence.rglob("*") if p.is_file())
    with running(create_app(floor)) as url:
        headers = {"Authorization": f"Bearer {guarded.tokens['monitor2']}"}
        with httpx.Client(base_url=url + "/api/v1", headers=headers, timeout=30) as client:
            report_id = client.get("/reports").json()["items"][0]["id"]
            _refused(_attach(client, report_id, os.urandom(1000)), 507)
            assert client.get(f"/reports/{report_id}").json()["evidence"] == []
            assert client.post("/reports", json=report()).status_code == 201  # reports still go in
    assert sorted(p.name for p in guarded.settings.evidence.rglob("*") if p.is_file()) == before


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (dt.datetime(2026, 12, 4, 23, 59, 59, tzinfo=dt.UTC), 1),
        (dt.datetime(2026, 12, 4, 0, 0, 0, tzinfo=dt.UTC), 86_400),
        (dt.datetime(2026, 12, 31, 12, 0, 0, 500_000, tzinfo=dt.UTC), 43_200),
    ],
    ids=["last-second", "midnight", "new-year-noon"],
)
def test_retry_after_counts_to_utc_midnight(now: dt.datetime, expected: int) -> None:
    assert seconds_to_tomorrow(now) == expected
