"""Read a bulletin's inputs from a store: the run, its findings and clocks, the claims ledger,
the incidents the run saw, case gradings and the latest signed checkpoint.

The caller chooses the run and the findings (the CLI: the newest run and all its findings,
``newest_run_inputs``; the server: the run and findings the viewer may see,
``api.findings.visible_run``) and which cases may lend their grades (the server: only those the
viewer may read).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ceasefire.bulletin.content import BulletinError, DayIndex, Grading, Inputs, LogState, RunInfo
from ceasefire.model import REPORT_PREFIX, Agreement, Clock, Finding, Incident
from ceasefire.service.bundles import load_bundle
from ceasefire.service.claims import claims_ledger, day_claims
from ceasefire.store import SQLStore
from ceasefire.store.logtree import latest_checkpoint
from ceasefire.store.pages import FindingFilter
from ceasefire.store.protocol import Assessment, CaseRecord, RunRecord

__all__ = [
    "NEEDED_MIGRATION",
    "Seen",
    "day_inputs",
    "gradings",
    "inputs",
    "newest_run",
    "newest_run_inputs",
    "parse_day",
]

NEEDED_MIGRATION = "0010_publications"  # the newest migration whose tables a bulletin reads


def parse_day(text: str) -> dt.date:
    """``YYYY-MM-DD`` as a date; BulletinError naming the text otherwise."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BulletinError(f"--date: '{text}' is not a date; use YYYY-MM-DD") from None


def newest_run(db: SQLStore) -> RunRecord:
    """The newest verification run; BulletinError when there is none yet."""
    runs = db.runs()
    if not runs:
        raise BulletinError(f"{db.url}: no verification run yet; import events first (`ceasefire import`)")
    return runs[-1]


def newest_run_inputs(target: str) -> Inputs:
    """The inputs of the newest run with all its findings (``ceasefire bulletin``), read from the
    database at ``target`` (a SQLite file or a postgresql:// URL). StoreError when ``target`` holds
    no ceasefire database or one without the bulletin's tables; BulletinError when it has no run."""
    from ceasefire.store import StoreError, open_store

    store = open_store(target)
    try:
        applied = store.migrations()
        if not applied:
            raise StoreError(f"{store.url}: not a ceasefire database; create it with `ceasefire init`")
        if NEEDED_MIGRATION not in applied:
            raise StoreError(
                f"{store.url}: made by an older ceasefire; apply its migrations first (`ceasefire serve` does)"
            )
        run = newest_run(store)
        return inputs(store, run, store.run_findings(run.id), published=run.id in store.published_runs())
    finally:
        store.close()


def inputs(
    db: SQLStore,
    run: RunRecord,
    findings: Sequence[Finding],
    *,
    cases: Iterable[CaseRecord] | None = None,
    published: bool | None = None,
    clocks: Sequence[Clock] | None = None,
    incidents: int | None = None,
) -> Inputs:
    """Everything ``daily.compute`` needs for ``run``, of which the reader sees ``findings``.
    ``cases``: whose assessments may grade sources (default: every case). ``clocks`` and
    ``incidents``: the clocks and incident count of what the reader may see (default: the run's
    stored ones, which count every report: right only for a reader who sees every finding)."""
    version = next((v for v in db.agreement_versions() if v.version == run.agreement_version), None)
    if version is None:  # pragma: no cover - a run always names a stored version
        raise BulletinError(f"{db.url}: run {run.id} names agreement version {run.agreement_version}, not stored")
    count = run.incidents if incidents is None else incidents
    info = RunInfo(run.id, run.created_at, run.agreement_version, count, len(findings), run.log_index, published)
    return Inputs(
        agreement=load_bundle(version.bundle),
        run=info,
        findings=findings,
        clocks=db.run_summary(run.id).clocks if clocks is None else tuple(clocks),
        claims=claims_ledger(db, findings),
        incidents=_incidents(db, run),
        gradings=gradings(db.cases() if cases is None else cases),
        log=_log(db),
    )


@dataclass(frozen=True)
class Seen:
    """What a reader may know of a run, counted (the server's ``api.tallies.Tallies``): how many
    incidents and findings, the run's days, the clocks, the reports whose findings are not the
    reader's to see, and the imported incidents reported each day (``SQLStore.reported_by_day``)."""

    incidents: int
    findings: int
    period: tuple[dt.date, dt.date] | None
    clocks: Sequence[Clock]
    hidden: frozenset[int]
    reported: Mapping[dt.date, int]


def day_inputs(
    db: SQLStore,
    run: RunRecord,
    day: dt.date,
    seen: Seen,
    agreements: tuple[Agreement, Agreement | None],
    *,
    cases: Iterable[CaseRecord],
    published: bool,
) -> Inputs:
    """What ``daily.compute`` needs for the bulletin of ``day`` alone, read from the day and the
    day before (issue 14: a day at a million incidents reads a day's findings and incidents, not
    the run's): the findings ``seen`` lets the reader see, the incidents they name, the imported
    incidents reported each day, and the claims of the day judged on the fortnight around it.
    ``agreements``: the run's version and the current one (claims are judged under it)."""
    previous = day - dt.timedelta(days=1)
    found = db.selected_findings(run.id, FindingFilter(previous, day, hidden=seen.hidden))
    by_day: dict[dt.date, list[Finding]] = defaultdict(list)
    for f in found:
        by_day[f.date].append(f)
    window: list[Finding] = []

    def between(first: dt.date, last: dt.date) -> list[Finding]:
        window.extend(db.selected_findings(run.id, FindingFilter(first, last, hidden=seen.hidden)))
        return window

    claims = day_claims(db, agreements[1], day, between)
    reported = {d: seen.reported.get(d, 0) for d in (previous, day)}
    by_id = {f.id: f for f in (*window, *found)}
    info = RunInfo(
        run.id, run.created_at, run.agreement_version, seen.incidents, seen.findings, run.log_index, published
    )
    return Inputs(
        agreement=agreements[0],
        run=info,
        findings=found,
        clocks=tuple(seen.clocks),
        claims=claims,
        # Every record of each event, not only the first: an event's area may come from any.
        incidents=db.first_incidents(run.log_index, sorted({i for f in found for i in (f.incidents or (f.id,))})),
        gradings=gradings(cases),
        log=_log(db),
        index=DayIndex(seen.period, dict(by_day), reported, by_id),
    )


def _incidents(db: SQLStore, run: RunRecord) -> dict[str, Incident]:
    """The imported incidents the run saw (first of each id, as verification keeps them).
    Reports are not read here: their findings carry what a bulletin shows of them."""
    out: dict[str, Incident] = {}
    for incident in db.incidents(before=run.log_index):
        out.setdefault(incident.id, incident)
    return out


def gradings(cases: Iterable[CaseRecord]) -> dict[str, Grading]:
    """Incident id (``report-N``) -> the grading of the latest assessed case covering report N
    (a later case overrides an earlier one; within a case the latest assessment counts)."""
    out: dict[str, Grading] = {}
    for case in sorted(cases, key=lambda c: c.id):
        assessments = [s.detail for s in case.steps if isinstance(s.detail, Assessment)]
        if not assessments:
            continue
        latest = assessments[-1]
        grades = tuple((g.source, g.reliability, g.credibility) for g in latest.grades)
        for report in case.reports:
            out[f"{REPORT_PREFIX}{report}"] = Grading(case.id, latest.conclusion, grades)
    return out


def _log(db: SQLStore) -> LogState | None:
    checkpoint = latest_checkpoint(db.db)
    if checkpoint is None:
        return None
    at = dt.datetime.fromtimestamp(checkpoint.timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return LogState(checkpoint.size, checkpoint.root_hash.hex(), at, checkpoint.key_id)
