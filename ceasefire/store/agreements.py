"""Agreement versions (one agreement per database), over a :class:`~ceasefire.store.journal.Journal`.

A changed agreement is stored as the next version (one log entry each); the same bundle again
is a no-op. :func:`check_party` tells whether a party id belongs to the current version.
"""

from __future__ import annotations

from ceasefire.errors import UsageError
from ceasefire.store.bundle import AgreementBundle
from ceasefire.store.database import Row
from ceasefire.store.errors import StoreError
from ceasefire.store.journal import Journal, now
from ceasefire.store.log_entries import KINDS
from ceasefire.store.protocol import AgreementVersion

__all__ = ["add_agreement", "agreement_versions", "check_party", "current_agreement"]


def add_agreement(journal: Journal, bundle: AgreementBundle) -> tuple[AgreementVersion, bool]:
    """Store ``bundle`` as the next version; (the current version, False) when unchanged.

    A database holds one agreement: another id is a StoreError.
    """
    with journal.db.write():
        current = current_agreement(journal)
        if current is not None and current.agreement_id != bundle.agreement_id:
            raise StoreError(
                f"{bundle.source}: agreement '{bundle.agreement_id}', but {journal.url} holds "
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
        journal.append("agreement_version", row)
        created = current_agreement(journal)
    assert created is not None
    return created, True


def agreement_versions(journal: Journal) -> list[AgreementVersion]:
    return [_version(row) for row in journal.db.dicts(KINDS["agreement_version"].select())]


def current_agreement(journal: Journal) -> AgreementVersion | None:
    rows = list(
        journal.db.dicts(
            KINDS["agreement_version"].select("WHERE version = (SELECT MAX(version) FROM agreement_versions)")
        )
    )
    return _version(rows[0]) if rows else None


def check_party(journal: Journal, party: str) -> None:
    """UsageError unless ``party`` is a party of the current agreement (StoreError: none yet)."""
    current = current_agreement(journal)
    if current is None:
        raise StoreError(f"{journal.url}: no agreement yet; run `ceasefire init` first")
    known = current.bundle.party_ids()
    if party not in known:
        raise UsageError(f"--party: '{party}' is not a party of '{current.agreement_id}' (known: {', '.join(known)})")


def _version(row: Row) -> AgreementVersion:
    bundle = AgreementBundle(row["agreement_id"], row["title"], row["source"], row["document"])
    fields = {k: row[k] for k in AgreementVersion.__dataclass_fields__ if k != "bundle"}
    return AgreementVersion(**fields, bundle=bundle)
