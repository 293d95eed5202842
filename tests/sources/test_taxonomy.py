"""ACLED event types: pre-2019 names map to the current taxonomy."""

from __future__ import annotations

import pytest

from ceasefire.sources.taxonomy import EVENT_TYPES, OLD_EVENT_TYPES, normalize_event_type


@pytest.mark.parametrize(
    ("old", "notes", "actors", "expected"),
    [
        ("Battle-No change of territory", "", (), ("Battles", "Armed clash")),
        ("BATTLE - NO CHANGE OF TERRITORY", "", (), ("Battles", "Armed clash")),
        ("Battle-Government regains territory", "", (), ("Battles", "Government regains territory")),
        ("Battle-Non-state actor overtakes territory", "", (), ("Battles", "Non-state actor overtakes territory")),
        ("Remote violence", "Warplanes bombed the town.", (), ("Explosions/Remote violence", "Air/drone strike")),
        (
            "Remote violence",
            "Artillery shelling.",
            (),
            ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
        ),
        (
            "Remote violence",
            "A landmine exploded.",
            (),
            ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
        ),
        ("Remote violence", "A suicide bomber struck.", (), ("Explosions/Remote violence", "Suicide bomb")),
        ("Remote violence", "Sniper fire.", (), ("Explosions/Remote violence", "")),
        ("Remote violence", "An explosion.", (), ("Explosions/Remote violence", "")),
        ("Violence against civilians", "", (), ("Violence against civilians", "")),
        ("Riots/Protests", "", ("Rioters (X)", "", "5", ""), ("Riots", "")),
        ("Riots/Protests", "", ("Police Forces of X", "Rioters (X)", "1", "5"), ("Riots", "")),
        ("Riots/Protests", "", ("Protesters (X)", "", "6", ""), ("Protests", "")),
        ("Strategic development", "", (), ("Strategic developments", "")),
        ("Headquarters or base established", "", (), ("Strategic developments", "Headquarters or base established")),
        ("Non-violent transfer of territory", "", (), ("Strategic developments", "Non-violent transfer of territory")),
    ],
    ids=[
        "battle",
        "battle-shouted",
        "regains",
        "overtakes",
        "remote-air",
        "remote-shelling",
        "remote-landmine",
        "remote-suicide",
        "remote-small-arms",
        "remote-unknown",
        "civilians",
        "rioters-actor1",
        "rioters-actor2",
        "protesters",
        "strategic",
        "headquarters",
        "transfer",
    ],
)
def test_old_types(old: str, notes: str, actors: tuple[str, ...], expected: tuple[str, str]) -> None:
    assert normalize_event_type(old, "", notes, actors) == expected


def test_current_types_keep_their_sub_type_in_acled_spelling() -> None:
    for event_type, sub_types in EVENT_TYPES.items():
        for sub_type in sub_types:
            assert normalize_event_type(event_type.upper(), f" {sub_type.lower()} ") == (
                event_type,
                sub_type,
            )
    assert normalize_event_type("Battles", "Unusual sub type") == ("Battles", "Unusual sub type")


def test_every_old_type_maps_into_the_current_taxonomy() -> None:
    for event_type, sub_type in OLD_EVENT_TYPES.values():
        assert sub_type in (*EVENT_TYPES[event_type], "")


def test_unknown_type() -> None:
    with pytest.raises(ValueError, match=r"^'Skirmish' is not an ACLED event type"):
        normalize_event_type(" Skirmish ")
