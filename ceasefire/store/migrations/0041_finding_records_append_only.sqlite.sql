-- 0041_finding_records_append_only (SQLite): finding_records is append-only.

CREATE TRIGGER finding_records_no_update BEFORE UPDATE ON finding_records
BEGIN SELECT RAISE(ABORT, 'finding_records is append-only: UPDATE refused'); END;

CREATE TRIGGER finding_records_no_delete BEFORE DELETE ON finding_records
BEGIN SELECT RAISE(ABORT, 'finding_records is append-only: DELETE refused'); END;
