"""Which obligation of the agreement a statement concerns.

Each obligation category has cue words (``categories`` in ``lexicon/claims.yaml``). A statement
concerns every category it has cues for (two of them give two claims); the broad cues
(``broad_categories``: "truce", "attacks", "civilians") count only when nothing more specific
was said. Within a category, the obligation whose own text shares most words with the statement
wins. Without any cue, an obligation sharing at least ``MIN_SHARED`` content words still matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ceasefire.model import Agreement, Obligation
from ceasefire.news import lexicon

__all__ = ["MIN_SHARED", "ObligationMatch", "ObligationMatcher"]

MIN_SHARED = 3
_WORD = re.compile(r"[a-z][a-z-]+")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "from",
        "at",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "their",
        "they",
        "them",
        "any",
        "all",
        "not",
        "no",
        "will",
        "would",
        "shall",
        "should",
        "must",
        "may",
        "can",
        "into",
        "than",
        "other",
        "such",
        "only",
        "each",
        "both",
        "which",
        "who",
        "whom",
        "said",
        "says",
        "has",
        "have",
        "had",
        "also",
    ]
)


# "besieged" naming a place after a preposition or an article ("strikes on besieged eastern
# Aleppo", "the besieged town") says where the act happened, not that someone besieged it.
_PLACE_BESIEGED = re.compile(
    r"\b(on|in|into|to|of|from|for|at|the|a|an|its|their|and)\s+besieged"
    r"(?=\s+(?:[A-Z]|(?:eastern|western|northern|southern|rebel-held|opposition-held)\b"
    r"|(?:town|city|area|district|neighbou?rhood|suburb|enclave|village|countryside)s?\b))"
)


def _cue_text(said: str) -> str:
    """``said`` without the words that look like cues but only name a place."""
    return _PLACE_BESIEGED.sub(r"\1", said)


_CHEMICAL = re.compile(r"\b(?:chemical|toxic|poison|nerve (?:gas|agent)|sarin|chlorine)\b", re.I)


@dataclass(frozen=True, slots=True)
class ObligationMatch:
    obligation: str | None
    category: str | None


def _cue_patterns(table: dict[str, list[str]]) -> dict[str, re.Pattern[str]]:
    return {
        category: re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.I)
        for category, words in table.items()
    }


@lru_cache(maxsize=1)
def _category_cues() -> tuple[dict[str, re.Pattern[str]], dict[str, re.Pattern[str]]]:
    """(specific, broad) cue patterns by category."""
    table = lexicon.load("claims.yaml")
    return _cue_patterns(table["categories"]), _cue_patterns(table["broad_categories"])


def content_words(text: str) -> set[str]:
    """Lower-case words of ``text`` without stop words, crudely singularised."""
    return {w.rstrip("s") for w in _WORD.findall(text.lower()) if w not in _STOP}


class ObligationMatcher:
    """Matches statements to one agreement's obligations."""

    def __init__(self, agreement: Agreement) -> None:
        self._obligations = agreement.obligations
        self._words = {o.id: content_words(o.text) for o in agreement.obligations}

    def nothing(self) -> ObligationMatch:
        return ObligationMatch(None, None)

    def categories(self, said: str) -> list[str]:
        """The categories ``said`` has cues for, specific ones only when there are any."""
        specific, broad = _category_cues()
        said = _cue_text(said)
        hit = [c for c, pattern in specific.items() if pattern.search(said)]
        if _CHEMICAL.search(said):
            # Chemical weapons are civilian protection whatever delivered them; only aircraft
            # make a second claim (bench/data/claims/README.md, convention 2).
            hit = [c for c in hit if c != "cessation_of_hostilities"]
        return hit or [c for c, pattern in broad.items() if pattern.search(said)]

    def topic(self, text: str) -> str | None:
        """The category whose specific cues ``text`` (a whole article) names most often, at
        least twice; None when there is no such category or two tie."""
        text = _cue_text(text)
        counts = sorted(
            ((len(pattern.findall(text)), category) for category, pattern in _category_cues()[0].items()),
            reverse=True,
        )
        (best, category), (second, _) = counts[0], counts[1]
        return category if best >= 2 and best > second else None

    def broad(self, said: str) -> bool:
        """Whether ``said`` has no specific cue at all (only "attack", "truce", "civilians")."""
        return not any(pattern.search(_cue_text(said)) for pattern in _category_cues()[0].values())

    def within(self, category: str, said: str) -> ObligationMatch:
        """The obligation of ``category`` closest to ``said``."""
        candidates = [o for o in self._obligations if o.category == category]
        best = self._best(candidates, content_words(said))
        return ObligationMatch(best.id if best else None, category)

    def specific(self, said: str) -> bool:
        """Whether ``said`` names a specific act: cues of a category more specific than the
        broad ones, or enough words of one obligation's text."""
        if any(pattern.search(_cue_text(said)) for pattern in _category_cues()[0].values()):
            return True
        words = content_words(said)
        best = self._best(list(self._obligations), words)
        return best is not None and len(words & self._words[best.id]) >= MIN_SHARED

    def match(self, said: str) -> list[ObligationMatch]:
        """One match per category ``said`` concerns (obligation None when the agreement has
        none of that category), or the closest obligation by shared words, or nothing."""
        words = content_words(said)
        matches = []
        for category in self.categories(said):
            best = self._best([o for o in self._obligations if o.category == category], words)
            matches.append(ObligationMatch(best.id if best else None, category))
        if matches:
            return matches
        best = self._best(list(self._obligations), words)
        if best is not None and len(words & self._words[best.id]) >= MIN_SHARED:
            return [ObligationMatch(best.id, best.category)]
        return []

    def binding(self, match: ObligationMatch, accused: tuple[str, ...], said: str) -> ObligationMatch:
        """``match`` as a promise of the accused: when its obligation binds none of them (a strike
        by aircraft of a party no air rule binds), the closest obligation of the same category that
        binds one of them, else, for a strike from the air, of ``cessation_of_hostilities`` (the
        cease-attacks promise covers any attack: bench/data/claims/README.md convention 2); the
        category stays as said. Other promises are not swapped (a party accused of not making its
        allies separate from others keeps that obligation)."""
        chosen = next((o for o in self._obligations if o.id == match.obligation), None)
        if chosen is None or not accused or set(chosen.bound) & set(accused):
            return match
        words = content_words(said)
        fallback = ("cessation_of_hostilities",) if match.category == "air_operations" else ()
        for category in (match.category, *fallback):
            bound = [o for o in self._obligations if o.category == category and set(o.bound) & set(accused)]
            best = self._best(bound, words)
            if best is not None:
                return ObligationMatch(best.id, match.category)
        return match

    def _best(self, candidates: list[Obligation], words: set[str]) -> Obligation | None:
        if not candidates:
            return None
        return max(candidates, key=lambda o: len(words & self._words[o.id]))
