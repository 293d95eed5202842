"""What the store's CLI commands do, as functions the API can call too: orchestration above the
store (it joins the store with the sources, the pipeline and the news reader).

``init_database`` stores an agreement (a new version when it changed), ``import_events`` reads
event files with the same readers as ``verify`` (every file is read in full before anything is
written, so a bad row stores nothing), stores each new file, then ``verify_stored`` re-verifies
every stored incident with the current agreement version and records the run. Each ends with a
signed checkpoint, so the log is always signed up to its last write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ceasefire.actor_resolution import AliasResolver
from ceasefire.extras import MissingExtra, require_extra
from ceasefire.ledger import Checkpoint
from ceasefire.linking import LinkDecisions
from ceasefire.model import REPORT_PREFIX, Agreement, Incident
from ceasefire.service.bundles import load_bundle, read_bundle
from ceasefire.service.partial_runs import Partial, Records, partial_run
from ceasefire.service.run_rows import run_rows
from ceasefire.service.stored_columns import remember, stored_columns
from ceasefire.sources import BadRows, detect_format, read_events
from ceasefire.store import SQLStore
from ceasefire.store.errors import StoreError
from ceasefire.store.incidents import concat_columns
from ceasefire.store.links import LinkDecision
from ceasefire.store.protocol import (
    AgreementVersion,
    ImportRecord,
    NewsImportRecord,
    ReportRecord,
    ReportScope,
    RunRecord,
)
from ceasefire.table import IncidentTable, columns_of, normalized_columns
from ceasefire.verification import Intake, Verification, verify_table

__all__ = [
    "Imported",
    "Initialized",
    "StoredRecords",
    "all_reports",
    "import_events",
    "import_news",
    "init_database",
    "report_incident",
    "reporter_of",
    "stored_records",
    "verify_stored",
]


@dataclass(frozen=True)
class Initialized:
    version: AgreementVersion
    created: bool  # False: the agreement was already the current version
    migrations: list[str]
    checkpoint: Checkpoint


@dataclass
class Imported:
    imports: list[ImportRecord] = field(default_factory=list)
    run: RunRecord | None = None
    verification: Verification | None = None
    checkpoint: Checkpoint | None = None


def init_database(store: SQLStore, agreement: Path) -> Initialized:
    """Migrate, make the log key on first use, store the agreement; sign a checkpoint."""
    _, bundle = read_bundle(agreement)  # validates first: a bad agreement writes nothing
    applied = store.migrate()
    store.ensure_log_key(create=True)
    version, created = store.add_agreement(bundle)
    return Initialized(version, created, applied, store.checkpoint())


def import_events(
    store: SQLStore, paths: Sequence[Path], *, encoding: str | None = None, sheet: str | None = None
) -> Imported:
    """Store each events file not stored before, then re-verify everything (one run);
    ``encoding`` and ``sheet`` as for ``pipeline.verify``."""
    _ready(store)
    done = Imported()
    for path, fmt, incidents in _read_all(paths, encoding, sheet):
        columns = normalized_columns(incidents)
        record = store.add_import(path, fmt, columns)
        if record.new:  # the run below need not read back what was just stored (issue 14)
            remember(store, record.id, record.sha256, columns)
        done.imports.append(record)
    done.run = _up_to_date_run(store)
    if done.run is None:
        done.verification, done.run = verify_stored(store)
    done.checkpoint = store.checkpoint()
    return done


def verify_stored(store: SQLStore, *, incremental: bool = True) -> tuple[Verification, RunRecord]:
    """Verify every stored incident (first of each id, in import order) and the latest version
    of every submitted report (as incident ``report-ID``) with the current agreement version,
    applying the analysts' link decisions, and record the run with its findings. Who may see a
    report's findings is the API's business (``api.findings.visible_findings``). A run after an
    earlier one under the same agreement version, with no link decision since, verifies and
    stores only the days near what changed (``service.partial_runs``; its returned
    ``Verification`` holds only the records it read): its findings and summary are those of a
    full run (``incremental=False``: verify and store everything)."""
    version = _ready(store)
    intake = Intake(files=[record.name for record in store.imports()])
    partial = _partial(store, version, intake) if incremental else None
    if partial is not None:
        return partial.verification, store.add_run(version, partial.incidents, partial.summary, partial.rows)
    stored = stored_records(store, version, intake)
    verification = verify_table(
        stored.agreement,
        stored.table,
        stored.resolver,
        intake=intake,
        apart=stored.apart,
        reporters=stored.reporters,
        decisions=stored.decisions,
    )
    run = store.add_run(version, len(stored.table), verification.summary(), run_rows(verification))
    return verification, run


def _partial(store: SQLStore, version: AgreementVersion, intake: Intake) -> Partial | None:
    """The run built on the latest one, when there is one to build on and it can be (else None)."""
    decisions = store.link_decisions()
    basis = _basis_run(store, version, decisions)
    if basis is None:
        return None
    reports = list(all_reports(store))
    records = Records(
        load_bundle(version.bundle),
        normalized_columns(columns_of(report_incident(r) for r in reports)),
        frozenset(f"{REPORT_PREFIX}{r.id}" for r in reports if not r.published),
        {f"{REPORT_PREFIX}{r.id}": reporter_of(r) for r in reports if reporter_of(r)},
        LinkDecisions.latest((d.record_a, d.record_b, d.decision) for d in decisions),
        tuple((d.record_a, d.record_b) for d in decisions),
    )
    return partial_run(store, records, basis, intake)


@dataclass(frozen=True)
class StoredRecords:
    """Every stored record as a run verifies them: the table (imported incidents, then reports),
    which rows stay apart (unpublished reports link to nothing, issue 13: a finding the public
    sees must not name one), who submitted each report, and the analysts' link decisions."""

    agreement: Agreement
    resolver: AliasResolver
    reports: list[ReportRecord]
    table: IncidentTable
    apart: npt.NDArray[np.bool_]
    reporters: dict[str, str]
    decisions: LinkDecisions


def stored_records(store: SQLStore, version: AgreementVersion, intake: Intake | None = None) -> StoredRecords:
    """The records of ``store`` under agreement ``version`` (``intake`` counts repeated ids)."""
    agreement = load_bundle(version.bundle)
    resolver = AliasResolver(agreement)
    reports = list(all_reports(store))
    decisions = store.link_decisions()
    columns = _stored_columns(store, reports, intake or Intake())
    table = IncidentTable.from_columns(columns, resolver)
    # An unpublished report links to nothing (issue 13): a finding the public sees must not name it.
    unpublished = [f"{REPORT_PREFIX}{r.id}" for r in reports if not r.published]
    apart = pd.Series(table.columns["id"], dtype=object).isin(unpublished).to_numpy()  # hashed: np.isin sorts objects
    reporters = {f"{REPORT_PREFIX}{r.id}": reporter_of(r) for r in reports if reporter_of(r)}
    decided = LinkDecisions.latest((d.record_a, d.record_b, d.decision) for d in decisions)
    return StoredRecords(agreement, resolver, reports, table, apart, reporters, decided)


def _basis_run(store: SQLStore, version: AgreementVersion, decisions: Sequence[LinkDecision]) -> RunRecord | None:
    """The run an incremental run builds on: the latest, when made under ``version``, with no
    link decision logged since (a decision may join or part records of any days), and written
    since 0023 (it says where its findings of each day are)."""
    runs = store.runs()
    if not runs or runs[-1].agreement_version != version.version or runs[-1].agreement_id != version.agreement_id:
        return None
    if any(d.log_index >= runs[-1].log_index for d in decisions):
        return None
    return runs[-1] if store.run_days(runs[-1].id) or not runs[-1].findings else None


EVERY_REPORT = ReportScope(everything=True)


def reporter_of(report: ReportRecord) -> str:
    """Who a report speaks for, as source grading needs it: a party id, ``monitor``, or ""."""
    return report.owner.party or ("monitor" if report.owner.role == "monitor" else "")


def all_reports(store: SQLStore, scope: ReportScope = EVERY_REPORT) -> Iterator[ReportRecord]:
    """The latest version of every stored report ``scope`` sees (default: all), by id."""
    page, after = 500, None
    while True:
        records, _ = store.reports(scope, limit=page, after=after)
        yield from records
        if len(records) < page:
            return
        after = records[-1].id


def report_incident(report: ReportRecord) -> Incident:
    """A submitted report as an incident: its own coordinates (exact), date and actors."""
    sub = report.submission
    return Incident(
        id=f"{REPORT_PREFIX}{report.id}",
        source="report",
        date=dt.date.fromisoformat(sub.occurred_on),
        lat=sub.lat,
        lon=sub.lon,
        event_type=sub.event_type,
        sub_event_type=sub.sub_event_type,
        actor1=sub.actor1,
        actor2=sub.actor2,
        weapon=sub.weapon,
        fatalities=sub.fatalities,
        location=sub.title,
        notes=sub.description,
        source_name="; ".join(name for name, _ in sub.sources),
        file=f"report {report.id} version {report.version}",
    )


def _up_to_date_run(store: SQLStore) -> RunRecord | None:
    """The latest run when nothing was stored since it (same agreement version, no newer import):
    importing the same files again is then a no-op."""
    runs, imports, version = store.runs(), store.imports(), store.current_agreement()
    if not runs or version is None or runs[-1].agreement_version != version.version:
        return None
    if imports and imports[-1].log_index > runs[-1].log_index:
        return None
    return runs[-1]


def _ready(store: SQLStore) -> AgreementVersion:
    store.ensure_log_key(create=False)
    version = store.current_agreement()
    if version is None:
        raise StoreError(f"{store.url}: no agreement stored yet; run `ceasefire init` first")
    return version


def _read_all(
    paths: Sequence[Path], encoding: str | None = None, sheet: str | None = None
) -> list[tuple[Path, str, dict[str, Any]]]:
    """Every file read in full (InputError at the first bad row) into raw columns, before any
    is stored: text files by the columnar intake (``sources.columnar``, as ``verify`` reads
    them: the same incidents and messages as the row readers), else by the row readers."""
    read = []
    for path in paths:
        fmt = detect_format(path)
        if fmt == "parquet":
            read.append((path, fmt, _parquet_columns(path)))
        else:
            read.append((path, fmt, _text_columns(path, encoding, sheet)))
    return read


def _text_columns(path: Path, encoding: str | None, sheet: str | None) -> dict[str, Any]:
    try:
        require_extra("scale", ("pyarrow",))
    except MissingExtra:  # without pyarrow the row readers read every file, to the same incidents
        return columns_of(read_events(path, BadRows(), encoding=encoding, sheet=sheet))
    from ceasefire.sources.columnar import read_files

    return read_files([path], BadRows(), encoding=encoding, sheet=sheet)


def _parquet_columns(path: Path) -> dict[str, Any]:
    """A Parquet file's incidents as columns, partition by partition, with no object per row:
    what ``read_events`` would give as ``Incident``s (a one-day ``date_end`` left absent)."""
    from ceasefire.sources.parquet import layout, parquet_parts, part_columns

    parts = [normalized_columns(part_columns(p, layout(p), BadRows())) for p in parquet_parts(path)]
    if not parts:
        return normalized_columns(columns_of(()))
    joined = {name: np.concatenate([np.asarray(part[name]) for part in parts]) for name in parts[0]}
    joined["date_end"] = np.where(joined["date_end"] == joined["date"], 0, joined["date_end"])
    return joined


def _stored_columns(store: SQLStore, reports: Sequence[ReportRecord], intake: Intake) -> dict[str, Any]:
    """The stored incidents then every report's latest version, as raw columns, the first of
    each id only (the others counted in ``intake.duplicates``); no object per stored row."""
    stored = normalized_columns(stored_columns(store))
    joined = concat_columns(stored, normalized_columns(columns_of(report_incident(r) for r in reports)))
    repeated = pd.Series(joined["id"], dtype=object).duplicated().to_numpy()
    intake.duplicates += int(repeated.sum())
    if not repeated.any():
        return joined
    return {name: column[~repeated] for name, column in joined.items()}


def import_news(store: SQLStore, paths: Sequence[Path]) -> list[NewsImportRecord]:
    """Store each news article not stored before with the claims extracted from it by the
    current agreement version (each claim logged); every file is read before any is stored.
    Claims are judged when read (``GET /claims``), so no verification run is made."""
    from ceasefire.news.claims import extract_claims
    from ceasefire.news.text import read_article

    version = _ready(store)
    agreement = load_bundle(version.bundle)
    near = agreement.effective.date()  # datelines without a year: the year nearest the agreement
    articles = [read_article(path, near) for path in paths]
    done = []
    for path, article in zip(paths, articles, strict=True):
        found = store.find_news(hashlib.sha256(path.read_bytes()).hexdigest())
        claims = [] if found else list(extract_claims(agreement, [article]))  # again: a no-op
        done.append(store.add_news(path, article.published, version.version, claims))
    store.checkpoint()
    return done
