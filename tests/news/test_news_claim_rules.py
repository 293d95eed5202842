"""Rules added for real wire text (issue 15), each on sentences written for these tests: the
harmed are not the accused, agentless reports are no claims, an attributed act of war accuses
its doer, and obligation cues follow bench/data/claims/README.md (convention 2)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from ceasefire.model import Agreement, NewsClaim, Obligation, Party
from ceasefire.news.claims import claims_of
from ceasefire.news.obligations import ObligationMatch, ObligationMatcher
from ceasefire.news.parties import PartyResolver
from ceasefire.news.text import Article, clean_text

START = dt.datetime(2016, 9, 12, 19, tzinfo=dt.timezone(dt.timedelta(hours=3)))


def _obligation(id: str, category: str) -> Obligation:
    return Obligation(id, category, f"The {id} obligation.", ("gov", "rebels"), START)


AGREEMENT = Agreement(
    id="test",
    title="Test truce",
    effective=START,
    timezone="Asia/Damascus",
    parties=(
        Party("gov", "Government of Syria", ("Syrian army", "Damascus", "Assad")),
        Party("ru", "Russian Federation", ("Russia",)),
        Party("us", "United States", ("US", "Washington")),
        Party("rebels", "Armed opposition", ("opposition", "rebels")),
    ),
    obligations=tuple(
        _obligation(c, c)
        for c in ("cessation_of_hostilities", "air_operations", "civilian_protection", "humanitarian_access")
    ),
)


def _claims(nlp: Any, text: str) -> list[NewsClaim]:
    article = Article("story.txt", clean_text(text))
    resolver, matcher = PartyResolver(AGREEMENT), ObligationMatcher(AGREEMENT)
    return claims_of(article, nlp(article.text), resolver, matcher)


def _units(claims: list[NewsClaim]) -> set[tuple[str | None, str, tuple[str, ...], str | None]]:
    return {(c.speaker_party, c.kind, c.accused, c.category) for c in claims}


CASES = [
    (
        "harmed-not-accused",
        "Twenty opposition fighters were killed in the fighting, the monitor said.",
        set(),
    ),
    (
        "agentless-report-skipped",
        "Air strikes killed twelve people in the town, activists said.",
        set(),
    ),
    (
        "attributed-act-accuses-doer",
        "The monitor said government aircraft dropped barrel bombs on the town.",
        {(None, "accusation", ("gov",), "air_operations")},
    ),
    (
        "agent-in-passive-kept",
        "The monitor said ten civilians were killed by shelling from the Syrian army.",
        {(None, "accusation", ("gov",), "cessation_of_hostilities")},
    ),
    (
        "strike-on-hospital-stays-air",
        "Activists said Russian jets bombed a hospital in the town.",
        {(None, "accusation", ("ru",), "air_operations")},
    ),
    (
        "chemical-attack-is-civilian-protection",
        "Washington said Damascus used chemical weapons against the town.",
        {("us", "accusation", ("gov",), "civilian_protection")},
    ),
    (
        "non-party-doer-no-claim",
        "The monitor said an Israeli air strike killed five Syrian soldiers near the border.",
        set(),
    ),
    (
        "non-party-speaker-commits-nothing",
        "France said it would push for a resolution on the chemical attack.",
        set(),
    ),
    (
        "stripped-possessive",
        "Activists said Assads aircraft bombed the town.",
        {(None, "accusation", ("gov",), "air_operations")},
    ),
    (
        "demonym-as-place",
        "The monitor said rebels shelled the Syrian capital.",
        {(None, "accusation", ("rebels",), "cessation_of_hostilities")},
    ),
    (
        "ground-fire-is-cessation",
        "The army said rebels fired mortars at the city.",
        {("gov", "accusation", ("rebels",), "cessation_of_hostilities")},
    ),
    (
        "no-accused-no-claim",
        '"There is no excuse for attacking a humanitarian convoy," the US envoy said.',
        set(),
    ),
    (
        "unnamed-terrorists-by-a-party",
        "The army said terrorists fired mortars at the city.",
        {("gov", "accusation", (), "cessation_of_hostilities")},
    ),
    (
        "jihadists-harmed-no-claim",
        "The monitor said fifty jihadists were killed by Syrian troops near the border.",
        set(),
    ),
    (
        "doer-from-armed-actor",
        "Fifteen people were killed in government air strikes on the town, the monitor said.",
        {(None, "accusation", ("gov",), "air_operations")},
    ),
    (
        "name-before-subjectless-verb",
        "Fifteen people were killed in government air strikes on the town the Syrian Observatory for Human Rights said.",
        {(None, "accusation", ("gov",), "air_operations")},
    ),
    (
        "threat-is-no-commitment",
        "The rebels warned that they would launch missiles at the capital.",
        set(),
    ),
    (
        "call-for-inspectors-is-monitoring",
        "Washington called for inspectors to visit the site of the chemical attack.",
        {("us", "demand", (), "monitoring_and_reporting")},
    ),
    (
        "headline-names-no-speaker",
        "Syrian Opposition Calls For Holding Assad Accountable For Chemical Attacks",
        set(),
    ),
]


@pytest.mark.parametrize(("text", "units"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(full_nlp: Any, text: str, units: set[tuple[str | None, str, tuple[str, ...], str | None]]) -> None:
    assert _units(_claims(full_nlp, text)) == units


def _bound(id: str, category: str, bound: tuple[str, ...]) -> Obligation:
    return Obligation(id, category, f"The {id} obligation.", bound, START)


SPLIT = ObligationMatcher(
    dataclasses.replace(
        AGREEMENT,
        obligations=(
            _bound("cease-attacks", "cessation_of_hostilities", ("gov", "ru", "us", "rebels")),
            _bound("no-air-ops", "air_operations", ("gov",)),
            _bound("separate", "separation_of_forces", ("rebels",)),
        ),
    )
)


@pytest.mark.parametrize(
    ("match", "accused", "obligation"),
    [
        (("no-air-ops", "air_operations"), ("us",), "cease-attacks"),  # no air rule binds the US
        (("no-air-ops", "air_operations"), ("gov",), "no-air-ops"),  # it binds the government
        (("no-air-ops", "air_operations"), (), "no-air-ops"),  # nobody accused: nothing to weigh
        (("separate", "separation_of_forces"), ("us",), "separate"),  # only air strikes fall back
    ],
)
def test_an_accusation_names_a_promise_of_the_accused(
    match: tuple[str, str], accused: tuple[str, ...], obligation: str
) -> None:
    found = SPLIT.binding(ObligationMatch(*match), accused, "Aircraft of the coalition struck army positions.")
    assert (found.obligation, found.category) == (obligation, match[1])
