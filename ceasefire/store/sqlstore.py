"""``SQLStore``: the :class:`~ceasefire.store.protocol.Store`, written once over any
:class:`~ceasefire.store.database.Database` (SQLite or PostgreSQL).

Each write method is one serialized write transaction: it inserts the record's rows, reads them
back, builds the log entry from what was stored (``log_entries.entry_bytes``) and appends it at the
next index. Signing needs the private key file (``key_path``); evidence needs ``evidence_dir``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ceasefire.errors import UsageError
from ceasefire.ledger import (
    DEFAULT_ORIGIN,
    Checkpoint,
    MerkleLog,
    Receipt,
    canonical_json,
    issue_receipt,
    key_id,
    leaf_hash,
    public_key_from_base64,
    public_key_to_base64,
    sign_checkpoint,
)
from ceasefire.model import Incident
from ceasefire.store import cases as cases_store
from ceasefire.store import claims as claims_store
from ceasefire.store import logtree, migrations, publications, reports
from ceasefire.store.bundle import AgreementBundle
from ceasefire.store.database import Database, Row
from ceasefire.store.errors import StoreError, UnknownRecord
from ceasefire.store.evidence import EVIDENCE_ENV, EvidenceFiles
from ceasefire.store.keys import KEY_ENV, create_key, read_key
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
    Submitted,
    Submitter,
    TokenRecord,
)
from ceasefire.store.log_entries import INCIDENT_COLUMNS, KINDS, children_digest, entry_bytes

if TYPE_CHECKING:
    from ceasefire.news.claims import NewsClaim

__all__ = ["SQLStore", "incident_row", "now", "row_incident", "token_hash"]

TOKEN_PREFIX = "cf_"


def now() -> str:
    """The current UTC time as stored: ISO 8601 with microseconds and ``Z``."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def token_hash(token: str) -> str:
    """What is stored for a token: SHA-256 of its UTF-8 bytes, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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
        self.key_path, self.evidence_dir = key_path, evidence_dir
        self._key: Ed25519PrivateKey | None = None

    def close(self) -> None:
        self.db.close()

    # -- schema and key -------------------------------------------------------------------

    def migrate(self) -> list[str]:
        return migrations.migrate(self.db)

    def migrations(self) -> list[str]:
        return migrations.applied(self.db)

    def ensure_log_key(self, *, create: bool) -> str:
        """The database's log key id; with ``create``, make and record the key when there is none.

        The key file must hold the private half of the recorded public key (StoreError if not).
        """
        with self.db.write():
            rows = self.db.execute("SELECT key_id FROM log_keys ORDER BY log_index")
            if rows:
                self._signing_key()
                return str(rows[0][0])
            if not create:
                raise StoreError(f"{self.url}: this database has no log key yet; run `ceasefire init` first")
            path = self._key_file()
            self._key = read_key(path) if path.exists() else create_key(path)
            public = self._key.public_key()
            row = {
                "key_id": key_id(public),
                "public_key": public_key_to_base64(public),
                "origin": self.origin,
                "created_at": now(),
            }
            self._append("log_key", row)
            return str(row["key_id"])

    def public_key(self) -> Ed25519PublicKey | None:
        """The log's public key as recorded in the database (None before init)."""
        rows = self.db.execute("SELECT public_key FROM log_keys ORDER BY log_index")
        return public_key_from_base64(str(rows[0][0])) if rows else None

    def _key_file(self) -> Path:
        if self.key_path is None:
            raise StoreError(f"{self.url}: no log signing key given: use --key FILE or set {KEY_ENV}")
        return self.key_path

    def _signing_key(self) -> Ed25519PrivateKey:
        if self._key is None:
            key = read_key(self._key_file())
            recorded = self.public_key()
            if recorded is not None and key_id(recorded) != key_id(key.public_key()):
                raise StoreError(
                    f"{self._key_file()}: this is not the log key of {self.url} "
                    f"(the database's key id is {key_id(recorded)})"
                )
            self._key = key
        return self._key

    # -- the log ----------------------------------------------------------------------------

    def _append(self, kind_name: str, row: Row, children: Mapping[str, Iterable[Sequence[Any]]] = {}) -> int:
        """Insert a record (and its child rows, as value tuples) and log it; return its index."""
        kind = KINDS[kind_name]
        with self.db.write():
            index = self.log_size()
            self.db.execute(kind.insert(), [*(row[c] for c in kind.columns), index])
            for child in kind.children:
                names = ", ".join(child.columns)
                marks = ", ".join("?" * len(child.columns))
                self.db.executemany(
                    f"INSERT INTO {child.table} ({names}) VALUES ({marks})", children.get(child.table, ())
                )
            stored = next(self.db.dicts(kind.select("WHERE log_index = ?"), (index,)))
            digests = {
                c.table: children_digest(self.db.dicts(c.select(f"WHERE {c.parent_key} = ?"), (stored[c.key],)))
                for c in kind.children
            }
            entry = entry_bytes(kind, stored, digests)
            self.db.execute(
                "INSERT INTO log_entries (idx, entry, leaf_hash) VALUES (?, ?, ?)",
                (index, entry.decode("utf-8"), leaf_hash(entry).hex()),
            )
            return index

    def log_size(self) -> int:
        """The next index: one past the highest stored (``log verify`` checks there is no gap)."""
        return int(self.db.execute("SELECT COALESCE(MAX(idx), -1) + 1 FROM log_entries")[0][0])

    def log_entry(self, index: int) -> bytes:
        rows = self.db.execute("SELECT entry FROM log_entries WHERE idx = ?", (index,))
        if not rows:
            raise StoreError(f"{self.url}: no log entry {index} (the log has {self.log_size()})")
        return str(rows[0][0]).encode("utf-8")

    def merkle_log(self) -> MerkleLog:
        """The tree over the stored leaf hashes, as stored (``log verify`` checks them)."""
        return MerkleLog(
            bytes.fromhex(str(h)) for (h,) in self.db.execute("SELECT leaf_hash FROM log_entries ORDER BY idx")
        )

    def checkpoint(self) -> Checkpoint:
        """Sign the log as it is now, store the checkpoint and return it."""
        key = self._signing_key()
        with self.db.write():
            tree = logtree.current_tree(self)  # cached, checked against the stored log
            signed = sign_checkpoint(key, tree.size, tree.root(), int(time.time()), origin=self.origin)
            next_id = self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM checkpoints")[0][0]
            data = signed.to_dict()
            self.db.execute(
                "INSERT INTO checkpoints (id, origin, size, root_hash, timestamp, key_id, signature) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    next_id,
                    data["origin"],
                    data["size"],
                    data["root_hash"],
                    data["timestamp"],
                    data["key_id"],
                    data["signature"],
                ),
            )
        return signed

    def checkpoints(self) -> list[Checkpoint]:
        """Every stored checkpoint, oldest first (``log verify`` checks them; this does not)."""
        rows = self.db.dicts(
            "SELECT origin, size, root_hash, timestamp, key_id, signature FROM checkpoints ORDER BY id"
        )
        return [Checkpoint.from_dict(row) for row in rows]

    def receipt(self, index: int) -> Receipt:
        """A receipt for entry ``index`` against the latest checkpoint that covers it."""
        with self.db.write():
            latest = logtree.latest_checkpoint(self.db)
            signed = latest if latest is not None and latest.size > index else self.checkpoint()
            return issue_receipt(logtree.current_tree(self), index, signed)

    def verify_log(self) -> LogReport:
        from ceasefire.store.audit import audit

        return audit(self)

    # -- agreements -------------------------------------------------------------------------

    def add_agreement(self, bundle: AgreementBundle) -> tuple[AgreementVersion, bool]:
        """Store ``bundle`` as the next version; (the current version, False) when unchanged.

        A database holds one agreement: another id is a StoreError.
        """
        with self.db.write():
            current = self.current_agreement()
            if current is not None and current.agreement_id != bundle.agreement_id:
                raise StoreError(
                    f"{bundle.source}: agreement '{bundle.agreement_id}', but {self.url} holds "
                    f"'{current.agreement_id}'; use another database for another agreement"
                )
            if current is not None and current.sha256 == bundle.sha256:
                return current, False
            row = {
                "agreement_id": bundle.agreement_id,
                "version": current.version + 1 if current else 1,
                "sha256": bundle.sha256,
                "title": bundle.title,
                "source": bundle.source,
                "document": bundle.document,
                "created_at": now(),
            }
            self._append("agreement_version", row)
            created = self.current_agreement()
        assert created is not None
        return created, True

    def agreement_versions(self) -> list[AgreementVersion]:
        rows = self.db.dicts(KINDS["agreement_version"].select())
        return [_version(row) for row in rows]

    def current_agreement(self) -> AgreementVersion | None:
        rows = list(
            self.db.dicts(
                KINDS["agreement_version"].select("WHERE version = (SELECT MAX(version) FROM agreement_versions)")
            )
        )
        return _version(rows[0]) if rows else None

    # -- evidence and imports ---------------------------------------------------------------

    def evidence_files(self) -> EvidenceFiles:
        if self.evidence_dir is None:
            raise StoreError(f"{self.url}: no evidence folder given: use --evidence DIR or set {EVIDENCE_ENV}")
        return EvidenceFiles(self.evidence_dir)

    def add_evidence(self, source: Path, name: str, media_type: str) -> EvidenceRecord:
        """Keep the file under its SHA-256 (fsynced first), then record it once."""
        stored = self.evidence_files().put(source)
        with self.db.write():
            found = self.evidence(stored.sha256)
            if found is not None:
                return found
            row = {
                "sha256": stored.sha256,
                "size": stored.size,
                "name": name,
                "media_type": media_type,
                "created_at": now(),
            }
            self._append("evidence", row)
            record = self.evidence(stored.sha256)
        assert record is not None
        return record

    def evidence(self, sha256: str) -> EvidenceRecord | None:
        rows = list(self.db.dicts(KINDS["evidence"].select("WHERE sha256 = ?"), (sha256,)))
        return EvidenceRecord(**{k: rows[0][k] for k in EvidenceRecord.__dataclass_fields__}) if rows else None

    def find_import(self, sha256: str) -> ImportRecord | None:
        rows = list(self.db.dicts(KINDS["import"].select("WHERE sha256 = ?"), (sha256,)))
        return _import(rows[0], new=False) if rows else None

    def add_import(self, source: Path, fmt: str, incidents: Sequence[Incident]) -> ImportRecord:
        """Record an events file (kept as evidence) and its incidents; idempotent by SHA-256."""
        media = (
            "application/geo+json"
            if fmt == "geojson"
            else "text/tab-separated-values"
            if fmt == "gdelt"
            else "text/csv"
        )
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
                "incidents": len(incidents),
                "created_at": now(),
            }
            values = (incident_row(import_id, seq, incident) for seq, incident in enumerate(incidents))
            self._append("import", row, {"incidents": values})
            record = self.find_import(evidence.sha256)
        assert record is not None
        return ImportRecord(**{**record.__dict__, "new": True})

    def imports(self) -> list[ImportRecord]:
        return [_import(row, new=False) for row in self.db.dicts(KINDS["import"].select())]

    def incidents(self, before: int | None = None) -> Iterator[Incident]:
        """Every stored incident, in import order then file order (duplicate ids included);
        ``before``: only those of imports logged before that log index (what a run then saw)."""
        columns = ", ".join(f"i.{c}" for c in INCIDENT_COLUMNS)
        where, params = ("WHERE m.log_index < ?", (before,)) if before is not None else ("", ())
        sql = f"SELECT {columns} FROM incidents i JOIN imports m ON m.id = i.import_id {where} ORDER BY i.import_id, i.seq"
        for row in self.db.dicts(sql, params):
            yield row_incident(row)

    # -- verification runs ------------------------------------------------------------------

    def add_run(
        self,
        version: AgreementVersion,
        incidents: int,
        summary: Mapping[str, Any],
        findings: Iterable[Mapping[str, Any]],
    ) -> RunRecord:
        """Record a verification run made under ``version`` with its findings (finding dicts)."""
        with self.db.write():
            run_id = int(self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM runs")[0][0])
            rows = [_finding_row(run_id, seq, f) for seq, f in enumerate(findings)]
            row = {
                "id": run_id,
                "agreement_id": version.agreement_id,
                "agreement_version": version.version,
                "incidents": incidents,
                "findings": len(rows),
                "summary": canonical_json(dict(summary)).decode("utf-8"),
                "created_at": now(),
            }
            self._append("run", row, {"findings": rows})
        return self.runs()[-1]

    def runs(self) -> list[RunRecord]:
        return [
            RunRecord(**{k: row[k] for k in RunRecord.__dataclass_fields__})
            for row in self.db.dicts(KINDS["run"].select())
        ]

    def run_findings(self, run_id: int) -> list[dict[str, Any]]:
        """The findings of a run, as ``verify --format json`` findings, in stored order."""
        rows = self.db.execute("SELECT document FROM findings WHERE run_id = ? ORDER BY seq", (run_id,))
        return [json.loads(str(document)) for (document,) in rows]

    # -- tokens -----------------------------------------------------------------------------

    def create_token(self, role: str, party: str | None, name: str) -> tuple[str, TokenRecord]:
        """A new random token (returned once, stored only as its SHA-256) and its record.

        ``party`` is required for role ``party`` (and must be a party of the current agreement)
        and refused for the other roles.
        """
        _check_role(role, party)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.db.write():
            if party is not None:
                self._check_party(party)
            token_id = int(self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM tokens")[0][0])
            row = {
                "id": token_id,
                "token_sha256": token_hash(token),
                "role": role,
                "party": party,
                "name": name,
                "created_at": now(),
            }
            self._append("token", row)
        found = self.find_token(token)
        assert found is not None
        return token, found

    def find_token(self, token: str) -> TokenRecord | None:
        """The record of a token presented by a client, or None when it is not one of ours."""
        rows = list(self.db.dicts(KINDS["token"].select("WHERE token_sha256 = ?"), (token_hash(token),)))
        return TokenRecord(**{k: rows[0][k] for k in TokenRecord.__dataclass_fields__}) if rows else None

    def tokens(self) -> list[TokenRecord]:
        """Every token's record (never the token itself), oldest first."""
        return [
            TokenRecord(**{k: row[k] for k in TokenRecord.__dataclass_fields__})
            for row in self.db.dicts(KINDS["token"].select())
        ]

    def _check_party(self, party: str) -> None:
        current = self.current_agreement()
        if current is None:
            raise StoreError(f"{self.url}: no agreement yet; run `ceasefire init` first")
        known = [p.id for p in current.bundle.load().parties]
        if party not in known:
            raise UsageError(
                f"--party: '{party}' is not a party of '{current.agreement_id}' (known: {', '.join(known)})"
            )

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
        return reports.submit_report(self, submitter, submission, report_id=report_id, idempotency=idempotency)

    def publish_report(self, submitter: Submitter, report_id: int) -> tuple[int, bool]:
        return reports.publish_report(self, submitter, report_id)

    def reports(self, scope: ReportScope, *, limit: int, offset: int) -> tuple[list[ReportRecord], int]:
        return reports.list_reports(self, scope, limit=limit, offset=offset)

    def report(self, scope: ReportScope, report_id: int) -> ReportRecord | None:
        return reports.get_report(self, scope, report_id)

    def attach_evidence(
        self,
        submitter: Submitter,
        report_id: int,
        fp: BinaryIO,
        name: str,
        media_type: str,
    ) -> Attached:
        """Keep a file as evidence and attach it to a report (see ``reports.attach_evidence``)."""
        return reports.attach_evidence(self, submitter, report_id, fp, name, media_type)

    def report_evidence(self, report_id: int) -> list[EvidenceRecord]:
        return reports.report_evidence(self, report_id)

    def run_summary(self, run_id: int) -> dict[str, Any]:
        """A run's ``summary``, ``clocks`` and ``unresolved_actors`` as ``verify --format json``."""
        rows = self.db.execute("SELECT summary FROM runs WHERE id = ?", (run_id,))
        if not rows:
            raise UnknownRecord(f"{self.url}: no verification run {run_id}")
        return dict(json.loads(str(rows[0][0])))

    # -- claims (0006_claims; the logic lives in claims.py) -----------------------------------

    def add_news(
        self,
        source: Path,
        published: dt.date | None,
        agreement_version: int,
        claims: Sequence[NewsClaim],
    ) -> NewsImportRecord:
        """Keep an article and store its claims, each logged (see ``claims.add_news``)."""
        return claims_store.add_news(self, source, published, agreement_version, claims)

    def find_news(self, sha256: str) -> NewsImportRecord | None:
        return claims_store.find_news(self, sha256)

    def news_imports(self) -> list[NewsImportRecord]:
        return claims_store.news_imports(self)

    def stored_claims(self) -> list[NewsClaim]:
        return claims_store.stored_claims(self)

    # -- cases (0008_cases; the logic lives in cases.py) ---------------------------------------

    def open_case(self, submitter: Submitter, title: str, allegation: str, reports: Sequence[int]) -> CaseRecord:
        return cases_store.open_case(self, submitter, title, allegation, reports)

    def add_case_step(self, submitter: Submitter, case_id: int, kind: str, fields: Mapping[str, Any]) -> CaseStep:
        """Append a request, response or assessment to a case (see ``cases.add_case_step``)."""
        return cases_store.add_case_step(self, submitter, case_id, kind, fields)

    def cases(self, party: str | None = None) -> list[CaseRecord]:
        return cases_store.list_cases(self, party)

    # 0010_publications (ceasefire/store/publications.py)
    def publish_run(self, submitter: Submitter | None, run_id: int) -> tuple[int, bool]:
        return publications.publish(self, "run", run_id, submitter)

    def publish_case(self, submitter: Submitter | None, case_id: int) -> tuple[int, bool]:
        return publications.publish(self, "case", case_id, submitter)

    def published_runs(self) -> set[int]:
        return publications.published(self, "run")

    def published_cases(self) -> set[int]:
        return publications.published(self, "case")

    def case(self, case_id: int) -> CaseRecord | None:
        return cases_store.get_case(self, case_id)


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


def _finding_row(run_id: int, seq: int, finding: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        run_id,
        seq,
        finding["id"],
        finding["obligation"],
        finding["status"],
        finding["date"],
        canonical_json(list(finding["parties"])).decode("utf-8"),
        canonical_json(dict(finding)).decode("utf-8"),
    )


def _version(row: Row) -> AgreementVersion:
    bundle = AgreementBundle(row["agreement_id"], row["title"], row["source"], row["document"])
    fields = {k: row[k] for k in AgreementVersion.__dataclass_fields__ if k != "bundle"}
    return AgreementVersion(**fields, bundle=bundle)


def _import(row: Row, *, new: bool) -> ImportRecord:
    return ImportRecord(**{k: row[k] for k in ImportRecord.__dataclass_fields__ if k != "new"}, new=new)
