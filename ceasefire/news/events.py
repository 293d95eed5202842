"""Event triggers (``lexicon/events.yaml``): the words that say what kind of attack happened."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ceasefire.news import lexicon

__all__ = ["Trigger", "TriggerMention", "find_triggers", "triggers"]


@dataclass(frozen=True, slots=True)
class Trigger:
    """One kind of attack: its weapon class, ACLED types and cause of death. ``rank``: lower is
    more specific."""

    rank: int
    weapon: str
    event_type: str
    sub_event_type: str
    cause: str


@dataclass(frozen=True, slots=True)
class TriggerMention:
    trigger: Trigger
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def triggers() -> tuple[tuple[Trigger, re.Pattern[str]], ...]:
    table = []
    for rank, row in enumerate(lexicon.load("events.yaml")["triggers"]):
        trigger = Trigger(rank, row["weapon"], row["event_type"], row["sub_event_type"], row["cause"])
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(row["patterns"]) + r")(?![\w])", re.I)
        table.append((trigger, pattern))
    return tuple(table)


def find_triggers(text: str) -> list[TriggerMention]:
    """Trigger words in ``text``, in order of appearance, without overlaps."""
    found = [
        TriggerMention(trigger, m.start(), m.end(), m.group())
        for trigger, pattern in triggers()
        for m in pattern.finditer(text)
    ]
    found.sort(key=lambda t: (t.start, -(t.end - t.start), t.trigger.rank))
    kept: list[TriggerMention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def main_trigger(mentions: list[TriggerMention]) -> TriggerMention | None:
    """The most specific trigger of a sentence (lowest rank; the first of equals)."""
    return min(mentions, key=lambda t: t.trigger.rank, default=None)
