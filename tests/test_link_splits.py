"""Two records an analyst split are never in one event (issue 13): a third record linking to both
no longer joins them; the link that would is cut, deterministically, and the explanation names
the split that cut it."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceasefire.actor_resolution import AliasResolver
from ceasefire.linking import LinkDecisions, Links, link_records
from ceasefire.model import Incident, Rule
from ceasefire.table import IncidentTable
from tests.factories import agreement, incident, obligation, run

GOV = "Military Forces of Testland (2000-)"
AG = agreement(obligation("cease", Rule("no_attacks")))


def _report(ident: str, file: str, **kw: Any) -> Incident:
    kw.setdefault("actor1", GOV)
    kw.setdefault("actor2", "Civilians (Testland)")
    return incident(ident, file=file, **kw)


def _linked(records: list[Incident], decisions: LinkDecisions) -> tuple[IncidentTable, Links]:
    table = IncidentTable.from_incidents(records, AliasResolver(AG))
    return table, link_records(table, decisions=decisions)


def _events(table: IncidentTable, links: Links) -> set[frozenset[str]]:
    ids = [str(i) for i in table.columns["id"]]
    groups: dict[int, set[str]] = {}
    for row, event in enumerate(links.event.tolist()):
        groups.setdefault(event, set()).add(ids[row])
    return {frozenset(g) for g in groups.values()}


# a (ACLED) and b (UCDP) the same shelling; m, a monitor's report, nearer a than b.
CHAIN = [
    _report("a", "acled.csv", weapon="artillery"),
    _report("b", "ged.csv", lat=35.215, weapon="artillery"),
    _report("m", "monitor.geojson", source="geojson", lat=35.203, weapon="artillery"),
]
SPLIT_AB = LinkDecisions.latest([("a", "b", "split")])


def test_without_a_decision_the_three_records_are_one_event() -> None:
    table, links = _linked(CHAIN, LinkDecisions())
    assert _events(table, links) == {frozenset("abm")}
    assert len(links.cuts) == 0


def test_a_split_pair_joined_through_a_third_record_is_cut_at_the_weaker_link() -> None:
    table, links = _linked(CHAIN, SPLIT_AB)
    assert _events(table, links) == {frozenset("am"), frozenset("b")}
    ids = np.asarray(table.columns["id"], dtype=object)
    assert len(links.cuts) == 1
    assert {ids[links.cuts.a[0]], ids[links.cuts.b[0]]} == {"b", "m"}  # the weaker of m~a, m~b
    assert {ids[links.cuts.by_a[0]], ids[links.cuts.by_b[0]]} == {"a", "b"}


def test_the_explanation_names_the_split_that_cut_a_link() -> None:
    findings = {f.incidents: f for f in run(AG, *CHAIN, decisions=SPLIT_AB).finding_objects()}
    assert set(findings) == {("a", "m"), ("b",)}
    assert "Links cut: b ~ m" in findings["a", "m"].explanation
    assert "(an analyst split a and b)" in findings["a", "m"].explanation


def test_confirmed_links_do_not_override_a_split() -> None:
    """Both links to the third record confirmed: the split still holds, one of them is cut."""
    decided = LinkDecisions.latest([("a", "b", "split"), ("a", "m", "confirm"), ("b", "m", "confirm")])
    table, links = _linked(CHAIN, decided)
    assert _events(table, links) == {frozenset("am"), frozenset("b")}  # ties: canonical order (file, id)


def test_a_later_confirm_of_the_pair_lifts_the_split() -> None:
    decided = LinkDecisions.latest([("a", "b", "split"), ("b", "a", "confirm")])
    table, links = _linked(CHAIN, decided)
    assert _events(table, links) == {frozenset("abm")} and len(links.cuts) == 0


def _random_records(draw: Any) -> tuple[list[Incident], list[tuple[str, str, str]]]:
    n = draw(st.integers(min_value=2, max_value=24))
    rng = random.Random(draw(st.integers(min_value=0, max_value=10_000)))
    files = ("acled.csv", "ged.csv", "monitor.geojson", "news.txt")
    records = [
        _report(
            f"r{k}",
            rng.choice(files),
            lat=35.2 + rng.uniform(-0.03, 0.03),
            lon=36.2 + rng.uniform(-0.03, 0.03),
            day=rng.randint(14, 16),
            radius_m=rng.choice([0.0, 0.0, 5_000.0]),
            weapon=rng.choice(["", "artillery"]),
            fatalities=rng.randint(0, 3),
            line=k,
        )
        for k in range(n)
    ]
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=6))
    decided = [(f"r{x}", f"r{y}", rng.choice(["split", "split", "confirm"])) for x, y in pairs if x != y]
    return records, decided


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_event_holds_a_split_pair_whatever_the_input_order(data: st.DataObject) -> None:
    records, decided = _random_records(data.draw)
    decisions = LinkDecisions.latest(decided)
    table, links = _linked(records, decisions)
    row = {str(i): r for r, i in enumerate(table.columns["id"])}
    for x, y in decisions.split:
        assert links.event[row[x]] != links.event[row[y]]
    shuffled = data.draw(st.permutations(records))
    assert _events(*_linked(list(shuffled), decisions)) == _events(table, links)
    ids = np.asarray(table.columns["id"], dtype=object)
    for k in range(len(links.cuts)):  # every cut names a split pair its link would have joined
        pair = tuple(sorted((ids[links.cuts.by_a[k]], ids[links.cuts.by_b[k]])))
        assert pair in decisions.split
        assert links.event[links.cuts.a[k]] != links.event[links.cuts.b[k]]
