-- 0039_incident_repeats_append_only (SQLite): incident_repeats is append-only.

CREATE TRIGGER incident_repeats_no_update BEFORE UPDATE ON incident_repeats
BEGIN SELECT RAISE(ABORT, 'incident_repeats is append-only: UPDATE refused'); END;

CREATE TRIGGER incident_repeats_no_delete BEFORE DELETE ON incident_repeats
BEGIN SELECT RAISE(ABORT, 'incident_repeats is append-only: DELETE refused'); END;
