"""The map at 100,000 incidents in a real browser (issue 14): it opens, shows clusters that
stand for every incident, lists a page of them, and stays within the first view's byte budget.

The store is built in one ``add_import`` by ``bench/map_probe.build_store`` (about half a minute
on the 2 shared cores of CI, most of it the log's per-row hashing), served by uvicorn in a
thread; the browser is the session's Debian chromium.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api.apikit import running

from ceasefire.api.state import Settings
from ceasefire.server import create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import map_probe

INCIDENTS = 100_000
BUDGET = 3_000_000  # bytes of the first view (the goal at a million)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a server over 100k incidents, its public map made at start."""
    path = map_probe.build_store(tmp_path_factory.mktemp("map100k"), INCIDENTS)
    with running(create_app(Settings(db=str(path), checkpoint_every=0, warm_public=True))) as url:
        yield url


def test_the_map_opens_at_100k_incidents_and_shows_clusters(page: Any, big: str) -> None:
    received = map_probe.count_bytes(page.context, page)
    page.goto(big + "/")
    page.wait_for_selector(".cluster-badge", timeout=60_000)
    page.wait_for_selector("body[data-ready='true']")
    page.wait_for_load_state("networkidle")
    assert received[0] <= BUDGET, f"the first view took {received[0]:.0f} bytes"
    assert not page.locator("#map-error [role=alert]").count(), page.locator("#map-error").inner_text()
    badges = page.locator(".cluster-badge")
    in_clusters = sum(int(badges.nth(i).inner_text()) for i in range(badges.count()))
    markers = page.locator(".incident-dot").count()
    assert badges.count() > 0 and in_clusters + markers == INCIDENTS
    assert page.locator("#shown-count").inner_text() == f"{INCIDENTS} incidents shown"
    assert page.locator("#incident-list button").count() == 250
    assert page.locator("#incident-more").is_visible()
    page.click("#incident-more")
    page.locator("#incident-list li:nth-child(500) button").wait_for()
    assert page.locator("#incident-list button").count() == 500
    assert page.cf_errors == []
