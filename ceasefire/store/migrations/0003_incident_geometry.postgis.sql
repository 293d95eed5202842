-- 0003_incident_geometry (PostgreSQL with PostGIS only): a point geometry for each incident,
-- computed by the database from lon/lat (so it can never disagree with them) and indexed for
-- spatial queries. Pending, not failed, while the postgis extension is not installed in the
-- database: a superuser runs `CREATE EXTENSION postgis` and the next migrate applies it.

ALTER TABLE incidents ADD COLUMN geom geometry(Point, 4326)
    GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED;
CREATE INDEX incidents_by_geom ON incidents USING GIST (geom);
