-- 0024_run_days_append_only (PostgreSQL): run_days is append-only.

CREATE TRIGGER run_days_append_only BEFORE UPDATE OR DELETE ON run_days
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER run_days_no_truncate BEFORE TRUNCATE ON run_days
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
