"""Speakers' parties from the knowledge base (lexicon/affiliations.yaml, issue 15), on sentences
written for these tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ceasefire.model import Agreement, NewsClaim, Obligation, Party
from ceasefire.news.affiliations import Affiliations
from ceasefire.news.claims import claims_of
from ceasefire.news.obligations import ObligationMatcher
from ceasefire.news.parties import PartyResolver
from ceasefire.news.text import Article, clean_text

START = dt.datetime(2016, 9, 12, 19, tzinfo=dt.timezone(dt.timedelta(hours=3)))
AGREEMENT = Agreement(
    id="test",
    title="Test truce",
    effective=START,
    timezone="Asia/Damascus",
    parties=(
        Party("gov", "Government of Syria", ("Syrian army", "Damascus")),
        Party("ru", "Russian Federation", ("Russia",)),
        Party("us", "United States", ("US", "Washington")),
        Party("rebels", "Armed opposition", ("opposition", "rebels")),
    ),
    obligations=(
        Obligation("stop", "cessation_of_hostilities", "Cease attacks with any weapons.", ("gov", "rebels"), START),
        Obligation("sky", "air_operations", "No combat aviation over designated areas.", ("gov",), START),
    ),
)


def _claims(nlp: Any, text: str) -> list[NewsClaim]:
    article = Article("story.txt", clean_text(text))
    resolver, matcher = PartyResolver(AGREEMENT), ObligationMatcher(AGREEMENT)
    return claims_of(article, nlp(article.text), resolver, matcher)


BODIES = [
    ("monitor-named-syrian", "the Syrian Observatory for Human Rights", None),
    ("monitor-acronym", "SOHR", None),
    ("generic-monitor", "a Britain-based opposition monitoring group", None),
    ("un-body", "the UN humanitarian coordinator", None),
    ("third-state", "the Turkish foreign minister", None),
    ("reconciliation-centre", "the Russian reconciliation centre", "ru"),
    ("reconciliation-centre-bare", "the Centre for Reconciliation of opposing sides", "ru"),
    ("state-department", "the State Department spokesman", "us"),
    ("coalition-body", "the Syrian National Coalition", "rebels"),
    ("faction", "the Army of Conquest", "rebels"),
    ("state-media", "state news agency SANA", "gov"),
]


@pytest.mark.parametrize(("words", "party"), [b[1:] for b in BODIES], ids=[b[0] for b in BODIES])
def test_body_party(words: str, party: str | None) -> None:
    found = Affiliations(PartyResolver(AGREEMENT)).of(words)
    assert found is not None and found.party == party


def test_unknown_words_name_no_body() -> None:
    assert Affiliations(PartyResolver(AGREEMENT)).of("a man in the street") is None


def test_bare_office_is_a_fallback_only() -> None:
    affiliations = Affiliations(PartyResolver(AGREEMENT))
    assert affiliations.of("the Foreign Ministry") is None
    found = affiliations.of("the Foreign Ministry", fallback=True)
    assert found is not None and found.party == "gov"


SPEAKERS = [
    (
        "monitor-not-syria",
        "The Syrian Observatory said government aircraft bombed a hospital in the town.",
        None,
    ),
    (
        "generic-noun-does-not-inherit",
        "Russia said rebels shelled the city. A monitoring group said Russian jets bombed a market.",
        None,
    ),
    (
        "title-resolved",
        "The Russian FM said the rebels had violated the truce.",
        "ru",
    ),
    (
        "spokesman-inherits",
        "The State Department said nothing. A spokesman said Damascus had violated the truce.",
        "us",
    ),
]


@pytest.mark.parametrize(("text", "party"), [s[1:] for s in SPEAKERS], ids=[s[0] for s in SPEAKERS])
def test_speaker_party_in_context(full_nlp: Any, text: str, party: str | None) -> None:
    found = _claims(full_nlp, text)
    assert found and found[-1].speaker_party == party
