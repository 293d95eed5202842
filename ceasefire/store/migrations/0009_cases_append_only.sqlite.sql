-- 0009_cases_append_only (SQLite): the tables of 0008 are append-only too, like those of 0002.

CREATE TRIGGER cases_no_update BEFORE UPDATE ON cases
BEGIN SELECT RAISE(ABORT, 'cases is append-only: UPDATE refused'); END;

CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases
BEGIN SELECT RAISE(ABORT, 'cases is append-only: DELETE refused'); END;

CREATE TRIGGER case_requests_no_update BEFORE UPDATE ON case_requests
BEGIN SELECT RAISE(ABORT, 'case_requests is append-only: UPDATE refused'); END;

CREATE TRIGGER case_requests_no_delete BEFORE DELETE ON case_requests
BEGIN SELECT RAISE(ABORT, 'case_requests is append-only: DELETE refused'); END;

CREATE TRIGGER case_responses_no_update BEFORE UPDATE ON case_responses
BEGIN SELECT RAISE(ABORT, 'case_responses is append-only: UPDATE refused'); END;

CREATE TRIGGER case_responses_no_delete BEFORE DELETE ON case_responses
BEGIN SELECT RAISE(ABORT, 'case_responses is append-only: DELETE refused'); END;

CREATE TRIGGER case_assessments_no_update BEFORE UPDATE ON case_assessments
BEGIN SELECT RAISE(ABORT, 'case_assessments is append-only: UPDATE refused'); END;

CREATE TRIGGER case_assessments_no_delete BEFORE DELETE ON case_assessments
BEGIN SELECT RAISE(ABORT, 'case_assessments is append-only: DELETE refused'); END;
