"""The one path from incident columns to findings: ``verify_table``, and what it returns.

Every way in builds an ``IncidentTable`` (the columns) and calls ``verify_table``:
``pipeline.verify`` from event files, ``service``/``store`` from the stored incidents (``import``,
``POST /runs``), and ``scale.partition.verify_chunk`` for each partition of Parquet input, in this
process or on a Dask worker (``scale.reduce`` then merges the partitions' results). Nothing here
reads a file or a database: this module sits below ``pipeline``, ``scale`` and the store's
callers, which all import it and none of which it imports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from ceasefire.actor_resolution import AliasResolver
from ceasefire.corroboration import Events, merge_events
from ceasefire.errors import UsageError
from ceasefire.findings import FindingTable, Status, materialize
from ceasefire.linking import LinkDecisions, link_records
from ceasefire.linking.grades import source_columns
from ceasefire.model import Agreement, Clock, FileCounts, Finding, RunSummary
from ceasefire.rules import evaluate
from ceasefire.rules.clocks import DailyCounts, clocks_from_counts, daily_violations
from ceasefire.table import IncidentTable, factorize

if TYPE_CHECKING:
    from ceasefire.news.verdicts import ClaimVerdict

__all__ = ["Intake", "ReadCounts", "Verification", "check_period", "link_findings", "verify_table"]

_UTF8 = ("utf-8", "utf-8-sig", "xlsx", "")  # encodings a user need not be told about


@dataclass
class Intake:
    """What reading the inputs did: counts a user should see next to the findings."""

    files: list[str] = field(default_factory=list)
    incidents: int = 0  # kept for verification
    outside_period: int = 0  # dropped by --from/--to
    duplicates: int = 0  # same incident id seen again (first kept)
    bad_rows: list[str] = field(default_factory=list)
    bad_row_count: int = 0
    not_incidents: int = 0  # rows a format holds that are not incidents (GDELT outside CAMEO 18-20)
    no_place: int = 0  # events without coordinates (issue 12): not verified, not errors
    by_file: list[FileCounts] = field(default_factory=list)  # each text file's rows by class

    def encoding_notes(self) -> list[str]:
        """One line per file read in another encoding than UTF-8, for stderr."""
        return [f"{f.file}: read as {f.encoding}" for f in self.by_file if f.encoding not in _UTF8]

    def read(self, bad_rows: ReadCounts) -> None:
        """Take the counts reading left in ``bad_rows`` (``sources.rows.BadRows``)."""
        self.bad_rows, self.bad_row_count = list(bad_rows.messages), bad_rows.count
        self.not_incidents, self.no_place = bad_rows.ignored, bad_rows.no_places
        self.by_file = list(bad_rows.files)


class ReadCounts(Protocol):
    """What reading event files counted (``sources.rows.BadRows`` is one; this module reads no file)."""

    messages: list[str]
    count: int
    ignored: int
    files: list[FileCounts]

    @property
    def no_places(self) -> int: ...


@dataclass
class Verification:
    agreement: Agreement
    table: IncidentTable
    findings: FindingTable
    clocks: list[Clock]
    resolver: AliasResolver
    intake: Intake = field(default_factory=Intake)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    claims: list[ClaimVerdict] | None = None  # the claims ledger, when news text was given
    daily: DailyCounts = field(default_factory=dict)  # what ``clocks`` judged: partitions sum it
    events: Events | None = None  # the records' links, when records of several files were linked

    def finding_objects(self) -> Iterator[Finding]:
        linked = None if self.events is None else self.events.describe(self.table, self.resolver)
        return materialize(self.agreement, self.table, self.findings, self.resolver, linked)

    def by_party(self) -> dict[str, dict[str, int]]:
        return {p.id: self.findings.count_by_party(i) for i, p in enumerate(self.agreement.parties)}

    def unresolved_actors(self) -> list[str]:
        return self.resolver.unresolved()

    def by_obligation(self) -> dict[str, dict[str, int]]:
        """Obligation id -> status -> findings, for the obligations that have findings."""
        out: dict[str, dict[str, int]] = {}
        for k, o in enumerate(self.agreement.obligations):
            statuses = self.findings.status[self.findings.obligation == k]
            if len(statuses):
                out[o.id] = {
                    name: int(np.count_nonzero(statuses == code))
                    for code, name in (
                        (Status.VIOLATION, "violation"),
                        (Status.POSSIBLE, "possible_violation"),
                        (Status.EXEMPT, "exempt"),
                    )
                }
        return out

    def summary(self) -> RunSummary:
        """What the run says beside its findings (stored with a run, printed by ``verify``)."""
        return RunSummary(self.by_party(), self.by_obligation(), tuple(self.clocks), tuple(self.unresolved_actors()))


def verify_table(
    agreement: Agreement,
    table: IncidentTable,
    resolver: AliasResolver,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    intake: Intake | None = None,
    link: bool = True,
    apart: npt.NDArray[np.bool_] | None = None,
    reporters: Mapping[str, str] | None = None,
    decisions: LinkDecisions | None = None,
) -> Verification:
    """Verify incidents already in a table (built with the same ``resolver``): the incidents
    reported outside ``date_from``..``date_to`` are left out, every obligation is evaluated and
    the clocks run to ``date_to`` (None: the data's last day). ``intake.incidents`` becomes the
    number of incidents verified.

    With ``link`` (and records from more than one file), records of one event are linked
    (``linking``) and their findings merged into one per event and obligation
    (``corroboration``): findings, summaries and clocks then count events, not records; rows
    where ``apart`` is true (aligned with ``table``) stay events of their own; ``reporters`` says
    who submitted each report (``linking.grades.source_columns``); ``decisions``: the links
    analysts confirmed or split (``linking.decisions``)."""
    check_period(date_from, date_to)
    if date_from or date_to:
        lo = date_from.toordinal() if date_from else np.iinfo(np.int64).min
        hi = date_to.toordinal() if date_to else np.iinfo(np.int64).max
        inside = (table.day >= lo) & (table.day <= hi)
        table, apart = table.take(inside), None if apart is None else apart[inside]
    findings = evaluate(agreement, table, resolver)
    events = None
    if link:
        findings, events = link_findings(
            agreement, table, findings, apart=apart, reporters=reporters, decisions=decisions
        )
    intake = intake or Intake(incidents=len(table))
    intake.incidents = len(table)
    daily = daily_violations(agreement, table, findings)
    last_day = date_to or (dt.date.fromordinal(int(table.day1.max())) if len(table) else None)
    clocks = clocks_from_counts(agreement, daily, last_day)
    return Verification(
        agreement, table, findings, clocks, resolver, intake, date_from, date_to, daily=daily, events=events
    )


def link_findings(
    agreement: Agreement,
    table: IncidentTable,
    findings: FindingTable,
    *,
    apart: npt.NDArray[np.bool_] | None = None,
    reporters: Mapping[str, str] | None = None,
    decisions: LinkDecisions | None = None,
) -> tuple[FindingTable, Events | None]:
    """The findings of every record of ``table`` (``rules.evaluate``'s) merged per event, and the
    events; unchanged, and None, when the records come from one file. ``verify_table`` calls it,
    and so does the partitioned engine's reduction (``scale.reduce``) on all the partitions'
    records at once: an event's records may lie in any partitions."""
    if len(factorize(table.columns["file"])[1]) <= 1:
        return findings, None
    links = link_records(table, apart=apart, decisions=decisions)
    events = Events(links, source_columns(table, agreement, reporters))
    return merge_events(table, findings, events), events


def check_period(date_from: dt.date | None, date_to: dt.date | None) -> None:
    """``UsageError`` when the period ends before it starts."""
    if date_from and date_to and date_from > date_to:
        raise UsageError(f"--from {date_from} is after --to {date_to}: swap them")
