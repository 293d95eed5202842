-- 0017_finding_incidents: which incidents (and so which submitted reports) each stored
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
