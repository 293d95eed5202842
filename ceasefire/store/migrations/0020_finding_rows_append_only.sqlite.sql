-- 0020_finding_rows_append_only (SQLite): finding_rows is append-only.

CREATE TRIGGER finding_rows_no_update BEFORE UPDATE ON finding_rows
BEGIN SELECT RAISE(ABORT, 'finding_rows is append-only: UPDATE refused'); END;

CREATE TRIGGER finding_rows_no_delete BEFORE DELETE ON finding_rows
BEGIN SELECT RAISE(ABORT, 'finding_rows is append-only: DELETE refused'); END;
