"""Publishing verification runs and cases (migration ``0010_publications``), through the journal.

A published run's findings are what the public dashboard, bulletins and exports show; a
published case is readable by every role and the public. Publishing is logged, once: publishing
again returns the first publication (``new=False``). Nothing is unpublished.
"""

from __future__ import annotations

from ceasefire.store.errors import UnknownRecord
from ceasefire.store.journal import Journal, now
from ceasefire.store.protocol import Submitter

__all__ = ["PUBLISHABLE", "publish", "published"]

# what -> (its table, the publication kind, its table, the key column)
PUBLISHABLE = {
    "run": ("runs", "run_publication", "run_publications", "run_id"),
    "case": ("cases", "case_publication", "case_publications", "case_id"),
}


def publish(journal: Journal, what: str, target: int, submitter: Submitter | None) -> tuple[int, bool]:
    """Publish run or case ``target``: (the publication's log index, True when published now);
    ``submitter`` None: the operator's CLI (no token)."""
    table, kind, publications, key = PUBLISHABLE[what]
    with journal.db.write():
        if not journal.db.execute(f"SELECT 1 FROM {table} WHERE id = ?", (target,)):
            raise UnknownRecord(f"{what} {target}: no such {what}")
        found = journal.db.execute(f"SELECT log_index FROM {publications} WHERE {key} = ?", (target,))
        if found:
            return int(found[0][0]), False
        row = {key: target, "token_id": submitter.token_id if submitter else None, "created_at": now()}
        index = journal.append(kind, row)
        journal.checkpoint()
    return index, True


def published(journal: Journal, what: str) -> set[int]:
    """The ids of the published runs or cases."""
    _, _, publications, key = PUBLISHABLE[what]
    return {int(row[0]) for row in journal.db.execute(f"SELECT {key} FROM {publications}")}
