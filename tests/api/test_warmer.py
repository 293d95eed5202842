"""The server makes the public's views of a run in the background (issue 14, ``api/warmer.py``):
when it starts, when a run is stored or published, and when it sees another process store one;
the first visitor after a new run then reads what was made, and a step that fails is logged and
stops nothing."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from api.apikit import Live, database, running
from starlette.applications import Starlette
from store.storekit import BACKENDS

from ceasefire.api.memo import memo_of
from ceasefire.api.warmer import Warmer, warmer_of
from ceasefire.server import create_app


def _until(done: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the warmer did not settle"
        time.sleep(0.02)


class _Runs:
    """A store as the warmer reads it: the newest run and the published ones."""

    def __init__(self) -> None:
        self.newest = 1

    def log_size(self) -> int:
        return self.newest  # a run stored is logged

    def runs(self) -> list[Any]:
        return [type("Run", (), {"id": self.newest})()]

    def published_runs(self) -> set[int]:
        return {1}


class _Pool:
    def __init__(self) -> None:
        self.db, self.lent = _Runs(), 0

    @contextmanager
    def store(self) -> Iterator[Any]:
        self.lent += 1
        yield self.db


def test_it_warms_at_start_on_wake_and_when_another_process_stores_a_run(caplog: pytest.LogCaptureFixture) -> None:
    made: list[str] = []

    def failing(app: Starlette, db: Any) -> None:
        raise RuntimeError("no")

    pool = _Pool()
    steps = (failing, lambda app, db: made.append("views"))
    warmer = Warmer(Starlette(), pool, steps, poll_s=0.05)  # type: ignore[arg-type]
    warmer.wake()  # before start: nothing runs
    assert made == [] and warmer.rounds == 0
    with caplog.at_level(logging.ERROR, logger="ceasefire.api"):
        warmer.start()
        _until(lambda: warmer.rounds == 1 and warmer.idle())
        assert made == ["views"] and "warming failing failed" in caplog.text  # logged; the next step ran
        time.sleep(0.2)  # polls see nothing new: no round
        assert warmer.rounds == 1
        warmer.wake()
        _until(lambda: warmer.rounds == 2 and warmer.idle())
        pool.db.newest = 2  # a run stored by another process
        _until(lambda: warmer.rounds == 3 and warmer.idle())
        warmer.stop()
    assert made == ["views"] * 3


@pytest.fixture(scope="module", params=BACKENDS)
def warm(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server that warms the public's views, as ``ceasefire serve`` does."""
    with database(request.param, tmp_path_factory.mktemp("warm")) as (settings, tokens):
        app = create_app(dataclasses.replace(settings, warm_public=True))
        with running(app) as url:
            yield Live(url, app, settings, tokens)


def _made(app: Starlette) -> dict[str, int]:
    return {name: memo_of(app, name).made for name in ("bulletins", "bulletin_pdfs", "map_views")}


def test_the_first_visitor_after_a_new_run_reads_what_was_made(warm: Live) -> None:
    warmer = warmer_of(warm.app)
    assert warmer is not None
    with warm.client("analyst") as analyst, warm.client() as public:
        run = analyst.post("/runs").json()["id"]
        assert analyst.post(f"/runs/{run}/publish").json()["new"] is True
        # asked while the warm-up makes them: the new run's figures, never the previous run's
        assert public.get("/runs").json()["items"][-1]["id"] == run
        assert public.get("/findings").json()["run"]["id"] == run
    _until(warmer.idle)
    made = _made(warm.app)
    with httpx.Client(base_url=warm.url, timeout=60) as public:
        day = public.get("/bulletin/index.json").json()["days"][-1]["date"]
        for path in ("/index.json", f"/bulletin/{day}.html", f"/bulletin/{day}.pdf", "/scorecards", "/claims"):
            assert public.get(path).status_code == 200, path
        assert public.get("/api/v1/findings").json()["run"]["id"] == run
    assert _made(warm.app) == made  # every answer was made before it was asked for
