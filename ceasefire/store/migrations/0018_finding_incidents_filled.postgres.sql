-- 0018_finding_incidents_filled (PostgreSQL): the rows of the runs stored before 0017, from their
-- findings' documents, and the append-only triggers of finding_incidents.

INSERT INTO finding_incidents (run_id, seq, incident_id, report_id)
SELECT f.run_id, f.seq, j.value,
       CASE WHEN j.value ~ '^report-[0-9]{1,18}$' THEN substr(j.value, 8)::BIGINT END
FROM findings f, jsonb_array_elements_text(f.document::jsonb -> 'incidents') WITH ORDINALITY AS j (value, n)
ORDER BY f.run_id, f.seq, j.n;

CREATE TRIGGER finding_incidents_append_only BEFORE UPDATE OR DELETE ON finding_incidents
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER finding_incidents_no_truncate BEFORE TRUNCATE ON finding_incidents
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
