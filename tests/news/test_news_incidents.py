"""Whole short articles (written for these tests) through the extractor."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ceasefire.news.incidents import NewsIncident, incidents_of
from ceasefire.news.text import Article, clean_text

CONVOY = """GENEVA, Sept 20, 2016 (Reuters) - Air strikes hit an aid convoy near Urum al-Kubra
west of Aleppo on Monday, killing 20 civilians including a Red Crescent driver, the United
Nations said.

The trucks had been cleared to travel, and the UN blamed Syrian or Russian aircraft."""

MORTARS = """Thursday 6 Oct 2016 Mortar shells fired by rebels hit a school in the Dayr az Zawr
district yesterday, killing three children and two teachers, state media said."""

CAR_BOMB = """Published 12 March 2017

A car bomb exploded at a checkpoint in Hasakeh last week, killing at least twelve people.
Nobody claimed the blast. Kurdish forces sealed off the area."""

EXECUTION = """Islamic State executes 19 men in Raqqa

Raqqa, 3 August 2015 - Islamic State militants executed 19 men in a public square in Raqqa
on Saturday, a monitoring group said."""

CLASHES = """Idlib, 2 May 2017

Clashes between Nusra Front and Ahrar al-Sham near Saraqeb killed 30 fighters on Tuesday."""

CASES = [
    (
        "convoy",
        CONVOY,
        {
            "admin1": "Aleppo",
            "location": "Urum al-Kubra",
            "weapon": "aircraft",
            "sub_event_type": "Air/drone strike",
            "fatalities": 20,
            "civilian_fatalities": 20,
            "date": dt.date(2016, 9, 19),
            "date_precision": 1,
            "cause_of_death": "shelling",
        },
    ),
    (
        "mortars",
        MORTARS,
        {
            "admin1": "Deir-ez-Zor",
            "weapon": "mortar",
            "fatalities": 5,
            "civilian_fatalities": 5,
            "perpetrator": "Syrian Opposition",
            "date": dt.date(2016, 10, 5),
            "cause_of_death": "shelling",
        },
    ),
    (
        "car-bomb",
        CAR_BOMB,
        {
            "admin1": "Al-Hasakeh",
            "weapon": "ied",
            "fatalities": 12,
            "perpetrator": None,
            "date": dt.date(2017, 3, 5),
            "date_precision": 2,
            "cause_of_death": "explosion",
        },
    ),
    (
        "execution",
        EXECUTION,
        {
            "admin1": "Ar-Raqqa",
            "perpetrator": "Islamic State",
            "event_type": "Violence against civilians",
            "fatalities": 19,
            "cause_of_death": "execution",
            "date": dt.date(2015, 8, 1),
        },
    ),
    (
        "clashes",
        CLASHES,
        {
            "admin1": "Idleb",
            "location": "Saraqib",
            "event_type": "Battles",
            "fatalities": 30,
            "civilian_fatalities": 0,
            "date": dt.date(2017, 5, 2),
        },
    ),
]


def _main(nlp: Any, text: str) -> NewsIncident:
    article = Article("a.txt", clean_text(text), None)
    from ceasefire.news.dates import parse_dateline

    article = Article("a.txt", article.text, parse_dateline(article.text))
    found = incidents_of(article, nlp(article.text))
    assert found, "no incident found"
    return found[0]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_main_incident(fast_nlp: Any, text: str, expected: dict[str, Any]) -> None:
    main = _main(fast_nlp, text)
    assert {k: getattr(main, k) for k in expected} == expected


def test_main_incident_keeps_its_sentence_and_coordinates(fast_nlp: Any) -> None:
    main = _main(fast_nlp, CONVOY)
    assert main.quote.startswith("Air strikes hit an aid convoy")
    assert (main.lat, main.lon, main.geo_precision) == (36.149, 36.95, 2)  # "near" the site


def test_an_article_without_violence_has_no_incident(fast_nlp: Any) -> None:
    text = "Diplomats met in Geneva on Monday to discuss the ceasefire in Aleppo."
    assert incidents_of(Article("a.txt", text, None), fast_nlp(text)) == []


def test_other_incidents_follow_the_main_one(fast_nlp: Any) -> None:
    text = (
        "Air strikes killed 12 civilians in Idlib on Monday.\n\n"
        "In a separate attack, a car bomb killed 7 people in Homs."
    )
    found = incidents_of(Article("a.txt", text, dt.date(2016, 9, 20)), fast_nlp(text))
    assert [(i.admin1, i.weapon, i.fatalities) for i in found] == [
        ("Idleb", "aircraft", 12),
        ("Homs", "ied", 7),
    ]


def test_to_model_widens_imprecise_dates_and_places(fast_nlp: Any) -> None:
    from ceasefire.news.incidents import to_model

    main = _main(fast_nlp, CAR_BOMB)  # "last week": precision 2
    incident = to_model(main, 1)
    assert incident is not None and incident.source == "news"
    assert (incident.date, incident.date_end) == (dt.date(2017, 2, 27), dt.date(2017, 3, 5))
    assert incident.radius_m == {1: 0.0, 2: 5000.0, 3: 25000.0}[main.geo_precision]
