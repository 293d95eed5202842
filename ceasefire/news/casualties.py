"""Counts of the dead in a sentence: "killing at least 12 civilians, including three children".

A number counts the dead when a victim noun follows it (or nothing but a death word: "70
dead") and the nearest casualty word says death rather than injury: first just before it
("killed 12"), then after it ("12 people were killed"), then further back ("the death toll
rose to 12"). Ranges count their lower end, as ACLED does. Words come from
``lexicon/casualties.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ceasefire.news import lexicon
from ceasefire.news.dates import MONTHS
from ceasefire.news.numbers import number_at, vague_numbers

__all__ = ["Count", "Toll", "count_dead", "toll"]

_SKIP_BEFORE_NOUN = frozenset(
    [
        "more",
        "other",
        "others",
        "further",
        "additional",
        "innocent",
        "young",
        "syrian",
        "local",
        "unarmed",
        "armed",
        "government",
        "pro-government",
        "regime",
        "rebel",
        "opposition",
        "kurdish",
        "iraqi",
        "russian",
        "turkish",
        "of",
        "whom",
        "including",
        "among",
        "them",
        "from",
        "the",
        "same",
        "a",
        "an",
    ]
)
_QUALIFIERS = frozenset(
    [
        "at",
        "least",
        "more",
        "than",
        "over",
        "nearly",
        "about",
        "around",
        "some",
        "up",
        "to",
        "almost",
    ]
)
_RANGE_LINKS = frozenset({"to", "-", "or", "and"})
_AFTER_BARE_COUNT = frozenset(
    [
        ",",
        ".",
        ";",
        ":",
        "and",
        "in",
        "on",
        "at",
        "near",
        "including",
        "overnight",
        "when",
        "after",
        "during",
        "as",
        "since",
        "across",
    ]
)
_NOT_COUNTS = frozenset(MONTHS) | frozenset(
    [
        "km",
        "kilometres",
        "kilometers",
        "miles",
        "metres",
        "meters",
        "percent",
        "%",
        "years",
        "year-old",
        "hours",
        "days",
        "weeks",
        "months",
        "minutes",
        "times",
        "am",
        "pm",
    ]
)


@dataclass(frozen=True, slots=True)
class Count:
    """``value`` dead, of the kind ``noun`` says (civilian, combatant, child or "")."""

    value: int
    kind: str  # "civilian" | "combatant" | "subgroup" (children, women...) | "" (not said)
    token: int  # index of the number's first word in the sentence
    included: bool  # introduced by "including"/"among them": part of another count


@dataclass(frozen=True, slots=True)
class Toll:
    fatalities: int
    civilians: int


@lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    table = lexicon.load("casualties.yaml")
    keys = ("death_words", "injury_words", "civilian_nouns", "combatant_nouns", "subgroup_nouns")
    return {key: frozenset(table[key]) for key in keys}


def _victim_kind(word: str) -> str | None:
    words = _words()
    if word in words["subgroup_nouns"]:
        return "subgroup"
    if word in words["civilian_nouns"]:
        return "civilian"
    if word in words["combatant_nouns"]:
        return "combatant"
    return None


def _number(words: Sequence[str], i: int) -> tuple[int, int] | None:
    low = words[i]
    if low in vague_numbers():
        return vague_numbers()[low], 1
    if i + 1 < len(words) and f"{low} {words[i + 1]}" in vague_numbers():
        return vague_numbers()[f"{low} {words[i + 1]}"], 2
    found = number_at(words, i)
    if found is None or (low.isdigit() and len(low) == 4 and 1900 <= int(low) <= 2100):
        return None
    value, used = found
    j = i + used
    upper = number_at(words, j + 1) if j + 1 < len(words) and words[j] in _RANGE_LINKS else None
    if upper is not None:
        used += 1 + upper[1]  # a range "10 to 15" counts its lower end
    return value, used


def _noun_after(words: Sequence[str], j: int) -> tuple[str | None, int]:
    for k in range(j, min(j + 4, len(words))):
        kind = _victim_kind(words[k])
        if kind is not None:
            return kind, k
        if words[k] not in _SKIP_BEFORE_NOUN:
            return None, k
    return None, j


def _casualty_word(words: Sequence[str], span: Iterable[int]) -> str | None:
    vocab = _words()
    for k in span:
        if not 0 <= k < len(words):
            continue
        if words[k] in vocab["death_words"]:
            return "death"
        if words[k] in vocab["injury_words"]:
            return "injury"
    return None


def _fate(words: Sequence[str], i: int, after: int) -> str | None:
    before = range(i - 1, max(-1, i - 4), -1)
    near = _casualty_word(words, [k for k in before if words[k] not in _QUALIFIERS])
    if near is None:
        near = _casualty_word(words, range(after, min(len(words), after + 8)))
    if near is None:
        near = _casualty_word(words, range(i - 1, max(-1, i - 8), -1))
    return near


def count_dead(words: Sequence[str]) -> list[Count]:
    """Counts of the dead among lower-cased ``words`` (one sentence), in order."""
    counts: list[Count] = []
    i = 0
    while i < len(words):
        number = _number(words, i)
        if number is None or (i + number[1] < len(words) and words[i + number[1]] in _NOT_COUNTS):
            i += 1
            continue
        value, used = number
        kind, noun_at = _noun_after(words, i + used)
        bare = kind is None and _casualty_word(words, [i + used]) == "death"  # "18 dead"
        after_verb = (  # "killed three and wounded 40", "kills 4 in ..."
            kind is None
            and _death_just_before(words, i)
            and (i + used == len(words) or words[i + used] in _AFTER_BARE_COUNT)
        )
        if (
            bare
            or after_verb
            or ((kind is not None or _after_toll(words, i)) and _fate(words, i, noun_at + 1) == "death")
        ):
            included = any(w in {"including", "among", "whom"} for w in words[max(0, i - 3) : i])
            counts.append(Count(value, kind or "", i, included))
        i += used
    return counts


def _death_just_before(words: Sequence[str], i: int) -> bool:
    before = [k for k in range(i - 1, max(-1, i - 4), -1) if words[k] not in _QUALIFIERS]
    return _casualty_word(words, before[:1]) == "death"


def _after_toll(words: Sequence[str], i: int) -> bool:
    return "toll" in words[max(0, i - 6) : i]


def toll(counts: Sequence[Count]) -> Toll:
    """Fatalities and civilian fatalities of one incident from its counts.

    Unqualified counts ("12 killed", "the toll rose to 70") are taken as civilians: the wires
    name fighters when fighters die. Groups listed side by side ("5 children and 3 women") add
    up; groups introduced by "including" are already inside another count.
    """
    civilian_totals = [c.value for c in counts if c.kind in {"civilian", ""}]
    listed = sum(c.value for c in counts if c.kind == "subgroup" and not c.included)
    civilians = max([*civilian_totals, listed, 0])
    combatants = max([c.value for c in counts if c.kind == "combatant"] or [0])
    return Toll(fatalities=civilians + combatants, civilians=civilians)
