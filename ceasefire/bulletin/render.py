"""The bulletin as HTML (Jinja2, autoescaped), PDF (WeasyPrint, from the same HTML with the
print stylesheet) and JSON (the same data, for the page's JSON twin).

Every value reaches the page through Jinja2's autoescaping, the SVG map included: labels from
the agreement, the sources and the news are data, never markup.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

import jinja2

from ceasefire.bulletin.bounds import ACCESS_LINES
from ceasefire.bulletin.content import AccessState, Bulletin, DayLine, RunInfo
from ceasefire.bulletin.daily import long_date
from ceasefire.bulletin.places import Places
from ceasefire.bulletin.svgmap import maps
from ceasefire.model import Agreement

__all__ = ["html", "index_html", "index_json", "pdf", "pdf_of", "preload", "to_json"]


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ceasefire.bulletin", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["delta"] = _delta
    env.filters["status"] = lambda s: str(s).replace("_", " ")
    env.filters["extent"] = _extent
    return env


def _delta(n: int) -> str:
    """+3, −2 (a true minus sign), ±0."""
    return f"+{n}" if n > 0 else (f"−{-n}" if n < 0 else "±0")


def _extent(bounds: Sequence[float]) -> str:
    def lat(v: float) -> str:
        return f"{abs(v):.2f}°{'N' if v >= 0 else 'S'}"

    def lon(v: float) -> str:
        return f"{abs(v):.2f}°{'E' if v >= 0 else 'W'}"

    west, south, east, north = bounds
    return f"{lat(south)}–{lat(north)}, {lon(west)}–{lon(east)}"


def html(bulletin: Bulletin, agreement: Agreement) -> str:
    """The bulletin page: self-contained (styles inline, map as inline SVG)."""
    day = dt.date.fromisoformat(bulletin.date)
    following = (day + dt.timedelta(days=1)).isoformat()
    return (
        _environment()
        .get_template("bulletin.html")
        .render(
            b=bulletin,
            long_date=long_date(day),
            maps=maps(agreement, bulletin.points),
            next_day=following if following <= bulletin.last else None,
            reach=Places(agreement).route_reach,
            **_access_groups(bulletin.access),
        )
    )


def _access_groups(access: Sequence[AccessState]) -> dict[str, list[AccessState]]:
    """The places shown one by one (all of them when few), then, when there are many (issue
    14: an agreement with 80 routes and besieged areas), the busy places past the first
    ``ACCESS_LINES`` (obstructed first) named on one line, and the quiet ones on another."""
    if len(access) <= ACCESS_LINES:
        return {"listed_access": list(access), "other_access": [], "quiet_access": []}
    busy = [a for a in access if a.findings or a.nearby or a.more]
    order = sorted(busy, key=lambda a: (_STATES.index(a.state), -len(a.findings), -len(a.nearby) - a.more))
    first = {a.id for a in order[:ACCESS_LINES]}
    return {
        "listed_access": [a for a in busy if a.id in first],
        "other_access": [a for a in busy if a.id not in first],
        "quiet_access": [a for a in access if a not in busy],
    }


_STATES = ("obstructed", "possibly obstructed", "no obstruction reported")


def pdf(bulletin: Bulletin, agreement: Agreement) -> bytes:
    """The bulletin as an A4 PDF with page numbers, from the same HTML."""
    return pdf_of(html(bulletin, agreement))


def pdf_of(page: str) -> bytes:
    """A bulletin page (:func:`html`) as an A4 PDF."""
    import weasyprint  # type: ignore[import-untyped]  # here: it loads pango and friends (about a second)

    return bytes(weasyprint.HTML(string=page, base_url=None).write_pdf())


# A page with what a bulletin's first PDF loads: the stylesheets, their fonts (regular, bold,
# mono) and an SVG with text; typeset once when a server starts (``preload``).
_WARM_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>{% include "bulletin.css" %}
{% include "print.css" %}</style></head><body><h1>Warm</h1><p><b>bold</b> <code>mono</code></p>
<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><circle cx="5" cy="5" r="4"/>
<text x="10" y="12" font-family="DejaVu Sans" font-size="9">1</text></svg>
<table><tr><th>a</th><td>1</td></tr></table></body></html>"""


def preload() -> None:
    """Load WeasyPrint (pango, fontconfig: about a second of CPU) and typeset a small page in
    the bulletin's style, so that a server's first PDF request pays only its own typesetting
    (issue 14: ``serve`` calls this in its start-up warming)."""
    pdf_of(_environment().from_string(_WARM_PAGE).render())


_LEFT_OUT = ("more", "earlier", "more_claims")  # bulletin.bounds: present when something was


def to_json(bulletin: Bulletin) -> dict[str, Any]:
    """The bulletin's data as JSON-ready dicts (the page's JSON twin); the counts of rows left
    out (``bulletin.bounds``) only where some were."""
    doc: dict[str, Any] = _trimmed(dataclasses.asdict(bulletin))
    return doc


def _trimmed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _trimmed(v) for k, v in value.items() if not (k in _LEFT_OUT and v == 0)}
    if isinstance(value, list | tuple):
        return type(value)(_trimmed(v) for v in value)
    return value


def index_json(agreement_id: str | None, run: RunInfo | None, days: Sequence[DayLine]) -> dict[str, Any]:
    """``{"agreement", "run", "days": [{"date", "violation", "possible", "incidents", "html", "pdf",
    "json"}]}``; the links are relative to ``/bulletin/``."""
    return {
        "agreement": agreement_id,
        "run": dataclasses.asdict(run) if run else None,
        "days": [
            {**dataclasses.asdict(d), **{ext: f"{d.date}.{ext}" for ext in ("html", "pdf", "json")}} for d in days
        ],
    }


def index_html(agreement_id: str | None, run: RunInfo | None, days: Sequence[DayLine], *, public: bool) -> str:
    return (
        _environment().get_template("index.html").render(agreement_id=agreement_id, run=run, days=days, public=public)
    )
