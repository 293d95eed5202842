-- 0005_reports_append_only (SQLite): the tables of 0004 are append-only too, like those of 0002.

CREATE TRIGGER report_versions_no_update BEFORE UPDATE ON report_versions
BEGIN SELECT RAISE(ABORT, 'report_versions is append-only: UPDATE refused'); END;

CREATE TRIGGER report_versions_no_delete BEFORE DELETE ON report_versions
BEGIN SELECT RAISE(ABORT, 'report_versions is append-only: DELETE refused'); END;

CREATE TRIGGER report_publications_no_update BEFORE UPDATE ON report_publications
BEGIN SELECT RAISE(ABORT, 'report_publications is append-only: UPDATE refused'); END;

CREATE TRIGGER report_publications_no_delete BEFORE DELETE ON report_publications
BEGIN SELECT RAISE(ABORT, 'report_publications is append-only: DELETE refused'); END;

CREATE TRIGGER report_evidence_no_update BEFORE UPDATE ON report_evidence
BEGIN SELECT RAISE(ABORT, 'report_evidence is append-only: UPDATE refused'); END;

CREATE TRIGGER report_evidence_no_delete BEFORE DELETE ON report_evidence
BEGIN SELECT RAISE(ABORT, 'report_evidence is append-only: DELETE refused'); END;

CREATE TRIGGER idempotency_keys_no_update BEFORE UPDATE ON idempotency_keys
BEGIN SELECT RAISE(ABORT, 'idempotency_keys is append-only: UPDATE refused'); END;

CREATE TRIGGER idempotency_keys_no_delete BEFORE DELETE ON idempotency_keys
BEGIN SELECT RAISE(ABORT, 'idempotency_keys is append-only: DELETE refused'); END;
