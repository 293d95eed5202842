-- 0005_reports_append_only (PostgreSQL): the tables of 0004 are append-only too, like those of 0002.
-- (ceasefire_append_only() comes from 0002.)

CREATE TRIGGER report_versions_append_only BEFORE UPDATE OR DELETE ON report_versions
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER report_versions_no_truncate BEFORE TRUNCATE ON report_versions
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER report_publications_append_only BEFORE UPDATE OR DELETE ON report_publications
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER report_publications_no_truncate BEFORE TRUNCATE ON report_publications
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER report_evidence_append_only BEFORE UPDATE OR DELETE ON report_evidence
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER report_evidence_no_truncate BEFORE TRUNCATE ON report_evidence
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER idempotency_keys_append_only BEFORE UPDATE OR DELETE ON idempotency_keys
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER idempotency_keys_no_truncate BEFORE TRUNCATE ON idempotency_keys
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
