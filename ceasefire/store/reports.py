"""Reports submitted through the REST API (migration ``0004_reports``), over ``SQLStore``.

- :func:`submit_report` stores one version (a new report, or the next version of one: a
  correction never changes a stored row), logs it, signs a checkpoint and issues the receipt,
  all in one write transaction. With an idempotency ``(key, request_sha256)`` it first looks the
  key up for that token: the same request replays the first answer (``replayed=True``, no new
  row), another request with the same key is an :class:`IdempotencyMismatch`; the key is stored
  with the answer in the same transaction, so a retry after a crash finds it or finds nothing.
- :func:`publish_report` marks a report published (once; again is a no-op).
- :func:`attach_evidence` keeps a file under its SHA-256 (fsynced before it is recorded) and
  attaches it to a report, logged with a receipt; the same file again is a no-op.
- :func:`list_reports` / :func:`get_report` give the latest version of the reports a
  :class:`ReportScope` lets its reader see; a report outside the scope is simply absent.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, BinaryIO

from ceasefire.ledger import Receipt, canonical_json
from ceasefire.store.database import Row
from ceasefire.store.errors import IdempotencyMismatch, UnknownRecord
from ceasefire.store.protocol import (
    Attached,
    EvidenceRecord,
    ReportRecord,
    ReportScope,
    ReportSubmission,
    Submitted,
    Submitter,
)

if TYPE_CHECKING:
    from ceasefire.store.sqlstore import SQLStore

__all__ = ["attach_evidence", "get_report", "list_reports", "publish_report", "report_evidence", "submit_report"]

# The latest version of every report, with its first version (the owner) and its publication.
_LATEST = (
    "FROM report_versions v "
    "JOIN report_versions f ON f.report_id = v.report_id AND f.version = 1 "
    "LEFT JOIN report_publications p ON p.report_id = v.report_id "
    "WHERE v.version = (SELECT MAX(m.version) FROM report_versions m WHERE m.report_id = v.report_id)"
)
_SELECT = (
    "SELECT v.*, f.token_id AS owner_token_id, f.role AS owner_role, f.party AS owner_party, "
    "CASE WHEN p.report_id IS NULL THEN 0 ELSE 1 END AS published "
)


def submit_report(
    store: SQLStore, submitter: Submitter, submission: ReportSubmission, *, report_id: int | None = None,
    idempotency: tuple[str, str] | None = None,
) -> Submitted:  # fmt: skip
    """Store ``submission`` as report ``report_id``'s next version (None: a new report)."""
    with store.db.write():
        if idempotency is not None:
            earlier = _replay(store, submitter, *idempotency)
            if earlier is not None:
                return earlier
        report_id, version = _next_version(store, report_id)
        row = {**_submission_row(submission), "report_id": report_id, "version": version,
               "token_id": submitter.token_id, "role": submitter.role, "party": submitter.party,
               "created_at": _now()}  # fmt: skip
        index = store._append("report_version", row)
        receipt = store.receipt(index)
        if idempotency is not None:
            store.db.execute(
                "INSERT INTO idempotency_keys (token_id, idem_key, request_sha256, report_id, version, "
                "log_index, receipt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (submitter.token_id, *idempotency, report_id, version, index, receipt.to_json(), row["created_at"]),
            )
    return Submitted(report_id, version, index, receipt)


def _replay(store: SQLStore, submitter: Submitter, key: str, request_sha256: str) -> Submitted | None:
    rows = store.db.execute(
        "SELECT request_sha256, report_id, version, log_index, receipt FROM idempotency_keys "
        "WHERE token_id = ? AND idem_key = ?",
        (submitter.token_id, key),
    )
    if not rows:
        return None
    stored_sha, report_id, version, index, receipt = rows[0]
    if stored_sha != request_sha256:
        raise IdempotencyMismatch(
            f"Idempotency-Key {key!r} was used for another request (report {report_id}); "
            "use a new key for a new request"
        )
    return Submitted(int(report_id), int(version), int(index), Receipt.from_json(str(receipt)), replayed=True)


def _next_version(store: SQLStore, report_id: int | None) -> tuple[int, int]:
    if report_id is None:
        return int(store.db.execute("SELECT COALESCE(MAX(report_id), 0) + 1 FROM report_versions")[0][0]), 1
    found = store.db.execute("SELECT MAX(version) FROM report_versions WHERE report_id = ?", (report_id,))
    if found[0][0] is None:
        raise UnknownRecord(f"report {report_id}: no such report")
    return report_id, int(found[0][0]) + 1


def _submission_row(submission: ReportSubmission) -> dict[str, Any]:
    row = dict(submission.__dict__)
    row["sources"] = canonical_json([{"name": n, "url": u} for n, u in submission.sources]).decode("utf-8")
    row["lat"], row["lon"] = float(submission.lat), float(submission.lon)
    return row


def publish_report(store: SQLStore, submitter: Submitter, report_id: int) -> tuple[int, bool]:
    """Publish report ``report_id``: (the publication's log index, True when published now)."""
    with store.db.write():
        if not store.db.execute("SELECT 1 FROM report_versions WHERE report_id = ?", (report_id,)):
            raise UnknownRecord(f"report {report_id}: no such report")
        found = store.db.execute("SELECT log_index FROM report_publications WHERE report_id = ?", (report_id,))
        if found:
            return int(found[0][0]), False
        row = {"report_id": report_id, "token_id": submitter.token_id, "created_at": _now()}
        index = store._append("publication", row)
        store.checkpoint()
    return index, True


def attach_evidence(
    store: SQLStore, submitter: Submitter, report_id: int, fp: BinaryIO, name: str, media_type: str,
) -> Attached:  # fmt: skip
    """Keep ``fp``'s bytes as evidence and attach them to report ``report_id``."""
    stored = store.evidence_files().put_stream(fp)  # on disk and fsynced before any row names it
    with store.db.write():
        if not store.db.execute("SELECT 1 FROM report_versions WHERE report_id = ?", (report_id,)):
            raise UnknownRecord(f"report {report_id}: no such report")
        evidence = store.add_evidence(stored.path, name, media_type)
        found = store.db.execute(
            "SELECT log_index FROM report_evidence WHERE report_id = ? AND sha256 = ?", (report_id, stored.sha256)
        )
        if found:
            return Attached(report_id, evidence, int(found[0][0]), store.receipt(int(found[0][0])), new=False)
        row = {"report_id": report_id, "sha256": stored.sha256, "token_id": submitter.token_id, "created_at": _now()}
        index = store._append("attachment", row)
        return Attached(report_id, evidence, index, store.receipt(index))


def report_evidence(store: SQLStore, report_id: int) -> list[EvidenceRecord]:
    """The evidence files attached to a report, in the order they were attached."""
    rows = store.db.execute("SELECT sha256 FROM report_evidence WHERE report_id = ? ORDER BY log_index", (report_id,))
    found = [store.evidence(str(sha256)) for (sha256,) in rows]
    return [record for record in found if record is not None]


def _scope_sql(scope: ReportScope) -> tuple[str, tuple[Any, ...]]:
    if scope.everything:
        return "", ()
    return " AND (p.report_id IS NOT NULL OR f.token_id = ? OR f.party = ?)", (scope.token_id, scope.party)


def list_reports(store: SQLStore, scope: ReportScope, *, limit: int, offset: int) -> tuple[list[ReportRecord], int]:
    """A page of the reports ``scope`` sees (latest versions, by id) and how many it sees."""
    where, params = _scope_sql(scope)
    with store.db.read():
        total = int(store.db.execute(f"SELECT COUNT(*) {_LATEST}{where}", params)[0][0])
        rows = store.db.dicts(f"{_SELECT}{_LATEST}{where} ORDER BY v.report_id LIMIT ? OFFSET ?", (*params, limit, offset))
        return [_record(row) for row in rows], total


def get_report(store: SQLStore, scope: ReportScope, report_id: int) -> ReportRecord | None:
    """The latest version of report ``report_id``, or None when absent or outside ``scope``."""
    where, params = _scope_sql(scope)
    rows = list(store.db.dicts(f"{_SELECT}{_LATEST} AND v.report_id = ?{where}", (report_id, *params)))
    return _record(rows[0]) if rows else None


def _record(row: Row) -> ReportRecord:
    sources = tuple((s["name"], s["url"]) for s in json.loads(row["sources"]))
    fields = {k: row[k] for k in ReportSubmission.__dataclass_fields__ if k != "sources"}
    return ReportRecord(
        id=int(row["report_id"]), version=int(row["version"]), submission=ReportSubmission(**fields, sources=sources),
        owner=Submitter(int(row["owner_token_id"]), row["owner_role"], row["owner_party"]),
        submitted_by=Submitter(int(row["token_id"]), row["role"], row["party"]),
        published=bool(row["published"]), created_at=row["created_at"], log_index=int(row["log_index"]),
    )  # fmt: skip


def _now() -> str:
    from ceasefire.store.sqlstore import now

    return now()
