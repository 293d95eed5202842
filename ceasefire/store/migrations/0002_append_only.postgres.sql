-- 0002_append_only (PostgreSQL): no row of these tables is ever updated or deleted, whoever asks.
-- Enforced below the application, so a bug, a script or a hand-typed statement cannot do it
-- either; `ceasefire log verify` catches anyone who removes the triggers first.
-- Where the application connects as a role that does not own the tables, also
-- REVOKE UPDATE, DELETE, TRUNCATE (docs/store.md, "Roles of the database").

CREATE FUNCTION ceasefire_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER log_entries_append_only BEFORE UPDATE OR DELETE ON log_entries
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER log_entries_no_truncate BEFORE TRUNCATE ON log_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER log_keys_append_only BEFORE UPDATE OR DELETE ON log_keys
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER log_keys_no_truncate BEFORE TRUNCATE ON log_keys
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER agreement_versions_append_only BEFORE UPDATE OR DELETE ON agreement_versions
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER agreement_versions_no_truncate BEFORE TRUNCATE ON agreement_versions
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER evidence_append_only BEFORE UPDATE OR DELETE ON evidence
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER evidence_no_truncate BEFORE TRUNCATE ON evidence
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER imports_append_only BEFORE UPDATE OR DELETE ON imports
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER imports_no_truncate BEFORE TRUNCATE ON imports
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER incidents_append_only BEFORE UPDATE OR DELETE ON incidents
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER incidents_no_truncate BEFORE TRUNCATE ON incidents
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER runs_append_only BEFORE UPDATE OR DELETE ON runs
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER runs_no_truncate BEFORE TRUNCATE ON runs
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER findings_append_only BEFORE UPDATE OR DELETE ON findings
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER findings_no_truncate BEFORE TRUNCATE ON findings
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER tokens_append_only BEFORE UPDATE OR DELETE ON tokens
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER tokens_no_truncate BEFORE TRUNCATE ON tokens
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
