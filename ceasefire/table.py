"""The columnar incident table the rule engine works on.

Incidents arrive as ``Incident`` dataclasses (one per source row) or, for bulk work, as columns.
Either way they become one ``IncidentTable``: numpy arrays, one element per incident, plus the
derived columns every rule needs (event class, air strike, territory change, aid target, and
each side's actors resolved once per distinct actor string into party bit masks and flags).
No rule ever loops over incidents in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from ceasefire.actor_resolution import AliasResolver, SideSummary
from ceasefire.model import WEAPON_CLASSES, Incident

__all__ = ["EventClass", "IncidentTable", "SideColumns", "columns_of", "normalized_columns"]

# The Incident fields kept as columns, in this order (all of them: outputs echo the source row).
FIELDS = (
    "id",
    "source",
    "date",
    "date_end",
    "date_precision",
    "lat",
    "lon",
    "geo_precision",
    "radius_m",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "attacker",
    "weapon",
    "fatalities",
    "country",
    "admin1",
    "location",
    "notes",
    "source_name",
    "file",
    "line",
    "date_reported",
)
STRING_FIELDS = tuple(
    f
    for f in FIELDS
    if f
    not in {
        "date",
        "date_end",
        "date_precision",
        "lat",
        "lon",
        "geo_precision",
        "radius_m",
        "fatalities",
        "line",
        "date_reported",
    }
)

TERRITORY_SUB_EVENTS = ("Government regains territory", "Non-state actor overtakes territory")
AIR_SUB_EVENTS = ("Air/drone strike",)

# Aid workers, convoys and access, in actor names and in notes (documented in docs/rules.md).
_AID_ACTORS = (
    r"(?i)\b(?:aid workers?|humanitarian|red crescent|red cross|sarc|icrc|unicef|wfp|unhcr|ocha|"
    r"msf|ngo)\b|\bUN\b|\bUnited Nations\b"
)
_AID_NOTES = (
    r"(?i)\b(?:humanitarian|aid (?:convoys?|workers?|trucks?|deliver\w*|agenc\w+|supplies|warehouses?)|"
    r"relief (?:convoys?|workers?|supplies)|red crescent|red cross|SARC|ICRC|UNICEF|WFP|UNHCR|OCHA)\b"
)


class EventClass:
    """ACLED event types as small integers."""

    BATTLE, EXPLOSION, VIOLENCE_AGAINST_CIVILIANS, STRATEGIC, PROTEST, RIOT, OTHER = range(7)
    BY_NAME: ClassVar[dict[str, int]] = {
        "Battles": BATTLE,
        "Explosions/Remote violence": EXPLOSION,
        "Violence against civilians": VIOLENCE_AGAINST_CIVILIANS,
        "Strategic developments": STRATEGIC,
        "Protests": PROTEST,
        "Riots": RIOT,
    }


@dataclass(frozen=True, slots=True)
class SideColumns:
    """One side of every incident: party bit masks and flags (see ``actor_resolution.SideSummary``)."""

    parties: npt.NDArray[np.uint64]
    excluded: npt.NDArray[np.bool_]
    unidentified: npt.NDArray[np.bool_]
    civilians: npt.NDArray[np.bool_]
    other: npt.NDArray[np.bool_]

    @property
    def empty(self) -> npt.NDArray[np.bool_]:
        named: npt.NDArray[np.bool_] = (self.parties != 0) | self.excluded | self.unidentified
        return ~(named | self.civilians | self.other)


@dataclass(frozen=True, slots=True)
class IncidentTable:
    """Incidents as columns. ``columns`` holds every Incident field; the rest is derived."""

    columns: dict[str, npt.NDArray[Any]]
    day0: npt.NDArray[np.int64]  # first possible local date, as a proleptic ordinal
    day1: npt.NDArray[np.int64]  # last possible local date (inclusive)
    day: npt.NDArray[np.int64]  # the date the source reports: outputs and daily counts use it
    event_class: npt.NDArray[np.int8]
    weapon: npt.NDArray[np.int8]  # index into model.WEAPON_CLASSES, -1 when unknown
    is_air: npt.NDArray[np.bool_]
    is_territory: npt.NDArray[np.bool_]
    aid_target: npt.NDArray[np.bool_]
    side1: SideColumns  # actor1 + assoc_actor_1: the perpetrator side of one-sided events
    side2: SideColumns  # actor2 + assoc_actor_2: the target side
    attacker: npt.NDArray[np.uint64]  # parties the source names as having started a battle
    attacker_named: npt.NDArray[np.bool_]
    event_code: npt.NDArray[np.intp]  # index into event_names: event_type as an integer
    event_names: tuple[str, ...]
    sub_event_code: npt.NDArray[np.intp]
    sub_event_names: tuple[str, ...]
    # Attribution depends only on the sides, the attacker, the event class and territory change:
    # ``combo`` numbers their distinct combinations, ``combo_rows`` holds one row of each.
    combo: npt.NDArray[np.intp]
    combo_rows: npt.NDArray[np.intp]

    def __len__(self) -> int:
        return len(self.day0)

    @property
    def lat(self) -> npt.NDArray[np.float64]:
        return self.columns["lat"]

    @property
    def lon(self) -> npt.NDArray[np.float64]:
        return self.columns["lon"]

    @property
    def radius(self) -> npt.NDArray[np.float64]:
        return self.columns["radius_m"]

    @classmethod
    def from_incidents(cls, incidents: Iterable[Incident], resolver: AliasResolver) -> IncidentTable:
        """Collect incidents (any iterable, consumed once) into columns."""
        return cls.from_columns(columns_of(incidents), resolver)

    @classmethod
    def from_columns(cls, raw: Mapping[str, Any], resolver: AliasResolver) -> IncidentTable:
        """Build from columns. ``date``, ``date_end`` and ``date_reported`` are date ordinals
        (``date_end`` 0 or absent: one day; ``date_reported`` 0 or absent: ``date``)."""
        n = len(raw["id"])
        cols = _normalized_columns(raw, n)
        day0 = cols.pop("date")
        end = cols.pop("date_end")
        day1 = np.where(end > 0, np.maximum(end, day0), day0)
        reported = cols.pop("date_reported")
        reported = np.where(reported > 0, reported, day0)
        event_code, event_names = factorize(cols["event_type"])
        sub_code, sub_names = factorize(cols["sub_event_type"])
        event_class = _event_classes(event_code, event_names)
        weapon = _weapon_codes(cols["weapon"])
        air_weapon = (weapon == WEAPON_CLASSES.index("aircraft")) | (weapon == WEAPON_CLASSES.index("drone"))
        side1, code1 = _side(resolver, cols["actor1"], cols["assoc_actor_1"])
        side2, code2 = _side(resolver, cols["actor2"], cols["assoc_actor_2"])
        attacker, code_a = _side(resolver, cols["attacker"])
        territory = lookup(sub_code, sub_names, TERRITORY_SUB_EVENTS)
        combo, combo_rows = _combinations(
            (code1, int(code1.max(initial=0)) + 1),
            (code2, int(code2.max(initial=0)) + 1),
            (code_a, int(code_a.max(initial=0)) + 1),
            (event_class.astype(np.intp), 8),
            (territory.astype(np.intp), 2),
        )
        return cls(
            columns=cols,
            day0=day0,
            day1=day1,
            day=reported,
            event_class=event_class,
            weapon=weapon,
            is_air=lookup(sub_code, sub_names, AIR_SUB_EVENTS) | air_weapon,
            is_territory=territory,
            aid_target=_aid_target(cols),
            side1=side1,
            side2=side2,
            attacker=attacker.parties,
            attacker_named=~attacker.empty,
            event_code=event_code,
            event_names=tuple(str(x) for x in event_names),
            sub_event_code=sub_code,
            sub_event_names=tuple(str(x) for x in sub_names),
            combo=combo,
            combo_rows=combo_rows,
        )

    def take(self, index: npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> IncidentTable:
        """The sub-table of the given rows (an index array or a boolean mask)."""

        def pick(side: SideColumns) -> SideColumns:
            return SideColumns(*(getattr(side, f)[index] for f in SideColumns.__slots__))

        return IncidentTable(
            columns={k: v[index] for k, v in self.columns.items()},
            day0=self.day0[index],
            day1=self.day1[index],
            day=self.day[index],
            event_class=self.event_class[index],
            weapon=self.weapon[index],
            is_air=self.is_air[index],
            is_territory=self.is_territory[index],
            aid_target=self.aid_target[index],
            side1=pick(self.side1),
            side2=pick(self.side2),
            attacker=self.attacker[index],
            attacker_named=self.attacker_named[index],
            event_code=self.event_code[index],
            event_names=self.event_names,
            sub_event_code=self.sub_event_code[index],
            sub_event_names=self.sub_event_names,
            **_recombined(self.combo[index]),
        )

    def date_of(self, i: int) -> dt.date:
        """The date the source reports for incident ``i``."""
        return dt.date.fromordinal(int(self.day[i]))


def columns_of(incidents: Iterable[Incident]) -> dict[str, Any]:
    """Incidents (any iterable, consumed once) as the raw columns ``from_columns`` takes: every
    ``FIELDS`` column, dates as ordinals (0 for no ``date_end``/``date_reported``)."""
    rows = list(map(attrgetter(*FIELDS), incidents))
    raw: dict[str, Any] = dict(zip(FIELDS, zip(*rows, strict=True), strict=True)) if rows else {f: () for f in FIELDS}
    del rows
    raw["date"] = np.fromiter((d.toordinal() for d in raw["date"]), np.int64, len(raw["id"]))
    for name in ("date_end", "date_reported"):
        raw[name] = np.fromiter((0 if d is None else d.toordinal() for d in raw[name]), np.int64, len(raw["id"]))
    for name in FIELDS:  # arrays, so that rows can be picked and files joined
        raw[name] = np.asarray(raw[name], _NUMBERS.get(name, object))
    return raw


_NUMBERS: dict[str, type] = {
    "date": np.int64,
    "date_end": np.int64,
    "date_reported": np.int64,
    "date_precision": np.int8,
    "geo_precision": np.int8,
    "radius_m": np.float64,
    "lat": np.float64,
    "lon": np.float64,
    "fatalities": np.int64,
    "line": np.int64,
}


def normalized_columns(raw: Mapping[str, Any]) -> dict[str, npt.NDArray[Any]]:
    """Every ``FIELDS`` column of ``raw`` (as :meth:`IncidentTable.from_columns` takes them), the
    absent ones filled with their defaults, numbers in their dtypes."""
    return _normalized_columns(raw, len(raw["id"]))


def _normalized_columns(raw: Mapping[str, Any], n: int) -> dict[str, npt.NDArray[Any]]:
    defaults: dict[str, Any] = {
        "date_end": 0,
        "date_reported": 0,
        "date_precision": 1,
        "geo_precision": 1,
        "radius_m": 0.0,
        "fatalities": 0,
        "line": 0,
    }
    numeric = _NUMBERS
    cols: dict[str, npt.NDArray[Any]] = {}
    for name in FIELDS:
        value = raw.get(name)
        if name in numeric:
            arr = np.full(n, defaults[name]) if value is None else np.asarray(value)
            cols[name] = arr.astype(numeric[name], copy=False)
        elif isinstance(value, pd.Categorical):
            encoded: Any = value  # indexable like an array of str
            cols[name] = encoded
        elif value is None:  # absent: one empty string for all, dictionary-encoded
            empty: Any = pd.Categorical.from_codes(np.zeros(n, np.int8), pd.Index([""]))
            cols[name] = empty
        else:
            cols[name] = np.asarray(value, dtype=object)
    return cols


def _recombined(old: npt.NDArray[np.intp]) -> dict[str, npt.NDArray[np.intp]]:
    codes, uniques = pd.factorize(old)
    codes = np.asarray(codes, np.intp)
    return {"combo": codes, "combo_rows": _first_rows(codes, len(uniques))}


def factorize(values: Any) -> tuple[npt.NDArray[np.intp], npt.NDArray[Any]]:
    """(codes, distinct values) of a column; free for dictionary-encoded (Categorical) columns,
    which is how Arrow and Parquet readers deliver strings."""
    if isinstance(values, pd.Categorical):
        return np.asarray(values.codes, np.intp), np.asarray(values.categories, dtype=object)
    codes, uniques = pd.factorize(values)
    return np.asarray(codes, np.intp), np.asarray(uniques, dtype=object)


def lookup(codes: npt.NDArray[np.intp], names: Any, wanted: Iterable[str]) -> npt.NDArray[np.bool_]:
    """Rows whose factorized value is one of ``wanted`` (a table lookup, no string compares)."""
    wanted = set(wanted)
    return np.array([str(name) in wanted for name in names] + [False], bool)[codes]


def _event_classes(codes: npt.NDArray[np.intp], names: Any) -> npt.NDArray[np.int8]:
    table = np.array([EventClass.BY_NAME.get(str(u), EventClass.OTHER) for u in names] + [0], np.int8)
    return table[codes]


def _weapon_codes(weapon: npt.NDArray[Any]) -> npt.NDArray[np.int8]:
    codes, uniques = factorize(weapon)
    lookup = np.array([WEAPON_CLASSES.index(w) if w in WEAPON_CLASSES else -1 for w in uniques] or [-1], np.int8)
    return lookup[codes]


def _matches(values: npt.NDArray[Any], pattern: str) -> npt.NDArray[np.bool_]:
    """Regex search, run once per distinct value."""
    codes, uniques = factorize(values)
    if len(uniques) == 0:
        return np.zeros(len(values), bool)
    hit = pd.Series(np.asarray(uniques), dtype="str").str.contains(pattern, regex=True).to_numpy(bool)
    return hit[codes]


def _aid_target(cols: Mapping[str, npt.NDArray[Any]]) -> npt.NDArray[np.bool_]:
    actors = _matches(cols["actor2"], _AID_ACTORS) | _matches(cols["assoc_actor_2"], _AID_ACTORS)
    return actors | _matches(cols["notes"], _AID_NOTES)


def _first_rows(codes: npt.NDArray[np.intp], count: int) -> npt.NDArray[np.intp]:
    """For each code 0..count-1, the first row holding it."""
    first = np.full(count, -1, np.intp)
    rows = np.arange(len(codes))[::-1]
    first[codes[::-1]] = rows
    return first


def _numbered(key: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """(code per row, the distinct keys it numbers). Keys spanning a range not much wider than
    the rows are numbered in ascending order by counting (no hashing: ~5x cheaper than
    ``pd.factorize``, which was most of building a table; issue 16), others by ``pd.factorize``."""
    if len(key):
        lo, hi = int(key.min()), int(key.max())
        if hi - lo <= 2 * len(key) + (1 << 16):
            shifted = key - lo
            distinct = np.flatnonzero(np.bincount(shifted, minlength=hi - lo + 1))
            lut = np.zeros(hi - lo + 1, np.intp)
            lut[distinct] = np.arange(len(distinct))
            return lut[shifted], distinct.astype(np.int64) + lo
    codes, uniques = pd.factorize(key)
    return np.asarray(codes, np.intp), np.asarray(uniques, np.int64)


def _side(resolver: AliasResolver, *fields: Any) -> tuple[SideColumns, npt.NDArray[np.intp]]:
    """Resolve each distinct combination of actor strings once, then spread by index.
    Also returns the combination code of every row."""
    factorized = [factorize(f) for f in fields]
    sizes = [len(uniques_k) + 1 for _, uniques_k in factorized]
    key = np.zeros(len(fields[0]), np.int64)
    for (codes_k, _), size in zip(factorized, sizes, strict=True):  # one integer per combination
        key = key * size + (codes_k + 1)  # + 1: a missing value (code -1) is a digit of its own
    codes, combos = _numbered(key)
    digits: list[npt.NDArray[np.int64]] = []  # each field's code in each distinct combination, read back from the keys
    for size in reversed(sizes):
        digits.insert(0, combos % size - 1)
        combos = combos // size
    names = [np.asarray(u, dtype=object) for _, u in factorized]
    summaries = [
        resolver.side(*(str(names[k][digits[k][j]]) for k in range(len(fields)))) for j in range(len(combos))
    ] or [SideSummary()]

    # The four flags travel as bits of one byte: two gathers over the rows instead of five.
    flags = np.array([s.excluded | s.unidentified << 1 | s.civilians << 2 | s.other << 3 for s in summaries], np.uint8)[
        codes
    ]
    side = SideColumns(
        parties=np.array([s.parties for s in summaries], np.uint64)[codes],
        excluded=(flags & 1).astype(np.bool_),
        unidentified=(flags & 2).astype(np.bool_),
        civilians=(flags & 4).astype(np.bool_),
        other=(flags & 8).astype(np.bool_),
    )
    return side, np.asarray(codes, np.intp)


def _combinations(*codes: tuple[npt.NDArray[np.intp], int]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """(code per row, first row per code) of the distinct combinations of several code columns,
    each given with its number of distinct values."""
    key = np.zeros(len(codes[0][0]), np.int64)
    for column, count in codes:
        key = key * (count + 1) + column
    combo, uniques = _numbered(key)
    return combo, _first_rows(combo, len(uniques))
