"""Findings per event (issue 13): the findings of linked records become one finding per event.

``verification.verify_table`` links the records (``linking.link_records``), evaluates the rules
over every record as before, then calls ``merge_events``: the findings of one event for one
obligation become one, made from its representative record (the worst status, then the highest
confidence, then the first record in (file, id) order). The other records stay in the table and
are named in the finding's ``incidents``, with their links, in its explanation.

Per merged finding (docs/rules.md, "Corroboration"):

- ``sources``: the independent sources among its records (``linking.grades``);
- ``confidence`` = 1 - (1 - c1) x prod over the other sources s of (1 - w_s x c_s x a_s), where c1
  is the representative's confidence, c_s the best confidence of source s's records, w_s the
  reliability of its grade (A 1.0, B 0.8, C 0.6, D 0.4, E 0.2, F 0.3) and a_s its agreement with
  the representative: 1 when it names the same perpetrator, 0.5 when it names none, 0 when it
  names another. One record, one source: the confidence is the record's own;
- disagreement: when records name different perpetrators, the perpetrator named by the most
  independent sources stands if at least two name it and no other is named as often; else the
  attribution is ``ambiguous`` between all of them, c1 is halved (``DISPUTED``) and a
  ``violation`` becomes a ``possible_violation``. Either way ``disputed`` is set and the
  explanation says who said what. Agreement a_s is measured against the perpetrator that stands
  (the representative's when none does).

Where an output shows an event's area (``event_admin1``: the bulletin's "By area" table and its
notable incidents), the area is the admin1 its records give: the representative's, else the
first non-empty admin1 of its other records in canonical order; the representative's wins when
records differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np
import numpy.typing as npt

from ceasefire.actor_resolution import AliasResolver
from ceasefire.findings import FindingTable, Status, Who
from ceasefire.linking import Links, canonical_rank, reason_sentences
from ceasefire.linking.grades import PARTIES_KEY, SourceColumns
from ceasefire.model import Finding
from ceasefire.table import IncidentTable

__all__ = ["Events", "event_admin1", "merge_events"]

Ints = npt.NDArray[np.intp]
DISPUTED = 0.5  # the factor of an attribution left open by sources that disagree (docs/rules.md)


def shown_source(key: str) -> str:
    """A source key as an explanation names it: a file's source by the file's name alone
    (``geojson:monitor.geojson``), never the folders of the machine that read it."""
    kind, _, rest = key.partition(":")
    if kind == "news" or "/" not in rest:
        return key
    return f"{kind}:{PurePath(rest).name}"


@dataclass(frozen=True)
class Events:
    """What linking found, for the outputs: each record's event and source."""

    links: Links
    sources: SourceColumns

    def describe(
        self, table: IncidentTable, resolver: AliasResolver
    ) -> Callable[[int, bool], tuple[tuple[str, ...], str]]:
        """For a finding's representative row and its ``disputed`` flag: (the ids of every record
        of its event, the sentences its explanation ends with); ((), "") for a lone record.
        Records and links are grouped by event once, so each call costs only its own event."""
        ids = np.asarray(table.columns["id"], dtype=object)
        event = self.links.event
        by_event = np.argsort(event, kind="stable")  # rows of each event, in canonical order
        sorted_events = event[by_event]
        link_order = np.argsort(event[self.links.a], kind="stable")
        link_events = event[self.links.a][link_order]
        rank = canonical_rank(table)
        by_rank = np.argsort(rank)  # canonical position -> row

        def describe_row(row: int, disputed: bool) -> tuple[tuple[str, ...], str]:
            e = event[row]
            rows = by_event[np.searchsorted(sorted_events, e) : np.searchsorted(sorted_events, e, "right")]
            if len(rows) < 2:
                return (), ""
            rows = rows[np.argsort(rank[rows])]  # by (file, id): the same whatever the input order
            said = "; ".join(self._said(table, resolver, int(r)) for r in rows)
            mine = link_order[np.searchsorted(link_events, e) : np.searchsorted(link_events, e, "right")]
            ra, rb = rank[self.links.a[mine]], rank[self.links.b[mine]]
            first, second = np.minimum(ra, rb), np.maximum(ra, rb)  # canonical, not input, order
            links = "; ".join(
                f"{ids[by_rank[x]]} ~ {ids[by_rank[y]]} score {self.links.score[k]:.2f} "
                f"({', '.join(reason_sentences(int(self.links.reasons[k])))})"
                for x, y, k in sorted(zip(first.tolist(), second.tolist(), mine.tolist(), strict=True))
            )
            sentence = f" Linked records: {said}. Links: {links}."
            sentence += self._cut(ids, rows, rank)
            if disputed:
                sentence += " The sources disagree on who carried it out."
            return tuple(str(ids[r]) for r in rows), sentence

        return describe_row

    def _cut(self, ids: npt.NDArray[np.object_], rows: Ints, rank: Ints) -> str:
        """The sentence naming the links of ``rows``' event that an analyst's split cut ("" for
        none), in canonical order as the links are."""
        cuts = self.links.cuts
        if not len(cuts):
            return ""
        said = []
        for k in np.flatnonzero(np.isin(cuts.a, rows) | np.isin(cuts.b, rows)).tolist():
            x, y = sorted((int(cuts.a[k]), int(cuts.b[k])), key=lambda r: int(rank[r]))
            sx, sy = sorted((int(cuts.by_a[k]), int(cuts.by_b[k])), key=lambda r: int(rank[r]))
            text = f"{ids[x]} ~ {ids[y]} score {cuts.score[k]:.2f} (an analyst split {ids[sx]} and {ids[sy]})"
            said.append((int(rank[x]), int(rank[y]), text))
        return f" Links cut: {'; '.join(t for *_, t in sorted(said))}." if said else ""

    def _said(self, table: IncidentTable, resolver: AliasResolver, row: int) -> str:
        grade = self.sources.grade[row]
        source = shown_source(self.sources.names[self.sources.key[row]])
        mask = int(table.side1.parties[row])
        who = " or ".join(resolver.mask_to_ids(mask)) if mask else "no bound party"
        actor = str(table.columns["actor1"][row]) or "no one"
        return f"{table.columns['id'][row]} from {source} (grade {grade}) names {actor} ({who})"


def merge_events(table: IncidentTable, ft: FindingTable, events: Events) -> FindingTable:
    """One finding per (event, obligation): see the module docstring."""
    if not len(ft):
        return ft
    event = events.links.event[ft.incident]
    rank = canonical_rank(table)
    # Best row first within each group: worst status, highest confidence, first record.
    order = np.lexsort((rank[ft.incident], -ft.confidence, ft.status, event, ft.obligation))
    group = event[order].astype(np.int64) * (int(ft.obligation.max()) + 1) + ft.obligation[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    head = order[starts]
    merged = ft.where(np.isin(np.arange(len(ft)), head))
    keep = np.sort(head)
    position = {int(r): i for i, r in enumerate(keep.tolist())}
    columns = {f: getattr(merged, f).copy() for f in ("status", "who", "parties", "confidence", "sources", "disputed")}
    reliability = events.sources.reliability()
    for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True):
        rows = order[start : start + size]
        _merge_group(ft, events.sources, reliability, rows, columns, position[int(rows[0])])
    return FindingTable(
        **{f: columns.get(f, getattr(merged, f)) for f in FindingTable.__slots__ if f != "places"},
        places=ft.places,
    )


def _merge_group(
    ft: FindingTable,
    sources: SourceColumns,
    reliability: npt.NDArray[np.float64],
    rows: Ints,
    out: dict[str, npt.NDArray[np.generic]],
    at: int,
) -> None:
    """Fill row ``at`` of ``out`` from the finding rows ``rows`` of one event (best first)."""
    records = ft.incident[rows]
    key = sources.key[records]
    parties_key = sources.names.index(PARTIES_KEY) if PARTIES_KEY in sources.names else -1
    named = (ft.who[rows] == Who.CERTAIN) & (ft.status[rows] != Status.EXEMPT)
    masks = ft.parties[rows]
    out["sources"][at] = len(set(key.tolist()))
    lead, c1 = int(masks[0]), float(ft.confidence[rows[0]])
    claims = {int(m): len({int(k) for k in key[named & (masks == m)]}) for m in set(masks[named].tolist())}
    if len(claims) > 1:
        out["disputed"][at] = True
        best = max(claims.values())
        winners = [m for m, c in claims.items() if c == best]
        if best >= 2 and len(winners) == 1:
            out["parties"][at] = lead = winners[0]
        else:
            out["parties"][at] = np.bitwise_or.reduce(np.array(list(claims), np.uint64))
            out["who"][at] = Who.AMBIGUOUS
            c1 *= DISPUTED
            if out["status"][at] == Status.VIOLATION:
                out["status"][at] = Status.POSSIBLE
    w = reliability[records]
    agree = np.where(~named, 0.5, np.where((masks.astype(np.int64) & lead) != 0, 1.0, 0.0))
    rest = 1.0
    for k in set(key.tolist()) - {int(key[0])}:
        mine = key == k
        best_c = float((ft.confidence[rows][mine] * agree[mine]).max())
        weight = float(w[mine].max()) if k != parties_key else float(w[mine].min())
        rest *= 1 - weight * best_c
    out["confidence"][at] = round(1 - (1 - c1) * rest, 2)


def event_admin1(finding: Finding, admin1: Callable[[str], str]) -> str:
    """The area (first administrative level) of ``finding``'s event, given each record id's
    admin1 ("" when unknown or not at hand): its representative's, else the first non-empty
    admin1 among its ``incidents`` (canonical order); "" when no record gives one. So a monitor's
    point or a news record without admin1 linked to an ACLED record takes the ACLED record's area,
    and linked records that name different areas leave the event in its representative's."""
    own = admin1(finding.record)
    return own or next((a for a in map(admin1, finding.incidents) if a), "")
