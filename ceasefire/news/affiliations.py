"""Whom a speaker speaks for, from a knowledge base of the bodies, offices and people the news
quotes (``lexicon/affiliations.yaml``, issue 15).

Each body names the party it belongs to by a name the agreement's own ``PartyResolver`` knows
("Russia", "Syrian government"), or null for speakers of no party: monitors, UN bodies, NGOs,
third states, excluded groups. The first body whose words occur in the speaker's name wins, so
that "the Syrian Observatory" is a monitor although "Syrian" names Syria. Fallback bodies
("the army", "the Foreign Ministry" named bare) count only when the agreement's names find
nothing in the speaker's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ceasefire.news import lexicon
from ceasefire.news.parties import PartyResolver

__all__ = ["Affiliation", "Affiliations"]


@dataclass(frozen=True, slots=True)
class Affiliation:
    """A body found in a speaker's words and the party it speaks for (None: no party)."""

    role: str
    party: str | None


@dataclass(frozen=True, slots=True)
class _Body:
    role: str
    of: str | None
    fallback: bool
    pattern: re.Pattern[str]


def _alternation(patterns: list[str], acronyms: list[str]) -> re.Pattern[str]:
    words = [f"(?:{p})" for p in patterns] + [f"(?-i:{re.escape(a)})" for a in acronyms]
    return re.compile(r"(?<![\w-])(?:" + "|".join(words) + r")(?![\w-])", re.I)


@lru_cache(maxsize=1)
def _bodies() -> tuple[_Body, ...]:
    rows = lexicon.load("affiliations.yaml")["bodies"]
    return tuple(
        _Body(
            row["role"], row["of"], bool(row.get("fallback")), _alternation(row["patterns"], row.get("acronyms") or [])
        )
        for row in rows
    )


class Affiliations:
    """The knowledge base resolved against one agreement's parties."""

    def __init__(self, resolver: PartyResolver) -> None:
        self._resolver = resolver

    def of(self, words: str, *, fallback: bool = False) -> Affiliation | None:
        """The affiliation of the first body named in ``words`` (a speaker's name), or None
        when none is; ``fallback``: also try the bodies that count only as a last resort."""
        for body in _bodies():
            if body.fallback == fallback and body.pattern.search(words):
                return Affiliation(body.role, self._party(body.of))
        return None

    def _party(self, name: str | None) -> str | None:
        """The agreement party ``name`` stands for; None when it names no party of this one."""
        if name is None:
            return None
        found = self._resolver.parties(name)
        return found[0] if found else None
