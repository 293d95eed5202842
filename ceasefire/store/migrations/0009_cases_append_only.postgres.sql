-- 0009_cases_append_only (PostgreSQL): the tables of 0008 are append-only too, like those of 0002.
-- (ceasefire_append_only() comes from 0002.)

CREATE TRIGGER cases_append_only BEFORE UPDATE OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER cases_no_truncate BEFORE TRUNCATE ON cases
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER case_requests_append_only BEFORE UPDATE OR DELETE ON case_requests
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER case_requests_no_truncate BEFORE TRUNCATE ON case_requests
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER case_responses_append_only BEFORE UPDATE OR DELETE ON case_responses
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER case_responses_no_truncate BEFORE TRUNCATE ON case_responses
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();

CREATE TRIGGER case_assessments_append_only BEFORE UPDATE OR DELETE ON case_assessments
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER case_assessments_no_truncate BEFORE TRUNCATE ON case_assessments
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
