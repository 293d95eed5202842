"""Seeded synthetic data for benchmarks: ACLED-like incidents over Syria, zones, routes and an
agreement that uses every rule kind. Deterministic for a given seed; columns, never row objects.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry import LineString, Polygon, mapping

from ceasefire.model import Agreement, ExcludedGroup, Obligation, Party, Route, Rule, Zone

BBOX = (35.7, 32.3, 42.3, 37.3)  # lon/lat box around Syria
START = dt.date(2016, 1, 1)

ACTORS1 = [  # (actor, share) — a mix like ACLED's Syria coding
    ("Military Forces of Syria (2000-)", 0.33),
    ("Military Forces of Russia (2000-)", 0.10),
    ("Free Syrian Army", 0.10),
    ("Ahrar al-Sham", 0.06),
    ("Jaysh al-Islam", 0.04),
    ("Islamic State (Syria)", 0.08),
    ("Jabhat Fateh al-Sham", 0.05),
    ("Unidentified Armed Group (Syria)", 0.10),
    ("Global Coalition Against Daesh", 0.04),
    ("QSD: Syrian Democratic Forces", 0.05),
    ("Hezbollah", 0.03),
    ("", 0.02),
]
ACTORS2 = [
    ("Civilians (Syria)", 0.22),
    ("", 0.15),
    ("Military Forces of Syria (2000-)", 0.15),
    ("Free Syrian Army", 0.12),
    ("Islamic State (Syria)", 0.12),
    ("Jabhat Fateh al-Sham", 0.08),
    ("Ahrar al-Sham", 0.06),
    ("QSD: Syrian Democratic Forces", 0.06),
    ("Aid Workers (Syria)", 0.02),
    ("Military Forces of Russia (2000-)", 0.02),
]
EVENTS = [  # (event_type, sub_event_type, weapon, share)
    ("Battles", "Armed clash", "small_arms", 0.28),
    ("Battles", "Government regains territory", "", 0.02),
    ("Explosions/Remote violence", "Air/drone strike", "aircraft", 0.22),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "artillery", 0.16),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "mortar", 0.05),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "mlrs", 0.04),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", "ied", 0.05),
    ("Violence against civilians", "Attack", "small_arms", 0.09),
    ("Strategic developments", "Non-state actor overtakes territory", "", 0.02),
    ("Strategic developments", "Looting/property destruction", "", 0.03),
    ("Protests", "Peaceful protest", "", 0.04),
]
PRECISION = [(1, 0.0, 0.80), (2, 5_000.0, 0.15), (3, 25_000.0, 0.05)]


def _pick(rng: np.random.Generator, table: list[tuple[Any, ...]], n: int) -> np.ndarray:
    shares = np.array([row[-1] for row in table])
    return rng.choice(len(table), size=n, p=shares / shares.sum())


def incidents(n: int, seed: int = 20160912) -> dict[str, Any]:
    """N incidents as columns (the shape ``IncidentTable.from_columns`` takes). Repetitive
    strings are dictionary-encoded (pandas Categorical), as Arrow and Parquet readers give them."""
    rng = np.random.default_rng(seed)
    a1 = np.array([a for a, _ in ACTORS1], dtype=object)[_pick(rng, ACTORS1, n)]
    a2 = np.array([a for a, _ in ACTORS2], dtype=object)[_pick(rng, ACTORS2, n)]
    ev = _pick(rng, EVENTS, n)
    prec = _pick(rng, PRECISION, n)
    notes = np.full(n, "", dtype=object)
    notes[rng.random(n) < 0.01] = "An aid convoy was hit."
    day0 = START.toordinal() + rng.integers(0, 366, n)
    cat = pd.Categorical
    return {
        "id": np.array([f"SYN{i}" for i in range(n)], dtype=object),
        "source": cat(np.full(n, "acled", dtype=object)),
        "date": day0,
        "date_end": np.zeros(n, np.int64),
        "lat": rng.uniform(BBOX[1], BBOX[3], n),
        "lon": rng.uniform(BBOX[0], BBOX[2], n),
        "geo_precision": np.array([p[0] for p in PRECISION])[prec],
        "radius_m": np.array([p[1] for p in PRECISION])[prec],
        "event_type": cat(np.array([e[0] for e in EVENTS], dtype=object)[ev]),
        "sub_event_type": cat(np.array([e[1] for e in EVENTS], dtype=object)[ev]),
        "weapon": cat(np.array([e[2] for e in EVENTS], dtype=object)[ev]),
        "actor1": cat(a1),
        "actor2": cat(a2),
        "notes": cat(notes),
        "fatalities": rng.poisson(1.5, n),
    }


def zones(count: int, rng: np.random.Generator) -> list[Zone]:
    """Irregular 12-gons 3-20 km across, scattered over the box."""
    out = []
    for k in range(count):
        cx, cy = rng.uniform(BBOX[0] + 0.3, BBOX[2] - 0.3), rng.uniform(BBOX[1] + 0.3, BBOX[3] - 0.3)
        r = rng.uniform(0.015, 0.09, 12)
        angles = np.linspace(0, 2 * np.pi, 12, endpoint=False)
        ring = [(cx + ri * np.cos(a), cy + ri * np.sin(a)) for ri, a in zip(r, angles, strict=True)]
        kind = ("designated_area", "besieged_area", "demilitarized_zone")[k % 3]
        out.append(Zone(f"zone-{k}", f"Zone {k}", kind, Polygon(ring)))
    return out


def routes(count: int, rng: np.random.Generator) -> list[Route]:
    """Polylines of 6 vertices, 30-90 km long."""
    out = []
    for k in range(count):
        x, y = rng.uniform(BBOX[0] + 0.5, BBOX[2] - 0.5), rng.uniform(BBOX[1] + 0.5, BBOX[3] - 0.5)
        heading = rng.uniform(0, 2 * np.pi)
        pts = [(x, y)]
        for _ in range(5):
            heading += rng.normal(0, 0.3)
            step = rng.uniform(0.06, 0.18)
            x, y = x + step * np.cos(heading), y + step * np.sin(heading)
            pts.append((x, y))
        out.append(Route(f"route-{k}", f"Route {k}", LineString(pts)))
    return out


def agreement(n_zones: int = 200, n_routes: int = 20, seed: int = 7) -> Agreement:
    """An agreement using every rule kind over the synthetic zones and routes."""
    rng = np.random.default_rng(seed)
    zs, rs = zones(n_zones, rng), routes(n_routes, rng)
    eff = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
    bound = ("syria-gov", "opposition", "russia", "coalition")
    weapons = (("artillery", 3_500.0), ("mlrs", 10_000.0), ("mortar", 2_500.0))
    obligations = [
        Obligation("cease", "cessation_of_hostilities", "No attacks.", bound, eff, rule=Rule("no_attacks")),
        Obligation(
            "cease-zones",
            "civilian_protection",
            "No attacks in zones.",
            bound,
            eff,
            rule=Rule("no_attacks", zones=tuple(z.id for z in zs[:50])),
        ),
        Obligation(
            "air",
            "air_operations",
            "No air strikes in zones.",
            ("syria-gov", "russia"),
            eff,
            rule=Rule("no_air_strikes", zones=tuple(z.id for z in zs)),
        ),
        Obligation(
            "aid",
            "humanitarian_access",
            "Let aid through.",
            bound,
            eff,
            rule=Rule("humanitarian_access", routes=tuple(r.id for r in rs), distance_m=2_000.0),
        ),
        Obligation("gains", "territorial_status_quo", "No gains.", bound, eff, rule=Rule("no_territorial_gains")),
        *[
            Obligation(
                f"clear-{r.id}",
                "withdrawal",
                "Pull back.",
                ("syria-gov", "opposition"),
                eff,
                rule=Rule("keep_clear", route=r.id, weapons=weapons),
            )
            for r in rs
        ],
        Obligation(
            "quiet-week",
            "coordination",
            "Seven quiet days.",
            ("russia", "coalition"),
            eff,
            rule=Rule("condition", over=("cease", "air"), max_per_day=50, consecutive_days=7),
        ),
    ]
    parties = (
        Party("syria-gov", "Government of Syria", ("Military Forces of Syria",), aircraft=True),
        Party("opposition", "Opposition", ("Free Syrian Army", "Ahrar al-Sham", "Jaysh al-Islam")),
        Party("russia", "Russia", ("Military Forces of Russia",), aircraft=True),
        Party("coalition", "Global Coalition Against Daesh", ("Coalition",), aircraft=True),
    )
    excluded = (
        ExcludedGroup("isis", "Islamic State", ("ISIS", "Daesh")),
        ExcludedGroup("nusra", "Jabhat Fateh al-Sham", ("Jabhat al-Nusra",)),
    )
    return Agreement(
        "synthetic",
        "Synthetic benchmark agreement",
        eff,
        "Asia/Damascus",
        parties,
        excluded,
        tuple(zs),
        tuple(rs),
        (),
        tuple(obligations),
    )


def agreement_yaml(ag: Agreement) -> str:
    """The same agreement as a ceasefire/agreement/v1 YAML document (JSON is valid YAML)."""
    import json

    def rule(r: Rule | None) -> Any:
        if r is None:
            return None
        out: dict[str, Any] = {"kind": r.kind}
        for key in ("zones", "routes", "over"):
            if getattr(r, key):
                out[key] = list(getattr(r, key))
        for key in ("route", "distance_m"):
            if getattr(r, key) is not None:
                out[key] = getattr(r, key)
        if r.weapons:
            out["weapons"] = dict(r.weapons)
        if r.kind == "condition":
            out.update(max_per_day=r.max_per_day, consecutive_days=r.consecutive_days)
        return out

    doc = {
        "schema": "ceasefire/agreement/v1",
        "id": ag.id,
        "title": ag.title,
        "effective": ag.effective.isoformat(),
        "timezone": ag.timezone,
        "parties": [
            {"id": p.id, "name": p.name, "aliases": list(p.aliases), "aircraft": p.aircraft} for p in ag.parties
        ],
        "excluded": [{"id": g.id, "name": g.name, "aliases": list(g.aliases)} for g in ag.excluded],
        "zones": [{"id": z.id, "name": z.name, "kind": z.kind, "geometry": mapping(z.geometry)} for z in ag.zones],
        "routes": [{"id": r.id, "name": r.name, "geometry": mapping(r.geometry)} for r in ag.routes],
        "obligations": [
            {
                "id": o.id,
                "category": o.category,
                "text": o.text,
                "bound": list(o.bound),
                **({"rule": rule(o.rule)} if o.rule else {}),
            }
            for o in ag.obligations
        ],
    }
    return json.dumps(doc, indent=1)
