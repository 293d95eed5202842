"""What a token and a party wrote since a moment: the counts behind the daily quotas (issue 11).

Both are indexed reads over the rows written since ``since`` (``0014_attachment_names`` indexes
``report_versions (token_id | party, created_at)`` and ``report_evidence (created_at)``), so a
check costs a few rows of index, never a scan of the history. ``since`` is compared with the
stored ``created_at`` text (``YYYY-MM-DDTHH:MM:SS.ffffffZ``): ``"2026-12-04"`` means that UTC day
onwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from ceasefire.store.journal import Journal

__all__ = ["Usage", "evidence_bytes_since", "reports_since"]


@dataclass(frozen=True)
class Usage:
    """How much one token, and its party (0 for a token without a party), wrote."""

    token: int
    party: int


def reports_since(journal: Journal, since: str, token_id: int, party: str | None) -> Usage:
    """Report versions (submissions and corrections) written since ``since``."""
    db = journal.db
    sql = "SELECT COUNT(*) FROM report_versions WHERE {} = ? AND created_at >= ?"
    mine = int(db.execute(sql.format("token_id"), (token_id, since))[0][0])
    ours = 0 if party is None else int(db.execute(sql.format("party"), (party, since))[0][0])
    return Usage(mine, ours)


def evidence_bytes_since(journal: Journal, since: str, token_id: int, party: str | None) -> Usage:
    """Bytes of the evidence files attached since ``since`` (each attachment counts its file's
    size, whether or not the same bytes were kept before)."""
    rows = journal.db.execute(
        "SELECT a.token_id, t.party, e.size FROM report_evidence a "
        "JOIN evidence e ON e.sha256 = a.sha256 JOIN tokens t ON t.id = a.token_id "
        "WHERE a.created_at >= ?",
        (since,),
    )
    mine = sum(int(size) for token, _, size in rows if int(token) == token_id)
    ours = 0 if party is None else sum(int(size) for _, owner, size in rows if owner == party)
    return Usage(mine, ours)
