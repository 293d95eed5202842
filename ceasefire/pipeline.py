"""The one place that joins sources, the incident table, the rules and the clocks.

``verify(agreement, paths, ...)`` reads event files (streaming, de-duplicating incident ids and
dropping incidents whose reported date is outside ``--from``/``--to`` as they arrive), builds the columnar
table and evaluates every obligation. ``verify_table`` starts from a table already built (the
benchmark and later the server use it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ceasefire.actor_resolution import AliasResolver
from ceasefire.errors import UsageError
from ceasefire.extras import require_extra
from ceasefire.findings import FindingTable, Status, materialize
from ceasefire.model import Agreement, Clock, Finding, Incident, RunSummary
from ceasefire.rules import evaluate
from ceasefire.rules.clocks import clocks
from ceasefire.table import IncidentTable

if TYPE_CHECKING:
    from ceasefire.news.verdicts import ClaimVerdict

__all__ = ["Intake", "Verification", "verify", "verify_table"]

Progress = Callable[[int], None]


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

    def finding_objects(self) -> Iterator[Finding]:
        return materialize(self.agreement, self.table, self.findings, self.resolver)

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


def verify(
    agreement: Agreement,
    paths: Sequence[str | Path],
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    skip_bad_rows: bool = False,
    progress: Progress | None = None,
    engine: str = "local",
    scheduler: str | None = None,
) -> Verification:
    """Read every events file and verify it against the agreement.

    Parquet inputs, or ``engine="dask"``, go through the partitioned engine (``ceasefire.scale``:
    streaming, or on a Dask cluster at ``scheduler``); the findings are the same.
    """
    from ceasefire.sources import BadRows, iter_files

    _check_period(date_from, date_to)
    if engine not in ("local", "dask"):
        raise UsageError(f"--engine: '{engine}' is not one of local, dask")
    if engine == "dask" or _any_parquet(paths):
        require_extra("scale", None if engine == "dask" else ("pyarrow",), needed_for="Parquet inputs or --engine dask")
        from ceasefire.scale import verify_partitioned

        return verify_partitioned(
            agreement,
            paths,
            engine=engine,
            scheduler=scheduler,
            date_from=date_from,
            date_to=date_to,
            skip_bad_rows=skip_bad_rows,
            progress=progress,
        )
    bad_rows = BadRows(skip=skip_bad_rows)
    intake = Intake(files=[str(p) for p in paths])
    resolver = AliasResolver(agreement)
    incidents = _admitted(iter_files(paths, bad_rows), intake, date_from, date_to, progress)
    table = IncidentTable.from_incidents(incidents, resolver)
    intake.bad_rows, intake.bad_row_count = list(bad_rows.messages), bad_rows.count
    intake.not_incidents = bad_rows.ignored
    return verify_table(agreement, table, resolver, date_from=date_from, date_to=date_to, intake=intake)


def verify_table(
    agreement: Agreement,
    table: IncidentTable,
    resolver: AliasResolver,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    intake: Intake | None = None,
) -> Verification:
    """Verify incidents already in a table (built with the same ``resolver``)."""
    _check_period(date_from, date_to)
    if date_from or date_to:
        lo = date_from.toordinal() if date_from else np.iinfo(np.int64).min
        hi = date_to.toordinal() if date_to else np.iinfo(np.int64).max
        table = table.take((table.day >= lo) & (table.day <= hi))
    findings = evaluate(agreement, table, resolver)
    intake = intake or Intake(incidents=len(table))
    intake.incidents = len(table)
    return Verification(
        agreement,
        table,
        findings,
        clocks(agreement, table, findings, date_to),
        resolver,
        intake,
        date_from,
        date_to,
    )


def attach_claims(v: Verification, texts: Sequence[str | Path], days: int = 7) -> Verification:
    """Claims from news text set against the findings (the claims ledger): ``v.claims`` becomes
    one object per claim with its verdict (supports / contradicts / no evidence), the findings it
    rests on and why. ``days`` is how far before a claim (after, for a commitment) to look."""
    from ceasefire.news.claims import extract_claims
    from ceasefire.news.text import read_article
    from ceasefire.news.verdicts import assess_claims

    near = v.agreement.effective.date()  # datelines without a year: the year nearest the agreement
    articles = [read_article(Path(p), near) for p in texts]
    claims = list(extract_claims(v.agreement, articles))
    v.claims = assess_claims(v.agreement, claims, list(v.finding_objects()), days)
    return v


def _any_parquet(paths: Sequence[str | Path]) -> bool:
    from ceasefire.sources import detect_format

    return any(Path(p).is_dir() or detect_format(p) == "parquet" for p in paths)


def _check_period(date_from: dt.date | None, date_to: dt.date | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise UsageError(f"--from {date_from} is after --to {date_to}: swap them")


def _admitted(
    incidents: Iterable[Incident],
    intake: Intake,
    date_from: dt.date | None,
    date_to: dt.date | None,
    progress: Progress | None,
) -> Iterator[Incident]:
    """Incidents inside the period, first occurrence of each id; counts the rest."""
    seen: set[str] = set()
    for n, incident in enumerate(incidents, 1):
        if progress is not None and n % 10_000 == 0:
            progress(n)
        day = incident.date_reported or incident.date
        if (date_from and day < date_from) or (date_to and day > date_to):
            intake.outside_period += 1
            continue
        if incident.id in seen:
            intake.duplicates += 1
            continue
        seen.add(incident.id)
        yield incident
