"""Linking quality fixes found by bench/fusion.py's error classes (issue 13, tuning seeds only)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ceasefire.actor_resolution import AliasResolver
from ceasefire.linking import link_records
from ceasefire.linking.blocking import Places, candidate_pairs
from ceasefire.linking.scoring import Features, Reason, score_pairs
from ceasefire.model import Incident, Rule
from ceasefire.table import IncidentTable
from tests.factories import agreement, incident, obligation

GOV = "Military Forces of Testland (2000-)"
AG = agreement(obligation("cease", Rule("no_attacks")))


def _report(ident: str, file: str, **kw: Any) -> Incident:
    kw.setdefault("actor1", GOV)
    kw.setdefault("actor2", "Civilians (Testland)")
    return incident(ident, file=file, **kw)


def _pair_scores(actor_a: str, actor_b: str) -> tuple[float, int]:
    """(score, reason bits) of one ACLED and one UCDP record of a shelling 2 km apart."""
    table = IncidentTable.from_incidents(
        [_report("a", "acled.csv", actor1=actor_a), _report("b", "ged.csv", actor1=actor_b, lat=35.218)],
        AliasResolver(AG),
    )
    links = link_records(table)
    assert len(links.a) == 1
    return float(links.score[0]), int(links.reasons[0])


def test_two_records_naming_an_excluded_group_agree_on_the_perpetrator() -> None:
    """Before: an excluded group as perpetrator counted as unknown (0.5), like "unknown"."""
    isis, bits = _pair_scores("ISIS", "Daesh")
    gov, _ = _pair_scores(GOV, "Army")
    assert isis == gov
    assert bits & Reason.SAME_PERPETRATOR


def test_an_excluded_group_against_a_party_differs() -> None:
    table = IncidentTable.from_incidents(
        [_report("a", "acled.csv", actor1="ISIS"), _report("b", "ged.csv", actor1=GOV)], AliasResolver(AG)
    )
    places = Places(table.lat, table.lon, table.radius, table.day0, table.day1, np.array([0, 1]))
    a, b, dist = candidate_pairs(places, tolerance_m=5_000.0, lag_days=1)
    _, bits = score_pairs(Features.of(table), a, b, dist, 5_000.0)
    assert bits[0] & Reason.PERPETRATOR_DIFFERS
