"""The bulletin's content: what it is computed from (:class:`Inputs`) and what it says
(:class:`Bulletin` and its parts), as frozen dataclasses; ``daily.compute`` makes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ceasefire.errors import CeasefireError
from ceasefire.model import Agreement, Clock, Finding, Incident

if TYPE_CHECKING:
    from ceasefire.news.verdicts import ClaimVerdict

__all__ = [
    "AccessState",
    "Bulletin",
    "BulletinError",
    "ClaimLine",
    "ClockState",
    "Count",
    "CountTable",
    "DayIndex",
    "DayLine",
    "FindingLine",
    "Grading",
    "Inputs",
    "LogState",
    "MapPoint",
    "Notable",
    "OutsideRun",
    "RunInfo",
]


class BulletinError(CeasefireError):
    """A bulletin cannot be made (no run, bad date)."""


class OutsideRun(BulletinError):
    """The day asked for lies outside the run's days (the API answers 404)."""


@dataclass(frozen=True)
class RunInfo:
    id: int
    created_at: str
    agreement_version: int
    incidents: int
    findings: int
    log_index: int
    published: bool | None = None  # None: not known (the CLI reads every run)


@dataclass(frozen=True)
class LogState:
    """The latest signed checkpoint: a reader checks the bulletin's run against it."""

    size: int
    root_hash: str  # hex
    timestamp: str  # ISO 8601 UTC
    key_id: str


@dataclass(frozen=True)
class Grading:
    """The Admiralty grades an analyst gave in a case covering an incident's report."""

    case_id: int
    conclusion: str
    grades: tuple[tuple[str, str, int], ...]  # (source, reliability A-F, credibility 1-6)

    def text(self) -> str:
        graded = "; ".join(f"{source} {rel}{cred}" for source, rel, cred in self.grades) or "no source graded"
        return f"case {self.case_id} ({self.conclusion.replace('_', ' ')}): {graded}"


@dataclass(frozen=True)
class DayIndex:
    """An ``Inputs``' findings by day, reported incidents counted by day, findings by id and the
    run's period: made once (``daily.index_of``), so each day's bulletin reads its own day instead
    of every finding and incident (issue 14: a day at a million incidents in under a second)."""

    period: tuple[dt.date, dt.date] | None
    by_day: Mapping[dt.date, Sequence[Finding]]
    reported: Mapping[dt.date, int]
    by_id: Mapping[str, Finding]


@dataclass(frozen=True)
class Inputs:
    """What a bulletin is computed from; ``gather.inputs`` reads it from a store."""

    agreement: Agreement
    run: RunInfo
    findings: Sequence[Finding]  # the run's findings the reader may see
    clocks: Sequence[Clock] = ()  # the run's clocks
    claims: Sequence[ClaimVerdict] = ()  # the claims ledger (`claims_ledger`), judged on `findings`
    incidents: Mapping[str, Incident] = field(default_factory=dict)  # by id: admin1, notes
    gradings: Mapping[str, Grading] = field(default_factory=dict)  # by incident id
    log: LogState | None = None
    index: DayIndex | None = None  # None: ``daily.compute`` makes it (see DayIndex)


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    violation: int
    possible: int
    was_violation: int  # the day before
    was_possible: int


@dataclass(frozen=True)
class CountTable:
    title: str
    rows: tuple[Count, ...]
    more: int = 0  # rows left out (bulletin.bounds)


@dataclass(frozen=True)
class FindingLine:
    id: str
    obligation: str
    status: str
    parties: tuple[str, ...]
    attribution: str
    confidence: float
    explanation: str
    date: str
    location: str


@dataclass(frozen=True)
class Notable:
    number: int
    incident: str
    date: str
    place: str
    admin1: str
    what: str
    fatalities: int
    status: str  # the worst status of its findings
    findings: tuple[FindingLine, ...]
    sources: str
    grading: str  # from a case, or "ungraded"
    notes: str


@dataclass(frozen=True)
class AccessState:
    id: str
    name: str
    kind: str  # route | besieged_area
    state: str  # obstructed | possibly obstructed | no obstruction reported
    findings: tuple[FindingLine, ...]  # of access obligations, there
    nearby: tuple[FindingLine, ...]  # other findings on or near it (one per incident)
    more: int = 0  # findings and nearby incidents left out (bulletin.bounds)


@dataclass(frozen=True)
class ClockState:
    obligation: str
    text: str
    max_per_day: int
    consecutive_days: int
    days: tuple[tuple[str, int, bool], ...]  # (date, violations, quiet) up to the day
    quiet_run: int  # consecutive quiet days ending on the day
    met_on: str | None  # when met on or before the day
    earlier: int = 0  # days before ``days`` left out of the strip (bulletin.bounds)


@dataclass(frozen=True)
class ClaimLine:
    speaker: str
    speaker_party: str | None
    cited_by: str | None
    kind: str
    accused: tuple[str, ...]
    obligation: str | None
    quote: str
    verdict: str
    explanation: str
    findings: tuple[FindingLine, ...]


@dataclass(frozen=True)
class MapPoint:
    incident: str
    lon: float
    lat: float
    radius_m: float
    status: str
    label: str
    number: int | None  # its notable incident number


@dataclass(frozen=True)
class Bulletin:
    agreement_id: str
    title: str
    timezone: str
    date: str
    previous: str
    run: RunInfo
    log: LogState | None
    summary: str
    totals: Mapping[str, int]  # violation, possible, exempt, incidents (with findings), reported
    was: Mapping[str, int]  # the same for the day before
    counts: tuple[CountTable, ...]
    notable: tuple[Notable, ...]
    access: tuple[AccessState, ...]
    clocks: tuple[ClockState, ...]
    claims: tuple[ClaimLine, ...]
    points: tuple[MapPoint, ...]
    first: str  # the run's first and last days
    last: str
    more_claims: int = 0  # claims left out (bulletin.bounds)


@dataclass(frozen=True)
class DayLine:
    """A day of the run, for the bulletins' index."""

    date: str
    violation: int  # incidents at worst a violation
    possible: int  # incidents at worst a possible violation
    incidents: int  # incidents with findings
