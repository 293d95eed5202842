"""Event linking and findings per event (issue 13): records of one event from several sources
become one event, count once, weigh corroboration and show disagreement."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceasefire.actor_resolution import AliasResolver
from ceasefire.linking import LinkDecisions, LinkSettings, candidates_of, link_records
from ceasefire.linking.blocking import Places, candidate_pairs, haversine_m
from ceasefire.linking.grades import source_columns
from ceasefire.model import Finding, Incident, Rule
from ceasefire.table import IncidentTable
from tests.factories import agreement, incident, obligation, run

GOV = "Military Forces of Testland (2000-)"
OPP = "Free Army"
CEASE = obligation("cease", Rule("no_attacks"))
AG = agreement(CEASE)


def _table(*incidents: Incident) -> IncidentTable:
    return IncidentTable.from_incidents(incidents, AliasResolver(AG))


def _events(incidents: list[Incident], **kw: Any) -> set[frozenset[str]]:
    """The linked events as sets of (file, id), lone records left out."""
    table = _table(*incidents)
    links = link_records(table, LinkSettings(**kw))
    ids = [f"{table.columns['file'][r]}/{table.columns['id'][r]}" for r in range(len(table))]
    groups: dict[int, set[str]] = {}
    for row, event in enumerate(links.event.tolist()):
        groups.setdefault(event, set()).add(ids[row])
    return {frozenset(g) for g in groups.values() if len(g) > 1}


def _report(ident: str, file: str, **kw: Any) -> Incident:
    kw.setdefault("actor1", GOV)
    kw.setdefault("actor2", "Civilians (Testland)")
    return incident(ident, file=file, **kw)


LINK_CASES = [
    ("same event, two files", [_report("a", "acled.csv"), _report("b", "ged.csv", lat=35.205)], 1),
    ("same file never links", [_report("a", "acled.csv"), _report("b", "acled.csv", line=2)], 0),
    ("a day of lag", [_report("a", "acled.csv"), _report("b", "ged.csv", day=15)], 1),
    ("a week apart", [_report("a", "acled.csv"), _report("b", "ged.csv", day=21)], 0),
    ("60 km apart", [_report("a", "acled.csv"), _report("b", "ged.csv", lat=35.74)], 0),
    ("60 km but vague", [_report("a", "acled.csv"), _report("b", "ged.csv", lat=35.74, radius_m=100_000.0)], 1),
    (
        "protest vs shelling",
        [_report("a", "acled.csv"), _report("b", "ged.csv", event_type="Protests", actor1="Protesters", actor2="")],
        0,
    ),
]


@pytest.mark.parametrize(("records", "events"), [c[1:] for c in LINK_CASES], ids=[c[0] for c in LINK_CASES])
def test_links(records: list[Incident], events: int) -> None:
    assert len(_events(records)) == events


def test_one_record_per_other_file() -> None:
    """Two look-alike records of one file near one record of another: only the closer links."""
    records = [
        _report("m", "monitor.geojson", source="geojson"),
        _report("a1", "acled.csv", lat=35.201),
        _report("a2", "acled.csv", lat=35.23, line=2),
    ]
    assert _events(records) == {frozenset({"monitor.geojson/m", "acled.csv/a1"})}


def test_each_link_has_a_score_and_reasons() -> None:
    table = _table(_report("a", "acled.csv", weapon="artillery"), _report("b", "ged.csv", weapon="artillery"))
    links = link_records(table)
    ((other, score, reasons),) = links.of(0)
    assert other == 1 and 0.6 <= score <= 1
    assert "same perpetrator" in reasons and "same weapon class" in reasons


def _random_records(draw: Any) -> list[Incident]:
    n = draw(st.integers(min_value=0, max_value=30))
    rng = random.Random(draw(st.integers(min_value=0, max_value=10_000)))
    files = ("acled.csv", "ged.csv", "monitor.geojson")
    return [
        _report(
            f"r{k}",
            rng.choice(files),
            lat=35.2 + rng.uniform(-0.1, 0.1),
            lon=36.2 + rng.uniform(-0.1, 0.1),
            day=rng.randint(13, 18),
            radius_m=rng.choice([0.0, 0.0, 5_000.0, 25_000.0]),
            actor1=rng.choice([GOV, OPP, ""]),
            weapon=rng.choice(["", "artillery", "mortar", "aircraft"]),
            fatalities=rng.randint(0, 6),
            line=k,
        )
        for k in range(n)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_linking_ignores_input_order_and_bucket_sizes(data: st.DataObject) -> None:
    records = _random_records(data.draw)
    shuffled = data.draw(st.permutations(records))
    scale = data.draw(st.sampled_from([1.0, 1.7, 3.0]))
    assert _events(list(shuffled), cell_scale=scale) == _events(records)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_blocking_finds_exactly_the_pairs_an_all_pairs_loop_finds(data: st.DataObject) -> None:
    table = _table(*_random_records(data.draw))
    n = len(table)
    files = np.unique(np.asarray(table.columns["file"], dtype=object), return_inverse=True)[1]
    places = Places(table.lat, table.lon, table.radius, table.day0, table.day1, files)
    a, b, _ = candidate_pairs(places, tolerance_m=5_000.0, lag_days=1)
    expected = set()
    for i in range(n):
        for j in range(i + 1, n):
            d = haversine_m(table.lat[i : i + 1], table.lon[i : i + 1], table.lat[j : j + 1], table.lon[j : j + 1])[0]
            near = d <= table.radius[i] + table.radius[j] + 5_000.0
            when = table.day0[i] - 2 <= table.day1[j] and table.day0[j] - 2 <= table.day1[i]
            if files[i] != files[j] and near and when:
                expected.add((i, j))
    assert set(zip(a.tolist(), b.tolist(), strict=True)) == expected


def _verified(*records: Incident) -> list[Finding]:
    return [f for f in run(AG, *records).finding_objects() if f.obligation == "cease"]


def test_one_finding_per_event_lists_every_record() -> None:
    (finding,) = _verified(
        _report("a", "acled.csv"), _report("b", "ged.csv", source="ucdp"), _report("m", "mon.geojson", source="geojson")
    )
    assert set(finding.incidents) == {"a", "b", "m"}
    assert finding.sources == 3
    assert "Linked records" in finding.explanation and "grade A" in finding.explanation


def test_corroboration_raises_confidence_and_lone_records_keep_theirs() -> None:
    vague = {"radius_m": 40_000.0, "lat": 35.2, "lon": 36.35}
    (alone,) = _verified(_report("a", "acled.csv", event_type="Battles", actor2=OPP, **vague))
    (linked,) = _verified(
        _report("a", "acled.csv", event_type="Battles", actor2=OPP, **vague),
        _report("m", "mon.geojson", source="geojson", event_type="Battles", actor2=OPP, **vague),
    )
    assert alone.sources == 1 and alone.incidents == ("a",)
    assert linked.confidence > alone.confidence
    # A battle between bound parties names no single perpetrator: agreement 0.5; the monitor is A (1.0).
    assert (alone.confidence, linked.confidence) == (0.9, round(1 - (1 - 0.9) * (1 - 1.0 * 0.9 * 0.5), 2))


def test_disagreeing_perpetrators_make_the_finding_ambiguous() -> None:
    (finding,) = _verified(
        _report("a", "acled.csv", actor1=GOV, weapon="artillery", fatalities=3),
        _report("m", "mon.geojson", source="geojson", actor1=OPP, weapon="artillery", fatalities=3),
    )
    assert finding.status == "possible_violation" and finding.attribution == "ambiguous"
    assert set(finding.parties) == {"gov", "opp"}
    assert finding.confidence == 0.5  # the representative's 1.0 halved; the dissent adds nothing
    assert "disagree" in finding.explanation and f"names {GOV}" in finding.explanation


def test_independent_sources_that_agree_settle_a_disagreement() -> None:
    (finding,) = _verified(
        _report("a", "acled.csv", actor1=GOV, weapon="artillery"),
        _report("b", "ged.csv", source="ucdp", actor1=GOV, weapon="artillery"),
        _report("m", "mon.geojson", source="geojson", actor1=OPP, weapon="artillery"),
    )
    assert finding.parties == ("gov",) and finding.status == "violation"


def test_clocks_and_summaries_count_events() -> None:
    records = [_report("a", "acled.csv"), _report("b", "ged.csv", source="ucdp")]
    v = run(AG, *records)
    assert v.by_party()["gov"]["violation"] == 1


def test_a_partys_reports_are_one_source_graded_e() -> None:
    table = _table(
        _report("a", "r1", source="report", source_name="Syrian army media"),
        _report("b", "r2", source="report", source_name="Army"),
        _report("c", "acled.csv"),
    )
    sources = source_columns(table, AG)
    assert sources.key[0] == sources.key[1] != sources.key[2]
    assert list(sources.grade) == ["E", "E", "B"]


def test_agreement_grades_override_the_defaults() -> None:
    ag = agreement(CEASE, source_grades=(("acled", "A"),))
    assert list(source_columns(_table(_report("c", "acled.csv")), ag).grade) == ["A"]


def test_dates_still_in_findings() -> None:
    (finding,) = _verified(_report("a", "acled.csv"), _report("b", "ged.csv", day=15))
    assert finding.date == dt.date(2016, 9, 14)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_columnar_writers_match_the_object_path_on_linked_findings(fmt: str) -> None:
    import io

    from ceasefire import formats

    v = run(
        AG,
        _report("a", "acled.csv", actor1=GOV),
        _report("m", "mon.geojson", source="geojson", actor1=OPP),
        _report("z", "acled.csv", lat=36.0, line=2),
    )
    columnar, objects = io.StringIO(), io.StringIO()
    formats.render(v, fmt, columnar)
    (formats.write_json if fmt == "json" else formats.write_csv)(v, objects)
    assert columnar.getvalue() == objects.getvalue()
    assert "disagree" in columnar.getvalue()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_findings_per_event_ignore_input_order(data: st.DataObject) -> None:
    records = _random_records(data.draw)
    shuffled = data.draw(st.permutations(records))

    def documents(rs: list[Incident]) -> list[str]:
        return sorted(repr(f.to_document()) for f in run(AG, *rs).finding_objects())

    assert documents(list(shuffled)) == documents(records)


def test_an_analysts_decisions_force_or_forbid_a_link() -> None:
    """issue 13: a confirmed pair links whatever its score (score 1, its reason said), a split
    pair never links, and the latest decision on a pair is the one applied."""
    records = [_report("a", "acled.csv"), _report("b", "ged.csv", lat=35.205), _report("c", "ged2.csv", day=21)]
    table = _table(*records)
    assert len(_events(records)) == 1 and link_records(table).event[2] == 2  # c: a week later, alone
    split = LinkDecisions.latest([("a", "b", "confirm"), ("b", "a", "split")])
    assert split.split == {("a", "b")} and not split.confirmed
    assert link_records(table, decisions=split).a.tolist() == []
    confirmed = link_records(table, decisions=LinkDecisions.latest([("c", "a", "confirm")]))
    (other, score, reasons), *_ = confirmed.of(2)
    assert other == 0 and score == 1.0 and "confirmed by an analyst" in reasons
    unknown = LinkDecisions.latest([("b", "x", "confirm")])  # a record not in the table: not applied
    assert link_records(table, decisions=unknown).a.tolist() == link_records(table).a.tolist()


def test_candidates_of_a_record_are_scored_without_a_threshold() -> None:
    records = [_report("a", "acled.csv"), _report("b", "ged.csv", lat=35.205, actor1=OPP), _report("c", "x.csv")]
    table = _table(*records)
    own, other, score, reasons = candidates_of(table, np.array([0]))
    assert sorted(other.tolist()) == [1, 2] and set(own.tolist()) == {0}
    assert score[other.tolist().index(1)] < score[other.tolist().index(2)]
    assert all(r > 0 for r in reasons.tolist())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_stored_rows_from_columns_are_the_objects_rows(data: st.DataObject) -> None:
    """A run stores its findings from the engine's columns (issue 14): the same rows, links too,
    as from the ``Finding`` objects, for linked records (several incidents per finding) as well."""
    from ceasefire.service.run_rows import run_rows
    from ceasefire.store.pages import run_rows as object_rows

    v = run(AG, *_random_records(data.draw))
    columns, objects = run_rows(v), object_rows(list(v.finding_objects()))
    assert columns.count == objects.count
    assert list(columns.rows(3)) == list(objects.rows(3))
    assert list(columns.links(3)) == list(objects.links(3))
