-- Restores: one row per restore run, with the plan it ran, each step's outcome and the check
-- after. A running restore is held by one instance under a lease it renews; one whose lease
-- ran out is marked interrupted and can be run again, its done steps skipped.
CREATE TABLE restores (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    source TEXT NOT NULL,
    options TEXT NOT NULL,
    state TEXT NOT NULL,
    started_by TEXT NOT NULL,
    started_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    finished_at_ms BIGINT,
    runner TEXT,
    lease_until_ms BIGINT NOT NULL DEFAULT 0,
    plan TEXT NOT NULL,
    steps TEXT NOT NULL,
    check_report TEXT,
    error TEXT
);
CREATE INDEX restores_tenant ON restores (tenant, started_at_ms);
-- At most one running restore per tenant.
CREATE UNIQUE INDEX restores_one_running ON restores (tenant) WHERE state = 'running';
