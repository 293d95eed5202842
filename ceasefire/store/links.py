"""Analysts' decisions on event links (migration ``0021_link_decisions``), through the journal.

A decision says that two records are one event (``confirm``) or are not (``split``); the next
verification run applies the latest decision on each pair (``linking.decisions``). Each is a row
of its own, logged in the same write transaction with who (token, role) and when (UTC); nothing
is updated or deleted. Who may decide is the API's business (analysts); this module checks that
both records are stored (an imported incident, or a submitted report as ``report-ID``) and
raises :class:`UnknownRecord` naming the first that is not (``InputError`` for a decision that is
neither ``confirm`` nor ``split``, or a record paired with itself).
"""

from __future__ import annotations

from dataclasses import dataclass

from ceasefire.errors import InputError
from ceasefire.model import LINK_DECISIONS, REPORT_PREFIX
from ceasefire.store.database import Row
from ceasefire.store.errors import UnknownRecord
from ceasefire.store.journal import Journal, now
from ceasefire.store.log_entries import KINDS, has_table
from ceasefire.store.protocol import Submitter

__all__ = ["LinkDecision", "add_link_decision", "link_decisions"]


@dataclass(frozen=True)
class LinkDecision:
    """One stored decision: the pair (``record_a`` < ``record_b``), what was decided and why."""

    id: int
    record_a: str
    record_b: str
    decision: str  # linking.decisions.CONFIRM or SPLIT
    reason: str
    token_id: int | None
    role: str
    created_at: str
    log_index: int

    def to_document(self) -> dict[str, object]:
        return {
            "id": self.id,
            "records": [self.record_a, self.record_b],
            "decision": self.decision,
            "reason": self.reason,
            "role": self.role,
            "at": self.created_at,
            "log_index": self.log_index,
        }


def add_link_decision(
    store: Journal, submitter: Submitter | None, first: str, second: str, decision: str, reason: str
) -> LinkDecision:
    """Append ``decision`` on the pair of stored records ``first``, ``second`` (InputError on a
    decision not in LINK_DECISIONS or a record paired with itself; UnknownRecord on a record not
    stored); ``submitter`` None: the operator's CLI."""
    if decision not in LINK_DECISIONS:
        raise InputError(f"decision: {decision!r} is not one of {', '.join(LINK_DECISIONS)}")
    if first == second:
        raise InputError(f"records: a record cannot be linked with itself ({first!r})")
    record_a, record_b = sorted((first, second))
    with store.db.write():
        for record in (record_a, record_b):
            if not _stored(store, record):
                raise UnknownRecord(f"record {record!r}: no such incident or report")
        row = {
            "id": int(store.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM link_decisions")[0][0]),
            "record_a": record_a,
            "record_b": record_b,
            "decision": decision,
            "reason": reason,
            "token_id": submitter.token_id if submitter else None,
            "role": submitter.role if submitter else "operator",
            "created_at": now(),
        }
        index = store.append("link_decision", row)
        store.checkpoint()
    return _decision({**row, "log_index": index})


def link_decisions(store: Journal, records: set[str] | None = None) -> list[LinkDecision]:
    """Every decision in the order made (``records``: only those naming one of them); none on
    a database not migrated to 0021 yet (readers never migrate)."""
    if not has_table(store.db, "link_decisions"):
        return []
    found = [_decision(row) for row in store.db.dicts(KINDS["link_decision"].select())]
    if records is None:
        return found
    return [d for d in found if d.record_a in records or d.record_b in records]


def _stored(store: Journal, record: str) -> bool:
    if record.startswith(REPORT_PREFIX) and record[len(REPORT_PREFIX) :].isdigit():
        report = int(record[len(REPORT_PREFIX) :])
        return bool(store.db.execute("SELECT 1 FROM report_versions WHERE report_id = ?", (report,)))
    return bool(store.db.execute("SELECT 1 FROM incidents WHERE incident_id = ? LIMIT 1", (record,)))


def _decision(row: Row) -> LinkDecision:
    return LinkDecision(**{name: row[name] for name in LinkDecision.__dataclass_fields__})
