-- 0015_token_lifecycle: tokens expire and can be revoked; the dashboard signs in with sessions
-- (issue 11, class 6), shared by SQLite and PostgreSQL.
--
-- tokens.expires_at: when a token stops working (ISO 8601 UTC). NULL only on tokens made before
-- this migration: they expire 90 days after it was applied (schema_migrations.applied_at). The
-- column is part of the token's log entry when it is set (log_entries.Kind.optional), so the
-- entries of older tokens are unchanged.
--
-- token_revocations: a token revoked (an appended, logged row: kind token_revocation); revoking
-- again is a no-op. Nothing is ever un-revoked: make a new token.
--
-- sessions / session_ends: the dashboard's sign-ins. The cookie holds a random session id; only
-- its SHA-256 is stored. Sessions are access state, not records anyone may dispute, so they are
-- not in the public log (docs/security.md); they are append-only all the same: signing out
-- appends a session_ends row.

ALTER TABLE tokens ADD COLUMN expires_at TEXT;

CREATE TABLE token_revocations (
    token_id BIGINT PRIMARY KEY REFERENCES tokens (id) DEFERRABLE INITIALLY DEFERRED,
    revoked_by BIGINT,                   -- the admin token that revoked it (NULL: the operator's CLI)
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL UNIQUE
        REFERENCES log_entries (idx) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE sessions (
    id_sha256 TEXT PRIMARY KEY,          -- SHA-256 of the cookie's session id
    token_id BIGINT NOT NULL REFERENCES tokens (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE session_ends (
    id_sha256 TEXT PRIMARY KEY REFERENCES sessions (id_sha256),
    created_at TEXT NOT NULL
);
