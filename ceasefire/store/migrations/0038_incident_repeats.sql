-- 0038_incident_repeats: which stored incidents repeat an incident id stored before them (issue 14).
-- incidents is append-only: an id imported twice (a corrected export, the same event in two files)
-- keeps every row, and a run verifies the first of each id, in (import_id, seq) order. Every
-- page, count and map of a run's incidents wants those first rows; found by asking, for each row,
-- whether an earlier row has its id, PostgreSQL read all 1,000,000 incidents per request (about
-- 2 s of its CPU a page). The import now writes here the rows that repeat an earlier id (few:
-- none in most stores), so the first rows are the rows not listed here: a probe of this primary
-- key. Derived from the incidents' own columns (incident_id, import_id, seq), which their import's
-- log entry chains, so not in the log itself (as finding_incidents, 0017, and finding_counts,
-- 0025): `log verify` could recompute it. Append-only like every table (0039).

CREATE TABLE incident_repeats (
    import_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,                 -- the incidents row (import_id, seq) that repeats an id
    PRIMARY KEY (import_id, seq)
);

-- The last day a run's incidents may have happened on is the latest of their dates and end dates:
-- each read down an index from the top (incidents_by_date, 0001; this one) rather than by
-- reading every incident. Only rows with an end date are in it (none in most ACLED files).
CREATE INDEX incidents_by_date_end ON incidents (date_end) WHERE date_end IS NOT NULL;

-- the incidents stored before: every row of an id but its first
INSERT INTO incident_repeats (import_id, seq)
SELECT import_id, seq
FROM (SELECT import_id, seq, ROW_NUMBER() OVER (PARTITION BY incident_id ORDER BY import_id, seq) AS n
      FROM incidents) ranked
WHERE n > 1;
