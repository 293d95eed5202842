"""ACLED's event taxonomy, current (2019 on) and pre-2019, normalized to the current one.

Every incident carries a current ``event_type`` and, when known, a current ``sub_event_type``;
pre-2019 types are mapped as docs/inputs.md tabulates. Names are matched case-insensitively and
with spaces around ``-`` and ``/`` ignored, and the other spellings ACLED's releases used
(singular, plural, old variants) come from the data table ``vocab/acled_event_types.csv``; the
result uses ACLED's own spelling.
"""

from __future__ import annotations

from ceasefire.sources.vocabulary import acled_spellings
from ceasefire.sources.weapons import classify

__all__ = ["EVENT_TYPES", "OLD_EVENT_TYPES", "needs_context", "normalize_event_type"]

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

# pre-2019 type -> (current type, current sub type); "" where the old row does not say.
OLD_EVENT_TYPES: dict[str, tuple[str, str]] = {
    "Battle-No change of territory": ("Battles", "Armed clash"),
    "Battle-Government regains territory": ("Battles", "Government regains territory"),
    "Battle-Non-state actor overtakes territory": (
        "Battles",
        "Non-state actor overtakes territory",
    ),
    "Remote violence": ("Explosions/Remote violence", ""),  # sub type from the notes
    "Riots/Protests": ("Protests", ""),  # Riots when rioters took part
    "Strategic development": ("Strategic developments", ""),
    "Headquarters or base established": (
        "Strategic developments",
        "Headquarters or base established",
    ),
    "Non-violent transfer of territory": (
        "Strategic developments",
        "Non-violent transfer of territory",
    ),
}

RIOTERS_INTER_CODE = "5"  # pre-2019 ACLED inter1/inter2 code for rioters


def _key(name: str) -> str:
    words = " ".join(name.lower().split())
    return words.replace(" -", "-").replace("- ", "-").replace(" /", "/").replace("/ ", "/")


_CURRENT = {_key(name): name for name in EVENT_TYPES}
_CURRENT_SUB = {_key(sub): sub for subs in EVENT_TYPES.values() for sub in subs}
_CURRENT_SUB_NAMES = frozenset(_CURRENT_SUB.values())
_OLD = {_key(name): mapped for name, mapped in OLD_EVENT_TYPES.items()}
_KNOWN = ", ".join(EVENT_TYPES) + "; before 2019 also " + ", ".join(OLD_EVENT_TYPES)
# Other spellings ACLED releases used (vocab/acled_event_types.csv): key -> the key they mean.
_SPELLINGS = {_key(spelling): _key(means) for spelling, means in acled_spellings().items()}


def normalize_event_type(
    event_type: str,
    sub_event_type: str = "",
    notes: str = "",
    actors: tuple[str, ...] = (),
) -> tuple[str, str]:
    """``(event type, sub event type)`` in the current taxonomy; ``ValueError`` if unknown.

    ``notes`` gives the sub type of a pre-2019 "Remote violence" event; ``actors`` (names and
    inter codes) tell a pre-2019 "Riots/Protests" event's riots from its protests.
    """
    if event_type in EVENT_TYPES and (not sub_event_type or sub_event_type in _CURRENT_SUB_NAMES):
        return event_type, sub_event_type  # the common case: already in ACLED's spelling
    key = _key(event_type)
    key = _SPELLINGS.get(key, key)
    current = _CURRENT.get(key)
    if current is not None:
        sub = sub_event_type.strip()
        return current, _CURRENT_SUB.get(_key(sub), sub)
    if key not in _OLD:
        raise ValueError(f"{event_type.strip()!r} is not an ACLED event type (known: {_KNOWN})")
    mapped_type, mapped_sub = _OLD[key]
    if key == "remote violence":
        rule = classify("", notes)
        mapped_sub = rule.remote_sub_type if rule is not None else ""
    elif key == "riots/protests" and _rioters(actors):
        mapped_type = "Riots"
    return mapped_type, mapped_sub


def needs_context(event_type: str) -> bool:
    """Whether ``normalize_event_type`` reads the notes or the actors for this event type (the
    pre-2019 "Remote violence" and "Riots/Protests", in any spelling): columnar readers pass
    them only then."""
    if event_type in EVENT_TYPES:
        return False
    key = _key(event_type)
    return _SPELLINGS.get(key, key) in ("remote violence", "riots/protests")


def _rioters(actors: tuple[str, ...]) -> bool:
    return any(a == RIOTERS_INTER_CODE or "rioter" in a.lower() for a in actors)
