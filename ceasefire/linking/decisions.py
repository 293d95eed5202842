"""Analysts' decisions on links (issue 13): a pair of records confirmed as one event, or split.

An analyst who reads two records may know better than the score: ``confirm`` forces their link
(it is scored as usual, then given score 1 and the reason "confirmed by an analyst", so the
one-to-one assignment takes it first), ``split`` removes the pair from the candidates, so the two
are never linked directly (a third record may still join both to one event only when it links
to each: the split is of the link, not of everything around it). The decisions are appended
(``store.links``), never changed: the latest decision on a pair is the one applied. A decision
naming a record the table does not hold, a record kept apart (an unpublished report) or two
records of one file (which never link) is not applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ceasefire.linking.blocking import haversine_m
from ceasefire.model import LINK_DECISIONS
from ceasefire.table import IncidentTable

__all__ = ["CONFIRM", "DECISIONS", "SPLIT", "LinkDecisions", "pair_key"]

CONFIRM, SPLIT = LINK_DECISIONS
DECISIONS = LINK_DECISIONS
Ints = npt.NDArray[np.intp]
Floats = npt.NDArray[np.float64]


def pair_key(first: str, second: str) -> tuple[str, str]:
    """A pair of record ids in one order, whichever way it was named."""
    return (first, second) if first <= second else (second, first)


@dataclass(frozen=True)
class LinkDecisions:
    """The pairs (``pair_key`` order) analysts confirmed and split, the latest decision each."""

    confirmed: frozenset[tuple[str, str]] = frozenset()
    split: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def latest(cls, decided: Iterable[tuple[str, str, str]]) -> LinkDecisions:
        """From (record, record, decision) in the order they were made: the last one per pair."""
        last: dict[tuple[str, str], str] = {}
        for first, second, decision in decided:
            last[pair_key(first, second)] = decision
        return cls(
            frozenset(p for p, d in last.items() if d == CONFIRM), frozenset(p for p, d in last.items() if d == SPLIT)
        )

    def __bool__(self) -> bool:
        return bool(self.confirmed or self.split)

    def apply(
        self, table: IncidentTable, a: Ints, b: Ints, dist: Floats, apart: npt.NDArray[np.bool_] | None
    ) -> tuple[Ints, Ints, Floats, npt.NDArray[np.bool_]]:
        """The candidate pairs (a < b) without the split ones and with the confirmed ones (added
        when blocking did not find them), and which of them are confirmed."""
        ids = np.asarray(table.columns["id"], dtype=object)
        split_a, split_b = _rows(ids, self.split)
        if len(split_a):
            gone = np.isin(_codes(a, b, len(ids)), _codes(split_a, split_b, len(ids)))
            a, b, dist = a[~gone], b[~gone], dist[~gone]
        conf_a, conf_b = _rows(ids, self.confirmed)
        files = np.asarray(table.columns["file"], dtype=object)
        usable = files[conf_a] != files[conf_b]
        if apart is not None:
            usable &= ~(apart[conf_a] | apart[conf_b])
        conf_a, conf_b = conf_a[usable], conf_b[usable]
        new = ~np.isin(_codes(conf_a, conf_b, len(ids)), _codes(a, b, len(ids)))
        extra_a, extra_b = conf_a[new], conf_b[new]
        extra_dist = haversine_m(table.lat[extra_a], table.lon[extra_a], table.lat[extra_b], table.lon[extra_b])
        a, b = np.concatenate([a, extra_a]), np.concatenate([b, extra_b])
        dist = np.concatenate([dist, extra_dist])
        forced = np.isin(_codes(a, b, len(ids)), _codes(conf_a, conf_b, len(ids)))
        return a, b, dist, forced


def _rows(ids: npt.NDArray[np.object_], pairs: frozenset[tuple[str, str]]) -> tuple[Ints, Ints]:
    """The rows (a < b) of the pairs whose two records are both in the table (first of an id)."""
    if not pairs:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    row: dict[str, int] = {}
    wanted = {i for p in pairs for i in p}
    for n, value in enumerate(ids.tolist()):
        if value in wanted:
            row.setdefault(str(value), n)
    found = sorted((row[x], row[y]) for x, y in pairs if x in row and y in row and x != y)
    a = np.array([min(p) for p in found], np.intp)
    b = np.array([max(p) for p in found], np.intp)
    return a, b


def _codes(a: Ints, b: Ints, n: int) -> npt.NDArray[np.int64]:
    """One number per pair of rows (a < b)."""
    out: npt.NDArray[np.int64] = a.astype(np.int64) * n + b
    return out
