"""Which weapon class an event used, inferred from its sub event type and notes.

``WEAPON_RULES`` is the one table, most specific first: the first rule whose sub event types
include the event's, or one of whose keywords occurs in its notes, gives the class. Keywords are
whole words, matched case-insensitively, with punctuation read as a space (``air-strike`` is
``air strike``, ``TOS-1`` is ``tos 1``) and a plural ``s``/``es`` allowed on the last word.
``acronyms`` match whole words in their exact case (``TOW`` the missile, not ``tow`` the verb).
No rule matching gives ``""``: unknown, never a guess. docs/inputs.md shows the table.
"""

from __future__ import annotations

import re
import string
from typing import NamedTuple

__all__ = ["WEAPON_RULES", "WeaponRule", "classify", "infer_weapon"]

AIR_STRIKE = "Air/drone strike"
SHELLING = "Shelling/artillery/missile attack"
REMOTE_EXPLOSIVE = "Remote explosive/landmine/IED"
SUICIDE_BOMB = "Suicide bomb"
CHEMICAL_WEAPON = "Chemical weapon"


class WeaponRule(NamedTuple):
    weapon: str  # a class from model.WEAPON_CLASSES (a test checks)
    remote_sub_type: str  # the Explosions/Remote violence sub type it implies, or ""
    keywords: tuple[str, ...]  # lower case words or phrases
    sub_event_types: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()  # matched in their exact case


WEAPON_RULES: tuple[WeaponRule, ...] = (
    WeaponRule("chemical", CHEMICAL_WEAPON, ("chlorine", "sarin", "chemical"), (CHEMICAL_WEAPON,)),
    WeaponRule("heavy_mlrs", SHELLING, ("smerch", "uragan", "tornado", "tos 1", "tos 1a", "heavy mlrs")),
    WeaponRule("mlrs", SHELLING, ("grad", "mlrs", "multiple rocket", "rocket launcher")),
    WeaponRule("mortar", SHELLING, ("mortar",)),
    WeaponRule(
        "atgm",
        SHELLING,
        ("atgm", "kornet", "konkurs", "anti tank guided", "anti tank missile"),
        acronyms=("TOW",),
    ),
    WeaponRule("tank", SHELLING, ("tank",)),
    WeaponRule("drone", AIR_STRIKE, ("drone", "uav")),
    WeaponRule(
        "aircraft",
        AIR_STRIKE,
        (
            "barrel bomb",
            "warplane",
            "war plane",
            "helicopter",
            "jet",
            "airstrike",
            "air strike",
            "air raid",
        ),
        (AIR_STRIKE,),
    ),
    WeaponRule("missile", SHELLING, ("missile", "tochka", "cruise", "ballistic")),
    WeaponRule("ied", SUICIDE_BOMB, ("suicide",), (SUICIDE_BOMB,)),
    WeaponRule(
        "ied",
        REMOTE_EXPLOSIVE,
        ("ied", "vbied", "landmine", "land mine", "car bomb", "roadside bomb", "remote explosive"),
        (REMOTE_EXPLOSIVE,),
    ),
    WeaponRule(
        "artillery",
        SHELLING,
        ("artillery", "howitzer", "shelling", "shelled", "shell"),
        (SHELLING,),
    ),
    WeaponRule("small_arms", "", ("gunfire", "sniper", "sniping", "small arms"), ("Armed clash",)),
)

_NONE = len(WEAPON_RULES)
_PUNCTUATION = string.punctuation.encode()
_SEPARATORS = bytes.maketrans(_PUNCTUATION, b" " * len(_PUNCTUATION))
_TYPOGRAPHIC = str.maketrans(dict.fromkeys("\u2018\u2019\u201c\u201d\u2013\u2014", " "))


class _Cue(NamedTuple):
    """A word that may start a keyword of rule ``number``; the keyword is confirmed by ``phrase``
    (padded with spaces) occurring in the notes, or ``acronym`` matching them, when set."""

    number: int
    phrase: bytes | None = None
    acronym: re.Pattern[str] | None = None


def _cues() -> dict[bytes, list[_Cue]]:
    cues: dict[bytes, list[_Cue]] = {}
    for number, rule in enumerate(WEAPON_RULES):
        for keyword in rule.keywords:
            for variant in (keyword, keyword + "s", keyword + "es"):
                first, *rest = variant.encode().split()
                phrase = b" " + variant.encode() + b" " if rest else None
                cues.setdefault(first, []).append(_Cue(number, phrase))
        for acronym in rule.acronyms:
            pattern = re.compile(rf"\b{re.escape(acronym)}s?\b")
            cues.setdefault(acronym.lower().encode(), []).append(_Cue(number, acronym=pattern))
    return cues


_CUES = _cues()
_CUE_WORDS = frozenset(_CUES)
_SUB_TYPES: dict[str, int] = {}
for _number, _rule in enumerate(WEAPON_RULES):
    for _sub_type in _rule.sub_event_types:
        _SUB_TYPES.setdefault(_sub_type, _number)


def classify(sub_event_type: str, notes: str) -> WeaponRule | None:
    """The first rule of ``WEAPON_RULES`` the event matches, or None."""
    best = _SUB_TYPES.get(sub_event_type, _NONE)
    if notes:
        best = _first_in_notes(notes, best)
    return WEAPON_RULES[best] if best < _NONE else None


def _first_in_notes(notes: str, best: int) -> int:
    """The lowest rule number below ``best`` with a keyword in ``notes``, else ``best``."""
    # Bytes, not str: translating ASCII punctuation in bytes is twice as fast, and readers do
    # this for every row. Non-ASCII bytes are left alone: no keyword has any.
    if not notes.isascii():
        notes = notes.translate(_TYPOGRAPHIC)
    words = notes.encode().lower().translate(_SEPARATORS).split()
    padded = b""
    for word in _CUE_WORDS.intersection(words):  # most notes hold no cue, or one or two
        for cue in _CUES[word]:
            if cue.number >= best:
                continue
            if cue.phrase is not None:
                padded = padded or b" " + b" ".join(words) + b" "
                if cue.phrase not in padded:
                    continue
            if cue.acronym is None or cue.acronym.search(notes):
                best = cue.number
    return best


def infer_weapon(sub_event_type: str, notes: str) -> str:
    """The weapon class the event's sub event type and notes point to, or ``""``."""
    rule = classify(sub_event_type, notes)
    return rule.weapon if rule is not None else ""
