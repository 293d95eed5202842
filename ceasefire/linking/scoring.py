"""The score of a candidate pair: how likely two records describe the same event, and why.

A score is a weighted sum of seven agreements, each in [0, 1] (docs/rules.md, "Linking"):

========== ====== =====================================================================
part       weight 1 when ... 0 when ...
========== ====== =====================================================================
place      0.25   same point; falls linearly to 0 at the sum of radii + tolerance
date       0.15   the date ranges overlap; 0.6 one day apart, 0.3 two (the lag of each)
actors     0.20   the perpetrators (after alias resolution: a party, or an excluded group)
                  agree; 0.5 when one is not known; 0 when both are known and differ (with 0.25 back when the two
                  records still name the same parties on some side)
target     0.10   the targets agree (parties, excluded, civilians); 0.5 when one is not known
event type 0.10   same ACLED event type; 0.5 two kinds of political violence; 0 otherwise,
                  and a protest or riot never links with political violence (score 0)
weapon     0.10   same weapon class; 0.7 same family; 0.5 one unknown; 0 otherwise
fatalities 0.10   equal; 1 - |a - b| / (max + 2) otherwise
========== ====== =====================================================================

Each part also sets a reason bit (``Reason``) that the explanation spells out. A link an analyst
confirmed (``linking.decisions``) scores 1 whatever its parts, with the reason ``CONFIRMED``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ceasefire.model import WEAPON_CLASSES
from ceasefire.table import EventClass, IncidentTable

__all__ = ["REASON_TEXT", "WEIGHTS", "Features", "Reason", "reason_sentences", "score_pairs"]

Ints = npt.NDArray[np.intp]
Floats = npt.NDArray[np.float64]
WEIGHTS = {
    "place": 0.25,
    "date": 0.15,
    "actors": 0.20,
    "target": 0.10,
    "event_type": 0.10,
    "weapon": 0.10,
    "fatalities": 0.10,
}


SPECIFIC = 0.5  # the place credit left to two records whose discs are very wide


class Reason:
    """Bits of a link's ``reasons``."""

    SAME_PLACE = 1 << 0  # within 1 km, or inside each other's precision disc
    SAME_DATES = 1 << 1
    LAGGED = 1 << 2
    SAME_PERPETRATOR = 1 << 3
    PERPETRATOR_DIFFERS = 1 << 4
    SAME_PARTIES = 1 << 5
    SAME_TYPE = 1 << 6
    TYPE_DIFFERS = 1 << 7
    SAME_WEAPON = 1 << 8
    WEAPON_DIFFERS = 1 << 9
    FATALITIES_AGREE = 1 << 10
    FATALITIES_DIFFER = 1 << 11
    SAME_TARGET = 1 << 12
    TARGET_DIFFERS = 1 << 13
    CONFIRMED = 1 << 14  # an analyst confirmed the link (``linking.decisions``): score 1
    ADOPTED = 1 << 15  # a lone record's clear best event, below the threshold (``linking.assignment``)


REASON_TEXT = {
    Reason.SAME_PLACE: "same place within the precision of both",
    Reason.SAME_DATES: "date ranges overlap",
    Reason.LAGGED: "dates one day apart (reporting lag)",
    Reason.SAME_PERPETRATOR: "same perpetrator",
    Reason.PERPETRATOR_DIFFERS: "perpetrators differ",
    Reason.SAME_PARTIES: "same parties involved",
    Reason.SAME_TYPE: "same event type",
    Reason.TYPE_DIFFERS: "event types differ",
    Reason.SAME_WEAPON: "same weapon class",
    Reason.WEAPON_DIFFERS: "weapons differ",
    Reason.FATALITIES_AGREE: "fatalities agree",
    Reason.FATALITIES_DIFFER: "fatalities differ",
    Reason.SAME_TARGET: "same target",
    Reason.TARGET_DIFFERS: "targets differ",
    Reason.CONFIRMED: "confirmed by an analyst",
    Reason.ADOPTED: "the only event this record clearly fits",
}

# Weapon families: two classes of one family may be one weapon named two ways.
_FAMILY = {
    "mortar": 1,
    "artillery": 1,
    "mlrs": 1,
    "heavy_mlrs": 1,
    "missile": 1,
    "aircraft": 2,
    "drone": 2,
    "small_arms": 3,
    "atgm": 3,
    "tank": 3,
}
_FAMILY_CODE = np.array([_FAMILY.get(w, 0) for w in WEAPON_CLASSES] + [0], np.int8)  # index -1: unknown


@dataclass(frozen=True, slots=True)
class Features:
    """The columns scoring compares, one element per record."""

    perpetrator: npt.NDArray[np.uint64]  # party bits of actor1's side
    excluded_perpetrator: npt.NDArray[np.bool_]  # actor1 names no party but an excluded group
    involved: npt.NDArray[np.uint64]  # party bits of both sides
    target: npt.NDArray[np.int64]  # actor2's side as a code: party bits, or a flag bit above them
    event_class: npt.NDArray[np.int8]
    weapon: npt.NDArray[np.int8]  # -1 unknown
    fatalities: npt.NDArray[np.int64]
    radius_m: Floats
    day0: npt.NDArray[np.int64]
    day1: npt.NDArray[np.int64]

    @classmethod
    def of(cls, table: IncidentTable) -> Features:
        return cls(
            perpetrator=table.side1.parties,
            excluded_perpetrator=(table.side1.parties == 0) & table.side1.excluded,
            involved=table.side1.parties | table.side2.parties,
            target=_target_code(table),
            event_class=table.event_class,
            weapon=table.weapon,
            fatalities=table.columns["fatalities"],
            radius_m=table.radius,
            day0=table.day0,
            day1=table.day1,
        )


def _target_code(table: IncidentTable) -> npt.NDArray[np.int64]:
    """0 when the target is not known; else its party bits, its excluded and civilians flags."""
    side = table.side2
    code = side.parties.astype(np.int64) * 4 + side.excluded * 2 + side.civilians
    out: npt.NDArray[np.int64] = np.where(side.unidentified | side.empty, 0, code + 1)
    return out


def score_pairs(f: Features, a: Ints, b: Ints, dist: Floats, tolerance_m: float) -> tuple[Floats, Ints]:
    """(score in [0, 1], reason bits) of each pair (a[i], b[i]) at distance dist[i]."""
    parts = {
        "place": _place(f, a, b, dist, tolerance_m),
        "date": _date(f, a, b),
        "actors": _actors(f, a, b),
        "target": _target(f, a, b),
        "event_type": _event_type(f, a, b),
        "weapon": _weapon(f, a, b),
        "fatalities": _fatalities(f, a, b),
    }
    score: Floats = np.zeros(len(a))
    reasons: Ints = np.zeros(len(a), np.intp)
    for name, (value, bits) in parts.items():
        score += WEIGHTS[name] * value
        reasons |= bits
    score[_unrelated(f, a, b)] = 0.0  # a protest is never a shelling
    rounded: Floats = np.round(score, 6)  # sums in any order tie alike
    return rounded, reasons


def _place(f: Features, a: Ints, b: Ints, dist: Floats, tol: float) -> tuple[Floats, Ints]:
    reach = f.radius_m[a] + f.radius_m[b] + tol
    # Nearness within a wide disc says less than nearness of two exact places: scale by how
    # much of the reach the tolerance alone is.
    value: Floats = np.clip(1 - dist / reach, 0.0, 1.0) * (SPECIFIC + (1 - SPECIFIC) * tol / reach)
    close = (dist <= 1_000.0) | (dist <= np.maximum(f.radius_m[a], f.radius_m[b]))
    return value, _bit(close, Reason.SAME_PLACE)


def _date(f: Features, a: Ints, b: Ints) -> tuple[Floats, Ints]:
    gap = np.maximum(f.day0[a] - f.day1[b], f.day0[b] - f.day1[a])
    return np.where(gap <= 0, 1.0, np.where(gap == 1, 0.6, 0.3)), np.where(gap <= 0, Reason.SAME_DATES, Reason.LAGGED)


def _actors(f: Features, a: Ints, b: Ints) -> tuple[Floats, Ints]:
    pa, pb = f.perpetrator[a], f.perpetrator[b]
    xa, xb = f.excluded_perpetrator[a], f.excluded_perpetrator[b]
    # An excluded group (e.g. Islamic State) is a perpetrator as known as a party: two records
    # naming one agree, one naming it against one naming a party differ. Excluded groups are
    # one flag, so two different excluded groups count as agreeing.
    known = ((pa != 0) | xa) & ((pb != 0) | xb)
    agree = ((pa & pb) != 0) | (xa & xb)
    shared = (f.involved[a] & f.involved[b]) != 0
    value = np.where(known, np.where(agree, 1.0, np.where(shared, 0.25, 0.0)), np.where(shared, 0.75, 0.5))
    bits = _bit(known & agree, Reason.SAME_PERPETRATOR) | _bit(known & ~agree, Reason.PERPETRATOR_DIFFERS)
    return value, bits | _bit(shared, Reason.SAME_PARTIES)


def _target(f: Features, a: Ints, b: Ints) -> tuple[Floats, Ints]:
    ta, tb = f.target[a], f.target[b]
    known = (ta != 0) & (tb != 0)
    value = np.where(known, np.where(ta == tb, 1.0, 0.0), 0.5)
    return value, _bit(known & (ta == tb), Reason.SAME_TARGET) | _bit(known & (ta != tb), Reason.TARGET_DIFFERS)


_VIOLENCE = (EventClass.BATTLE, EventClass.EXPLOSION, EventClass.VIOLENCE_AGAINST_CIVILIANS)
_UNREST = (EventClass.PROTEST, EventClass.RIOT)


def _unrelated(f: Features, a: Ints, b: Ints) -> npt.NDArray[np.bool_]:
    """Pairs of which one is political violence and the other a protest or riot: never linked."""
    ca, cb = f.event_class[a], f.event_class[b]
    out: npt.NDArray[np.bool_] = (np.isin(ca, _VIOLENCE) & np.isin(cb, _UNREST)) | (
        np.isin(ca, _UNREST) & np.isin(cb, _VIOLENCE)
    )
    return out


def _event_type(f: Features, a: Ints, b: Ints) -> tuple[Floats, Ints]:
    ca, cb = f.event_class[a], f.event_class[b]
    near = np.isin(ca, _VIOLENCE) & np.isin(cb, _VIOLENCE)
    value = np.where(ca == cb, 1.0, np.where(near, 0.5, 0.0))
    return value, np.where(ca == cb, Reason.SAME_TYPE, Reason.TYPE_DIFFERS)


def _weapon(f: Features, a: Ints, b: Ints) -> tuple[Floats, Ints]:
    wa, wb = f.weapon[a], f.weapon[b]
    known = (wa >= 0) & (wb >= 0)
    family = (_FAMILY_CODE[wa] == _FAMILY_CODE[wb]) & (_FAMILY_CODE[wa] > 0)
    value = np.where(known, np.where(wa == wb, 1.0, np.where(family, 0.7, 0.0)), 0.5)
    bits = _bit(known & (wa == wb), Reason.SAME_WEAPON) | _bit(known & (wa != wb), Reason.WEAPON_DIFFERS)
    return value, bits


def _fatalities(f: Features, a: Ints, b: Ints) -> tuple[Floats, Ints]:
    fa, fb = f.fatalities[a].astype(np.float64), f.fatalities[b].astype(np.float64)
    value = 1 - np.abs(fa - fb) / (np.maximum(fa, fb) + 2)
    return value, np.where(value >= 0.5, Reason.FATALITIES_AGREE, Reason.FATALITIES_DIFFER)


def _bit(mask: npt.NDArray[np.bool_], bit: int) -> Ints:
    out: Ints = np.where(mask, bit, 0).astype(np.intp)
    return out


def reason_sentences(bits: int) -> list[str]:
    """The reasons of one link, in the order of ``Reason``."""
    return [text for bit, text in REASON_TEXT.items() if bits & bit]
