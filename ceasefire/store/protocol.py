"""The one storage protocol (``Store``) and the records it hands back.

Both backends implement it through :class:`ceasefire.store.sqlstore.SQLStore` over their own
:class:`~ceasefire.store.database.Database`. Contracts every implementation keeps:

- every write (agreement version, evidence, import, verification run, token) appends exactly one
  log entry per record, in the same transaction as the rows it records (``log_entries.py``);
- nothing stored is updated or deleted: a changed agreement is a new version, a re-import of the
  same bytes is a no-op that returns the first import (``new=False``);
- findings keep the agreement version they were made under (``RunRecord.agreement_version``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, Protocol

from ceasefire.ledger import Checkpoint, Receipt
from ceasefire.model import Finding, Incident, NewsClaim, RunSummary
from ceasefire.store.bundle import AgreementBundle
from ceasefire.store.pages import FindingFilter, IncidentKey, RunRows

if TYPE_CHECKING:
    import datetime as dt

    import pyarrow as pa

    from ceasefire.store.aggregates import FindingCount, IncidentCount
    from ceasefire.store.export_reads import ExportChunk

__all__ = [
    "ROLES",
    "STEP_KINDS",
    "AgreementVersion",
    "Assessment",
    "Attached",
    "CaseRecord",
    "CaseStep",
    "EvidenceRecord",
    "Grade",
    "ImportRecord",
    "InformationRequest",
    "LogProblem",
    "LogReport",
    "NewsImportRecord",
    "PartyResponse",
    "ReportRecord",
    "ReportScope",
    "ReportSubmission",
    "RunRecord",
    "StepDetail",
    "StepKind",
    "Store",
    "Submitted",
    "Submitter",
    "TokenRecord",
]

ROLES = ("admin", "analyst", "monitor", "party", "observer")


@dataclass(frozen=True)
class AgreementVersion:
    agreement_id: str
    version: int
    sha256: str
    title: str
    created_at: str
    log_index: int
    bundle: AgreementBundle


@dataclass(frozen=True)
class EvidenceRecord:
    sha256: str
    size: int
    name: str
    media_type: str
    created_at: str
    log_index: int


@dataclass(frozen=True)
class ImportRecord:
    id: int
    sha256: str
    name: str
    format: str
    incidents: int
    created_at: str
    log_index: int
    new: bool = True  # False: these bytes were imported before; nothing was added


@dataclass(frozen=True)
class RunRecord:
    id: int
    agreement_id: str
    agreement_version: int
    incidents: int
    findings: int
    created_at: str
    log_index: int


@dataclass(frozen=True)
class TokenRecord:
    """A token's record (never the token): who holds it, when it expires, when it was revoked.
    Times are stored UTC stamps (``journal.now()``), comparable as text."""

    id: int
    role: str
    party: str | None
    name: str
    created_at: str
    log_index: int
    expires_at: str
    revoked_at: str | None = None

    def live(self, at: str) -> bool:
        """True while the token works at time ``at``: not revoked and not expired."""
        return self.revoked_at is None and at < self.expires_at


@dataclass(frozen=True)
class ReportSubmission:
    """What a monitor or party submits (one version of a report); ``occurred_on`` is ISO 8601."""

    title: str
    description: str
    occurred_on: str
    lat: float
    lon: float
    event_type: str
    sub_event_type: str
    actor1: str
    actor2: str
    weapon: str  # a weapon class (model.WEAPON_CLASSES) or ""
    fatalities: int
    sources: tuple[tuple[str, str], ...]  # (name, url)
    client_hash: str | None = None


@dataclass(frozen=True)
class Submitter:
    """The token a write is made with (its id, role and party), as recorded beside the write."""

    token_id: int
    role: str
    party: str | None = None


@dataclass(frozen=True)
class ReportScope:
    """Which reports a reader sees: all of them, or the published ones plus those first
    submitted with ``token_id`` or for ``party``."""

    everything: bool = False
    token_id: int | None = None
    party: str | None = None


@dataclass(frozen=True)
class ReportRecord:
    """The latest version of a report; ``owner`` submitted version 1."""

    id: int
    version: int
    submission: ReportSubmission
    owner: Submitter
    submitted_by: Submitter  # of this version
    published: bool
    created_at: str  # of this version
    log_index: int  # of this version


@dataclass(frozen=True)
class Submitted:
    """A stored report version and its receipt; ``replayed``: an earlier answer given again."""

    report_id: int
    version: int
    log_index: int
    receipt: Receipt
    replayed: bool = False


@dataclass(frozen=True)
class Attached:
    """An evidence file attached to a report, its log entry and receipt; ``new``: False when
    that file was already attached to that report (nothing was added)."""

    report_id: int
    evidence: EvidenceRecord
    log_index: int
    receipt: Receipt
    new: bool = True


@dataclass(frozen=True)
class NewsImportRecord:
    """An imported news article (kept as evidence) and how many claims it gave (0006_claims)."""

    id: int
    sha256: str
    name: str
    published: str | None
    agreement_version: int
    claims: int
    created_at: str
    log_index: int
    new: bool = True  # False: these bytes were imported before; nothing was added


@dataclass(frozen=True)
class Grade:
    """A source graded on the Admiralty scale: ``reliability`` A-F, ``credibility`` 1-6."""

    source: str
    reliability: str
    credibility: int


@dataclass(frozen=True)
class InformationRequest:
    """A case step: an analyst asks ``party`` a question, to answer by ``deadline`` (YYYY-MM-DD)."""

    party: str
    question: str
    deadline: str


@dataclass(frozen=True)
class PartyResponse:
    """A case step: a party answers request ``request_id``.

    Handed to the store, ``request_id`` None means the latest request addressed to the
    submitter's party, and ``party`` is ignored: the store records the submitter's party.
    Read back, both are always set."""

    request_id: int | None
    response: str
    party: str | None = None


@dataclass(frozen=True)
class Assessment:
    """A case step: an analyst's ``conclusion`` (``CONCLUSIONS`` in store/cases.py), why, and
    each source graded."""

    conclusion: str
    reasoning: str
    grades: tuple[Grade, ...]


StepDetail = InformationRequest | PartyResponse | Assessment
StepKind = Literal["request", "response", "assessment"]
STEP_KINDS: dict[type[StepDetail], StepKind] = {
    InformationRequest: "request",
    PartyResponse: "response",
    Assessment: "assessment",
}


@dataclass(frozen=True)
class CaseStep:
    """One stored step of a case (0008_cases): what it says (``detail``), who took it and when (UTC)."""

    id: int
    case_id: int
    detail: StepDetail
    by: Submitter
    created_at: str
    log_index: int

    @property
    def kind(self) -> StepKind:
        """``request``, ``response`` or ``assessment``."""
        return STEP_KINDS[type(self.detail)]

    @property
    def party(self) -> str | None:
        """The party a request is addressed to, or that answered; None for an assessment."""
        return None if isinstance(self.detail, Assessment) else self.detail.party


@dataclass(frozen=True)
class CaseRecord:
    """A case: the allegation an analyst opened from reports, and every later step in order."""

    id: int
    title: str
    allegation: str
    reports: tuple[int, ...]
    opened_by: Submitter
    created_at: str
    log_index: int
    steps: tuple[CaseStep, ...] = ()


@dataclass(frozen=True)
class LogProblem:
    """One thing ``log verify`` found wrong; ``index`` is the log entry, when one is to blame."""

    message: str
    index: int | None = None
    kind: str | None = None

    def __str__(self) -> str:
        if self.index is None:
            return self.message
        return f"entry {self.index}{f' ({self.kind})' if self.kind else ''}: {self.message}"


@dataclass
class LogReport:
    size: int = 0
    root_hash: str = ""
    checkpoints: int = 0
    evidence_files: int = 0
    key_id: str = ""
    problems: list[LogProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def first(self) -> LogProblem | None:
        """The problem with the lowest entry index (problems not tied to an entry come last)."""
        ranked = sorted(self.problems, key=lambda p: (p.index is None, p.index or 0))
        return ranked[0] if ranked else None


class Store(Protocol):
    """Durable, append-only storage with a tamper-evident log (docs/store.md)."""

    url: str

    def close(self) -> None: ...
    def migrate(self) -> list[str]: ...
    def migrations(self) -> list[str]: ...
    def ensure_log_key(self, *, create: bool) -> str: ...
    def add_agreement(self, bundle: AgreementBundle) -> tuple[AgreementVersion, bool]: ...
    def current_agreement(self) -> AgreementVersion | None: ...
    def agreement_versions(self) -> list[AgreementVersion]: ...
    def add_evidence(self, source: Path, name: str, media_type: str) -> EvidenceRecord: ...
    def evidence(self, sha256: str) -> EvidenceRecord | None: ...
    def find_import(self, sha256: str) -> ImportRecord | None: ...
    def add_import(self, source: Path, fmt: str, incidents: Sequence[Incident]) -> ImportRecord: ...
    def incidents(self, before: int | None = None) -> Iterator[Incident]: ...
    def add_run(
        self,
        version: AgreementVersion,
        incidents: int,
        summary: RunSummary,
        findings: RunRows,
    ) -> RunRecord: ...
    def runs(self) -> list[RunRecord]: ...
    def run_findings(self, run_id: int) -> list[Finding]: ...
    # 0017_finding_incidents: pages of a run (ceasefire/store/pages.py, issue 14)
    def finding_page(self, run_id: int, where: FindingFilter, after: str | None, limit: int) -> list[Finding]: ...
    def count_findings(self, run_id: int, where: FindingFilter) -> int: ...
    def export_rows(
        self, run: RunRecord, where: FindingFilter, after: int | None, limit: int, *, incidents: bool
    ) -> list[tuple[Any, ...]]: ...
    def export_table(
        self, run: RunRecord, where: FindingFilter, after: int | None, limit: int, *, incidents: bool
    ) -> pa.Table: ...
    def export_chunk(
        self, run: RunRecord, where: FindingFilter, after: int | None, limit: int, *, incidents: bool
    ) -> ExportChunk: ...
    def run_report_ids(self, run_id: int) -> set[int]: ...
    def selected_findings(self, run_id: int, where: FindingFilter) -> list[Finding]: ...
    def report_findings(self, run_id: int, hidden: frozenset[int]) -> list[Finding]: ...
    # 0025_finding_counts: the run's summary rows (ceasefire/store/aggregates.py, issue 14)
    def run_counts(self, run_id: int) -> tuple[list[FindingCount], list[IncidentCount]]: ...
    def imported_extent(self, before: int) -> tuple[int, dt.date | None]: ...
    def reported_by_day(self, before: int) -> dict[dt.date, int]: ...
    def incident_page(
        self, before: int, dates: tuple[dt.date | None, dt.date | None], after: IncidentKey | None, limit: int
    ) -> list[tuple[IncidentKey, Incident]]: ...
    def count_incidents(self, before: int, dates: tuple[dt.date | None, dt.date | None]) -> int: ...
    def first_incidents(self, before: int, ids: Sequence[str]) -> dict[str, Incident]: ...
    def incident_findings(
        self, run_id: int, incident_ids: Sequence[str], hidden: frozenset[int]
    ) -> dict[str, list[tuple[str, str]]]: ...
    def create_token(
        self, role: str, party: str | None, name: str, *, expires_at: str | None = None
    ) -> tuple[str, TokenRecord]: ...
    def find_token(self, token: str) -> TokenRecord | None: ...
    def tokens(self) -> list[TokenRecord]: ...
    def revoke_token(self, token_id: int, revoked_by: int | None) -> tuple[int, bool]: ...
    def create_session(self, token_id: int) -> str: ...
    def find_session(self, session: str) -> TokenRecord | None: ...
    def end_session(self, session: str) -> bool: ...
    def log_size(self) -> int: ...
    def log_entry(self, index: int) -> bytes: ...
    def checkpoint(self) -> Checkpoint: ...
    def checkpoints(self) -> list[Checkpoint]: ...
    def receipt(self, index: int) -> Receipt: ...
    def verify_log(self) -> LogReport: ...
    # 0004_reports (ceasefire/store/reports.py)
    def submit_report(
        self,
        submitter: Submitter,
        submission: ReportSubmission,
        *,
        report_id: int | None = None,
        idempotency: tuple[str, str] | None = None,
    ) -> Submitted: ...
    def publish_report(self, submitter: Submitter, report_id: int) -> tuple[int, bool]: ...
    def reports(
        self, scope: ReportScope, *, limit: int, offset: int = 0, after: int | None = None
    ) -> tuple[list[ReportRecord], int]: ...
    def report(self, scope: ReportScope, report_id: int) -> ReportRecord | None: ...
    def run_summary(self, run_id: int) -> RunSummary: ...
    def attach_evidence(
        self,
        submitter: Submitter,
        report_id: int,
        fp: BinaryIO,
        name: str,
        media_type: str,
    ) -> Attached: ...
    def report_evidence(self, report_id: int) -> list[EvidenceRecord]: ...
    # 0006_claims (ceasefire/store/claims.py)
    def add_news(
        self,
        source: Path,
        published: dt.date | None,
        agreement_version: int,
        claims: Sequence[NewsClaim],
    ) -> NewsImportRecord: ...
    def news_imports(self) -> list[NewsImportRecord]: ...
    def stored_claims(self) -> list[NewsClaim]: ...
    # 0008_cases (ceasefire/store/cases.py)
    def open_case(self, submitter: Submitter, title: str, allegation: str, reports: Sequence[int]) -> CaseRecord: ...
    def add_case_step(self, submitter: Submitter, case_id: int, detail: StepDetail) -> CaseStep: ...
    def cases(self, party: str | None = None) -> list[CaseRecord]: ...
    def case(self, case_id: int) -> CaseRecord | None: ...
    # 0010_publications (ceasefire/store/publications.py)
    def publish_run(self, submitter: Submitter | None, run_id: int) -> tuple[int, bool]: ...
    def publish_case(self, submitter: Submitter | None, case_id: int) -> tuple[int, bool]: ...
    def published_runs(self) -> set[int]: ...
    def published_cases(self) -> set[int]: ...
