-- 0002_append_only (SQLite): no row of these tables is ever updated or deleted, whoever asks.
-- Enforced below the application, so a bug, a script or a hand-typed statement cannot do it
-- either; `ceasefire log verify` catches anyone who removes the triggers first.

CREATE TRIGGER log_entries_no_update BEFORE UPDATE ON log_entries
BEGIN SELECT RAISE(ABORT, 'log_entries is append-only: UPDATE refused'); END;

CREATE TRIGGER log_entries_no_delete BEFORE DELETE ON log_entries
BEGIN SELECT RAISE(ABORT, 'log_entries is append-only: DELETE refused'); END;

CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints is append-only: UPDATE refused'); END;

CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints is append-only: DELETE refused'); END;

CREATE TRIGGER log_keys_no_update BEFORE UPDATE ON log_keys
BEGIN SELECT RAISE(ABORT, 'log_keys is append-only: UPDATE refused'); END;

CREATE TRIGGER log_keys_no_delete BEFORE DELETE ON log_keys
BEGIN SELECT RAISE(ABORT, 'log_keys is append-only: DELETE refused'); END;

CREATE TRIGGER agreement_versions_no_update BEFORE UPDATE ON agreement_versions
BEGIN SELECT RAISE(ABORT, 'agreement_versions is append-only: UPDATE refused'); END;

CREATE TRIGGER agreement_versions_no_delete BEFORE DELETE ON agreement_versions
BEGIN SELECT RAISE(ABORT, 'agreement_versions is append-only: DELETE refused'); END;

CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only: UPDATE refused'); END;

CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only: DELETE refused'); END;

CREATE TRIGGER imports_no_update BEFORE UPDATE ON imports
BEGIN SELECT RAISE(ABORT, 'imports is append-only: UPDATE refused'); END;

CREATE TRIGGER imports_no_delete BEFORE DELETE ON imports
BEGIN SELECT RAISE(ABORT, 'imports is append-only: DELETE refused'); END;

CREATE TRIGGER incidents_no_update BEFORE UPDATE ON incidents
BEGIN SELECT RAISE(ABORT, 'incidents is append-only: UPDATE refused'); END;

CREATE TRIGGER incidents_no_delete BEFORE DELETE ON incidents
BEGIN SELECT RAISE(ABORT, 'incidents is append-only: DELETE refused'); END;

CREATE TRIGGER runs_no_update BEFORE UPDATE ON runs
BEGIN SELECT RAISE(ABORT, 'runs is append-only: UPDATE refused'); END;

CREATE TRIGGER runs_no_delete BEFORE DELETE ON runs
BEGIN SELECT RAISE(ABORT, 'runs is append-only: DELETE refused'); END;

CREATE TRIGGER findings_no_update BEFORE UPDATE ON findings
BEGIN SELECT RAISE(ABORT, 'findings is append-only: UPDATE refused'); END;

CREATE TRIGGER findings_no_delete BEFORE DELETE ON findings
BEGIN SELECT RAISE(ABORT, 'findings is append-only: DELETE refused'); END;

CREATE TRIGGER tokens_no_update BEFORE UPDATE ON tokens
BEGIN SELECT RAISE(ABORT, 'tokens is append-only: UPDATE refused'); END;

CREATE TRIGGER tokens_no_delete BEFORE DELETE ON tokens
BEGIN SELECT RAISE(ABORT, 'tokens is append-only: DELETE refused'); END;
