"""The perpetrator rules on single sentences (no spaCy: actors and triggers are found by pattern)."""

from __future__ import annotations

import pytest

from ceasefire.news.actor_mentions import find_actors
from ceasefire.news.events import find_triggers
from ceasefire.news.perpetrators import perpetrator


def side(text: str) -> str | None:
    who = perpetrator(text, find_actors(text), find_triggers(text))
    return who.side if who else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a side named as a place did not act
        ("A car bomb killed 20 people on buses leaving two government-held towns.", None),
        ("An air strike hit a market in a rebel-held town, killing 12.", None),
        ("Shells fell on a regime-controlled district, killing four people.", None),
        # a side named as the source of the news did not act
        ("Syrian state media said a bomb killed nine people in the old city.", None),
        ("A blast killed six people, Syrian state television reported.", None),
        # a side that speaks reports the attack
        ("The opposition said 300 people were killed in a gas attack on the suburbs.", None),
        ("Syrian opposition: 500 killed in chemical attack near the capital.", None),
        # the accused of an accusation is the doer
        ("The opposition accused government forces of gassing hundreds of people.", "government"),
        ("Activists blamed Russian jets for the raid that killed 15 civilians.", "government"),
        # who holds a place did not attack it
        ("Air strikes hit a hospital in a province controlled by rebels, killing ten.", None),
        # a name carrying its weapon acts even after "and" or "killed in"
        ("30 killed in Syrian and Russian air strikes on an ISIS camp.", "government"),
        # a year before a name is no count of its dead
        ("AFP Wednesday 18 Jun 2014 Syrian army helicopter fire killed 12 people.", "government"),
        # unchanged: the weapon in the name, an attack verb after the actor
        ("Russian warplanes struck a hospital, killing eight.", "government"),
        ("Rebels shelled a neighbourhood, killing three civilians.", "opposition"),
    ],
)
def test_perpetrator_side(text: str, expected: str | None) -> None:
    assert side(text) == expected


def test_an_affiliated_group_is_the_group() -> None:
    text = "Al-Qaeda-affiliated gunmen attacked a checkpoint, killing five soldiers."
    assert side(text) == "nusra"
