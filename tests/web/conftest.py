"""Dashboard page fixtures: a real uvicorn server over the Syria database (SQLite: the pages
read the store through the same protocol as the API, whose tests cover both backends).

``site`` (module scoped) is an ``api.apikit.Live``; ``visitor(site, who)`` is an httpx client
that carries the dashboard's ``cf_session`` cookie of a session of token ``who`` (None: the public).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from api.apikit import Live, database, running

from ceasefire.server import create_app


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with database("sqlite", tmp_path_factory.mktemp("web")) as (settings, tokens):
        app = create_app(settings)
        with running(app) as url:
            yield Live(url, app, settings, tokens)


def visitor(site: Live, who: str | None = None) -> httpx.Client:
    """A client as a browser of the dashboard is: signed in (a session of token ``who`` in the
    ``cf_session`` cookie) or not (None)."""
    cookies = {"cf_session": site.session(who)} if who else {}
    return httpx.Client(base_url=site.url, cookies=cookies, timeout=30, follow_redirects=False)
