-- Health checks: the latest result of each check (when it was taken, until when it holds,
-- since when it is in its state), and every change of state, so the board can say when a
-- dependency went down and when it came back.
CREATE TABLE health_checks (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    tenant TEXT,
    required BIGINT NOT NULL,
    state TEXT NOT NULL,
    duration_ms BIGINT NOT NULL,
    message TEXT NOT NULL,
    checked_at_ms BIGINT NOT NULL,
    valid_until_ms BIGINT NOT NULL,
    since_ms BIGINT NOT NULL
);
CREATE INDEX health_checks_tenant ON health_checks (tenant);
CREATE TABLE health_changes (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    tenant TEXT,
    state TEXT NOT NULL,
    previous TEXT,
    message TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX health_changes_time ON health_changes (at_ms);
CREATE INDEX health_changes_tenant ON health_changes (tenant, at_ms);
