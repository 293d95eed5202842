"""News articles as events files: ``extract`` run on ``.txt`` and ``.html`` files (issue 13).

``read_news(fp, name, bad_rows, today)`` is a reader like the others (``formats.READERS``): the
file's text is cut into articles (``split_articles``), each reduced to its text (HTML: the words,
not the tags), dated by its dateline, and handed to ``ceasefire.news.incidents.extract_incidents``
(the ``extract`` command's entry point, called as is). Each incident it finds becomes one
``Incident`` record:

- ``source`` "news", ``source_name`` the outlet (``outlet_of``: the agency of the dateline, else
  an outlet named at the head or foot of the article, else the file's name);
- the place at the precision the gazetteer gives it (``PLACE_PRECISION``'s ``news`` scale): a town
  its coordinates and a 2 km disc, an area near a town a 10 km one, a governorate as a whole the
  centroid of its OCHA polygon and the disc that covers it (``vocab/governorates_sy.csv``);
- a vague date as a range (``date_range``), never after the article's own date;
- ``file`` and ``line`` where its sentence starts (the article's first line when the sentence
  cannot be found in the raw text, e.g. inside HTML markup); ``notes`` the sentence itself.

An incident without a place is counted ``no_place``; one without any date (an article without a
dateline whose sentence names no day) is a bad row; text holding no incident gives nothing and
is not an error. Files that cannot be text (binary data, an encoding that does not decode) are
refused by ``formats`` before any reading, with one line.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from ceasefire.errors import InputError
from ceasefire.model import Incident
from ceasefire.sources.precision import acled_date_range, radius_m
from ceasefire.sources.rows import BadRows
from ceasefire.sources.vocabulary import governorate_extents

if TYPE_CHECKING:  # the news extra (spaCy) is imported only when a news file is read
    from ceasefire.news.incidents import NewsIncident
    from ceasefire.news.text import Article

__all__ = [
    "NEWS_SUFFIXES",
    "Chunk",
    "date_range",
    "is_news",
    "news_version",
    "outlet_of",
    "read_news",
    "split_articles",
]

NEWS_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml")
_HTML = re.compile(r"<(?:!doctype\s+html|html|head|body|article|p|div)\b", re.I)
# Several articles in one file: a line holding only a form feed (what `pr` and mail archives
# write between documents), or in HTML several <article> elements.
_FORM_FEED_LINE = re.compile(r"^[ \t]*\f[ \t\f]*(?:\n|$)", re.M)
_ARTICLE = re.compile(r"<article\b.*?</article\s*>", re.I | re.S)
_DATELINE_AGENCY = re.compile(r"\(([A-Z][A-Za-z .&-]{1,30})\)\s*[-\u2013\u2014]")  # "(Reuters) -"
_CREDIT = re.compile(r"(?:^|\n)\s*(?:©|\(c\)|copyright|source:|by\b[^\n]{0,60}?[,|/-])", re.I)
_HEAD_CHARS = 400
_WEEK_BEFORE = 6  # the article's own date as the event's: the week before it (wire stories)


@dataclass(frozen=True, slots=True)
class Chunk:
    """One article's raw text, and the line of the file it starts on."""

    text: str
    first_line: int


def is_news(name: str, head: str) -> bool:
    """Whether a file that is no other events format is a news article: by its extension
    (``NEWS_SUFFIXES``), or because its text is HTML."""
    return name.lower().endswith(NEWS_SUFFIXES) or bool(_HTML.search(head[:5000]))


def news_version(head: str) -> str:
    """What ``inspect`` calls the file's version: "HTML" or "plain text"."""
    return "HTML" if _HTML.search(head[:5000]) else "plain text"


def split_articles(text: str) -> list[Chunk]:
    """The articles of one file, in order: several ``<article>`` elements of an HTML page, or
    parts of a text file between form-feed lines; else the whole file."""
    if _HTML.search(text[:5000]):
        found = list(_ARTICLE.finditer(text))
        if len(found) > 1:
            return [Chunk(m.group(), text.count("\n", 0, m.start()) + 1) for m in found]
        return [Chunk(text, 1)]
    chunks, start = [], 0
    for m in _FORM_FEED_LINE.finditer(text):
        chunks.append(Chunk(text[start : m.start()], text.count("\n", 0, start) + 1))
        start = m.end()
    chunks.append(Chunk(text[start:], text.count("\n", 0, start) + 1))
    return [c for c in chunks if c.text.strip()]


def outlet_of(text: str, name: str) -> str:
    """The outlet that published ``text`` (clean article text): the agency of a wire dateline
    ("MOSCOW, Sept 17 (Reuters) -"), else a known outlet named in the article's first or last
    lines or in a credit line, else the file's name without its folder and extension."""
    agency = _DATELINE_AGENCY.search(text[:_HEAD_CHARS])
    if agency:
        return agency.group(1).strip()
    known = _outlets()
    credits = [text[m.start() : m.end() + 80] for m in _CREDIT.finditer(text)]
    for part in (text[:_HEAD_CHARS], text[-_HEAD_CHARS:], *credits):
        found = known.search(part)
        if found:
            return found.group().strip()
    return os.path.splitext(os.path.basename(name))[0]


@functools.cache
def _outlets() -> re.Pattern[str]:
    """The outlets ``claims`` credits (news/lexicon/claims.yaml), longest name first."""
    from ceasefire.news import lexicon

    names = sorted(lexicon.load("claims.yaml")["outlets"], key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


def date_range(date: dt.date, precision: int, published: dt.date | None) -> tuple[dt.date, dt.date]:
    """The days an event reported with this date and ``date_precision`` may have happened on:
    the day (1); the week around it (2), or the week before the article when the date is the
    article's own; the calendar month (3). Never after the article's date."""
    if precision == 2 and date == published:
        first, last = date - dt.timedelta(days=_WEEK_BEFORE), date
    else:
        first, last = acled_date_range(date, precision if precision in (1, 2, 3) else 3)
    if published is not None:
        last = max(first, min(last, published))
    return first, last


def read_news(fp: TextIO, name: str, bad_rows: BadRows, today: dt.date | None = None) -> Iterator[Incident]:
    """The incidents of the news articles in ``fp`` (see the module); ``today`` as for every reader."""
    from ceasefire.news.text import MAX_BYTES

    text = fp.read().replace("\r\n", "\n").replace("\r", "\n")
    chunks = split_articles(text)
    for chunk in chunks:
        if len(chunk.text) > MAX_BYTES:
            raise InputError(
                f"{name}:{chunk.first_line}: an article of {len(chunk.text) / 1e6:.1f} MB is too large "
                f"(limit {MAX_BYTES / 1e6:.0f} MB); split the file into articles with form-feed lines"
            )
    yield from _incidents(chunks, name, bad_rows, today)


def _incidents(chunks: list[Chunk], name: str, bad_rows: BadRows, today: dt.date | None) -> Iterator[Incident]:
    from ceasefire.news.dates import parse_dateline
    from ceasefire.news.incidents import extract_incidents
    from ceasefire.news.text import Article, clean_text

    for chunk in chunks:
        text = clean_text(chunk.text)
        article = Article(name, text, parse_dateline(text))
        # one article per call, so each incident is known to come from this chunk
        for found in extract_incidents([article]):
            record = _record(found, article, chunk, name, bad_rows, today)
            if record is not None:
                bad_rows.current.incidents += 1
                yield record


def _record(
    found: NewsIncident,
    article: Article,
    chunk: Chunk,
    name: str,
    bad_rows: BadRows,
    today: dt.date | None,
) -> Incident | None:
    """The record of one extracted incident, or None when it cannot be verified (counted)."""
    line = _line_of(found.quote, chunk)
    where = f"{name}:{line}"
    if found.date is None:
        bad_rows.report(
            f"{where}: date: the incident has no date: the article has no dateline and its sentence "
            "names no day (start the article with its date, e.g. 19 September 2016)"
        )
        return None
    if today is not None and found.date > today + dt.timedelta(days=1):
        bad_rows.report(f"{where}: date: {found.date.isoformat()} is in the future")
        return None
    if found.lat is None or found.lon is None:
        bad_rows.no_place(f"{where}: no place: sentence {found.sentence}: {_short(found.quote)}")
        return None
    lat, lon, radius = place_of(found)
    first, last = date_range(found.date, found.date_precision, article.published)
    digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()[:12]
    return Incident(
        id=f"NEWS-{digest}-{found.sentence}",
        source="news",
        date=first,
        date_end=last if last != first else None,
        date_reported=found.date,
        lat=lat,
        lon=lon,
        event_type=found.event_type,
        sub_event_type=found.sub_event_type,
        actor1=found.perpetrator or "",
        weapon=found.weapon if found.weapon != "other" else "",
        date_precision=found.date_precision,
        geo_precision=found.geo_precision,
        radius_m=radius,
        fatalities=found.fatalities,
        country="Syria" if found.admin1 else "",  # the gazetteer is Syria's
        admin1=found.admin1,
        location=found.location,
        notes=found.quote,
        source_name=outlet_of(article.text, name),
        file=name,
        line=line,
    )


def place_of(found: NewsIncident) -> tuple[float, float, float]:
    """(lat, lon, radius_m) of a placed incident: a governorate named as a whole is the disc
    around its polygon's centroid that covers it (at least the scale's level-3 radius)."""
    assert found.lat is not None and found.lon is not None  # _record checked
    code = found.geo_precision if found.geo_precision in (1, 2, 3) else 3
    extent = governorate_extents().get(found.admin1)
    if code == 3 and extent is not None and found.location == found.admin1:
        lat, lon, radius = extent
        return lat, lon, max(radius, radius_m("news", 3))
    return found.lat, found.lon, radius_m("news", code)


def _line_of(quote: str, chunk: Chunk) -> int:
    """The file line the sentence ``quote`` starts on; the article's first line when its first
    words are not found in a row in the raw text (HTML markup between them)."""
    words = quote.split()[:8]
    if not words:
        return chunk.first_line
    # entities unescaped ("&mdash;" as the parser saw it): they never hold a line break
    raw = html.unescape(chunk.text)
    found = re.search(r"\s+".join(re.escape(w) for w in words), raw)
    if found is None:
        return chunk.first_line
    return chunk.first_line + raw.count("\n", 0, found.start())


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
