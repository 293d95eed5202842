"""The per-app figure cache exists for whichever route asks for it first.

Found by schemathesis: a fresh server whose first request was ``/bulletin/DAY.pdf`` answered 500,
because the bulletin read ``app.state.figures`` before any findings route had made it.
"""

from starlette.applications import Starlette

from ceasefire.api.findings import FigureCache, app_figures


def test_the_first_caller_makes_the_cache_and_later_ones_share_it() -> None:
    app = Starlette()
    assert not hasattr(app.state, "figures")
    first = app_figures(app)
    assert isinstance(first, FigureCache)
    assert app_figures(app) is first
