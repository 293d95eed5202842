-- 0016_token_lifecycle_append_only (SQLite): the tables of 0015 are append-only too.

CREATE TRIGGER token_revocations_no_update BEFORE UPDATE ON token_revocations
BEGIN SELECT RAISE(ABORT, 'token_revocations is append-only: UPDATE refused'); END;

CREATE TRIGGER token_revocations_no_delete BEFORE DELETE ON token_revocations
BEGIN SELECT RAISE(ABORT, 'token_revocations is append-only: DELETE refused'); END;

CREATE TRIGGER sessions_no_update BEFORE UPDATE ON sessions
BEGIN SELECT RAISE(ABORT, 'sessions is append-only: UPDATE refused'); END;

CREATE TRIGGER sessions_no_delete BEFORE DELETE ON sessions
BEGIN SELECT RAISE(ABORT, 'sessions is append-only: DELETE refused'); END;

CREATE TRIGGER session_ends_no_update BEFORE UPDATE ON session_ends
BEGIN SELECT RAISE(ABORT, 'session_ends is append-only: UPDATE refused'); END;

CREATE TRIGGER session_ends_no_delete BEFORE DELETE ON session_ends
BEGIN SELECT RAISE(ABORT, 'session_ends is append-only: DELETE refused'); END;
