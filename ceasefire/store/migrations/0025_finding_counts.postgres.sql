-- 0025_finding_counts (PostgreSQL): per-run summary tables the pages aggregate from (issue 14), written
-- once when the run is stored (store/aggregates.py), for the findings drawn from no submitted
-- report only: those are the same for every viewer of the run. What differs between viewers (the
-- findings drawn from reports, few) is counted when read, from finding_rows (issue 11).
-- Derived from the run's findings, which its log entry chains, so not in the log themselves (as
-- finding_incidents, 0017): `log verify` could recompute them. Append-only like every table.
-- Runs stored before are filled here from their rows (finding_rows, or the documents of findings).

CREATE TABLE finding_counts (
    run_id BIGINT NOT NULL,
    date TEXT NOT NULL,
    obligation TEXT NOT NULL,
    status TEXT NOT NULL,
    parties TEXT NOT NULL,               -- canonical JSON array of party ids, as finding_rows
    findings BIGINT NOT NULL             -- how many findings have these values
);
CREATE INDEX finding_counts_by_run ON finding_counts (run_id, date);

-- per day, incidents (a finding's first incident, else the finding) at the worst status of
-- their findings of that day
CREATE TABLE incident_counts (
    run_id BIGINT NOT NULL,
    date TEXT NOT NULL,
    status TEXT NOT NULL,
    incidents BIGINT NOT NULL
);
CREATE INDEX incident_counts_by_run ON incident_counts (run_id, date);

-- the findings drawn from no submitted report, with their incident
WITH base AS (
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
                      WHERE x.run_id = f.run_id AND x.seq = f.seq AND x.report_id IS NOT NULL)
)
INSERT INTO finding_counts (run_id, date, obligation, status, parties, findings)
SELECT run_id, date, obligation, status, parties, COUNT(*) FROM base
GROUP BY run_id, date, obligation, status, parties;

WITH base AS (
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
                      WHERE x.run_id = f.run_id AND x.seq = f.seq AND x.report_id IS NOT NULL)
), worst AS (
    SELECT run_id, date, incident,
           MIN(CASE status WHEN 'violation' THEN 0 WHEN 'possible_violation' THEN 1 ELSE 2 END) AS worst
    FROM base GROUP BY run_id, date, incident
)
INSERT INTO incident_counts (run_id, date, status, incidents)
SELECT run_id, date,
       CASE worst WHEN 0 THEN 'violation' WHEN 1 THEN 'possible_violation' ELSE 'exempt' END, COUNT(*)
FROM worst GROUP BY run_id, date, worst;

CREATE TRIGGER finding_counts_append_only BEFORE UPDATE OR DELETE ON finding_counts
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER finding_counts_no_truncate BEFORE TRUNCATE ON finding_counts
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER incident_counts_append_only BEFORE UPDATE OR DELETE ON incident_counts
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER incident_counts_no_truncate BEFORE TRUNCATE ON incident_counts
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
