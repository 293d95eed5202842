-- 0023_run_days: which run holds a run's findings of each day (issue 14: incremental runs).
-- A run stores finding_rows only for the days it recomputed (the days of what changed since the
-- run before it, widened by the linking window until no linked event crosses the boundary); for
-- every other day with findings it names the run whose rows hold that day. A run's findings are
-- then the rows of (source_run, day) over its run_days, read in (day, seq) order: a full run's
-- order (findings are ordered by date first). Every run written since lists every day it has
-- findings on (a full run: itself for each). `findings` is the day's count, checked by the next
-- run. The rows chain into the run's log entry as an optional child (store/log_entries.py), so
-- the entries of older runs keep their digest.

CREATE TABLE run_days (
    run_id BIGINT NOT NULL REFERENCES runs (id) DEFERRABLE INITIALLY DEFERRED,
    seq BIGINT NOT NULL,
    day TEXT NOT NULL,
    source_run BIGINT NOT NULL,
    findings BIGINT NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE UNIQUE INDEX run_days_by_day ON run_days (run_id, day);
CREATE INDEX run_days_by_source ON run_days (source_run, run_id);
-- a run's rows of one day in seq order (the readers' order); it serves every use of the (run_id,
-- date) index of 0019, which is dropped: one index fewer to keep while a run's rows go in
CREATE INDEX finding_rows_by_day ON finding_rows (run_id, date, seq);
DROP INDEX finding_rows_by_date;
