"""Which agreement party a piece of text names: by the party's name and aliases (from the
agreement), and by the demonyms, capitals, institutions and officials of the country the name
or an alias contains (``countries`` in ``lexicon/claims.yaml``: "Russian Foreign Minister",
"the Kremlin", "Lavrov" → the party whose name or alias is "Russia").

A name used as a place is not the party: "in Washington", "over Syria", "the Syria deal",
"talks on Syria" (``place_before`` and ``place_after`` in the lexicon)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ceasefire.model import Agreement
from ceasefire.news import lexicon

__all__ = ["PartyMention", "PartyResolver"]


@dataclass(frozen=True, slots=True)
class PartyMention:
    party: str
    start: int
    end: int


def _term_pattern(term: str) -> str:
    body = re.escape(term)
    if term.isupper():  # "US", "FSA": case matters, or "us" becomes a party
        return rf"(?-i:{body})"
    if term[-1] not in "sn":
        # Sources that strip apostrophes write the possessive "Assads", "Syrias" (issue 15);
        # demonyms in -n and plurals in -s would turn into other words ("Syrians").
        return rf"{body}(?:s(?=\s))?"
    return body


@lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    return frozenset(n.lower() for n in lexicon.load("claims.yaml")["place_names"])


@lru_cache(maxsize=1)
def _place_context() -> tuple[re.Pattern[str], re.Pattern[str]]:
    table = lexicon.load("claims.yaml")
    before = "|".join(table["place_before"])
    after = "|".join(table["place_after"])
    return (
        re.compile(rf"(?:^|[^\w-])(?:{before})\s+(?:the\s+)?(?:(?:{_QUARTERS})\s+)?$", re.I),
        re.compile(rf"^['’]?s?\s+(?:{after})\b", re.I),
    )


# "in central Damascus", "over northern Syria": a part of the place.
_QUARTERS = "central|northern|southern|eastern|western|rural|north|south|east|west|downtown|greater"


def _as_place(text: str, start: int, end: int) -> bool:
    """Whether the name at ``text[start:end]`` stands for a place rather than a party."""
    name = text[start:end].lower()
    if name not in _place_names() and not (name.endswith("s") and name[:-1] in _place_names()):
        return False
    before, after = _place_context()
    return bool(before.search(text[max(0, start - 40) : start]) or after.match(text[end:]))


class PartyResolver:
    """Finds party ids in text for one agreement; the first party listed wins shared words."""

    def __init__(self, agreement: Agreement) -> None:
        self._patterns: list[tuple[str, re.Pattern[str]]] = []
        taken: set[str] = set()
        for party in agreement.parties:
            own = [t.strip() for t in (party.name, *party.aliases) if t.strip()]
            terms = [t for t in [*own, *self._country_words(own)] if t.lower() not in taken]
            taken.update(t.lower() for t in terms)
            if terms:
                alternation = "|".join(_term_pattern(t) for t in sorted(terms, key=len, reverse=True))
                pattern = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.I)
                self._patterns.append((party.id, pattern))

    @staticmethod
    def _country_words(own: list[str]) -> list[str]:
        words: list[str] = []
        for country in lexicon.load("claims.yaml")["countries"]:
            if any(_names(name, term) for name in country["names"] for term in own):
                words += [*country["names"], *country["words"]]
        return words

    def mentions(self, text: str) -> list[PartyMention]:
        """Party mentions in ``text``, in order, without overlaps (longest first)."""
        found = [
            PartyMention(party, m.start(), m.end())
            for party, pattern in self._patterns
            for m in pattern.finditer(text)
            if not _as_place(text, m.start(), m.end())
        ]
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        kept: list[PartyMention] = []
        for mention in found:
            if not kept or mention.start >= kept[-1].end:
                kept.append(mention)
        return kept

    def parties(self, text: str) -> list[str]:
        """Distinct party ids named in ``text``, in order of first mention."""
        return list(dict.fromkeys(m.party for m in self.mentions(text)))


def _names(name: str, term: str) -> bool:
    """Whether the country ``name`` appears as words in a party's name or alias ``term``."""
    if name.isupper():
        return re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", term) is not None
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", term, re.I) is not None
