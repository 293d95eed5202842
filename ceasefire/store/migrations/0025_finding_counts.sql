-- 0025_finding_counts: per-run summary tables the pages aggregate from (issue 14), written
-- once when the run is stored (store/aggregates.py), for the findings drawn from no submitted
-- report only: those are the same for every viewer of the run. What differs between viewers (the
-- findings drawn from reports, few) is counted when read, from finding_rows (issue 11).
-- Derived from the run's findings, which its log entry chains, so not in the log themselves (as
-- finding_incidents, 0017): `log verify` could recompute them. Append-only like every table.
-- Runs stored before are counted by 0026 (per backend), which also makes both tables append-only.

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
