-- 0026_finding_counts_filled (PostgreSQL): the summary tables of 0025 filled for the runs stored before
-- (from finding_rows, or the documents of findings), then made append-only like every table.

-- the findings drawn from no submitted report, with their incident: read once for both tables
CREATE TEMPORARY TABLE counted_base AS
SELECT f.run_id, f.date, f.obligation, f.status, f.parties,
       COALESCE((f.incidents::jsonb ->> 0), f.finding_id) AS incident
FROM finding_rows f
WHERE NOT EXISTS (SELECT 1 FROM finding_incidents x
                  WHERE x.run_id = f.run_id AND x.seq = f.seq AND x.report_id IS NOT NULL)
UNION ALL
SELECT f.run_id, f.date, f.obligation, f.status, f.parties,
       COALESCE((f.document::jsonb -> 'incidents' ->> 0), f.finding_id)
FROM findings f
WHERE NOT EXISTS (SELECT 1 FROM finding_incidents x
                  WHERE x.run_id = f.run_id AND x.seq = f.seq AND x.report_id IS NOT NULL);

INSERT INTO finding_counts (run_id, date, obligation, status, parties, findings)
SELECT run_id, date, obligation, status, parties, COUNT(*) FROM counted_base
GROUP BY run_id, date, obligation, status, parties;

WITH worst AS (
    SELECT run_id, date, incident,
           MIN(CASE status WHEN 'violation' THEN 0 WHEN 'possible_violation' THEN 1 ELSE 2 END) AS worst
    FROM counted_base GROUP BY run_id, date, incident
)
INSERT INTO incident_counts (run_id, date, status, incidents)
SELECT run_id, date,
       CASE worst WHEN 0 THEN 'violation' WHEN 1 THEN 'possible_violation' ELSE 'exempt' END, COUNT(*)
FROM worst GROUP BY run_id, date, worst;

DROP TABLE counted_base;

CREATE TRIGGER finding_counts_append_only BEFORE UPDATE OR DELETE ON finding_counts
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER finding_counts_no_truncate BEFORE TRUNCATE ON finding_counts
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER incident_counts_append_only BEFORE UPDATE OR DELETE ON incident_counts
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER incident_counts_no_truncate BEFORE TRUNCATE ON incident_counts
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
