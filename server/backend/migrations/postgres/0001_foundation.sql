-- The audit trail: one row per thing that happened, never updated or deleted by the console.
CREATE TABLE audit_events (
    id BIGSERIAL PRIMARY KEY,
    occurred_at_ms BIGINT NOT NULL,
    request_id TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_username TEXT NOT NULL,
    tenant TEXT,
    action TEXT NOT NULL,
    target TEXT,
    outcome TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX audit_events_tenant_time ON audit_events (tenant, occurred_at_ms);
CREATE INDEX audit_events_actor_time ON audit_events (actor_id, occurred_at_ms);

CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- Background jobs take a lease here, so that among several console instances one runs each job.
CREATE TABLE job_leases (
    job TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
