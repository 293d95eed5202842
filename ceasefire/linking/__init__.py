"""Event linking (issue 13): the records of one real event, from several sources, become one event.

``link_records(table)`` finds candidate pairs of records from different files (``blocking``:
date ranges widened by a reporting lag, precision discs plus a tolerance, never all pairs),
scores them (``scoring``: place, date, actors after alias resolution, event type, weapon,
fatalities; every link keeps its score and its reasons), accepts at most one record per other
file for each record (``assignment``: greedy by score, one-to-one per file pair) and returns
each record's event; two records an analyst split are never in one event (``decisions``: the
links that would join them are cut, and kept with the split that cut them). Records of one file never link to each other. The result depends only on
the records' contents (files and ids break ties), never on their order: tests/test_linking.py
checks that with Hypothesis. Pure: numpy over an ``IncidentTable``, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

import numpy as np
import numpy.typing as npt
import pandas as pd

from ceasefire.linking.assignment import adopt_orphans, assign_one_to_one, components, priority, split_shared_files
from ceasefire.linking.blocking import Places, candidate_pairs, haversine_m
from ceasefire.linking.decisions import Cuts, LinkDecisions, cut_splits
from ceasefire.linking.scoring import REASON_TEXT, WEIGHTS, Features, Reason, reason_sentences, score_pairs
from ceasefire.table import IncidentTable, factorize

__all__ = [
    "REASON_TEXT",
    "WEIGHTS",
    "Cuts",
    "LinkDecisions",
    "LinkSettings",
    "Links",
    "Reason",
    "candidates_of",
    "haversine_m",
    "link_records",
    "reason_sentences",
]

Ints = npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class LinkSettings:
    """How far apart two records of one event may be, and how sure a link must be."""

    tolerance_m: float = 5_000.0  # added to the two precision radii
    lag_days: int = 1  # reporting lag allowed between date ranges
    threshold: float = 0.7  # the least score of a link
    cell_scale: float = 1.0  # bucket size factor (>= 1); results do not depend on it


@dataclass(frozen=True, slots=True)
class Links:
    """Accepted links (``a`` < ``b``, rows of the table) with score and reason bits, and each
    row's ``event``: the row of the event's first record in canonical order (file, id)."""

    a: Ints
    b: Ints
    score: npt.NDArray[np.float64]
    reasons: Ints
    event: Ints
    candidates: int  # pairs scored
    cuts: Cuts = field(default_factory=Cuts.none)  # links cut by an analyst's split (``decisions``)

    @property
    def linked(self) -> npt.NDArray[np.bool_]:
        """Rows that belong to an event of more than one record."""
        return np.bincount(self.event, minlength=len(self.event))[self.event] > 1

    def members(self, row: int) -> Ints:
        """The rows of ``row``'s event, in table order."""
        rows: Ints = np.flatnonzero(self.event == self.event[row])
        return rows

    def take(self, rows: Ints) -> Links:
        """The links of the records ``rows`` (ascending, whole events), renumbered as positions
        in ``rows`` (the partitioned engine keeps the records of events with findings)."""
        renumber = np.full(len(self.event), -1, np.intp)
        renumber[rows] = np.arange(len(rows))
        keep = (renumber[self.a] >= 0) & (renumber[self.b] >= 0)
        a, b, event = renumber[self.a[keep]], renumber[self.b[keep]], renumber[self.event[rows]]
        return Links(a, b, self.score[keep], self.reasons[keep], event, self.candidates, self.cuts.take(renumber))

    def of(self, row: int) -> list[tuple[int, float, list[str]]]:
        """The links of ``row``: (other row, score, reasons)."""
        hits = np.flatnonzero((self.a == row) | (self.b == row))
        return [
            (
                int(self.b[k] if self.a[k] == row else self.a[k]),
                float(self.score[k]),
                reason_sentences(int(self.reasons[k])),
            )
            for k in hits
        ]


def canonical_rank(table: IncidentTable) -> Ints:
    """Each row's position when rows are ordered by (file, id): ties never depend on input order."""
    file_code = file_codes(table.columns["file"])
    id_code = _sorted_codes(table.columns["id"])
    order = np.lexsort((np.arange(len(table)), id_code, file_code))
    rank = np.empty(len(table), np.intp)
    rank[order] = np.arange(len(table))
    return rank


def link_records(
    table: IncidentTable,
    settings: LinkSettings = LinkSettings(),
    apart: npt.NDArray[np.bool_] | None = None,
    decisions: LinkDecisions | None = None,
) -> Links:
    """Link the table's records into events (see the module docstring); rows where ``apart`` is
    true link to none (the server keeps unpublished reports apart, so that a finding the public
    sees never names one); ``decisions``: the analysts' confirmed and split pairs
    (``linking.decisions``)."""
    n = len(table)
    if n == 0:
        empty = np.zeros(0, np.intp)
        return Links(empty, empty, np.zeros(0), empty, empty, 0)
    file_code = file_codes(table.columns["file"])
    places = Places(table.lat, table.lon, table.radius, table.day0, table.day1, file_code)
    a, b, dist = candidate_pairs(
        places, tolerance_m=settings.tolerance_m, lag_days=settings.lag_days, cell_scale=settings.cell_scale
    )
    if apart is not None:
        together = ~(apart[a] | apart[b])
        a, b, dist = a[together], b[together], dist[together]
    forced = np.zeros(len(a), bool)
    if decisions:
        a, b, dist, forced = decisions.apply(table, a, b, dist, apart)
    score, reasons = score_pairs(Features.of(table), a, b, dist, settings.tolerance_m)
    score[forced], reasons[forced] = 1.0, reasons[forced] | Reason.CONFIRMED
    keep = score >= settings.threshold
    candidates = len(a)
    every = a, b, score, reasons | Reason.ADOPTED  # every candidate, for the lone records below
    a, b, score, reasons = a[keep], b[keep], score[keep], reasons[keep]
    rank = canonical_rank(table)
    prio = priority(score, rank, a, b)
    accepted = assign_one_to_one(a, b, prio, file_code)
    a, b, score, reasons, prio = a[accepted], b[accepted], score[accepted], reasons[accepted], prio[accepted]
    event = components(n, a, b, rank)
    event, kept = split_shared_files(event, a, b, prio, file_code, rank)
    event, adopted = adopt_orphans(event, *every[:3], file_code, rank)  # lone records: their clear event
    a, b, score, reasons = (
        np.concatenate([x[kept], y[adopted]]) for x, y in zip((a, b, score, reasons), every, strict=True)
    )
    if not decisions or not decisions.split:
        return Links(a, b, score, reasons, event, candidates)
    prio = priority(score, rank, a, b)  # the adopted links ranked with the others
    event, stays, by_a, by_b = cut_splits(event, a, b, prio, rank, decisions.split_rows(table))
    cut = ~stays
    cuts = Cuts(a[cut], b[cut], score[cut], reasons[cut], by_a[cut], by_b[cut])
    return Links(a[stays], b[stays], score[stays], reasons[stays], event, candidates, cuts)


def candidates_of(
    table: IncidentTable,
    rows: npt.NDArray[np.intp],
    settings: LinkSettings = LinkSettings(),
    decisions: LinkDecisions | None = None,
) -> tuple[Ints, Ints, npt.NDArray[np.float64], Ints]:
    """(row of ``rows``, other row, score, reason bits) of every candidate pair one of ``rows``
    is in, scored as ``link_records`` scores it (decisions applied, no threshold, no
    assignment): what a record may be linked with, for a person to judge (the triage queue)."""
    if not len(table) or not len(rows):
        empty = np.zeros(0, np.intp)
        return empty, empty, np.zeros(0), empty
    file_code = file_codes(table.columns["file"])
    places = Places(table.lat, table.lon, table.radius, table.day0, table.day1, file_code)
    a, b, dist = candidate_pairs(
        places, tolerance_m=settings.tolerance_m, lag_days=settings.lag_days, cell_scale=settings.cell_scale
    )
    forced = np.zeros(len(a), bool)
    if decisions:
        a, b, dist, forced = decisions.apply(table, a, b, dist, None)
    mine = np.isin(a, rows) | np.isin(b, rows)
    a, b, dist, forced = a[mine], b[mine], dist[mine], forced[mine]
    score, reasons = score_pairs(Features.of(table), a, b, dist, settings.tolerance_m)
    score[forced], reasons[forced] = 1.0, reasons[forced] | Reason.CONFIRMED
    of_a, of_b = np.isin(a, rows), np.isin(b, rows)  # a pair of two asked rows: once from each
    own = np.concatenate([a[of_a], b[of_b]])
    other = np.concatenate([b[of_a], a[of_b]])
    return own, other, np.concatenate([score[of_a], score[of_b]]), np.concatenate([reasons[of_a], reasons[of_b]])


def file_codes(files: npt.NDArray[np.object_]) -> Ints:
    """Codes of the file column numbered in the order of (the file's name, its whole path): the
    order of records does not depend on the folders a machine keeps the files in (a test's
    temporary folder sorts before the project on one machine and after it on another)."""
    codes, uniques = factorize(files)
    keys = [(PurePath(str(u)).name, str(u)) for u in uniques]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    remap = np.empty(len(order) + 1, np.intp)
    remap[order] = np.arange(len(order))
    remap[-1] = -1  # missing values (code -1)
    out: Ints = remap[np.asarray(codes, np.intp)]
    return out


def _sorted_codes(values: npt.NDArray[np.object_]) -> Ints:
    """Codes of a string column numbered in the strings' sorted order."""
    if isinstance(values, pd.Categorical):
        codes, uniques = factorize(values)
        order = np.argsort(np.asarray([str(u) for u in uniques], dtype=object), kind="stable")
        remap = np.empty(len(order) + 1, np.intp)
        remap[order] = np.arange(len(order))
        remap[-1] = -1  # missing values (code -1)
        out: Ints = remap[codes]
        return out
    return np.asarray(pd.factorize(np.asarray(values, dtype=object), sort=True)[0], np.intp)
