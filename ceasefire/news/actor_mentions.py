"""Armed actors named in text (``lexicon/actors.yaml``): who they are and which side they are on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ceasefire.news import lexicon

__all__ = ["Actor", "ActorMention", "actors", "find_actors"]


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    side: str


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor named at ``text[start:end]``."""

    actor: Actor
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def actors() -> tuple[tuple[Actor, re.Pattern[str] | None, re.Pattern[str] | None], ...]:
    """Each actor with its case-insensitive and its case-sensitive (acronym) pattern."""
    table = []
    for row in lexicon.load("actors.yaml")["actors"]:
        actor = Actor(row["id"], row["name"], row["side"])
        words = _alternation(row.get("patterns") or [], re.I)
        acronyms = _alternation(row.get("acronyms") or [], 0)
        table.append((actor, words, acronyms))
    return tuple(table)


def _alternation(patterns: list[str], flags: int) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(patterns) + r")(?![\w])", flags)


def find_actors(text: str) -> list[ActorMention]:
    """Actor mentions in ``text``, in order, without overlaps (longest, then earliest listed)."""
    found: list[tuple[int, int, int, Actor]] = []
    for rank, (actor, words, acronyms) in enumerate(actors()):
        for pattern in (words, acronyms):
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                found.append((m.start(), -(m.end() - m.start()), rank, actor))
    found.sort(key=lambda f: (f[0], f[1], f[2]))
    mentions: list[ActorMention] = []
    for start, negative_length, _, actor in found:
        end = start - negative_length
        if mentions and start < mentions[-1].end:
            continue
        mentions.append(ActorMention(actor, start, end, text[start:end]))
    return mentions
