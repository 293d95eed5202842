"""Incidents from news articles: the main one first, then the others each article reports.

An incident is anchored on a sentence that names an attack (``events``) and either a death
count (``casualties``) or a place (``places``). The main incident is the first such sentence
among the opening ones, where wire stories put their lead; its missing facts (place, date,
perpetrator) are filled from the rest of the article. Other incidents are later sentences with
their own attack and death count. docs/news.md#extract explains each field.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from typing import Any

from ceasefire.model import Incident
from ceasefire.news.actor_mentions import ActorMention, find_actors
from ceasefire.news.casualties import Count, count_dead, toll
from ceasefire.news.dates import DateMention, find_dates
from ceasefire.news.events import TriggerMention, find_triggers, main_trigger
from ceasefire.news.nlp import parse
from ceasefire.news.perpetrators import perpetrator
from ceasefire.news.places import PlaceMention, find_places
from ceasefire.news.text import Article

__all__ = ["NewsIncident", "extract_incidents", "incidents_of", "to_model"]

_LEAD_SENTENCES = 6
# A side borrowed from another lead sentence needs more than coming before its trigger: that
# alone picks the sides a story merely mentions ("the Syrian government has not commented").
_LEAD_LEAST = 0.5
_MAX_OTHERS = 5
_DATELINE_CHARS = 300
_RADIUS_M = {1: 0.0, 2: 5_000.0, 3: 25_000.0}  # the discs docs/contracts.md gives levels 2 and 3
_SPAN_DAYS = {1: 0, 2: 6, 3: 30}


@dataclass(frozen=True, slots=True)
class NewsIncident:
    """One incident read from one article; fields as in ``extract --format json``."""

    file: str
    date: dt.date | None
    date_precision: int
    location: str
    admin1: str
    lat: float | None
    lon: float | None
    geo_precision: int
    event_type: str
    sub_event_type: str
    weapon: str
    actors: tuple[str, ...]
    perpetrator: str | None
    fatalities: int
    civilian_fatalities: int
    cause_of_death: str
    quote: str
    sentence: int = 0
    perpetrator_side: str | None = None


@dataclass(frozen=True, slots=True)
class _Sentence:
    index: int
    text: str
    start: int
    triggers: list[TriggerMention]
    places: list[PlaceMention]
    actors: list[ActorMention]
    counts: list[Count]
    dates: list[DateMention]

    @property
    def dead(self) -> int:
        return toll(self.counts).fatalities

    @property
    def is_event(self) -> bool:
        trigger = main_trigger(self.triggers)
        return trigger is not None and (self.dead > 0 or bool(self.places))


def extract_incidents(articles: Sequence[Article]) -> Iterator[NewsIncident]:
    """Incidents of every article, article by article (spaCy runs over them as one batch)."""
    # Close the spaCy generator on any exit, or its worker processes outlive an error and the
    # interpreter waits for them forever.
    with closing(parse([a.text for a in articles])) as docs:
        for article, doc in zip(articles, docs, strict=True):
            yield from incidents_of(article, doc)


def to_model(incident: NewsIncident, number: int) -> Incident | None:
    """The incident as the verification engine's ``Incident`` (``source`` "news"), or None
    when it has no date or no place to verify against."""
    if incident.date is None or incident.lat is None or incident.lon is None:
        return None
    span = _SPAN_DAYS.get(incident.date_precision, 0)
    return Incident(
        id=f"NEWS{number}",
        source="news",
        date=incident.date - dt.timedelta(days=span),
        date_end=incident.date if span else None,
        lat=incident.lat,
        lon=incident.lon,
        event_type=incident.event_type,
        sub_event_type=incident.sub_event_type,
        actor1=incident.perpetrator or "",
        weapon=incident.weapon if incident.weapon != "other" else "",
        date_precision=incident.date_precision,
        geo_precision=incident.geo_precision,
        radius_m=_RADIUS_M.get(incident.geo_precision, 25_000.0),
        fatalities=incident.fatalities,
        country="Syria" if incident.admin1 else "",
        admin1=incident.admin1,
        location=incident.location,
        notes=incident.quote,
        file=incident.file,
    )


def _analyse(doc: Any, published: dt.date | None) -> list[_Sentence]:
    sentences = []
    for index, sent in enumerate(doc.sents):
        text = sent.text
        words = [t.lower_ for t in sent]
        sentences.append(
            _Sentence(
                index,
                text,
                sent.start_char,
                find_triggers(text),
                find_places(sent),
                find_actors(text),
                count_dead(words),
                find_dates(text, published),
            )
        )
    return sentences


def incidents_of(article: Article, doc: Any) -> list[NewsIncident]:
    """The incidents of one article, given its spaCy ``Doc``: the main one first."""
    sentences = _analyse(doc, article.published)
    events = [s for s in sentences if s.is_event]
    if not events:
        return []
    lead = [s for s in events if s.index < _LEAD_SENTENCES]
    main = max(lead or events[:1], key=lambda s: (s.dead > 0, -s.index))
    first = _incident(article, main, sentences, main=True)
    others = [s for s in events if s is not main and s.dead > 0][:_MAX_OTHERS]
    rest = [_incident(article, s, sentences, main=False) for s in others]
    return [first, *_distinct(first, rest)]


def _distinct(first: NewsIncident, rest: Iterable[NewsIncident]) -> list[NewsIncident]:
    seen = {(first.admin1, first.weapon, first.fatalities)}
    kept = []
    for incident in rest:
        key = (incident.admin1, incident.weapon, incident.fatalities)
        if key not in seen:
            seen.add(key)
            kept.append(incident)
    return kept


def _incident(article: Article, sent: _Sentence, sentences: list[_Sentence], *, main: bool) -> NewsIncident:
    trigger = main_trigger(sent.triggers)
    assert trigger is not None  # is_event guarantees it
    if main and trigger.trigger.cause == "unknown":
        trigger = _specific_trigger(sentences) or trigger
    date, precision = _date(sent, article.published)
    who = perpetrator(sent.text, sent.actors, sent.triggers)
    if who is None and main:
        who = _article_perpetrator(sentences)
    counts = toll(sent.counts)
    place = _place(sent, sentences) if main else (sent.places[0] if sent.places else None)
    return _located(
        NewsIncident(
            file=article.file,
            date=date,
            date_precision=precision,
            location="",
            admin1="",
            lat=None,
            lon=None,
            geo_precision=3,
            event_type=trigger.trigger.event_type,
            sub_event_type=trigger.trigger.sub_event_type,
            weapon=trigger.trigger.weapon,
            actors=tuple(dict.fromkeys(m.actor.name for m in sent.actors)),
            perpetrator=who.name if who else None,
            perpetrator_side=who.side if who else None,
            fatalities=counts.fatalities,
            civilian_fatalities=counts.civilians,
            cause_of_death=trigger.trigger.cause,
            quote=sent.text.strip(),
            sentence=sent.index,
        ),
        place,
    )


def _located(incident: NewsIncident, place: PlaceMention | None) -> NewsIncident:
    """``incident`` at ``place``; without one it keeps no coordinates and geo_precision 3."""
    if place is None:
        return incident
    where = place.place
    return replace(
        incident,
        location=where.name,
        admin1=where.admin1,
        lat=where.lat,
        lon=where.lon,
        geo_precision=where.geo_precision,
    )


def _date(sent: _Sentence, published: dt.date | None) -> tuple[dt.date | None, int]:
    usable = [
        d for d in sent.dates if published is None or (d.date <= published and not _is_dateline(sent, d, published))
    ]
    if usable:
        return usable[0].date, usable[0].precision
    return published, 2  # a wire story reports what happened in the days before it


def _is_dateline(sent: _Sentence, mention: DateMention, published: dt.date) -> bool:
    """The publication date written at the head of the article, not the event's date."""
    return mention.date == published and sent.start + mention.start < _DATELINE_CHARS


def _place(sent: _Sentence, sentences: list[_Sentence]) -> PlaceMention | None:
    if sent.places:
        return sent.places[0]
    lead = [p for s in sentences[:_LEAD_SENTENCES] for p in s.places]
    if lead:
        return lead[0]
    every = [p for s in sentences for p in s.places]
    if not every:
        return None
    top, _ = Counter(p.place.admin1 for p in every).most_common(1)[0]
    return next(p for p in every if p.place.admin1 == top)


def _specific_trigger(sentences: list[_Sentence]) -> TriggerMention | None:
    """The first trigger that names a cause of death in the opening sentences."""
    for sent in sentences[:_LEAD_SENTENCES]:
        specific = [t for t in sent.triggers if t.trigger.cause != "unknown"]
        if specific:
            return main_trigger(specific)
    return None


def _article_perpetrator(sentences: list[_Sentence]) -> Any:
    for sent in sentences[:_LEAD_SENTENCES]:
        if sent.triggers:
            who = perpetrator(sent.text, sent.actors, sent.triggers, least=_LEAD_LEAST)
            if who is not None:
                return who
    return None
