"""Weapon classes, ACLED event types and causes of death from trigger words."""

from __future__ import annotations

import pytest

from ceasefire.model import WEAPON_CLASSES
from ceasefire.news.events import find_triggers, main_trigger, triggers

CASES = [
    (
        "air-strike",
        "Russian air strikes hit the market.",
        "aircraft",
        "Air/drone strike",
        "shelling",
    ),
    (
        "barrel-bomb",
        "Helicopters dropped barrel bombs on the town.",
        "aircraft",
        "Air/drone strike",
        "shelling",
    ),
    ("drone", "A drone strike killed two men.", "drone", "Air/drone strike", "shelling"),
    (
        "mortar",
        "Mortar shells fell on the old city.",
        "mortar",
        "Shelling/artillery/missile attack",
        "shelling",
    ),
    (
        "artillery",
        "Artillery pounded the district.",
        "artillery",
        "Shelling/artillery/missile attack",
        "shelling",
    ),
    (
        "grad",
        "Grad rockets hit the suburb.",
        "mlrs",
        "Shelling/artillery/missile attack",
        "shelling",
    ),
    (
        "smerch",
        "Smerch launchers fired at the road.",
        "heavy_mlrs",
        "Shelling/artillery/missile attack",
        "shelling",
    ),
    (
        "cruise",
        "Cruise missiles struck the airbase.",
        "missile",
        "Shelling/artillery/missile attack",
        "shelling",
    ),
    (
        "atgm",
        "An anti-tank missile destroyed the truck.",
        "atgm",
        "Shelling/artillery/missile attack",
        "shelling",
    ),
    (
        "car-bomb",
        "A car bomb exploded near the checkpoint.",
        "ied",
        "Remote explosive/landmine/IED",
        "explosion",
    ),
    ("suicide", "A suicide bomber blew himself up.", "ied", "Suicide bomb", "explosion"),
    (
        "chemical",
        "Victims of a suspected sarin attack.",
        "chemical",
        "Chemical weapon",
        "chemical and toxic gases",
    ),
    ("sniper", "A sniper shot dead a boy.", "small_arms", "Attack", "shooting"),
    ("execution", "The group executed 19 men.", "small_arms", "Attack", "execution"),
    ("clashes", "Clashes erupted near the airport.", "small_arms", "Armed clash", "unknown"),
    ("torture", "He died under torture in prison.", "other", "Attack", "detention"),
    ("siege", "Children died of starvation in the besieged town.", "other", "Other", "siege"),
]


@pytest.mark.parametrize(("text", "weapon", "sub_event", "cause"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_classification(text: str, weapon: str, sub_event: str, cause: str) -> None:
    found = main_trigger(find_triggers(text))
    assert found is not None
    assert (found.trigger.weapon, found.trigger.sub_event_type, found.trigger.cause) == (
        weapon,
        sub_event,
        cause,
    )


def test_every_weapon_in_the_lexicon_is_a_contract_class() -> None:
    assert {t.weapon for t, _ in triggers()} - {""} <= set(WEAPON_CLASSES)


def test_no_trigger_in_a_calm_sentence() -> None:
    assert find_triggers("Talks resumed in Geneva on Monday.") == []
