-- 0014_attachment_names: issue 11, shared by SQLite and PostgreSQL.
--
-- An attachment keeps the file name and media type its attacher gave: evidence is kept once per
-- content hash (evidence.name is whoever sent those bytes first), so a party attaching bytes
-- another party already attached must not be shown the other party's name and type. NULL in
-- attachments made before this migration (their log entries hash without these columns).
--
-- The indexes make the daily quotas (reports and evidence bytes per token and per party) an
-- indexed count over today's rows.

ALTER TABLE report_evidence ADD COLUMN name TEXT;
ALTER TABLE report_evidence ADD COLUMN media_type TEXT;
CREATE INDEX report_evidence_by_time ON report_evidence (created_at);
CREATE INDEX report_versions_by_token_time ON report_versions (token_id, created_at);
CREATE INDEX report_versions_by_party_time ON report_versions (party, created_at);
