"""Claims: who stated what about whom, concerning which obligation, credited to which outlet.

A statement is a sentence with a speech verb (``lexicon/claims.yaml``) and a subject, or a
sentence inside a quotation whose speaker was named earlier ("he added", quotations over
several paragraphs). Its speaker's party comes from ``parties``. A verb that makes its own kind
("accused", "denied", "urged") decides the kind, and the accused are whom it addresses. Else
what was said is read clause by clause (``clauses``): each clause's kind comes from its cue
words and its accused from its subject ("its"/"their"/"it" resolved to a party); a clause
about the speaker's own side is a denial when negated ("our aircraft did not fly"), else a
commitment, or a denial when that side was accused earlier in the article. The obligation
comes from ``obligations``. A statement yields one claim per obligation it concerns, and an
article one claim per (speaker, accused, obligation).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import replace
from typing import Any

from ceasefire.model import Agreement, NewsClaim
from ceasefire.news.claim_model import ClaimModel, features
from ceasefire.news.clauses import clauses_of
from ceasefire.news.nlp import parse
from ceasefire.news.obligations import ObligationMatch, ObligationMatcher
from ceasefire.news.parties import PartyResolver
from ceasefire.news.quotes import quote_spans
from ceasefire.news.speakers import Speaker, SpeakerTracker, outlet_in
from ceasefire.news.statements import StatementReader, Verdict, kind_of
from ceasefire.news.text import Article

__all__ = ["claims_of", "extract_claims", "kind_of"]

_DATELINE_AGENCY = re.compile(r"\(([A-Z][A-Za-z .-]{1,30})\)\s*[-\u2013\u2014]")  # "(Interfax) -"
_DATELINE_CITY = re.compile(r"^\s*([A-Z][A-Z .'-]{2,40}?)\s*[,(]")  # "MOSCOW, Sept 16 (TASS)"


def extract_claims(
    agreement: Agreement, articles: Sequence[Article], model: ClaimModel | None = None
) -> Iterator[NewsClaim]:
    """Claims of every article about ``agreement``, article by article; with ``model``, its
    confident category replaces the rules' where a statement concerns one category only."""
    resolver = PartyResolver(agreement)
    matcher = ObligationMatcher(agreement)
    with closing(parse([a.text for a in articles], parser=True)) as docs:
        for article, doc in zip(articles, docs, strict=True):
            yield from claims_of(article, doc, resolver, matcher, model)


def claims_of(
    article: Article,
    doc: Any,
    resolver: PartyResolver,
    matcher: ObligationMatcher,
    model: ClaimModel | None = None,
) -> list[NewsClaim]:
    """The claims of one article, given ``doc``: its text parsed by ``nlp.pipeline(True)``."""
    # doc.text == article.text (spaCy's tokens keep every character), and Doc.text joins every
    # token's text on each read: read three times per article, a third of the rules' time.
    text = article.text
    agency = _DATELINE_AGENCY.search(text[:200])
    city = _DATELINE_CITY.match(text[:60]) if agency else None
    home = next(iter(resolver.parties(city.group(1))), None) if city else None
    tracker = SpeakerTracker(resolver, quote_spans(text), home, abroad=city is not None and home is None)
    context = _Context(article, text, resolver, matcher, model)
    for index, sent in enumerate(doc.sents):
        cited = outlet_in(sent) or (agency.group(1) if agency else None)
        previous: list[ObligationMatch] = []
        for speaker in tracker.statements_of(sent):
            previous = context.add(index, sent.text.strip(), speaker, cited, previous)
    return list(context.claims.values())


# The doers a government speaker names without naming a party ("terrorists fired shells"): the
# one agentless accusation the corpus counts (bench/data/claims/README.md, convention 3).
_UNNAMED_DOERS = re.compile(
    r"\b(?:terrorists|terrorist(?!\s+(?:attack|bomb|car|explosion|blast|bombing|suicide))|gunmen|militants"
    r"|armed (?:terrorist )?groups?)\b",
    re.I,
)


def _is_claim(verdict: Verdict, speaker: Speaker, matched: bool) -> bool:
    """Whether a verdict is a claim: it concerns an obligation, it is not an
    agentless accusation ("air strikes killed 20", "there is no excuse for attacking a convoy")
    unless a party's speaker blames unnamed "terrorists", and only a party commits."""
    if not matched:
        return False  # no obligation named: "accuses foreign actors of orchestrating the conflict"
    if not verdict.accused and verdict.kind in {"assessment", "denial"}:
        return False  # a denial defends someone ("to deny Daesh the ability" defends nobody)
    if not verdict.accused and verdict.kind == "accusation":
        return speaker.party is not None and _UNNAMED_DOERS.search(verdict.words or speaker.said) is not None
    return verdict.kind != "commitment" or speaker.party is not None


# A call for inspectors or an investigation concerns monitoring only, whatever it is about
# (bench/data/claims/README.md, convention 2).
_INQUIRY = "monitoring_and_reporting"


class _Context:
    """The claims of one article so far, for the statements that lean on earlier ones: "it
    was a clear violation" (whom? the speaker's last accused), "X rejected the claim" (which?
    the last one made against X), "and they never did" (what? the speaker's last obligation)."""

    def __init__(
        self,
        article: Article,
        text: str,
        resolver: PartyResolver,
        matcher: ObligationMatcher,
        model: ClaimModel | None,
    ):
        self.article, self.matcher, self.model = article, matcher, model
        self.topic = matcher.topic(text)
        self.reader = StatementReader(resolver, matcher)
        self.claims: dict[tuple[str, tuple[str, ...], str | None], NewsClaim] = {}
        self.last_matches: dict[str, list[ObligationMatch]] = {}

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
        stated = self.matcher.match(speaker.said) or previous
        verdicts, spare = self.reader.verdicts(speaker)
        for ruled in verdicts:
            verdict = self._learned_kind(quote, ruled)
            matches = self._learned(quote, verdict, self._obligations(verdict, speaker, spare, stated))
            if not _is_claim(verdict, speaker, bool(matches)):
                continue
            self.reader.remember(speaker, verdict, [m.category for m in matches])
            if matches:
                self.last_matches[speaker.name] = matches
            for match in matches:
                self._record(index, quote, speaker, cited, verdict, match)
        return stated

    def _obligations(
        self, verdict: Verdict, speaker: Speaker, spare: str, stated: list[ObligationMatch]
    ) -> list[ObligationMatch]:
        """What a verdict concerns: its own words' cues, else those of the statement's other
        words, else (an accusation with no cue at all) what the speaker last spoke of; a
        denial by verb without cues ("rejected the claim") takes the last charge it answers."""
        if speaker.verb_kind is not None:
            matches = stated
        else:
            matches = (
                self.matcher.match(verdict.words) or self.matcher.match(verdict.context) or self.matcher.match(spare)
            )
            if not matches and len(clauses_of(speaker.tokens)) < 2:
                matches = stated
        if not matches and verdict.kind == "accusation" and not stated:
            matches = self.last_matches.get(speaker.name, [])
        if not matches and speaker.verb_kind == "denial":
            matches = self._denied(speaker.party)
        if matches and self.topic is not None and self.matcher.broad(f"{verdict.words} {verdict.context} {spare}"):
            # "blames the government for the attack" in an article about a chemical attack
            matches = [self.matcher.within(self.topic, verdict.words)]
        inquiry = [m for m in matches if m.category == _INQUIRY]
        if verdict.kind == "demand" and inquiry:
            return inquiry  # "called for inspectors to visit the site of the chemical attack"
        return matches

    def _features(self, quote: str) -> list[str]:
        return features(quote, self.matcher.categories(quote), self.topic)

    def _learned_kind(self, quote: str, verdict: Verdict) -> Verdict:
        """The rules' verdict, with the model's kind when it is sure of another."""
        if self.model is None:
            return verdict
        learned = self.model.override_kind(self._features(quote), verdict.kind)
        return verdict if learned is None else replace(verdict, kind=learned)

    def _learned(self, quote: str, verdict: Verdict, matches: list[ObligationMatch]) -> list[ObligationMatch]:
        """The rules' single category, or the model's when it is sure of another; several
        categories (one sentence, two claims) are the rules' to give."""
        if self.model is None or len(matches) != 1:
            return matches
        learned = self.model.override_category(self._features(quote), matches[0].category)
        return matches if learned is None else [self.matcher.within(learned, verdict.words)]

    def _record(
        self,
        index: int,
        quote: str,
        speaker: Speaker,
        cited: str | None,
        verdict: Verdict,
        match: ObligationMatch,
    ) -> None:
        match = self.matcher.binding(match, verdict.accused, quote)
        claim = NewsClaim(
            file=self.article.file,
            speaker=speaker.name,
            speaker_party=speaker.party,
            cited_by=cited,
            kind=verdict.kind,
            accused=verdict.accused,
            obligation=match.obligation,
            category=match.category,
            quote=quote,
            sentence=index,
            date=self.article.published,
        )
        self.claims.setdefault((claim.speaker, claim.accused, claim.obligation), claim)

    def _denied(self, party: str | None) -> list[ObligationMatch]:
        for claim in reversed(list(self.claims.values())):
            if party is not None and party in claim.accused and claim.kind != "denial":
                return [ObligationMatch(claim.obligation, claim.category)]
        return []
