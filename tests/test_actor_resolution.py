"""Actor resolution: aliases case-insensitive, whole words, longest first; the rest sorted."""

from __future__ import annotations

import pytest
from factories import agreement
from hypothesis import given
from hypothesis import strategies as st

from ceasefire.actor_resolution import ActorKind, AliasResolver
from ceasefire.model import ExcludedGroup, Party

RESOLVER = AliasResolver(
    agreement(
        parties=(
            Party("syria-gov", "Government of Syria", ("Military Forces of Syria", "Syrian army")),
            Party("coalition", "Coalition", ("Global Coalition Against Daesh",)),
            Party("sdf", "Syrian Democratic Forces", ("QSD",)),
            Party("syria-air", "Syrian Air Force", ()),
        ),
        excluded=(ExcludedGroup("isis", "Islamic State", ("ISIS", "Daesh")),),
    )
)


@pytest.mark.parametrize(
    ("actor", "kind", "entity"),
    [
        ("Military Forces of Syria (2000-)", ActorKind.PARTY, "syria-gov"),
        ("military forces of syria (2000-)", ActorKind.PARTY, "syria-gov"),
        ("Military Forces of Syria (2000-) Air Force", ActorKind.PARTY, "syria-gov"),
        ("Global Coalition Against Daesh", ActorKind.PARTY, "coalition"),
        ("Islamic State (Syria)", ActorKind.EXCLUDED, "isis"),
        ("Daesh fighters", ActorKind.EXCLUDED, "isis"),
        ("QSD: Syrian Democratic Forces", ActorKind.PARTY, "sdf"),
        ("Syrian Air Force", ActorKind.PARTY, "syria-air"),
        ("ISISX Brigade", ActorKind.OTHER, None),  # not a whole word
        ("Unidentified Armed Group (Syria)", ActorKind.UNIDENTIFIED, None),
        ("", ActorKind.UNIDENTIFIED, None),
        ("Civilians (Syria)", ActorKind.CIVILIANS, None),
        ("SARC: Syrian Arab Red Crescent", ActorKind.CIVILIANS, None),
        ("Hezbollah", ActorKind.OTHER, None),
    ],
    ids=[
        "acled-suffix",
        "lower-case",
        "longer-string",
        "longest-alias-wins",
        "name-is-an-alias",
        "alias-inside-text",
        "party-name",
        "second-party-name",
        "whole-words-only",
        "unidentified",
        "empty",
        "civilians",
        "aid-agency",
        "unresolved",
    ],
)
def test_resolve(actor: str, kind: str, entity: str | None) -> None:
    got = RESOLVER.resolve(actor)
    assert (got.kind, got.entity) == (kind, entity)


def test_sides_list_several_actors() -> None:
    side = RESOLVER.side("Military Forces of Syria", "Global Coalition Against Daesh; Islamic State; Civilians")
    assert RESOLVER.mask_to_ids(side.parties) == ("syria-gov", "coalition")
    assert side.excluded and side.civilians and not side.other and not side.empty


def test_unresolved_names_are_listed_once() -> None:
    resolver = AliasResolver(agreement())
    for name in ("Hezbollah", "Hezbollah", "Some Brigade", "Civilians", "Unidentified Armed Group"):
        resolver.resolve(name)
    assert resolver.unresolved() == ["Hezbollah", "Some Brigade"]


@given(st.text(min_size=0, max_size=40))
def test_resolution_never_fails_and_is_stable(text: str) -> None:
    first = RESOLVER.resolve(text)
    assert first == RESOLVER.resolve(text)
    assert first.kind in {
        ActorKind.PARTY,
        ActorKind.EXCLUDED,
        ActorKind.UNIDENTIFIED,
        ActorKind.CIVILIANS,
        ActorKind.OTHER,
    }


@given(st.sampled_from(["Military Forces of Syria", "Global Coalition Against Daesh", "ISIS"]), st.booleans())
def test_case_never_matters(alias: str, upper: bool) -> None:
    variant = alias.upper() if upper else alias.lower()
    assert RESOLVER.resolve(variant) == RESOLVER.resolve(alias)
