-- 0017_finding_incidents (PostgreSQL): which incidents (and so which submitted reports) each stored
-- finding draws on, as rows (issue 14). Paging findings and incidents per viewer filters in SQL on
-- it instead of parsing every finding's document: a finding drawn from a report the viewer may not
-- see is left out (issue 11). Derived from the findings' documents, which the log chains, so it is
-- not itself in the log; append-only like every other table. Existing runs are filled from them.

CREATE TABLE finding_incidents (
    run_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,                 -- the finding's seq in `findings`
    incident_id TEXT NOT NULL,
    report_id BIGINT                     -- N when incident_id is "report-N", else NULL
);
CREATE INDEX finding_incidents_by_finding ON finding_incidents (run_id, seq);
CREATE INDEX finding_incidents_by_incident ON finding_incidents (run_id, incident_id);
CREATE INDEX finding_incidents_by_report ON finding_incidents (run_id, report_id);
CREATE INDEX findings_by_date ON findings (run_id, date);
CREATE INDEX findings_by_finding_id ON findings (run_id, finding_id);  -- a page's cursor names its last finding

INSERT INTO finding_incidents (run_id, seq, incident_id, report_id)
SELECT f.run_id, f.seq, j.value,
       CASE WHEN j.value ~ '^report-[0-9]{1,18}$' THEN substr(j.value, 8)::BIGINT END
FROM findings f, jsonb_array_elements_text(f.document::jsonb -> 'incidents') WITH ORDINALITY AS j (value, n)
ORDER BY f.run_id, f.seq, j.n;

CREATE TRIGGER finding_incidents_append_only BEFORE UPDATE OR DELETE ON finding_incidents
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER finding_incidents_no_truncate BEFORE TRUNCATE ON finding_incidents
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
