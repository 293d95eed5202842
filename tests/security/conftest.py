"""Security tests (issue 11): each module is one class of the issue, tried as an attacker would,
against a real uvicorn server on loopback over SQLite and PostgreSQL (``api.apikit``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api.apikit import Live, database, running
from store.storekit import BACKENDS

from ceasefire.server import create_app


@pytest.fixture(scope="module", params=BACKENDS)
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server over a fresh database (one per test module and backend)."""
    with database(request.param, tmp_path_factory.mktemp("security")) as (settings, tokens):
        app = create_app(settings)
        with running(app) as url:
            yield Live(url, app, settings, tokens)
