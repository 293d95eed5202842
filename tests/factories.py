"""Small builders for agreements and incidents, so engine tests need no files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shapely.geometry import LineString, Polygon

from ceasefire.actor_resolution import AliasResolver
from ceasefire.model import (
    Agreement,
    ExcludedGroup,
    Incident,
    Line,
    Obligation,
    Party,
    Route,
    Rule,
    Zone,
)
from ceasefire.table import IncidentTable
from ceasefire.verification import Verification, verify_table

UTC3 = dt.timezone(dt.timedelta(hours=3))
EFFECTIVE = dt.datetime(2016, 9, 12, 19, 0, tzinfo=UTC3)

# A 0.4° square zone around (36.0..36.4 E, 35.0..35.4 N); a route and a line well away from it.
ZONE = Polygon([(36.0, 35.0), (36.4, 35.0), (36.4, 35.4), (36.0, 35.4)])
ROUTE = LineString([(38.0, 35.0), (38.0, 35.5)])  # north-south along 38.0 E
LINE = LineString([(40.0, 34.0), (40.0, 35.0)])

PARTIES = (
    Party("gov", "Government", ("Military Forces of Testland", "Army"), side="government", aircraft=True),
    Party("opp", "Opposition", ("Free Army", "Rebels"), side="opposition"),
    Party("ally", "Ally", ("Allied Air Force",), aircraft=True),
    Party("militia", "Militia", ("Hill Militia",)),
)
EXCLUDED = (ExcludedGroup("isis", "Islamic State", ("ISIS", "Daesh")),)


def agreement(*obligations: Obligation, **overrides: Any) -> Agreement:
    fields: dict[str, Any] = dict(
        id="testland",
        title="Testland truce",
        effective=EFFECTIVE,
        timezone="Asia/Damascus",
        parties=PARTIES,
        excluded=EXCLUDED,
        zones=(Zone("z", "Zone", "designated_area", ZONE),),
        routes=(Route("r", "Road", ROUTE),),
        lines=(Line("l", "Line", LINE),),
        obligations=obligations,
    )
    fields.update(overrides)
    return Agreement(**fields)


def obligation(
    ident: str,
    rule: Rule | None,
    bound: tuple[str, ...] = ("gov", "opp", "ally"),
    category: str = "cessation_of_hostilities",
    **kw: Any,
) -> Obligation:
    return Obligation(ident, category, f"text of {ident}", bound, kw.pop("start", EFFECTIVE), rule=rule, **kw)


def incident(ident: str = "e1", day: int = 14, **kw: Any) -> Incident:
    kw.setdefault("lat", 35.2)
    kw.setdefault("lon", 36.2)
    kw.setdefault("event_type", "Explosions/Remote violence")
    kw.setdefault("source", "acled")
    return Incident(id=ident, date=dt.date(2016, 9, day), **kw)


def run(ag: Agreement, *incidents: Incident, **kw: Any) -> Verification:
    resolver = AliasResolver(ag)
    return verify_table(ag, IncidentTable.from_incidents(incidents, resolver), resolver, **kw)


def findings(ag: Agreement, *incidents: Incident) -> dict[str, Any]:
    """Findings keyed by id, as (status, parties, attribution)."""
    return {f.id: (f.status, f.parties, f.attribution) for f in run(ag, *incidents).finding_objects()}
