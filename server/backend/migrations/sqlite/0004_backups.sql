-- Realm backups: one row per backup taken, the file itself in the backup directory. A running
-- backup is held by one instance under a lease it renews; one whose lease ran out is failed.
CREATE TABLE backups (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    state TEXT NOT NULL,
    started_by TEXT NOT NULL,
    started_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    finished_at_ms BIGINT,
    users_done BIGINT NOT NULL DEFAULT 0,
    users_total BIGINT NOT NULL DEFAULT 0,
    size_bytes BIGINT,
    manifest TEXT,
    error TEXT,
    runner TEXT,
    lease_until_ms BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX backups_tenant ON backups (tenant, started_at_ms);
CREATE INDEX backups_state ON backups (state, lease_until_ms);
