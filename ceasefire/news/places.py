"""Place names in a spaCy sentence, resolved through the gazetteer.

Candidates are runs of capitalised words (with the particles of Arabic names: "Deir ez-Zor",
"Maarat al-Numan"), tried longest first. A consonant-skeleton match is accepted only inside a
named entity, so ordinary capitalised words do not become villages. "X province" and
"X governorate" name the governorate as a whole (geo_precision 3); "X countryside", "outskirts
of X" and "near X" name an area around the town (geo_precision 2).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ceasefire.news.gazetteer import Gazetteer, Place, gazetteer

__all__ = ["PlaceMention", "find_places"]

_PARTICLES = frozenset(
    [
        "al",
        "el",
        "ez",
        "es",
        "as",
        "ash",
        "ad",
        "ar",
        "an",
        "at",
        "az",
        "ed",
        "er",
        "et",
        "-",
        "'",
        "‘",
        "’",
        "of",
    ]
)
_WHOLE = frozenset({"province", "governorate", "provinces", "region"})
_AROUND_AFTER = frozenset({"countryside", "suburbs", "outskirts", "area", "district", "environs"})
_AROUND_BEFORE = frozenset({"near", "outside", "outskirts", "around", "countryside", "suburbs"})
_ENTITY_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG", "PERSON", "NORP"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_VILLAGE = 1000  # below this population a name must be tagged as a place by the NER
# "Damascus said", "Damascus-backed", "Damascus media": the capital standing for the government.
_METONYM_AFTER = frozenset(
    [
        "-",
        "said",
        "says",
        "has",
        "have",
        "had",
        "accused",
        "denied",
        "government",
        "regime",
        "media",
        "authorities",
        "officials",
        "claims",
        "claimed",
        "backed",
        "based's",
        "'s",
    ]
)
_MAX_WORDS = 5


@dataclass(frozen=True, slots=True)
class PlaceMention:
    place: Place
    start: int  # character offsets in the document
    end: int
    text: str


def _capitalised(token: Any) -> bool:
    text: str = token.text
    return bool(text[:1].isupper()) or text.lower() in _PARTICLES


def _runs(sent: Any) -> list[tuple[int, int]]:
    """(first, last + 1) token indices of capitalised runs in ``sent``."""
    runs, start = [], None
    tokens = list(sent)
    for i, token in enumerate([*tokens, None]):
        if token is not None and _capitalised(token):
            start = i if start is None else start
            continue
        if start is not None:
            runs.append((start, i))
            start = None
    return runs


def _lookup(gaz: Gazetteer, span: Any) -> Place | None:
    if span[0].lower_ in _PARTICLES - {"al", "el"} or span[-1].lower_ in _PARTICLES:
        return None
    in_entity = any(token.ent_type_ in _ENTITY_LABELS for token in span)
    place = gaz.lookup(span.text, fuzzy=in_entity)
    if place is None:
        return None
    if place.population < _VILLAGE and not any(t.ent_type_ in _PLACE_LABELS for t in span):
        return None
    after = span.doc[span.end].lower_ if span.end < len(span.doc) else ""
    return None if after in _METONYM_AFTER else place


def find_places(sent: Any) -> list[PlaceMention]:
    """Places named in the spaCy span ``sent``, in order."""
    gaz = gazetteer()
    found: list[PlaceMention] = []
    for first, stop in _runs(sent):
        i = first
        while i < stop:
            mention = _longest_at(gaz, sent, i, stop)
            if mention is None:
                i += 1
                continue
            place, used = mention
            span = sent[i : i + used]
            scoped = _scoped(gaz, place, sent, i, i + used)
            found.append(PlaceMention(scoped, span.start_char, span.end_char, span.text))
            i += used
    return found


def _longest_at(gaz: Gazetteer, sent: Any, i: int, stop: int) -> tuple[Place, int] | None:
    for used in range(min(_MAX_WORDS, stop - i), 0, -1):
        place = _lookup(gaz, sent[i : i + used])
        if place is not None:
            return place, used
    return None


def _scoped(gaz: Gazetteer, place: Place, sent: Any, first: int, stop: int) -> Place:
    after = sent[stop].lower_ if stop < len(sent) else ""
    before = sent[first - 1].lower_ if first > 0 else ""
    if after in _WHOLE and place.admin1:
        return gaz.governorate(place.admin1)
    if (after in _AROUND_AFTER or before in _AROUND_BEFORE) and place.geo_precision == 1:
        return replace(place, geo_precision=2)
    return place
