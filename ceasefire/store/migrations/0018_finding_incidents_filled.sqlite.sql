-- 0018_finding_incidents_filled (SQLite): the rows of the runs stored before 0017, from their
-- findings' documents, and the append-only triggers of finding_incidents.

INSERT INTO finding_incidents (run_id, seq, incident_id, report_id)
SELECT f.run_id, f.seq, j.value,
       CASE WHEN j.value GLOB 'report-[0-9]*' AND substr(j.value, 8) NOT GLOB '*[^0-9]*'
            THEN CAST(substr(j.value, 8) AS INTEGER) END
FROM findings f, json_each(f.document, '$.incidents') j
ORDER BY f.run_id, f.seq, j.key;

CREATE TRIGGER finding_incidents_no_update BEFORE UPDATE ON finding_incidents
BEGIN SELECT RAISE(ABORT, 'finding_incidents is append-only: UPDATE refused'); END;

CREATE TRIGGER finding_incidents_no_delete BEFORE DELETE ON finding_incidents
BEGIN SELECT RAISE(ABORT, 'finding_incidents is append-only: DELETE refused'); END;
