"""Reports submitted through the REST API (migration ``0004_reports``), written through the
store's :class:`Journal` (the ``store`` argument of every function here).

- :func:`submit_reports` stores a batch of versions (new reports, or the next version of one: a
  correction never changes a stored row) in ONE write transaction: one log entry each, then ONE
  signed checkpoint for the batch and every receipt against it (group commit: the API's
  ``ReportWriter`` hands it whatever submissions arrived together). With an idempotency
  ``(key, request_sha256)`` a request first looks the key up for its token, in the database and
  earlier in the batch: the same request replays the first answer (``replayed=True``, no new
  row), another request with the same key is an :class:`IdempotencyMismatch`; the key is stored
  with the answer in the same transaction, so a retry after a crash finds it or finds nothing.
  One request's error (that mismatch, an unknown report, a failed write, undone by a savepoint)
  is its own outcome: its batch-mates are stored all the same. :func:`submit_report` is a batch
  of one.
- :func:`publish_report` marks a report published (once; again is a no-op).
- :func:`attach_evidence` keeps a file under its SHA-256 (fsynced before it is recorded) and
  attaches it to a report, logged with a receipt; the same file again is a no-op.
- :func:`list_reports` / :func:`get_report` give the latest version of the reports a
  :class:`ReportScope` lets its reader see; a report outside the scope is simply absent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, BinaryIO, cast

from ceasefire.errors import CeasefireError
from ceasefire.ledger import RECEIPT_SCHEMA, Receipt, canonical_json
from ceasefire.store.database import Row
from ceasefire.store.errors import IdempotencyMismatch, StoreError, UnknownRecord
from ceasefire.store.evidence_log import Evidence
from ceasefire.store.journal import Journal, now
from ceasefire.store.protocol import (
    Attached,
    EvidenceRecord,
    ReportRecord,
    ReportScope,
    ReportSubmission,
    Submitted,
    Submitter,
)

__all__ = [
    "BatchRolledBack",
    "Outcome",
    "ReportRequest",
    "attach_evidence",
    "entries",
    "get_report",
    "list_reports",
    "publish_report",
    "receipt_text",
    "report_evidence",
    "submit_report",
    "submit_reports",
]

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


@dataclass(frozen=True)
class ReportRequest:
    """One submission waiting to be written: :func:`submit_reports` takes a batch of them."""

    submitter: Submitter
    submission: ReportSubmission
    report_id: int | None = None  # None: a new report; else its next version
    idempotency: tuple[str, str] | None = None  # (Idempotency-Key, SHA-256 of the request)


Outcome = Submitted | Exception
"""What :func:`submit_reports` answers for one request: its stored version, or why not."""


def submit_report(
    store: Journal,
    submitter: Submitter,
    submission: ReportSubmission,
    *,
    report_id: int | None = None,
    idempotency: tuple[str, str] | None = None,
) -> Submitted:
    """Store ``submission`` as report ``report_id``'s next version (None: a new report).

    A batch of one (:func:`submit_reports`); its error, if any, is raised.
    """
    try:
        outcome = submit_reports(store, [ReportRequest(submitter, submission, report_id, idempotency)])[0]
    except BatchRolledBack as error:
        raise error.cause from None
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def submit_reports(store: Journal, requests: Sequence[ReportRequest]) -> list[Outcome]:
    """Store a batch of submissions in ONE write transaction (group commit); one outcome each.

    Each request gets its own log entry, in the order given (consecutive indexes); then ONE
    checkpoint is signed and stored for the batch and every receipt is issued against it. A
    request that fails (:class:`IdempotencyMismatch`, :class:`UnknownRecord`, or any error while
    writing its rows, which a savepoint undoes) gets its error as its outcome; the others go on.
    A request whose Idempotency-Key the token used before, in an earlier batch or earlier in this
    one, replays that answer (same request) or is an ``IdempotencyMismatch`` (another request).
    Every outcome is durable when this returns (the commit). :class:`BatchRolledBack` means the
    transaction failed as a whole before its commit and nothing of the batch was stored; any
    other exception comes from the commit.
    """
    with store.db.write():
        try:
            batch = _Batch(store, requests)
            staged = [batch.stage(position, request) for position, request in enumerate(requests)]
            outcomes = _answers(store, staged)
            _remember_keys(store, requests, staged, outcomes)
        except Exception as error:
            raise BatchRolledBack(error) from error  # raised inside the transaction: it rolls back
    return outcomes


class BatchRolledBack(StoreError):
    """A batch failed before its commit and was rolled back: none of it was stored.

    (An error of the commit itself is raised as it is: the batch may then have been stored.)
    """

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


@dataclass(frozen=True)
class _Staged:
    """A request of the batch: written at ``index``, or a replay of an answer given before the
    batch (``earlier``) or of the request at ``replay_of`` in the batch."""

    report_id: int = 0
    version: int = 0
    index: int = -1
    created_at: str = ""
    earlier: Submitted | None = None
    replay_of: int | None = None


class _Batch:
    """What writing one batch keeps track of, so that a request costs few statements: the
    earlier answers of the batch's Idempotency-Keys (one query), the keys written in the batch,
    and the next new report id (one query)."""

    def __init__(self, store: Journal, requests: Sequence[ReportRequest]) -> None:
        self.store, self.earlier = store, _earlier_answers(store, requests)
        self.keys: dict[tuple[int, str], tuple[int, str, int]] = {}  # -> (position, sha, report id)
        self.next_id: int | None = None

    def stage(self, position: int, request: ReportRequest) -> _Staged | Exception:
        """Write one request's row and log entry, or find what it replays; its error otherwise."""
        try:  # checks that only read: nothing to undo when they fail
            replayed = self._replay(request)
            if replayed is not None:
                return replayed
            report_id, version = self._next_version(request.report_id)
        except CeasefireError as error:
            return error
        row = {
            **_submission_row(request.submission),
            "report_id": report_id,
            "version": version,
            "token_id": request.submitter.token_id,
            "role": request.submitter.role,
            "party": request.submitter.party,
            "created_at": now(),
        }
        self.store.db.execute("SAVEPOINT report")
        try:
            index = self.store.append("report_version", row)
        except Exception as error:  # this request's rows are undone; its batch-mates go on
            self.store.db.execute("ROLLBACK TO SAVEPOINT report")  # if this fails, the whole batch does
            self.store.db.execute("RELEASE SAVEPOINT report")
            return error
        self.store.db.execute("RELEASE SAVEPOINT report")
        if request.report_id is None:
            self.next_id = report_id + 1
        if request.idempotency is not None:
            self.keys[(request.submitter.token_id, request.idempotency[0])] = (
                position,
                request.idempotency[1],
                report_id,
            )
        return _Staged(report_id, version, index, row["created_at"])

    def _replay(self, request: ReportRequest) -> _Staged | None:
        """What the request repeats (None: nothing); IdempotencyMismatch for another request."""
        if request.idempotency is None:
            return None
        key, sha = request.idempotency
        found = self.keys.get((request.submitter.token_id, key))
        if found is not None:
            if found[1] != sha:
                raise IdempotencyMismatch(_mismatch(key, found[2]))
            return _Staged(replay_of=found[0])
        stored = self.earlier.get((request.submitter.token_id, key))
        if stored is None:
            return None
        if stored[0] != sha:
            raise IdempotencyMismatch(_mismatch(key, stored[1].report_id))
        return _Staged(earlier=stored[1])

    def _next_version(self, report_id: int | None) -> tuple[int, int]:
        if report_id is None and self.next_id is not None:
            return self.next_id, 1
        return _next_version(self.store, report_id)


def _earlier_answers(store: Journal, requests: Sequence[ReportRequest]) -> dict[tuple[int, str], tuple[str, Submitted]]:
    """(token, key) -> (request hash, the answer given) for the batch's keys already stored."""
    pairs = sorted({(r.submitter.token_id, r.idempotency[0]) for r in requests if r.idempotency is not None})
    if not pairs:
        return {}
    where = " OR ".join(["(token_id = ? AND idem_key = ?)"] * len(pairs))
    rows = store.db.execute(
        "SELECT token_id, idem_key, request_sha256, report_id, version, log_index, receipt FROM idempotency_keys "
        f"WHERE {where}",
        [value for pair in pairs for value in pair],
    )
    return {
        (int(token), str(key)): (
            str(sha),
            Submitted(int(report_id), int(version), int(index), Receipt.from_json(str(receipt)), replayed=True),
        )
        for token, key, sha, report_id, version, index, receipt in rows
    }


def _answers(store: Journal, staged: Sequence[_Staged | Exception]) -> list[Outcome]:
    """Sign ONE checkpoint over the batch's entries and answer each request against it."""
    receipts: dict[int, Receipt] = {}
    written = [s.index for s in staged if isinstance(s, _Staged) and s.index >= 0]
    if written:
        signed = store.checkpoint()
        tree = store.current_tree()
        if tree.root(signed.size) != signed.root_hash:  # never: signed from this very tree
            raise StoreError(f"{store.url}: the checkpoint just signed does not match the log")
        for index in written:
            proof = tuple(tree.inclusion_proof(index, signed.size))
            receipts[index] = Receipt(index, tree.leaf(index), signed, proof)
    outcomes: list[Outcome] = []
    for item in staged:
        if isinstance(item, Exception):
            outcomes.append(item)
        elif item.earlier is not None:
            outcomes.append(item.earlier)
        elif item.replay_of is not None:
            outcomes.append(replace(cast(Submitted, outcomes[item.replay_of]), replayed=True))
        else:
            outcomes.append(Submitted(item.report_id, item.version, item.index, receipts[item.index]))
    return outcomes


def _remember_keys(
    store: Journal,
    requests: Sequence[ReportRequest],
    staged: Sequence[_Staged | Exception],
    outcomes: Sequence[Outcome],
) -> None:
    """Store each written request's Idempotency-Key with its answer, in the batch's transaction."""
    rows = [
        (
            request.submitter.token_id,
            *request.idempotency,
            done.report_id,
            done.version,
            done.log_index,
            receipt_text(done.receipt),
            item.created_at,
        )
        for request, item, done in zip(requests, staged, outcomes, strict=True)
        if request.idempotency is not None
        and isinstance(item, _Staged)
        and item.index >= 0
        and isinstance(done, Submitted)
    ]
    if rows:
        store.db.executemany(
            "INSERT INTO idempotency_keys (token_id, idem_key, request_sha256, report_id, version, "
            "log_index, receipt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def receipt_text(receipt: Receipt) -> str:
    """``receipt.to_json()``, the same bytes, made without re-checking every value: a receipt
    holds only strings and integers, which ``json.dumps`` writes as ``canonical_json`` does."""
    document = {
        "schema": RECEIPT_SCHEMA,
        "index": receipt.index,
        "leaf_hash": receipt.leaf_hash.hex(),
        "checkpoint": receipt.checkpoint.to_dict(),
        "inclusion_proof": [node.hex() for node in receipt.inclusion_proof],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entries(store: Journal, indexes: Iterable[int]) -> dict[int, bytes]:
    """The stored bytes of the log entries at ``indexes`` (one query; absent ones are left out)."""
    wanted = sorted(set(indexes))
    if not wanted:
        return {}
    marks = ", ".join("?" * len(wanted))
    rows = store.db.execute(f"SELECT idx, entry FROM log_entries WHERE idx IN ({marks})", wanted)
    return {int(idx): str(entry).encode("utf-8") for idx, entry in rows}


def _mismatch(key: str, report_id: int) -> str:
    return f"Idempotency-Key {key!r} was used for another request (report {report_id}); use a new key for a new request"


def _next_version(store: Journal, report_id: int | None) -> tuple[int, int]:
    if report_id is None:
        return int(store.db.execute("SELECT COALESCE(MAX(report_id), 0) + 1 FROM report_versions")[0][0]), 1
    found = store.db.execute("SELECT MAX(version) FROM report_versions WHERE report_id = ?", (report_id,))
    if found[0][0] is None:
        raise UnknownRecord(f"report {report_id}: no such report")
    return report_id, int(found[0][0]) + 1


def _submission_row(submission: ReportSubmission) -> Row:
    """The version's columns: every field of ``submission``, sources as canonical JSON text."""
    row = dict(submission.__dict__)
    row["sources"] = canonical_json([{"name": n, "url": u} for n, u in submission.sources]).decode("utf-8")
    row["lat"], row["lon"] = float(submission.lat), float(submission.lon)
    return row


def publish_report(store: Journal, submitter: Submitter, report_id: int) -> tuple[int, bool]:
    """Publish report ``report_id``: (the publication's log index, True when published now)."""
    with store.db.write():
        if not store.db.execute("SELECT 1 FROM report_versions WHERE report_id = ?", (report_id,)):
            raise UnknownRecord(f"report {report_id}: no such report")
        found = store.db.execute("SELECT log_index FROM report_publications WHERE report_id = ?", (report_id,))
        if found:
            return int(found[0][0]), False
        row = {"report_id": report_id, "token_id": submitter.token_id, "created_at": now()}
        index = store.append("publication", row)
        store.checkpoint()
    return index, True


def attach_evidence(
    store: Journal,
    evidence: Evidence,
    submitter: Submitter,
    report_id: int,
    fp: BinaryIO,
    name: str,
    media_type: str,
) -> Attached:
    """Keep ``fp``'s bytes as evidence and attach them to report ``report_id``.

    The answer's evidence carries the name and media type of this attachment, never those of
    another attachment of the same bytes (issue 11: de-duplication must not leak them).
    """
    stored = evidence.files().put_stream(fp)  # on disk and fsynced before any row names it
    with store.db.write():
        if not store.db.execute("SELECT 1 FROM report_versions WHERE report_id = ?", (report_id,)):
            raise UnknownRecord(f"report {report_id}: no such report")
        kept = evidence.add(stored.path, name, media_type)
        found = store.db.execute(
            "SELECT log_index, name, media_type FROM report_evidence WHERE report_id = ? AND sha256 = ?",
            (report_id, stored.sha256),
        )
        if found:
            index = int(found[0][0])
            return Attached(report_id, _named(kept, found[0][1], found[0][2]), index, store.receipt(index), new=False)
        row = {
            "report_id": report_id,
            "sha256": stored.sha256,
            "token_id": submitter.token_id,
            "created_at": now(),
            "name": name,
            "media_type": media_type,
        }
        index = store.append("attachment", row)
        return Attached(report_id, _named(kept, name, media_type), index, store.receipt(index))


def report_evidence(store: Journal, evidence: Evidence, report_id: int) -> list[EvidenceRecord]:
    """The evidence files attached to a report, in the order they were attached, each with the
    name and media type its attacher gave (attachments made before 0014: the file's own)."""
    rows = store.db.execute(
        "SELECT sha256, name, media_type FROM report_evidence WHERE report_id = ? ORDER BY log_index", (report_id,)
    )
    found = [(evidence.get(str(sha256)), name, media) for (sha256, name, media) in rows]
    return [_named(record, name, media) for record, name, media in found if record is not None]


def _named(record: EvidenceRecord, name: str | None, media_type: str | None) -> EvidenceRecord:
    """``record`` as one attachment shows it: with that attachment's name and type when it has them."""
    if name is None or media_type is None:
        return record
    return replace(record, name=name, media_type=media_type)


def _scope_sql(scope: ReportScope) -> tuple[str, tuple[Any, ...]]:
    if scope.everything:
        return "", ()
    return " AND (p.report_id IS NOT NULL OR f.token_id = ? OR f.party = ?)", (scope.token_id, scope.party)


def list_reports(
    store: Journal, scope: ReportScope, *, limit: int, offset: int = 0, after: int | None = None
) -> tuple[list[ReportRecord], int]:
    """A page of the reports ``scope`` sees (latest versions, by id) and how many it sees: the
    ``limit`` first with an id above ``after`` (keyset paging, issue 14), skipping ``offset``
    (kept for the API's ``offset``, issue 3; 0 for every reader that pages by id)."""
    where, params = _scope_sql(scope)
    keyset, keys = (" AND v.report_id > ?", (after,)) if after is not None else ("", ())
    with store.db.read():
        total = int(store.db.execute(f"SELECT COUNT(*) {_LATEST}{where}", params)[0][0])
        rows = store.db.dicts(
            f"{_SELECT}{_LATEST}{where}{keyset} ORDER BY v.report_id LIMIT ? OFFSET ?",
            (*params, *keys, limit, offset),
        )
        return [_record(row) for row in rows], total


def get_report(store: Journal, scope: ReportScope, report_id: int) -> ReportRecord | None:
    """The latest version of report ``report_id``, or None when absent or outside ``scope``."""
    where, params = _scope_sql(scope)
    rows = list(store.db.dicts(f"{_SELECT}{_LATEST} AND v.report_id = ?{where}", (report_id, *params)))
    return _record(rows[0]) if rows else None


def _record(row: Row) -> ReportRecord:
    sources = tuple((s["name"], s["url"]) for s in json.loads(row["sources"]))
    fields = {k: row[k] for k in ReportSubmission.__dataclass_fields__ if k != "sources"}
    return ReportRecord(
        id=int(row["report_id"]),
        version=int(row["version"]),
        submission=ReportSubmission(**fields, sources=sources),
        owner=Submitter(int(row["owner_token_id"]), row["owner_role"], row["owner_party"]),
        submitted_by=Submitter(int(row["token_id"]), row["role"], row["party"]),
        published=bool(row["published"]),
        created_at=row["created_at"],
        log_index=int(row["log_index"]),
    )
