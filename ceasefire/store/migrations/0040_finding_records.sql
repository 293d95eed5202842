-- 0040_finding_records: for each stored finding made from a stored incident, the fields of that
-- incident an export shows beside the finding (issue 14). The CSV, HXL and Parquet exports show,
-- for each finding, the first stored row of its record's id (`Finding.record`, the id after
-- "OBLIGATION:"). Looked up per export, that was one index probe and one random page of
-- `incidents` per finding: at 1,000,000 incidents, a third of the CSV export's time, which kept it
-- under 100,000 findings a second. A run now writes those fields here, in its findings' order, so
-- an export reads them beside its findings down the primary key. Derived from `finding_rows` and
-- `incidents`, whose log entries chain them, so not in the log itself (as incident_repeats, 0038):
-- `log verify` recomputes it. Append-only like every table (0041).

CREATE TABLE finding_records (
    run_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,                 -- the finding_rows row (run_id, seq)
    date TEXT NOT NULL,                  -- the incident's date_reported, else its date
    date_precision BIGINT NOT NULL,
    event_type TEXT NOT NULL,
    sub_event_type TEXT NOT NULL,
    actor1 TEXT NOT NULL,
    assoc_actor_1 TEXT NOT NULL,
    actor2 TEXT NOT NULL,
    assoc_actor_2 TEXT NOT NULL,
    country TEXT NOT NULL,
    admin1 TEXT NOT NULL,
    location TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    geo_precision BIGINT NOT NULL,
    source_name TEXT NOT NULL,
    notes TEXT NOT NULL,
    fatalities BIGINT NOT NULL,
    weapon TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);

-- the findings stored before: each with the first stored row of its record's id (a row not in
-- incident_repeats), imported before its run; a finding of no incident (`incidents` is `[]`) or
-- of a submitted report (not in incidents) has none
INSERT INTO finding_records (
    run_id, seq, date, date_precision, event_type, sub_event_type, actor1, assoc_actor_1, actor2,
    assoc_actor_2, country, admin1, location, lat, lon, geo_precision, source_name, notes, fatalities, weapon
)
SELECT f.run_id, f.seq, COALESCE(i.date_reported, i.date), i.date_precision, i.event_type, i.sub_event_type,
       i.actor1, i.assoc_actor_1, i.actor2, i.assoc_actor_2, i.country, i.admin1, i.location, i.lat, i.lon,
       i.geo_precision, i.source_name, i.notes, i.fatalities, i.weapon
FROM finding_rows f
JOIN runs u ON u.id = f.run_id
JOIN incidents i ON i.incident_id = substr(f.finding_id, length(f.obligation) + 2)
JOIN imports m ON m.id = i.import_id
WHERE f.incidents <> '[]' AND m.log_index < u.log_index
  AND NOT EXISTS (SELECT 1 FROM incident_repeats r WHERE r.import_id = i.import_id AND r.seq = i.seq);
