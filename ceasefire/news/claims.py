"""Claims: who stated what about whom, concerning which obligation, credited to which outlet.

A statement is a sentence with a speech verb (``lexicon/claims.yaml``) and a subject, or a
sentence inside a quotation whose speaker was named earlier ("he added", quotations over
several paragraphs). Its speaker's party comes from ``parties``; its kind from the verb, then
from cue words in what was said; the accused are the parties named in what was said (for a
denial, the speaker's own party); the obligation from ``obligations``. A statement yields one
claim per obligation it concerns, and an article one claim per (speaker, accused, obligation).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ceasefire.model import Agreement
from ceasefire.news import lexicon
from ceasefire.news.nlp import parse
from ceasefire.news.obligations import ObligationMatch, ObligationMatcher
from ceasefire.news.parties import PartyResolver
from ceasefire.news.quotes import quote_spans
from ceasefire.news.speakers import Speaker, SpeakerTracker, outlet_in
from ceasefire.news.text import Article

__all__ = ["NewsClaim", "claims_of", "extract_claims", "kind_of"]

_DATELINE_AGENCY = re.compile(r"\(([A-Z][A-Za-z .-]{1,30})\)\s*[-\u2013\u2014]")  # "(Interfax) -"


@dataclass(frozen=True, slots=True)
class NewsClaim:
    """One attributed statement; fields as in ``claims --format json``."""

    file: str
    speaker: str
    speaker_party: str | None
    cited_by: str | None
    kind: str
    accused: tuple[str, ...]
    obligation: str | None
    category: str | None
    quote: str
    sentence: int


@lru_cache(maxsize=1)
def _kind_cues() -> tuple[tuple[str, re.Pattern[str]], ...]:
    cues = lexicon.load("claims.yaml")["kind_cues"]
    return tuple((kind, re.compile("|".join(words), re.I)) for kind, words in cues.items())


def kind_of(verb_kind: str | None, said: str) -> str:
    """The kind of a statement: the verb's own kind, else the first cue found in ``said``."""
    if verb_kind is not None:
        return verb_kind
    for kind, pattern in _kind_cues():
        if pattern.search(said):
            return kind
    return "assessment"


def extract_claims(agreement: Agreement, articles: Sequence[Article]) -> Iterator[NewsClaim]:
    """Claims of every article about ``agreement``, article by article."""
    resolver = PartyResolver(agreement)
    matcher = ObligationMatcher(agreement)
    with closing(parse([a.text for a in articles], parser=True)) as docs:
        for article, doc in zip(articles, docs, strict=True):
            yield from claims_of(article, doc, resolver, matcher)


def claims_of(
    article: Article, doc: Any, resolver: PartyResolver, matcher: ObligationMatcher
) -> list[NewsClaim]:
    """The claims of one article, given its parsed spaCy ``Doc``."""
    agency = _DATELINE_AGENCY.search(doc.text[:200])
    tracker = SpeakerTracker(resolver, quote_spans(doc.text))
    context = _Context(article, resolver, matcher)
    for index, sent in enumerate(doc.sents):
        cited = outlet_in(sent) or (agency.group(1) if agency else None)
        previous: list[ObligationMatch] = []
        for speaker in tracker.statements_of(sent):
            previous = context.add(index, sent.text.strip(), speaker, cited, previous)
    return list(context.claims.values())


class _Context:
    """The claims of one article so far, for the statements that lean on earlier ones: "it
    was a clear violation" (whom? the speaker's last accused), "X rejected the claim" (which?
    the last one made against X)."""

    def __init__(self, article: Article, resolver: PartyResolver, matcher: ObligationMatcher):
        self.article, self.resolver, self.matcher = article, resolver, matcher
        self.claims: dict[tuple[str, tuple[str, ...], str | None], NewsClaim] = {}
        self.last_accused: dict[str, tuple[str, ...]] = {}

    def add(
        self,
        index: int,
        quote: str,
        speaker: Speaker,
        cited: str | None,
        previous: list[ObligationMatch],
    ) -> list[ObligationMatch]:
        """Record the claims of one statement; ``previous``: the obligations of the statement
        before it in the same sentence ("said X and called on Y" share them)."""
        kind = kind_of(speaker.verb_kind, speaker.said)
        accused = self._accused(kind, speaker)
        matches = self.matcher.match(speaker.said) or previous
        if kind == "denial" and not matches:
            matches = self._denied(speaker.party)
        if not accused and (not matches or kind == "assessment"):
            return matches
        if accused:
            self.last_accused[speaker.name] = accused
        for match in matches or [self.matcher.nothing()]:
            claim = NewsClaim(
                file=self.article.file,
                speaker=speaker.name,
                speaker_party=speaker.party,
                cited_by=cited,
                kind=kind,
                accused=accused,
                obligation=match.obligation,
                category=match.category,
                quote=quote,
                sentence=index,
            )
            self.claims.setdefault((claim.speaker, claim.accused, claim.obligation), claim)
        return matches

    def _accused(self, kind: str, speaker: Speaker) -> tuple[str, ...]:
        if kind == "denial":
            return (speaker.party,) if speaker.party else tuple(self.resolver.parties(speaker.said))
        if kind == "commitment":
            return ()
        addressed = [p for p in self.resolver.parties(speaker.addressee) if p != speaker.party]
        if addressed and kind in {"accusation", "demand"}:
            return tuple(addressed)
        named = tuple(p for p in self.resolver.parties(speaker.said) if p != speaker.party)
        if not named and kind == "accusation":
            return self.last_accused.get(speaker.name, ())
        return named

    def _denied(self, party: str | None) -> list[ObligationMatch]:
        for claim in reversed(list(self.claims.values())):
            if party is not None and party in claim.accused and claim.kind != "denial":
                return [ObligationMatch(claim.obligation, claim.category)]
        return []
