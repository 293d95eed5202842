"""Dates in news text: datelines, explicit dates and relative ones, resolved against the article.

``date_precision`` follows ACLED: 1 the day is known, 2 the week, 3 the month. A weekday ("on
Tuesday") is the latest such day on or before the article's date, as wire stories use it;
"last week" is seven days before it (precision 2); "last month" the first of the month before
(precision 3).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["MONTHS", "DateMention", "find_dates", "parse_dateline"]

MONTHS = {  # month names and abbreviations -> month number
    name: i + 1
    for i, names in enumerate(
        [
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sep sept",
            "october oct",
            "november nov",
            "december dec",
        ]
    )
    for name in names.split()
}
_WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_EXPLICIT = [
    re.compile(rf"\b{_YEAR}-(?P<m>\d\d)-(?P<day>\d\d)\b"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b", re.I),
    re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b", re.I),
]
_WEEKDAY = re.compile(
    r"\b(?P<mod>last|this|on|since|late|early)?\s*(?P<wd>monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)\b",
    re.I,
)
_RELATIVE: list[tuple[re.Pattern[str], int, int]] = [
    (re.compile(r"\b(?:the day before yesterday)\b", re.I), -2, 1),
    (re.compile(r"\b(?:yesterday|last night|overnight)\b", re.I), -1, 1),
    (re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b", re.I), 0, 1),
    (re.compile(r"\b(?:last|past) week(?:end)?\b", re.I), -7, 2),
    (re.compile(r"\b(?:earlier )?this week\b", re.I), 0, 2),
    (re.compile(r"\b(?:earlier )?this month\b", re.I), 0, 3),
]
_DAYS_AGO = re.compile(r"\b(?P<n>\d+|two|three|four|five|six)\s+days\s+ago\b", re.I)
_LAST_MONTH = re.compile(r"\b(?:last|past) month\b", re.I)
_SMALL = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date found in text: its value, its ACLED precision and where it was written."""

    date: dt.date
    precision: int
    start: int
    end: int
    text: str


def _explicit(match: re.Match[str], anchor: dt.date | None) -> dt.date | None:
    groups = match.groupdict()
    month = int(groups["m"]) if groups.get("m") else MONTHS[groups["month"].lower().rstrip(".")]
    day = int(groups["day"])
    year = int(groups["year"]) if groups.get("year") else None
    if year is None:
        if anchor is None:
            return None
        year = anchor.year
        if (month, day) > (anchor.month, anchor.day) and month - anchor.month > 1:
            year -= 1  # "December 30" in a January story is last year's
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _weekday(match: re.Match[str], anchor: dt.date) -> dt.date:
    back = (anchor.weekday() - _WEEKDAYS[match["wd"].lower()]) % 7
    if back == 0 and (match["mod"] or "").lower() == "last":
        back = 7
    return anchor - dt.timedelta(days=back)


def find_dates(text: str, anchor: dt.date | None) -> list[DateMention]:
    """Dates written in ``text``, in order; relative ones need ``anchor`` (the article's date)."""
    found: list[DateMention] = []
    for pattern in _EXPLICIT:
        for m in pattern.finditer(text):
            value = _explicit(m, anchor)
            if value is not None:
                found.append(DateMention(value, 1, m.start(), m.end(), m.group()))
    if anchor is not None:
        found += _relative(text, anchor)
    found.sort(key=lambda d: d.start)
    return _without_overlaps(found)


def _relative(text: str, anchor: dt.date) -> list[DateMention]:
    found = [
        DateMention(_weekday(m, anchor), 1, m.start(), m.end(), m.group().strip()) for m in _WEEKDAY.finditer(text)
    ]
    for pattern, days, precision in _RELATIVE:
        for m in pattern.finditer(text):
            value = anchor + dt.timedelta(days=days)
            if precision == 3:
                value = value.replace(day=1)
            found.append(DateMention(value, precision, m.start(), m.end(), m.group()))
    for m in _DAYS_AGO.finditer(text):
        n = int(m["n"]) if m["n"].isdigit() else _SMALL[m["n"].lower()]
        found.append(DateMention(anchor - dt.timedelta(days=n), 1, m.start(), m.end(), m.group()))
    for m in _LAST_MONTH.finditer(text):
        first = anchor.replace(day=1) - dt.timedelta(days=1)
        found.append(DateMention(first.replace(day=1), 3, m.start(), m.end(), m.group()))
    return found


def _without_overlaps(found: list[DateMention]) -> list[DateMention]:
    kept: list[DateMention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            if mention.end - mention.start > kept[-1].end - kept[-1].start:
                kept[-1] = mention
            continue
        kept.append(mention)
    return kept


def parse_dateline(text: str, near: dt.date | None = None) -> dt.date | None:
    """The publication date written at the head of an article (a full date in its first 300
    characters), or None. With ``near``, a dateline without a year ("GENEVA, Sept 20
    (Reuters)") takes the year that puts it nearest that date."""
    head = text[:300]
    for mention in find_dates(head, None):
        return mention.date
    if near is None:
        return None
    for mention in find_dates(head, near):
        candidates = [_same_day(mention.date, near.year + k) for k in (-1, 0, 1)]
        return min((c for c in candidates if c), key=lambda c: abs((c - near).days), default=None)
    return None


def _same_day(date: dt.date, year: int) -> dt.date | None:
    try:
        return date.replace(year=year)
    except ValueError:  # 29 February
        return None
