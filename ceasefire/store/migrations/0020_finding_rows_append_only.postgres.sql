-- 0020_finding_rows_append_only (PostgreSQL): finding_rows is append-only.

CREATE TRIGGER finding_rows_append_only BEFORE UPDATE OR DELETE ON finding_rows
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER finding_rows_no_truncate BEFORE TRUNCATE ON finding_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
