"""``log verify``: recompute the whole log from the stored rows and report what does not match.

Checks, in one read snapshot:

1. entries are numbered 0, 1, 2, ... with no gap (a deleted or renumbered entry shows here);
2. each stored leaf hash is ``SHA-256(0x00 || entry)``;
3. each entry equals the entry rebuilt from the rows it records (``log_entries.entry_bytes``), so
   any changed byte in a recorded row or its child rows, a deleted row, or rows moved between
   entries shows; and every record row and child row is claimed by exactly one entry;
4. the first entry records the log key; a key file, when given, holds its private half;
5. every stored checkpoint is signed by that key and its root is the root of the tree of that
   size rebuilt from the leaf hashes;
6. every evidence file, when the evidence folder is known, still hashes to its name;
7. ``incident_repeats`` (0038), which the pages read to show each incident id's first row,
   lists exactly the incidents rows that repeat an id stored before them: it is derived from
   logged columns, so a row deleted from it (an incident hidden from every list) or added to it
   shows here although no entry changed;
8. ``finding_records`` (0040), the incident fields an export shows beside each finding, holds
   exactly the rows recomputed from ``finding_rows`` and ``incidents`` (``store.finding_records``):
   a changed field would change every export of that finding without changing an entry.
"""

from __future__ import annotations

import itertools
import json
import operator
from collections.abc import Iterator
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ceasefire.errors import CeasefireError
from ceasefire.ledger import Checkpoint, LogError, MerkleLog, key_id, leaf_hash, verify_checkpoint
from ceasefire.store.database import CHUNK_ROWS, Row
from ceasefire.store.evidence_log import Evidence
from ceasefire.store.finding_records import RECORD_FIELDS, records_select
from ceasefire.store.journal import Journal
from ceasefire.store.log_entries import KINDS, Child, Kind, children_digest, chunks_digest, entry_bytes, has_table
from ceasefire.store.protocol import LogProblem, LogReport

__all__ = ["audit"]


def audit(journal: Journal, evidence: Evidence) -> LogReport:
    """Everything ``log verify`` checks (module docstring); never raises for tampered data."""
    report = LogReport()
    with journal.db.read():
        leaves = _check_entries(journal, report)
        _check_records(journal, report)
        tree = MerkleLog(leaves)
        report.size, report.root_hash = tree.size, tree.root().hex()
        public = _check_key(journal, report)
        _check_checkpoints(journal, public, tree, report)
        _check_evidence(evidence, report)
        _check_repeats(journal, report)
        _check_finding_records(journal, report)
    return report


def _check_entries(journal: Journal, report: LogReport) -> list[bytes]:
    """Leaf hashes in index order (recomputed from the entries); numbering and hashes checked."""
    leaves: list[bytes] = []
    for idx, entry, stored_hash in journal.db.execute("SELECT idx, entry, leaf_hash FROM log_entries ORDER BY idx"):
        if idx != len(leaves):
            report.problems.append(LogProblem(f"missing; the next stored entry is numbered {idx}", len(leaves)))
            break
        data = entry.encode("utf-8") if isinstance(entry, str) else bytes(entry)
        computed = leaf_hash(data)
        if stored_hash != computed.hex():
            report.problems.append(LogProblem("its stored leaf hash is not SHA-256(0x00 || entry)", idx))
        leaves.append(computed)
    return leaves


def _check_records(journal: Journal, report: LogReport) -> None:
    entries = {int(i): str(e) for i, e in journal.db.execute("SELECT idx, entry FROM log_entries")}
    claimed: dict[int, str] = {}
    for kind in filter(None, (k.as_stored(journal.db) for k in KINDS.values())):
        digests = {c.table: _child_digests(journal, c) for c in kind.children}
        for row in journal.db.dicts(kind.select()):
            _check_record(kind, row, digests, entries, claimed, report)
        for child in kind.children:
            for owner in digests[child.table]:  # child rows whose record is missing
                report.problems.append(
                    LogProblem(
                        f"table {child.table}: rows of {child.parent_key} {owner} belong to no logged {kind.table} row"
                    )
                )
    for idx in sorted(set(entries) - set(claimed)):
        report.problems.append(
            LogProblem("no stored row matches it (a recorded row was deleted)", idx, _kind_of(entries[idx]))
        )


def _check_record(
    kind: Kind,
    row: Row,
    digests: dict[str, dict[object, str]],
    entries: dict[int, str],
    claimed: dict[int, str],
    report: LogReport,
) -> None:
    index = row["log_index"]
    children = {c.table: digests[c.table].pop(row[c.key], children_digest(())) for c in kind.children}
    if not isinstance(index, int) or index not in entries:
        report.problems.append(
            LogProblem(f"table {kind.table}: a row points at log entry {index!r}, which does not exist")
        )
        return
    if index in claimed:
        report.problems.append(LogProblem(f"claimed by rows of both {claimed[index]} and {kind.table}", index))
        return
    claimed[index] = kind.table
    try:
        expected = entry_bytes(kind, row, children).decode("utf-8")
    except LogError as error:
        report.problems.append(LogProblem(f"its {kind.table} row cannot be logged: {error}", index, kind.name))
        return
    if expected != entries[index]:
        report.problems.append(
            LogProblem(
                f"does not match its {kind.table} row as stored (the row or the entry was changed)", index, kind.name
            )
        )


def _child_digests(journal: Journal, child: Child) -> dict[object, str]:
    """The children digest of every record that has child rows, keyed by the record's key; rows
    read and hashed a chunk at a time, as the writer hashed them (issue 14)."""
    out: dict[object, str] = {}
    rows = itertools.chain.from_iterable(journal.db.chunks(child.select()))
    for owner, group in itertools.groupby(rows, key=operator.itemgetter(child.columns.index(child.parent_key))):
        out[owner] = chunks_digest(child.columns, _batches(group))
    return out


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    while batch := list(itertools.islice(rows, CHUNK_ROWS)):
        yield batch


def _kind_of(entry: str) -> str | None:
    try:
        kind = json.loads(entry).get("kind")
    except (ValueError, AttributeError):
        return None
    return kind if isinstance(kind, str) else None


def _check_key(journal: Journal, report: LogReport) -> Ed25519PublicKey | None:
    """The recorded public key (None when missing or unreadable, with the problem reported)."""
    try:
        public = journal.public_key()
    except LogError as error:
        report.problems.append(LogProblem(f"the recorded public key is unreadable: {error}", 0, "log_key"))
        return None
    if public is None:
        report.problems.append(LogProblem("the log has no key entry (was the database initialized?)", 0))
        return None
    report.key_id = key_id(public)
    first = journal.db.execute("SELECT log_index FROM log_keys ORDER BY log_index")[0][0]
    if first != 0:
        report.problems.append(LogProblem(f"the first entry must record the log key, which is entry {first}", 0))
    if journal.key_path is not None and journal.key_path.exists():
        try:
            journal.signing_key()
        except CeasefireError as error:
            report.problems.append(LogProblem(str(error), 0, "log_key"))
    return public


def _check_checkpoints(journal: Journal, public: Ed25519PublicKey | None, tree: MerkleLog, report: LogReport) -> None:
    rows = journal.db.dicts(
        "SELECT id, origin, size, root_hash, timestamp, key_id, signature FROM checkpoints ORDER BY id"
    )
    for row in rows:
        report.checkpoints += 1
        number = row.pop("id")
        try:
            signed = Checkpoint.from_dict(row)
        except LogError as error:
            report.problems.append(LogProblem(f"checkpoint {number}: unreadable: {error}"))
            continue
        where = f"checkpoint {number} (size {signed.size})"
        if public is None or not verify_checkpoint(public, signed):
            report.problems.append(LogProblem(f"{where}: its signature does not verify with the log key"))
        elif signed.size > tree.size:
            report.problems.append(LogProblem(f"{where}: the log now has only {tree.size} entries", tree.size))
        elif tree.root(signed.size) != signed.root_hash:
            report.problems.append(LogProblem(f"{where}: the first {signed.size} entries no longer have its root hash"))


# Every incidents row but the first of its id, in the order a run verifies them (as 0038 fills it).
_REPEATS = (
    "SELECT import_id, seq FROM (SELECT import_id, seq, ROW_NUMBER() OVER"
    " (PARTITION BY incident_id ORDER BY import_id, seq) AS n FROM incidents) ranked WHERE n > 1"
)
_LISTED = "SELECT import_id, seq FROM incident_repeats"


def _check_repeats(journal: Journal, report: LogReport) -> None:
    """Check 7: the rows ``incident_repeats`` misses, and the rows it lists wrongly (each an
    incident a page would hide), counted; one problem per direction. Nothing to check in a
    database not migrated to 0038 yet (``log verify`` never migrates)."""
    if not has_table(journal.db, "incident_repeats"):
        return
    for query, wrong in (
        (
            f"{_REPEATS} EXCEPT {_LISTED}",
            "an incident that repeats an earlier id is not listed (a page would show it twice)",
        ),
        (
            f"{_LISTED} EXCEPT {_REPEATS}",
            "a listed row is not a repeat of an earlier id (a page would hide that incident)",
        ),
    ):
        ((count,),) = journal.db.execute(f"SELECT COUNT(*) FROM ({query}) wrong")
        if count:
            report.problems.append(LogProblem(f"table incident_repeats: {count} rows where {wrong}"))


def _check_finding_records(journal: Journal, report: LogReport) -> None:
    """Check 8: the ``finding_records`` rows that differ from those recomputed (missing or
    changed), and those no finding's record gives (added or changed), counted; one problem per
    direction. Nothing to check before 0040."""
    if not has_table(journal.db, "finding_records"):
        return
    stored = f"SELECT run_id, seq, {', '.join(RECORD_FIELDS)} FROM finding_records"
    recomputed = records_select("1 = 1")
    for query, wrong in (
        (f"{recomputed} EXCEPT {stored}", "a finding's record is missing or differs (its exports would show it so)"),
        (f"{stored} EXCEPT {recomputed}", "a row is not the record of its finding (its exports would show it)"),
    ):
        ((count,),) = journal.db.execute(f"SELECT COUNT(*) FROM ({query}) wrong")
        if count:
            report.problems.append(LogProblem(f"table finding_records: {count} rows where {wrong}"))


def _check_evidence(evidence: Evidence, report: LogReport) -> None:
    if evidence.folder is None:
        return
    files = evidence.files()
    for sha256, size, index in evidence.journal.db.execute(
        "SELECT sha256, size, log_index FROM evidence ORDER BY log_index"
    ):
        report.evidence_files += 1
        problem = files.check(str(sha256), int(size))
        if problem is not None:
            report.problems.append(LogProblem(problem, int(index), "evidence"))
