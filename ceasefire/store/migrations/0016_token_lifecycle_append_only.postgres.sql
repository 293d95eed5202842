-- 0016_token_lifecycle_append_only (PostgreSQL): the tables of 0015 are append-only too.
-- (ceasefire_append_only() comes from 0002.)

CREATE TRIGGER token_revocations_append_only BEFORE UPDATE OR DELETE ON token_revocations
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER token_revocations_no_truncate BEFORE TRUNCATE ON token_revocations
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER sessions_append_only BEFORE UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER sessions_no_truncate BEFORE TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER session_ends_append_only BEFORE UPDATE OR DELETE ON session_ends
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER session_ends_no_truncate BEFORE TRUNCATE ON session_ends
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
