"""Field values as text -> typed values, or a ``RowError`` naming the column and the problem.

Shared by every reader so the same mistake reads the same way in every format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from ceasefire.model import REPORT_PREFIX, WEAPON_CLASSES
from ceasefire.sources.dates import not_future, parse_date
from ceasefire.sources.rows import NoPlace, RowError
from ceasefire.sources.weapons import infer_weapon

__all__ = ["no_place", "parse_code", "parse_count", "parse_day", "parse_lat", "parse_lon", "parse_weapon"]

_WEAPONS = frozenset(WEAPON_CLASSES)


def no_place(latitude: str, longitude: str) -> None:
    """``NoPlace`` when both coordinates are empty: an event that cannot be placed is not a bad
    row (issue 12); one empty coordinate is (``parse_lat``/``parse_lon`` say so)."""
    if (latitude and not latitude.isspace()) or (longitude and not longitude.isspace()):
        return
    raise NoPlace("latitude/longitude", "empty: no place")


def parse_lat(column: str, text: str) -> float:
    return _coordinate(column, text, 90.0)


def parse_lon(column: str, text: str) -> float:
    return _coordinate(column, text, 180.0)


def _coordinate(column: str, text: str, limit: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise RowError(column, f"{text!r} is not a number") from None
    if not -limit <= value <= limit:  # also refuses nan and inf
        raise RowError(column, f"{text.strip()} is out of range (-{limit:g} to {limit:g})")
    return value


def parse_code(column: str, text: str, allowed: Collection[int]) -> int:
    """A precision or category code that must be one of ``allowed``."""
    try:
        code = int(text)
    except ValueError:
        pass
    else:
        if code in allowed:
            return code
    expected = ", ".join(str(c) for c in sorted(allowed))
    raise RowError(column, f"{text.strip()!r} is not a valid code (expected one of {expected})")


def parse_count(column: str, text: str) -> int:
    """A count of people, e.g. fatalities: a whole number >= 0; empty means 0."""
    if not text or text.isspace():
        return 0
    try:
        count = int(text)
    except ValueError:
        raise RowError(column, f"{text.strip()!r} is not a whole number") from None
    if count < 0:
        raise RowError(column, f"{count} is negative")
    return count


def parse_day(column: str, text: str, today: dt.date | None = None) -> dt.date:
    """The date ``text`` names; ``RowError`` when it is no date, or after the day after
    ``today`` (None: any date)."""
    try:
        day = parse_date(text)
        return day if today is None else not_future(day, today)
    except ValueError as error:
        raise RowError(column, str(error)) from None


def parse_id(column: str, text: str) -> str:
    """An event id, stripped; ``RowError`` when empty (every event needs one) or when it takes
    the prefix kept for submitted reports (``model.REPORT_PREFIX``)."""
    event_id = text.strip()
    if not event_id:
        raise RowError(column, "empty: every event needs an id")
    if event_id.startswith(REPORT_PREFIX):
        raise RowError(column, f"{event_id!r}: ids starting with {REPORT_PREFIX!r} are kept for submitted reports")
    return event_id


def weapon_or_inferred(text: str, sub_event_type: str, notes: str) -> str:
    """The file's own ``weapon`` column when filled (a weapon class, else ``RowError``),
    otherwise the class the sub event type and notes point to."""
    return parse_weapon("weapon", text) or infer_weapon(sub_event_type, notes)


def parse_weapon(column: str, text: str) -> str:
    """A weapon class from model.WEAPON_CLASSES (any case), or "" for an empty field."""
    weapon = text.strip().lower()
    if weapon and weapon not in _WEAPONS:
        raise RowError(column, f"{text.strip()!r} is not a weapon class ({', '.join(WEAPON_CLASSES)})")
    return weapon
