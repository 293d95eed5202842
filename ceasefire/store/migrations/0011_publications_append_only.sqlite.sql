-- 0011_publications_append_only (SQLite): the tables of 0010 are append-only too.

CREATE TRIGGER run_publications_no_update BEFORE UPDATE ON run_publications
BEGIN SELECT RAISE(ABORT, 'run_publications is append-only: UPDATE refused'); END;

CREATE TRIGGER run_publications_no_delete BEFORE DELETE ON run_publications
BEGIN SELECT RAISE(ABORT, 'run_publications is append-only: DELETE refused'); END;

CREATE TRIGGER case_publications_no_update BEFORE UPDATE ON case_publications
BEGIN SELECT RAISE(ABORT, 'case_publications is append-only: UPDATE refused'); END;

CREATE TRIGGER case_publications_no_delete BEFORE DELETE ON case_publications
BEGIN SELECT RAISE(ABORT, 'case_publications is append-only: DELETE refused'); END;
