"""Analysts' decisions on links (issue 13): a pair of records confirmed as one event, or split.

An analyst who reads two records may know better than the score: ``confirm`` forces their link
(it is scored as usual, then given score 1 and the reason "confirmed by an analyst", so the
one-to-one assignment takes it first), ``split`` keeps the two records out of one event: the
pair is removed from the candidates, so the two never link directly, and when links through
other records would still join them (a third record linking to both), the event is cut
(``cut_splits``): its links are taken again best first (score, then the records' canonical
order), and a link that would put a split pair together is dropped, so each event ends as the
best links that hold no split pair (a dropped link is not replaced by its records' next best
match). Each dropped link is kept in ``Cuts`` with the split that cut it, for the finding's
explanation. The decisions are appended (``store.links``), never
changed: the latest decision on a pair is the one applied. A decision naming a record the table
does not hold, a record kept apart (an unpublished report) or two records of one file (which
never link) is not applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ceasefire.linking.assignment import components
from ceasefire.linking.blocking import haversine_m
from ceasefire.model import LINK_DECISIONS
from ceasefire.table import IncidentTable

__all__ = ["CONFIRM", "DECISIONS", "SPLIT", "Cuts", "LinkDecisions", "cut_splits", "pair_key"]

CONFIRM, SPLIT = LINK_DECISIONS
DECISIONS = LINK_DECISIONS
Ints = npt.NDArray[np.intp]
Floats = npt.NDArray[np.float64]


def pair_key(first: str, second: str) -> tuple[str, str]:
    """A pair of record ids in one order, whichever way it was named."""
    return (first, second) if first <= second else (second, first)


@dataclass(frozen=True, slots=True)
class Cuts:
    """Accepted links (``a`` < ``b``, rows) dropped because they would have put two records an
    analyst split (``by_a``, ``by_b``) into one event, with their score and reason bits."""

    a: Ints
    b: Ints
    score: Floats
    reasons: Ints
    by_a: Ints
    by_b: Ints

    @classmethod
    def none(cls) -> Cuts:
        empty = np.zeros(0, np.intp)
        return cls(empty, empty, np.zeros(0), empty, empty, empty)

    def __len__(self) -> int:
        return len(self.a)

    def take(self, renumber: Ints) -> Cuts:
        """The cuts whose rows all have a new number (``renumber``: -1 for rows left out)."""
        keep = (
            (renumber[self.a] >= 0) & (renumber[self.b] >= 0) & (renumber[self.by_a] >= 0) & (renumber[self.by_b] >= 0)
        )
        a, b, by_a, by_b = (renumber[x[keep]] for x in (self.a, self.b, self.by_a, self.by_b))
        return Cuts(a, b, self.score[keep], self.reasons[keep], by_a, by_b)


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

    def split_rows(self, table: IncidentTable) -> tuple[Ints, Ints]:
        """The rows (a < b) of the split pairs whose two records the table holds."""
        return _rows(np.asarray(table.columns["id"], dtype=object), self.split)

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


def cut_splits(
    event: Ints, a: Ints, b: Ints, prio: Ints, rank: Ints, split: tuple[Ints, Ints]
) -> tuple[Ints, npt.NDArray[np.bool_], Ints, Ints]:
    """(event per record, which links stay, and per link the split pair that cut it, -1 where
    none) once no event holds both records of a ``split`` pair: the links of each event holding
    one are taken best first (``prio``) and dropped where they would join a split pair; events
    are then labelled as ``assignment.components`` labels them."""
    keep = np.ones(len(a), bool)
    by_a, by_b = np.full(len(a), -1, np.intp), np.full(len(a), -1, np.intp)
    together = event[split[0]] == event[split[1]]
    if not together.any():
        return event, keep, by_a, by_b
    partners: dict[int, set[int]] = {}
    for x, y in zip(split[0][together].tolist(), split[1][together].tolist(), strict=True):
        partners.setdefault(x, set()).add(y)
        partners.setdefault(y, set()).add(x)
    held = np.flatnonzero(np.isin(event[a], np.unique(event[split[0][together]])))
    members: dict[int, set[int]] = {}
    head: dict[int, int] = {}
    for k in held[np.argsort(prio[held])].tolist():
        ra, rb = _root(head, members, int(a[k])), _root(head, members, int(b[k]))
        if ra == rb:
            continue
        clash = [(x, y) for x in members[ra] for y in partners.get(x, set()) & members[rb]]
        if clash:
            ordered = [sorted(p, key=lambda r: int(rank[r])) for p in clash]
            x, y = min(ordered, key=lambda p: (int(rank[p[0]]), int(rank[p[1]])))  # canonical: input order never shows
            keep[k], by_a[k], by_b[k] = False, x, y
            continue
        head[rb] = ra
        members[ra] |= members.pop(rb)
    return components(len(event), a[keep], b[keep], rank), keep, by_a, by_b


def _root(head: dict[int, int], members: dict[int, set[int]], row: int) -> int:
    """The head of ``row``'s group (a group of its own until joined)."""
    if row not in head:
        head[row], members[row] = row, {row}
    while head[row] != row:
        row = head[row]
    return row


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
