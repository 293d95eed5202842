-- 0024_run_days_append_only (SQLite): run_days is append-only.

CREATE TRIGGER run_days_no_update BEFORE UPDATE ON run_days
BEGIN SELECT RAISE(ABORT, 'run_days is append-only: UPDATE refused'); END;

CREATE TRIGGER run_days_no_delete BEFORE DELETE ON run_days
BEGIN SELECT RAISE(ABORT, 'run_days is append-only: DELETE refused'); END;
