"""What each log entry records, and how an entry is rebuilt from the rows it records.

Every write adds rows to one *record table* (and maybe many rows to its *child tables*) and
appends one log entry, in the same transaction. The entry is canonical JSON::

    {"kind": KIND, "at": created_at, <the record's shown columns>..., "digest": HEX}

``digest`` = SHA-256 of ``canonical_json({"row": ROW, "children": {TABLE: CHILDREN_SHA256}})``,
where ``ROW`` holds every column of the record row but ``log_index`` (an *optional* column,
added to a kind after entries were written, only when it is not NULL: older entries keep their
digest, issue 11), and ``CHILDREN_SHA256`` is
the SHA-256 of the child rows in ``seq`` order, each as ``canonical_json(row) + b"\\n"`` (every
column). So an entry is a pure function of the rows as stored: ``log verify`` computes it from the rows
it reads, and a single changed byte in any column, a deleted or added child row, or rows swapped
between entries, changes it. The writer hashes child rows as it writes them (``store.written``,
issue 14: a million rows are not read back) when every value is one the database returns as
given, and reads them back otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ceasefire.ledger import LogError, canonical_json
from ceasefire.ledger.entry import canonical_lines
from ceasefire.model import FINDING_KEYS
from ceasefire.store.database import Database, Row

__all__ = [
    "CLAIM_COLUMNS",
    "FINDING_ROW_COLUMNS",
    "INCIDENT_COLUMNS",
    "KINDS",
    "REPORT_COLUMNS",
    "RUN_DAY_COLUMNS",
    "Child",
    "Kind",
    "children_digest",
    "chunks_digest",
    "entry_bytes",
    "has_table",
]

INCIDENT_COLUMNS = (
    "import_id",
    "seq",
    "incident_id",
    "source",
    "date",
    "date_end",
    "date_reported",
    "lat",
    "lon",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "attacker",
    "weapon",
    "date_precision",
    "geo_precision",
    "radius_m",
    "fatalities",
    "country",
    "admin1",
    "location",
    "notes",
    "source_name",
    "file",
    "line",
)
FINDING_COLUMNS = ("run_id", "seq", "finding_id", "obligation", "status", "date", "parties", "document")
# 0019_finding_rows: a run's findings as typed columns (issue 14), one per model.Finding field
FINDING_ROW_COLUMNS = ("run_id", "seq", "finding_id", *FINDING_KEYS[1:])  # after ``id``: every key
# 0023_run_days: which run's finding_rows hold a run's findings of each day (incremental runs)
RUN_DAY_COLUMNS = ("run_id", "seq", "day", "source_run", "findings")
REPORT_COLUMNS = (
    "report_id",
    "version",
    "title",
    "description",
    "occurred_on",
    "lat",
    "lon",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "weapon",
    "fatalities",
    "sources",
    "client_hash",
    "token_id",
    "role",
    "party",
    "created_at",
)

CLAIM_COLUMNS = (
    "id",
    "news_import_id",
    "seq",
    "file",
    "speaker",
    "speaker_party",
    "cited_by",
    "claim_kind",
    "accused",
    "obligation",
    "category",
    "quote",
    "sentence",
    "date",
    "created_at",
)


@dataclass(frozen=True)
class Child:
    """Rows of ``table`` belonging to one record: ``parent_key`` equals the record's ``key``."""

    table: str
    columns: tuple[str, ...]
    parent_key: str
    key: str
    # added to a kind after entries were written: in the digest only when the record has rows in
    # it (and absent from a database whose migration has not made it yet), so older entries keep
    # their digest; deleting every such row of a record still changes it (issue 14)
    optional: bool = False

    def select(self, where: str = "") -> str:
        return f"SELECT {', '.join(self.columns)} FROM {self.table} {where} ORDER BY {self.parent_key}, seq"


@dataclass(frozen=True)
class Kind:
    """One kind of log entry and the record table behind it."""

    name: str
    table: str
    columns: tuple[str, ...]  # every column but log_index, in the digest
    shown: tuple[str, ...]  # copied into the entry, readable without the database
    children: tuple[Child, ...] = ()
    # columns (also in ``columns``) added by a later migration: in the digest (and shown) only
    # when not NULL, so the entries of rows stored before the column existed are unchanged
    optional: tuple[str, ...] = ()

    def select(self, where: str = "") -> str:
        return f"SELECT log_index, {', '.join(self.columns)} FROM {self.table} {where} ORDER BY log_index"

    def as_stored(self, db: Database) -> Kind | None:
        """This kind as ``db``'s tables hold it: without the optional columns or child tables when
        a migration that adds them is not applied yet (``log verify`` reads a database, it never
        migrates it); None when the table itself is not there yet (a store opened without
        migrating, e.g. before 0015 made ``token_revocations``: no rows to check)."""
        if not has_table(db, self.table):
            return None
        children = tuple(c for c in self.children if not c.optional or has_table(db, c.table))
        if children != self.children:
            return replace(self, children=children).as_stored(db)
        if not self.optional:
            return self
        row = next(db.dicts(f"SELECT * FROM {self.table} LIMIT 1"), None)
        if row is not None and all(c in row for c in self.optional):
            return self
        # no rows, or no such columns: nothing to hash in them
        return replace(self, columns=tuple(c for c in self.columns if c not in self.optional), optional=())

    def insert(self) -> str:
        names = (*self.columns, "log_index")
        return f"INSERT INTO {self.table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "log_key", "log_keys", ("key_id", "public_key", "origin", "created_at"), ("key_id", "public_key", "origin")
        ),
        Kind(
            "agreement_version",
            "agreement_versions",
            ("agreement_id", "version", "sha256", "title", "source", "document", "created_at"),
            ("agreement_id", "version", "sha256", "title"),
        ),
        Kind(
            "evidence",
            "evidence",
            ("sha256", "size", "name", "media_type", "created_at"),
            ("sha256", "size", "name", "media_type"),
        ),
        Kind(
            "import",
            "imports",
            ("id", "sha256", "name", "format", "incidents", "created_at"),
            ("id", "sha256", "name", "format", "incidents"),
            (Child("incidents", INCIDENT_COLUMNS, "import_id", "id"),),
        ),
        Kind(
            "run",
            "runs",
            ("id", "agreement_id", "agreement_version", "incidents", "findings", "summary", "created_at"),
            ("id", "agreement_id", "agreement_version", "incidents", "findings"),
            (
                Child("findings", FINDING_COLUMNS, "run_id", "id"),  # runs before 0019: one document each
                Child("finding_rows", FINDING_ROW_COLUMNS, "run_id", "id", optional=True),
                Child("run_days", RUN_DAY_COLUMNS, "run_id", "id", optional=True),
            ),
        ),
        Kind(
            "token",
            "tokens",
            ("id", "token_sha256", "role", "party", "name", "created_at", "expires_at"),
            ("id", "role", "party", "name", "expires_at"),
            optional=("expires_at",),
        ),
        # 0015_token_lifecycle: a token revoked (ceasefire/store/tokens.py)
        Kind(
            "token_revocation",
            "token_revocations",
            ("token_id", "revoked_by", "created_at"),
            ("token_id", "revoked_by"),
        ),
        # 0004_reports: what the REST API writes (ceasefire/store/reports.py)
        Kind("report_version", "report_versions", REPORT_COLUMNS, ("report_id", "version", "token_id", "party")),
        Kind("publication", "report_publications", ("report_id", "token_id", "created_at"), ("report_id", "token_id")),
        Kind(
            "attachment",
            "report_evidence",
            ("report_id", "sha256", "token_id", "created_at", "name", "media_type"),
            ("report_id", "sha256", "token_id"),
            optional=("name", "media_type"),  # 0014: the attacher's own name and type (issue 11)
        ),
        # 0006_claims: claims from news articles (ceasefire/store/claims.py)
        Kind(
            "news_import",
            "news_imports",
            ("id", "sha256", "name", "published", "agreement_version", "claims", "created_at"),
            ("id", "sha256", "name", "agreement_version", "claims"),
        ),
        Kind(
            "claim",
            "claims",
            CLAIM_COLUMNS,
            ("id", "news_import_id", "seq", "speaker_party", "claim_kind", "obligation"),
        ),
        # 0008_cases: the case workflow (ceasefire/store/cases.py)
        Kind(
            "case",
            "cases",
            ("id", "title", "allegation", "reports", "token_id", "role", "party", "created_at"),
            ("id", "reports", "token_id"),
        ),
        Kind(
            "case_request",
            "case_requests",
            ("id", "case_id", "party", "question", "deadline", "token_id", "role", "created_at"),
            ("id", "case_id", "party", "deadline", "token_id"),
        ),
        Kind(
            "case_response",
            "case_responses",
            ("id", "case_id", "request_id", "party", "response", "token_id", "role", "created_at"),
            ("id", "case_id", "request_id", "party", "token_id"),
        ),
        Kind(
            "case_assessment",
            "case_assessments",
            ("id", "case_id", "conclusion", "reasoning", "grades", "token_id", "role", "created_at"),
            ("id", "case_id", "conclusion", "token_id"),
        ),
        # 0010_publications: runs and cases made public (ceasefire/store/publications.py)
        Kind("run_publication", "run_publications", ("run_id", "token_id", "created_at"), ("run_id", "token_id")),
        Kind("case_publication", "case_publications", ("case_id", "token_id", "created_at"), ("case_id", "token_id")),
        # 0021_link_decisions: analysts confirm or split event links (ceasefire/store/links.py)
        Kind(
            "link_decision",
            "link_decisions",
            ("id", "record_a", "record_b", "decision", "reason", "token_id", "role", "created_at"),
            ("id", "record_a", "record_b", "decision", "token_id"),
        ),
    )
}


def children_digest(rows: Iterable[Mapping[str, Any]]) -> str:
    """SHA-256 (hex) of child rows, in the order given, each ``canonical_json(row) + b"\\n"``."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(canonical_json(row) + b"\n")
    return digest.hexdigest()


def chunks_digest(names: Sequence[str], chunks: Iterable[Sequence[Sequence[Any]]]) -> str:
    """:func:`children_digest` of rows given as value tuples in ``names`` order, chunk by chunk
    (issue 14: a million incident rows hash a column at a time, with no dict per row; the
    digest is the same, so existing entries still verify)."""
    digest = hashlib.sha256()
    for chunk in chunks:
        if not chunk:
            continue
        text = canonical_lines(names, list(zip(*chunk, strict=True)))
        try:
            digest.update(text.encode("utf-8"))
        except UnicodeEncodeError as exc:  # a lone surrogate such as "\ud800", as canonical_json says
            raise LogError(f"entry: a string is not valid Unicode ({exc.reason})") from exc
    return digest.hexdigest()


EMPTY_CHILDREN = children_digest(())


def entry_bytes(kind: Kind, row: Row, children: Mapping[str, str]) -> bytes:
    """The log entry recording ``row`` (every column of ``kind.columns``; extra keys ignored),
    given the :func:`children_digest` of each child table (absent: no child rows)."""
    plain = {c: row[c] for c in kind.columns if c not in kind.optional or row[c] is not None}
    digests = {
        c.table: children.get(c.table, EMPTY_CHILDREN)
        for c in kind.children
        if not c.optional or children.get(c.table, EMPTY_CHILDREN) != EMPTY_CHILDREN
    }
    digest = hashlib.sha256(canonical_json({"row": plain, "children": digests})).hexdigest()
    shown = {c: plain[c] for c in kind.shown if c in plain}
    return canonical_json({"kind": kind.name, "at": plain["created_at"], **shown, "digest": digest})


def has_table(db: Database, table: str) -> bool:
    """Whether ``db`` has the table (a migration may not have made it yet: readers never migrate)."""
    if db.dialect == "postgres":
        return bool(db.execute("SELECT to_regclass(?) IS NOT NULL", (table,))[0][0])
    return bool(db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)))
