"""Weapon-class inference: one rule table, most specific first."""

from __future__ import annotations

import pytest

from ceasefire.model import WEAPON_CLASSES
from ceasefire.sources.taxonomy import EVENT_TYPES
from ceasefire.sources.weapons import WEAPON_RULES, classify, infer_weapon

ERV = EVENT_TYPES["Explosions/Remote violence"]


@pytest.mark.parametrize(
    ("sub_event_type", "notes", "weapon"),
    [
        ("", "Chlorine gas was dropped on the district.", "chemical"),
        ("Chemical weapon", "", "chemical"),
        ("Air/drone strike", "A helicopter dropped barrels with chlorine.", "chemical"),
        ("", "Smerch rockets hit the city.", "heavy_mlrs"),
        ("", "A TOS-1A thermobaric launcher fired on the hill.", "heavy_mlrs"),
        ("", "Shelling with heavy MLRS.", "heavy_mlrs"),
        ("", "Grad rockets fell on the town.", "mlrs"),
        ("", "Fired from a multiple rocket launcher.", "mlrs"),
        ("Shelling/artillery/missile attack", "Mortars hit the market.", "mortar"),
        ("", "Rebels hit a tank with a TOW missile.", "atgm"),
        ("", "An anti-tank guided missile struck a truck.", "atgm"),
        ("", "A Kornet was fired.", "atgm"),
        ("", "They had to tow the truck away.", ""),
        ("Armed clash", "Tanks advanced under fire.", "tank"),
        ("", "The tanker trucks were stopped.", ""),
        ("Air/drone strike", "A drone struck a car.", "drone"),
        ("", "UAVs were seen over the base.", "drone"),
        ("Air/drone strike", "", "aircraft"),
        ("Air/drone strike", "Missiles fired by warplanes.", "aircraft"),
        ("", "Russian air-strikes hit the bakery.", "aircraft"),
        ("", "Barrel bombs were dropped.", "aircraft"),
        ("", "Jets flew over.", "aircraft"),
        ("", "A Tochka missile hit the airport.", "missile"),
        ("Shelling/artillery/missile attack", "A ballistic missile hit the base.", "missile"),
        ("Suicide bomb", "", "ied"),
        ("", "A suicide car bomb exploded.", "ied"),
        ("Remote explosive/landmine/IED", "", "ied"),
        ("", "A landmine killed a shepherd.", "ied"),
        ("", "An IED and a VBIED went off.", "ied"),
        ("Shelling/artillery/missile attack", "", "artillery"),
        ("", "Howitzers shelled the village.", "artillery"),
        ("", "The town was shelled overnight.", "artillery"),
        ("Armed clash", "", "small_arms"),
        ("", "Sniper fire killed a boy.", "small_arms"),
        ("Attack", "Gunmen killed two men.", ""),
        ("", "", ""),
        ("Grenade", "", ""),
    ],
    ids=lambda value: value[:24] or "-",
)
def test_inference(sub_event_type: str, notes: str, weapon: str) -> None:
    assert infer_weapon(sub_event_type, notes) == weapon


def test_notes_with_typographic_punctuation_and_other_scripts() -> None:
    assert infer_weapon("", "\u201cmortar\u201d fire near \u062d\u0644\u0628") == "mortar"
    assert infer_weapon("", "Aleppo\u2014airstrikes resumed") == "aircraft"


def test_every_rule_names_a_weapon_class_and_a_current_sub_type() -> None:
    for rule in WEAPON_RULES:
        assert rule.weapon in WEAPON_CLASSES, rule
        assert rule.remote_sub_type in (*ERV, ""), rule
        assert all(keyword == keyword.lower() for keyword in rule.keywords), rule


def test_remote_sub_type_of_the_first_matching_rule() -> None:
    rule = classify("", "A car bomb exploded at the checkpoint.")
    assert rule is not None and rule.remote_sub_type == "Remote explosive/landmine/IED"
    assert classify("", "nothing to see") is None
