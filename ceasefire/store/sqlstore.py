"""``SQLStore``: the :class:`~ceasefire.store.protocol.Store`, written once over any
:class:`~ceasefire.store.database.Database` (SQLite or PostgreSQL).

It composes the parts and forwards to them: the :class:`~ceasefire.store.journal.Journal` (the
log, its key, checkpoints, receipts), :class:`~ceasefire.store.evidence.Evidence` (kept files)
and the record modules (``agreements``, ``reports``, ``claims``, ``cases``, ``publications``),
each of which receives the journal. Each write is one serialized write transaction: it inserts
the record's rows and appends the log entry built from what was stored (``Journal.append``).
Signing needs the private key file (``key_path``); evidence needs ``evidence_dir``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ceasefire.errors import UsageError
from ceasefire.ledger import DEFAULT_ORIGIN, Checkpoint, MerkleLog, Receipt, canonical_json
from ceasefire.model import Finding, Incident, NewsClaim, RunSummary
from ceasefire.store import (
    aggregates,
    agreements,
    export_reads,
    finding_records,
    increments,
    migrations,
    pages,
    publications,
    quotas,
    reports,
    tokens,
)
from ceasefire.store import cases as cases_store
from ceasefire.store import claims as claims_store
from ceasefire.store import links as links_store
from ceasefire.store.aggregates import FindingCount, IncidentCount
from ceasefire.store.audit import audit
from ceasefire.store.bulk import bulk_rows
from ceasefire.store.bundle import AgreementBundle
from ceasefire.store.database import Database, Row
from ceasefire.store.errors import UnknownRecord
from ceasefire.store.evidence import EvidenceFiles
from ceasefire.store.evidence_log import Evidence
from ceasefire.store.incidents import REPEAT_COLUMNS, Columns, incident_rows, read_incident_columns, repeat_rows
from ceasefire.store.increments import ChangedReports, DaySource
from ceasefire.store.journal import Journal, now
from ceasefire.store.log_entries import INCIDENT_COLUMNS, KINDS
from ceasefire.store.pages import FindingFilter, IncidentKey, RunRows
from ceasefire.store.protocol import (
    ROLES,
    AgreementVersion,
    Attached,
    CaseRecord,
    CaseStep,
    EvidenceRecord,
    ImportRecord,
    LogReport,
    NewsImportRecord,
    ReportRecord,
    ReportScope,
    ReportSubmission,
    RunRecord,
    StepDetail,
    Submitted,
    Submitter,
    TokenRecord,
)
from ceasefire.store.quotas import Usage

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["SQLStore", "incident_row", "row_incident", "token_hash"]

# The media type an imported events file is kept under, by format (HTML news: text/html).
_MEDIA = {"geojson": "application/geo+json", "gdelt": "text/tab-separated-values", "news": "text/plain"}
token_hash = tokens.token_hash
Dates = tuple[dt.date | None, dt.date | None]  # (from, to), either open
_LINK_COLUMNS = ("run_id", "seq", "incident_id", "report_id")


class SQLStore:
    """See the module docstring. ``url`` names the database in messages (no password)."""

    def __init__(
        self,
        db: Database,
        *,
        key_path: Path | None = None,
        evidence_dir: Path | None = None,
        origin: str = DEFAULT_ORIGIN,
    ) -> None:
        self.db, self.url, self.origin = db, db.url, origin
        self.journal = Journal(db, key_path=key_path, origin=origin)
        self.evidence_records = Evidence(self.journal, evidence_dir)

    def close(self) -> None:
        self.db.close()

    # -- schema and the log (ceasefire/store/journal.py) --------------------------------------

    def migrate(self) -> list[str]:
        return migrations.migrate(self.db)

    def migrations(self) -> list[str]:
        return migrations.applied(self.db)

    def ensure_log_key(self, *, create: bool) -> str:
        """The database's log key id; with ``create``, make and record the key when there is none."""
        return self.journal.ensure_key(create=create)

    def public_key(self) -> Ed25519PublicKey | None:
        return self.journal.public_key()

    def log_size(self) -> int:
        return self.journal.size()

    def log_entry(self, index: int) -> bytes:
        return self.journal.entry(index)

    def merkle_log(self) -> MerkleLog:
        return self.journal.merkle_log()

    def checkpoint(self) -> Checkpoint:
        """Sign the log as it is now, store the checkpoint and return it."""
        return self.journal.checkpoint()

    def checkpoints(self) -> list[Checkpoint]:
        return self.journal.checkpoints()

    def latest_checkpoint(self) -> Checkpoint | None:
        """The newest stored checkpoint, read alone (issue 11: not every row)."""
        return self.journal.latest_checkpoint()

    def read_tree(self) -> MerkleLog:
        """The log's tree from this connection's cache, brought up to date in a read transaction."""
        return self.journal.read_tree()

    def receipt(self, index: int) -> Receipt:
        """A receipt for entry ``index`` against the latest checkpoint that covers it."""
        return self.journal.receipt(index)

    def verify_log(self) -> LogReport:
        return audit(self.journal, self.evidence_records)

    # -- agreements (ceasefire/store/agreements.py) ------------------------------------------

    def add_agreement(self, bundle: AgreementBundle) -> tuple[AgreementVersion, bool]:
        """Store ``bundle`` as the next version (see ``agreements.add_agreement``)."""
        return agreements.add_agreement(self.journal, bundle)

    def agreement_versions(self) -> list[AgreementVersion]:
        return agreements.agreement_versions(self.journal)

    def current_agreement(self) -> AgreementVersion | None:
        return agreements.current_agreement(self.journal)

    # -- evidence and imports ---------------------------------------------------------------

    def evidence_files(self) -> EvidenceFiles:
        return self.evidence_records.files()

    def add_evidence(self, source: Path, name: str, media_type: str) -> EvidenceRecord:
        """Keep the file under its SHA-256 (fsynced first), then record it once."""
        return self.evidence_records.add(source, name, media_type)

    def evidence(self, sha256: str) -> EvidenceRecord | None:
        return self.evidence_records.get(sha256)

    def find_import(self, sha256: str) -> ImportRecord | None:
        rows = list(self.db.dicts(KINDS["import"].select("WHERE sha256 = ?"), (sha256,)))
        return _import(rows[0], new=False) if rows else None

    def add_import(self, source: Path, fmt: str, incidents: Columns) -> ImportRecord:
        """Record an events file (kept as evidence) and its incidents, given as raw columns
        (``store.incidents``: what ``IncidentTable.from_columns`` takes), in one transaction with
        one log entry; idempotent by SHA-256."""
        media = _MEDIA.get(fmt, "text/csv")
        if fmt == "news" and source.suffix.lower() in (".html", ".htm", ".xhtml"):
            media = "text/html"
        with self.db.write():
            evidence = self.add_evidence(source, source.name, media)
            found = self.find_import(evidence.sha256)
            if found is not None:
                return found
            import_id = int(self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM imports")[0][0])
            row = {
                "id": import_id,
                "sha256": evidence.sha256,
                "name": str(source),
                "format": fmt,
                "incidents": len(incidents["id"]),
                "created_at": now(),
            }
            rows = incident_rows(import_id, incidents)
            self.journal.append("import", row, {"incidents": rows}, {"incidents": len(incidents["id"])})
            self.db.copy("incident_repeats", REPEAT_COLUMNS, repeat_rows(self.db, import_id, incidents["id"]))
            _fresh_statistics(self.db, len(incidents["id"]), ("imports",), ("incidents", "incident_repeats"))
            record = self.find_import(evidence.sha256)
        assert record is not None
        return ImportRecord(**{**record.__dict__, "new": True})

    def imports(self) -> list[ImportRecord]:
        return [_import(row, new=False) for row in self.db.dicts(KINDS["import"].select())]

    def incident_columns(self, before: int | None = None, imports: tuple[int, int] | None = None) -> Columns:
        """Every stored incident as raw columns (see :meth:`incidents` for the order and
        ``before``; ``imports`` = (after, through) import ids), read with one query and no object
        per row (``store.incidents``)."""
        return read_incident_columns(self.db, before, imports)

    def incidents(self, before: int | None = None) -> Iterator[Incident]:
        """Every stored incident, in import order then file order (duplicate ids included);
        ``before``: only those of imports logged before that log index (what a run then saw)."""
        columns = ", ".join(f"i.{c}" for c in INCIDENT_COLUMNS)
        where, params = ("WHERE m.log_index < ?", (before,)) if before is not None else ("", ())
        sql = f"SELECT {columns} FROM incidents i JOIN imports m ON m.id = i.import_id {where} ORDER BY i.import_id, i.seq"
        for row in self.db.dicts(sql, params):
            yield row_incident(row)

    # -- verification runs ------------------------------------------------------------------

    def add_run(self, version: AgreementVersion, incidents: int, summary: RunSummary, findings: RunRows) -> RunRecord:
        """Record a verification run made under ``version`` with its summary and findings, as
        typed rows of ``finding_rows`` written in bulk (0019, issue 14), and which incidents each
        finding names (``finding_incidents``), its summary rows (0025, ``store/aggregates.py``) and
        the incident fields its exports show (0040, ``store/finding_records.py``)."""
        with self.db.write():
            run_id = int(self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM runs")[0][0])
            row = {
                "id": run_id,
                "agreement_id": version.agreement_id,
                "agreement_version": version.version,
                "incidents": incidents,
                "findings": findings.count,
                "summary": canonical_json(summary.to_document()).decode("utf-8"),
                "created_at": now(),
            }
            children = {"finding_rows": findings.rows(run_id), "run_days": findings.day_rows(run_id)}
            # the rows of the days it stores itself (an incremental run: a few days' worth)
            mine = sum(n for source, n in findings.days.values() if source is None)
            self.journal.append("run", row, children, {"finding_rows": mine})
            with bulk_rows(self.db, "finding_incidents", mine):
                self.db.copy("finding_incidents", _LINK_COLUMNS, findings.links(run_id))
            aggregates.write_counts(self.db, run_id, findings.days)
            finding_records.write_records(self.db, run_id, mine)
            _fresh_statistics(
                self.db,
                mine,
                ("runs", "run_days", "finding_counts"),
                ("finding_rows", "finding_incidents", "finding_records"),
            )
        return self.runs()[-1]

    def run_days(self, run_id: int) -> dict[str, DaySource]:
        """Where run ``run_id``'s findings of each day are (``store.increments``)."""
        return increments.run_days(self.db, run_id)

    def changed_reports(self, since: int) -> ChangedReports:
        """The reports with a version or publication logged at or after ``since``."""
        return increments.changed_reports(self.db, since)

    def runs(self) -> list[RunRecord]:
        return [
            RunRecord(**{k: row[k] for k in RunRecord.__dataclass_fields__})
            for row in self.db.dicts(KINDS["run"].select())
        ]

    def run_findings(self, run_id: int) -> list[Finding]:
        """The findings of a run, in stored order (typed rows, or the documents of older runs)."""
        return pages.run_findings(self.db, run_id)

    # -- pages of a run (ceasefire/store/pages.py, issue 14) -------------------------------------

    def finding_page(self, run_id: int, where: FindingFilter, after: str | None, limit: int) -> list[Finding]:
        """Up to ``limit`` findings of run ``run_id`` passing ``where``, after the one with id ``after``."""
        return pages.finding_page(self.db, run_id, where, after, limit)

    def export_rows(
        self, run: RunRecord, where: FindingFilter, after: int | None, limit: int, *, incidents: bool
    ) -> list[tuple[Any, ...]]:
        """A chunk of run ``run``'s findings for an export, as plain rows (``export_reads.export_rows``)."""
        return export_reads.export_rows(self.db, run.id, run.log_index, where, after, limit, incidents=incidents)

    def export_table(
        self, run: RunRecord, where: FindingFilter, after: int | None, limit: int, *, incidents: bool
    ) -> pa.Table:
        """``export_rows`` as an Arrow table (``export_reads.export_table``): no Python object per value."""
        return export_reads.export_table(self.db, run.id, run.log_index, where, after, limit, incidents=incidents)

    def export_chunk(
        self, run: RunRecord, where: FindingFilter, after: int | None, limit: int, *, incidents: bool
    ) -> export_reads.ExportChunk:
        """``export_table``'s findings of ``limit`` read, the hidden left out in Arrow (``export_reads.export_chunk``)."""
        return export_reads.export_chunk(self.db, run.id, run.log_index, where, after, limit, incidents=incidents)

    def count_findings(self, run_id: int, where: FindingFilter) -> int:
        return pages.count_findings(self.db, run_id, where)

    def selected_findings(self, run_id: int, where: FindingFilter) -> list[Finding]:
        """Every finding of run ``run_id`` passing ``where`` (bound it by dates: no paging)."""
        return pages.selected_findings(self.db, run_id, where)

    def report_findings(self, run_id: int, hidden: frozenset[int]) -> list[Finding]:
        """The findings of run ``run_id`` drawn from a submitted report, none from ``hidden``."""
        return pages.report_findings(self.db, run_id, hidden)

    def claim_findings(
        self,
        run_id: int,
        span: tuple[dt.date, dt.date],
        scope: pages.ClaimScope,
        statuses: Sequence[str],
        hidden: frozenset[int],
    ) -> list[Finding]:
        """Run ``run_id``'s findings a claim may rest on (``pages.claim_findings``), in order."""
        return pages.claim_findings(self.db, run_id, span, scope, statuses, hidden)

    def findings_by_id(self, run_id: int, ids: Sequence[str]) -> list[Finding]:
        """Run ``run_id``'s findings with ``ids``, whole, in the order of ``ids``."""
        return pages.findings_by_id(self.db, run_id, ids)

    def top_findings(
        self,
        run_id: int,
        scope: pages.ClaimScope,
        statuses: Sequence[str],
        hidden: frozenset[int],
        limit: int,
    ) -> list[Finding]:
        """The ``limit`` most confident findings within ``scope`` (``pages.top_findings``)."""
        return pages.top_findings(self.db, run_id, scope, statuses, hidden, limit)

    def run_counts(self, run_id: int) -> tuple[list[FindingCount], list[IncidentCount]]:
        """The summary rows of run ``run_id``: its findings drawn from no report, counted (0025)."""
        return aggregates.run_counts(self.db, run_id)

    def reported_by_day(self, before: int) -> dict[dt.date, int]:
        """Imported incidents a run logged at ``before`` verified, counted by reported day."""
        return pages.reported_by_day(self.db, before)

    def imported_extent(self, before: int) -> tuple[int, dt.date | None]:
        """How many imported incidents a run logged at ``before`` verified, and their last day."""
        return pages.imported_extent(self.db, before)

    def run_report_ids(self, run_id: int) -> set[int]:
        """The submitted reports the findings of run ``run_id`` draw on."""
        return pages.run_report_ids(self.db, run_id)

    def incident_page(
        self, before: int, dates: Dates, after: IncidentKey | None, limit: int
    ) -> list[tuple[IncidentKey, Incident]]:
        """Up to ``limit`` (key, incident) a run logged at ``before`` verified (the first of each id,
        dated within ``dates``), after the key ``after``; in import order then file order."""
        rows = pages.incident_page(self.db, before, dates, after, limit)
        return [((int(r["import_id"]), int(r["seq"])), row_incident(r)) for r in rows]

    def first_incidents(self, before: int, ids: Sequence[str]) -> dict[str, Incident]:
        """The incidents of ``ids`` a run logged at ``before`` verified (the first of each id)."""
        out: dict[str, Incident] = {}
        for row in pages.first_incidents(self.db, before, ids):
            out.setdefault(row["incident_id"], row_incident(row))
        return out

    def count_incidents(self, before: int, dates: Dates) -> int:
        return pages.count_incidents(self.db, before, dates)

    def incident_findings(
        self, run_id: int, incident_ids: Sequence[str], hidden: frozenset[int]
    ) -> dict[str, list[tuple[str, str]]]:
        """(finding id, status) of run ``run_id``'s findings on each incident, none drawn from ``hidden``."""
        return pages.incident_findings(self.db, run_id, incident_ids, hidden)

    # -- tokens -----------------------------------------------------------------------------

    def create_token(
        self, role: str, party: str | None, name: str, *, expires_at: str | None = None
    ) -> tuple[str, TokenRecord]:
        """A new random token (returned once, stored only as its SHA-256) and its record.

        ``party`` is required for role ``party`` (and must be a party of the current agreement)
        and refused for the other roles. ``expires_at`` (a ``tokens.stamp``) defaults to
        ``tokens.DEFAULT_LIFETIME`` from now and must be in the future.
        """
        _check_role(role, party)
        expires = expires_at or tokens.stamp(dt.datetime.now(dt.UTC) + tokens.DEFAULT_LIFETIME)
        if expires <= now():
            raise UsageError(f"--expires: {expires} is not in the future")
        token, token_id = tokens.create(self.journal, role, party, name, expires)
        return token, tokens.tokens(self.journal, "WHERE t.id = ?", (token_id,))[0]

    def find_token(self, token: str) -> TokenRecord | None:
        """The record of a token presented by a client, or None when it is not one of ours, or
        is expired or revoked (what every check of a caller uses)."""
        return tokens.find_live(self.journal, token)

    def tokens(self) -> list[TokenRecord]:
        """Every token's record (never the token itself), oldest first, revoked ones too."""
        return tokens.tokens(self.journal)

    def revoke_token(self, token_id: int, revoked_by: int | None) -> tuple[int, bool]:
        """Revoke a token (see ``tokens.revoke``): (the revocation's log index, revoked now)."""
        return tokens.revoke(self.journal, token_id, revoked_by)

    def create_session(self, token_id: int) -> str:
        """A new dashboard session of the token: its id, for the cookie (``tokens.create_session``)."""
        return tokens.create_session(self.journal, token_id)

    def find_session(self, session: str) -> TokenRecord | None:
        """The live token of an open session, else None."""
        return tokens.find_session(self.journal, session)

    def end_session(self, session: str) -> bool:
        return tokens.end_session(self.journal, session)

    # -- reports (0004_reports; the logic lives in reports.py) ----------------------------------

    def submit_report(
        self,
        submitter: Submitter,
        submission: ReportSubmission,
        *,
        report_id: int | None = None,
        idempotency: tuple[str, str] | None = None,
    ) -> Submitted:
        """Store a report version, log it and return its receipt (see ``reports.submit_report``)."""
        return reports.submit_report(self.journal, submitter, submission, report_id=report_id, idempotency=idempotency)

    def publish_report(self, submitter: Submitter, report_id: int) -> tuple[int, bool]:
        return reports.publish_report(self.journal, submitter, report_id)

    def reports(
        self, scope: ReportScope, *, limit: int, offset: int = 0, after: int | None = None
    ) -> tuple[list[ReportRecord], int]:
        return reports.list_reports(self.journal, scope, limit=limit, offset=offset, after=after)

    def report(self, scope: ReportScope, report_id: int) -> ReportRecord | None:
        return reports.get_report(self.journal, scope, report_id)

    def attach_evidence(
        self,
        submitter: Submitter,
        report_id: int,
        fp: BinaryIO,
        name: str,
        media_type: str,
    ) -> Attached:
        """Keep a file as evidence and attach it to a report (see ``reports.attach_evidence``)."""
        return reports.attach_evidence(self.journal, self.evidence_records, submitter, report_id, fp, name, media_type)

    def report_evidence(self, report_id: int) -> list[EvidenceRecord]:
        return reports.report_evidence(self.journal, self.evidence_records, report_id)

    def reports_since(self, since: str, token_id: int, party: str | None) -> Usage:
        """Report versions a token and its party wrote since ``since`` (``store.quotas``)."""
        return quotas.reports_since(self.journal, since, token_id, party)

    def evidence_bytes_since(self, since: str, token_id: int, party: str | None) -> Usage:
        """Evidence bytes a token and its party attached since ``since`` (``store.quotas``)."""
        return quotas.evidence_bytes_since(self.journal, since, token_id, party)

    def run_summary(self, run_id: int) -> RunSummary:
        """A run's summary: counts, clocks and unresolved actors."""
        rows = self.db.execute("SELECT summary FROM runs WHERE id = ?", (run_id,))
        if not rows:
            raise UnknownRecord(f"{self.url}: no verification run {run_id}")
        return RunSummary.from_document(json.loads(str(rows[0][0])))

    # -- claims (0006_claims; the logic lives in claims.py) -----------------------------------

    def add_news(
        self,
        source: Path,
        published: dt.date | None,
        agreement_version: int,
        claims: Sequence[NewsClaim],
    ) -> NewsImportRecord:
        """Keep an article and store its claims, each logged (see ``claims.add_news``)."""
        return claims_store.add_news(self.journal, self.evidence_records, source, published, agreement_version, claims)

    def find_news(self, sha256: str) -> NewsImportRecord | None:
        return claims_store.find_news(self.journal, sha256)

    def news_imports(self) -> list[NewsImportRecord]:
        return claims_store.news_imports(self.journal)

    def stored_claims(self) -> list[NewsClaim]:
        return claims_store.stored_claims(self.journal)

    # -- cases (0008_cases; the logic lives in cases.py) ---------------------------------------

    def open_case(self, submitter: Submitter, title: str, allegation: str, reports: Sequence[int]) -> CaseRecord:
        return cases_store.open_case(self.journal, submitter, title, allegation, reports)

    def add_case_step(self, submitter: Submitter, case_id: int, detail: StepDetail) -> CaseStep:
        """Append a request, response or assessment to a case (see ``cases.add_case_step``)."""
        return cases_store.add_case_step(self.journal, submitter, case_id, detail)

    def cases(self, party: str | None = None) -> list[CaseRecord]:
        return cases_store.list_cases(self.journal, party)

    # 0010_publications (ceasefire/store/publications.py)
    def publish_run(self, submitter: Submitter | None, run_id: int) -> tuple[int, bool]:
        return publications.publish(self.journal, "run", run_id, submitter)

    def publish_case(self, submitter: Submitter | None, case_id: int) -> tuple[int, bool]:
        return publications.publish(self.journal, "case", case_id, submitter)

    def published_runs(self) -> set[int]:
        return publications.published(self.journal, "run")

    def published_cases(self) -> set[int]:
        return publications.published(self.journal, "case")

    def case(self, case_id: int) -> CaseRecord | None:
        return cases_store.get_case(self.journal, case_id)

    # 0021_link_decisions (ceasefire/store/links.py)
    def add_link_decision(
        self, submitter: Submitter | None, first: str, second: str, decision: str, reason: str
    ) -> links_store.LinkDecision:
        return links_store.add_link_decision(self.journal, submitter, first, second, decision, reason)

    def link_decisions(self, records: set[str] | None = None) -> list[links_store.LinkDecision]:
        return links_store.link_decisions(self.journal, records)


def _check_role(role: str, party: str | None) -> None:
    if role not in ROLES:
        raise UsageError(f"--role: '{role}' is not one of {', '.join(ROLES)}")
    if role == "party" and not party:
        raise UsageError("--party: role 'party' needs the party it speaks for (--party ID)")
    if role != "party" and party is not None:
        raise UsageError(f"--party: only role 'party' speaks for a party, not '{role}'")


def incident_row(import_id: int, seq: int, incident: Incident) -> tuple[Any, ...]:
    """The ``incidents`` row of an incident, in ``INCIDENT_COLUMNS`` order."""
    values = {f: getattr(incident, f) for f in INCIDENT_COLUMNS[3:]}
    for name in ("date", "date_end", "date_reported"):
        values[name] = values[name].isoformat() if values[name] is not None else None
    values["lat"], values["lon"], values["radius_m"] = (float(values[k]) for k in ("lat", "lon", "radius_m"))
    return (import_id, seq, incident.id, *values.values())


def row_incident(row: Row) -> Incident:
    """The incident an ``incidents`` row holds (the inverse of :func:`incident_row`)."""
    fields = {k: row[k] for k in INCIDENT_COLUMNS[3:]}
    for name in ("date", "date_end", "date_reported"):
        fields[name] = dt.date.fromisoformat(fields[name]) if fields[name] is not None else None
    return Incident(id=row["incident_id"], **fields)


def _import(row: Row, *, new: bool) -> ImportRecord:
    return ImportRecord(**{k: row[k] for k in ImportRecord.__dataclass_fields__ if k != "new"}, new=new)


# Rows a write adds beyond which PostgreSQL's statistics of the big tables it wrote are refreshed at
# once (about 0.2 s a table at 1M): fewer leave autovacuum to it, as they barely move the estimates.
_BIG_WRITE = 50_000


def _fresh_statistics(db: Database, rows: int, small: tuple[str, ...], big: tuple[str, ...]) -> None:
    """PostgreSQL: ``ANALYZE`` the tables a write just added to, inside its transaction (its own
    rows count), the ``big`` ones only after a big write. Until autovacuum analyzed ``run_days``
    (up to a minute after a run), the planner took a new run for an empty one and read the map's
    findings of 100 incidents by a plan of 0.3 s instead of 3 ms (issue 14, 1M). Nothing on
    SQLite, whose plans here take no statistics. A role that does not own a table gets a warning
    and the table is skipped: autovacuum still refreshes it."""
    if db.dialect != "postgres":
        return
    db.execute(f"ANALYZE {', '.join((*small, *big) if rows >= _BIG_WRITE else small)}")
