"""More requests in flight than the server has worker threads must not hang it: a request waits
for a store connection in the event loop, never in a worker thread (``StorePool.borrow``)."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import httpx
from api.apikit import database, running

from ceasefire.server import create_app


def test_many_more_requests_than_threads_all_finish(tmp_path: Path) -> None:
    with database("sqlite", tmp_path) as (settings, tokens):
        app = create_app(dataclasses.replace(settings, connections=2, rate_per_minute=1e9, burst=10**6))
        with running(app) as url:
            token = next(iter(tokens.values()))

            async def burst() -> list[int]:
                headers = {"Authorization": f"Bearer {token}"}
                async with httpx.AsyncClient(base_url=url + "/api/v1", headers=headers, timeout=60) as client:
                    answers = await asyncio.gather(*(client.get("/clocks") for _ in range(120)))
                return [a.status_code for a in answers]

            statuses = asyncio.run(asyncio.wait_for(burst(), timeout=90))
    assert statuses == [200] * 120  # 120 in flight, 40 worker threads, 2 connections
