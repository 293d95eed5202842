-- 0039_incident_repeats_append_only (PostgreSQL): incident_repeats is append-only.

CREATE TRIGGER incident_repeats_append_only BEFORE UPDATE OR DELETE ON incident_repeats
    FOR EACH ROW EXECUTE FUNCTION ceasefire_append_only();
CREATE TRIGGER incident_repeats_no_truncate BEFORE TRUNCATE ON incident_repeats
    FOR EACH STATEMENT EXECUTE FUNCTION ceasefire_append_only();
