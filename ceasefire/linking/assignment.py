"""From scored candidate pairs to events: a one-to-one assignment per file pair, then components.

The assignment is the greedy one (best score first; ties broken by the records' canonical
ranks, so the result does not depend on input order), computed in rounds without a loop over
pairs: in each round every pair that is the best remaining pair of both of its ends (a record's
end towards one other file) is accepted, and the pairs sharing an end with it are dropped. This
accepts exactly what the sequential greedy pass accepts. Events are the connected components of
the accepted links; a component that would hold two records of one file (a chain a1-b-c-a2) is
rebuilt by a sequential greedy pass over its own links that refuses such joins. Those
components are rare, so that loop stays small.

Last, a record left alone joins an event of two or more records when that event is clearly its
likeliest (``adopt_orphans``): the best score towards one of its records is at least
``ADOPT_FLOOR`` (below the link threshold), every other event or lone record it may belong to
scores at least ``ADOPT_MARGIN`` less, and the event holds no record of its file. The records
already linked corroborate each other, so one more record that fits only them is less likely a
look-alike than a pair of two lone records at the same score (issue 13: most records of an
event that stayed alone in bench/fusion.py's tuning seeds scored 0.6-0.7 with it).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["ADOPT_FLOOR", "ADOPT_MARGIN", "adopt_orphans", "assign_one_to_one", "components"]

ADOPT_FLOOR = 0.6  # the least score of a lone record's link to the event it joins
ADOPT_MARGIN = 0.05  # how much better that event must score than any other candidate

Ints = npt.NDArray[np.intp]
Floats = npt.NDArray[np.float64]


def priority(score: Floats, rank: Ints, a: Ints, b: Ints) -> Ints:
    """Position of each pair in the strict order: score descending, then canonical ranks."""
    lo, hi = np.minimum(rank[a], rank[b]), np.maximum(rank[a], rank[b])
    order = np.lexsort((hi, lo, -score))
    position = np.empty(len(order), np.intp)
    position[order] = np.arange(len(order))
    return position


def assign_one_to_one(a: Ints, b: Ints, prio: Ints, file: Ints) -> npt.NDArray[np.bool_]:
    """Which pairs the greedy one-to-one assignment per file pair accepts."""
    n_files = int(file.max(initial=0)) + 1
    end_a = a.astype(np.int64) * n_files + file[b]  # a's end towards b's file
    end_b = b.astype(np.int64) * n_files + file[a]
    ends, inverse = np.unique(np.concatenate([end_a, end_b]), return_inverse=True)
    ea, eb = inverse[: len(a)], inverse[len(a) :]
    accepted = np.zeros(len(a), bool)
    active = np.ones(len(a), bool)
    taken = np.zeros(len(ends), bool)
    while active.any():
        live = np.flatnonzero(active)
        best = np.full(len(ends), np.iinfo(np.intp).max, np.intp)
        np.minimum.at(best, ea[live], prio[live])
        np.minimum.at(best, eb[live], prio[live])
        win = live[(best[ea[live]] == prio[live]) & (best[eb[live]] == prio[live])]
        accepted[win] = True
        taken[ea[win]] = True
        taken[eb[win]] = True
        active &= ~(taken[ea] | taken[eb])
    return accepted


def components(n: int, a: Ints, b: Ints, rank: Ints) -> Ints:
    """Each record's event: the record of lowest canonical ``rank`` in its component."""
    by_rank = np.argsort(rank, kind="stable")  # canonical position -> row
    pos = np.empty(n, np.intp)
    pos[by_rank] = np.arange(n)
    ca, cb = pos[a], pos[b]
    label = np.arange(n)
    while True:
        la, lb = label[ca], label[cb]
        if np.array_equal(la, lb):
            break
        low = np.minimum(la, lb)
        np.minimum.at(label, la, low)
        np.minimum.at(label, lb, low)
        while True:  # pointer jumping: every label points at its root
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
    event: Ints = by_rank[label[pos]]
    return event


def split_shared_files(event: Ints, a: Ints, b: Ints, prio: Ints, file: Ints, rank: Ints) -> tuple[Ints, Ints]:
    """(event per record, accepted-link mask) after rebuilding the components that hold two
    records of one file, keeping their links best first while no file repeats."""
    keep = np.ones(len(a), bool)
    n_files = int(file.max(initial=0)) + 1
    distinct = np.unique(event.astype(np.int64) * n_files + file) // n_files
    bad = np.flatnonzero(np.bincount(event, minlength=len(event)) > np.bincount(distinct, minlength=len(event)))
    if not len(bad):
        return event, keep
    event = event.copy()
    member_rows = _grouped(event, np.flatnonzero(np.isin(event, bad)))
    member_links = _grouped(event[a], np.flatnonzero(np.isin(event[a], bad)))
    for e in bad.tolist():
        rows, links = member_rows[e], member_links[e]
        links = links[np.argsort(prio[links])]
        group = {int(r): {int(file[r])} for r in rows}
        head = {int(r): int(r) for r in rows}
        for k in links.tolist():
            ra, rb = _root(head, int(a[k])), _root(head, int(b[k]))
            if ra == rb or group[ra] & group[rb]:
                keep[k] = False
                continue
            ra, rb = sorted((ra, rb), key=lambda r: int(rank[r]))
            head[rb], group[ra] = ra, group[ra] | group.pop(rb)
        for r in rows.tolist():
            event[r] = _root(head, r)
    return _lowest_rank_labels(event, rank), keep


def _grouped(label: Ints, picked: Ints) -> dict[int, Ints]:
    """The ``picked`` positions grouped by their ``label``."""
    picked = picked[np.argsort(label[picked], kind="stable")]
    cuts = np.flatnonzero(np.diff(label[picked])) + 1
    return {int(label[g[0]]): g for g in np.split(picked, cuts) if len(g)}


def _root(head: dict[int, int], r: int) -> int:
    while head[r] != r:
        r = head[r]
    return r


def _lowest_rank_labels(event: Ints, rank: Ints) -> Ints:
    """Relabel each event by its record of lowest canonical rank."""
    uniq, inverse = np.unique(event, return_inverse=True)
    best = np.full(len(uniq), np.iinfo(np.intp).max, np.intp)
    np.minimum.at(best, inverse, rank)
    by_rank = np.argsort(rank, kind="stable")
    out: Ints = by_rank[best[inverse]]
    return out


def adopt_orphans(event: Ints, a: Ints, b: Ints, score: Floats, file: Ints, rank: Ints) -> tuple[Ints, Ints]:
    """(event per record, the candidate pairs that became links) after each lone record joins
    the event it clearly belongs to (see the module docstring). ``a``, ``b``, ``score``: every
    candidate pair, with no threshold. Two lone records of one file that would join one event
    join neither: nothing in the scores tells which one it is."""
    size = np.bincount(event, minlength=len(event))
    alone = size[event] == 1
    lone = np.concatenate([a[alone[a]], b[alone[b]]])
    other = np.concatenate([b[alone[a]], a[alone[b]]])
    pair = np.concatenate([np.flatnonzero(alone[a]), np.flatnonzero(alone[b])])
    if not len(pair):
        return event, pair
    # Best candidate first per lone record: highest score, then the other record's canonical rank.
    order = np.lexsort((rank[other], -score[pair], lone))
    lone, other, pair = lone[order], other[order], pair[order]
    first = np.flatnonzero(np.r_[True, lone[1:] != lone[:-1]])
    best = first
    # The runner-up is the best candidate in another event than the best's.
    rival = _runner_up(lone, event[other], score[pair], first)
    n_files = int(file.max(initial=0)) + 1
    held = np.unique(event.astype(np.int64) * n_files + file)
    target = event[other[best]]
    fits = (
        (score[pair[best]] >= ADOPT_FLOOR)
        & (score[pair[best]] - rival >= ADOPT_MARGIN)
        & (size[target] >= 2)
        & ~np.isin(target.astype(np.int64) * n_files + file[lone[best]], held)
    )
    slot = target.astype(np.int64) * n_files + file[lone[best]]
    _, inverse, counts = np.unique(slot[fits], return_inverse=True, return_counts=True)
    won = np.flatnonzero(fits)[counts[inverse] == 1]
    event = event.copy()
    event[lone[best[won]]] = target[won]
    return _lowest_rank_labels(event, rank), pair[best[won]]


def _runner_up(lone: Ints, their_event: Ints, value: Floats, first: Ints) -> Floats:
    """Per lone record (runs of ``lone`` starting at ``first``, best first): the best value of a
    candidate in another event than its best one's; 0 when there is none."""
    head = np.repeat(first, np.diff(np.r_[first, len(lone)]))
    elsewhere = their_event != their_event[head]
    out = np.zeros(len(first))
    hit = np.flatnonzero(elsewhere)
    run = np.searchsorted(first, hit, "right") - 1
    np.maximum.at(out, run, value[hit])
    return out
