"""Tokens, their expiry and revocation, and the dashboard's sessions (migration
``0015_token_lifecycle``, issue 11).

A token is stored only as its SHA-256. Every token expires (``expires_at``; tokens made before
0015 expire :data:`DEFAULT_LIFETIME` after that migration was applied) and may be revoked, by an
appended, logged ``token_revocations`` row. A token is *live* while it is neither: only a live
token, and a session of a live token, is ever found (:func:`find_live`, :func:`find_session`).

A session is what the dashboard's cookie holds instead of the token: a random id, stored as its
SHA-256 beside the token's id, ending at ``expires_at`` or when a ``session_ends`` row is
appended (signing out), and dead with its token. Sessions are not logged (docs/security.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from ceasefire.store import agreements
from ceasefire.store.database import Row, Value
from ceasefire.store.errors import UnknownRecord
from ceasefire.store.journal import Journal, now
from ceasefire.store.protocol import TokenRecord

__all__ = [
    "DEFAULT_LIFETIME",
    "SESSION_LIFETIME",
    "TOKEN_PREFIX",
    "create",
    "create_session",
    "end_session",
    "find_live",
    "find_session",
    "revoke",
    "stamp",
    "token_hash",
    "tokens",
]

TOKEN_PREFIX = "cf_"
DEFAULT_LIFETIME = dt.timedelta(days=90)
SESSION_LIFETIME = dt.timedelta(hours=12)

_SELECT = (
    "SELECT t.id, t.role, t.party, t.name, t.created_at, t.log_index, t.expires_at, "
    "r.created_at AS revoked_at FROM tokens t LEFT JOIN token_revocations r ON r.token_id = t.id"
)


def token_hash(token: str) -> str:
    """What is stored for a token (or a session id): SHA-256 of its UTF-8 bytes, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def stamp(moment: dt.datetime) -> str:
    """``moment`` as times are stored (the form of ``journal.now()``), comparable as text."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def create(journal: Journal, role: str, party: str | None, name: str, expires_at: str) -> tuple[str, int]:
    """Store a new random token expiring at ``expires_at`` (a :func:`stamp`), logged; returns
    (the token, its id). The role and party are checked by the caller; the party must be one of
    the current agreement's."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with journal.db.write():
        if party is not None:
            agreements.check_party(journal, party)
        token_id = int(journal.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM tokens")[0][0])
        row = {
            "id": token_id,
            "token_sha256": token_hash(token),
            "role": role,
            "party": party,
            "name": name,
            "created_at": now(),
            "expires_at": expires_at,
        }
        journal.append("token", row)
    return token, token_id


def tokens(journal: Journal, where: str = "", params: tuple[Value, ...] = ()) -> list[TokenRecord]:
    """The records of the tokens ``where`` keeps (never the token itself), oldest first."""
    rows = list(journal.db.dicts(f"{_SELECT} {where} ORDER BY t.id", params))
    # one more query only for tokens made before 0015 (a request's check stays one query)
    legacy = _legacy_expiry(journal) if any(row["expires_at"] is None for row in rows) else ""
    return [_record(row, legacy) for row in rows]


def find_live(journal: Journal, token: str) -> TokenRecord | None:
    """The record of a token presented by a client, or None when it is not one of ours or is
    expired or revoked."""
    found = tokens(journal, "WHERE t.token_sha256 = ?", (token_hash(token),))
    return found[0] if found and found[0].live(now()) else None


def revoke(journal: Journal, token_id: int, revoked_by: int | None) -> tuple[int, bool]:
    """Revoke token ``token_id``: (the revocation's log index, True when revoked now; False: it
    was already, and that revocation's index). ``revoked_by`` None: the operator's CLI."""
    with journal.db.write():
        if not journal.db.execute("SELECT 1 FROM tokens WHERE id = ?", (token_id,)):
            raise UnknownRecord(f"token {token_id}: no such token (see `GET /api/v1/tokens`)")
        found = journal.db.execute("SELECT log_index FROM token_revocations WHERE token_id = ?", (token_id,))
        if found:
            return int(found[0][0]), False
        index = journal.append(
            "token_revocation", {"token_id": token_id, "revoked_by": revoked_by, "created_at": now()}
        )
        journal.checkpoint()
    return index, True


def create_session(journal: Journal, token_id: int, lifetime: dt.timedelta = SESSION_LIFETIME) -> str:
    """A new session of token ``token_id``, ending after ``lifetime``: its random id (the cookie's
    value; only its SHA-256 is stored)."""
    session = secrets.token_urlsafe(32)
    expires = stamp(dt.datetime.now(dt.UTC) + lifetime)
    with journal.db.write():
        journal.db.execute(
            "INSERT INTO sessions (id_sha256, token_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (token_hash(session), token_id, now(), expires),
        )
    return session


def find_session(journal: Journal, session: str) -> TokenRecord | None:
    """The live token of a session that has not ended nor expired, else None."""
    at = now()
    found = tokens(
        journal,
        "JOIN sessions s ON s.token_id = t.id WHERE s.id_sha256 = ? AND s.expires_at > ? "
        "AND NOT EXISTS (SELECT 1 FROM session_ends e WHERE e.id_sha256 = s.id_sha256)",
        (token_hash(session), at),
    )
    return found[0] if found and found[0].live(at) else None


def end_session(journal: Journal, session: str) -> bool:
    """End a session (signing out): True when it was open until now."""
    digest = token_hash(session)
    with journal.db.write():
        if not journal.db.execute("SELECT 1 FROM sessions WHERE id_sha256 = ?", (digest,)):
            return False
        if journal.db.execute("SELECT 1 FROM session_ends WHERE id_sha256 = ?", (digest,)):
            return False
        journal.db.execute("INSERT INTO session_ends (id_sha256, created_at) VALUES (?, ?)", (digest, now()))
    return True


def _legacy_expiry(journal: Journal) -> str:
    """When tokens made before 0015 expire: :data:`DEFAULT_LIFETIME` after 0015 was applied
    (an upgrade gives them that long, rather than ending those older than 90 days at once)."""
    rows = journal.db.execute("SELECT applied_at FROM schema_migrations WHERE name = '0015_token_lifecycle'")
    applied = dt.datetime.fromisoformat(str(rows[0][0])) if rows else dt.datetime.now(dt.UTC)
    return stamp(applied + DEFAULT_LIFETIME)


def _record(row: Row, legacy: str) -> TokenRecord:
    return TokenRecord(
        id=int(row["id"]),
        role=str(row["role"]),
        party=row["party"],
        name=str(row["name"]),
        created_at=str(row["created_at"]),
        log_index=int(row["log_index"]),
        expires_at=str(row["expires_at"] or legacy),
        revoked_at=row["revoked_at"],
    )
