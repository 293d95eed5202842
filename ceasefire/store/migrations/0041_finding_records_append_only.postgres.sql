-- 0041_finding_records_append_only (PostgreSQL): finding_records is append-only.

CREATE TRIGGER finding_records_append_only BEFORE UPDATE OR DELETE ON finding_records
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER finding_records_no_truncate BEFORE TRUNCATE ON finding_records
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
