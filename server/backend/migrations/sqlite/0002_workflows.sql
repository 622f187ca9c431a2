-- Provisioning requests (issue #4). A request's spec and steps are JSON the application reads;
-- the columns are what lists, filters and the runner need.
CREATE TABLE workflow_requests (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    requester_id TEXT NOT NULL,
    requester_username TEXT NOT NULL,
    reason TEXT NOT NULL,
    summary TEXT NOT NULL,
    spec TEXT NOT NULL,
    rows_total BIGINT NOT NULL,
    privileged BIGINT NOT NULL,
    approval_reasons TEXT,
    approver_id TEXT,
    approver_username TEXT,
    decision_note TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT,
    run_at_ms BIGINT,
    started_at_ms BIGINT,
    runner TEXT,
    lease_until_ms BIGINT NOT NULL DEFAULT 0,
    steps_total BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX workflow_requests_tenant_state ON workflow_requests (tenant, state, created_at_ms);
CREATE INDEX workflow_requests_requester ON workflow_requests (requester_id, created_at_ms);

-- Each call to Keycloak a request makes, in order within its row (the person it concerns).
CREATE TABLE workflow_steps (
    request_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    row_no BIGINT NOT NULL,
    label TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    state TEXT NOT NULL,
    message TEXT,
    user_id TEXT,
    delay_ms BIGINT,
    not_before_ms BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    finished_at_ms BIGINT,
    PRIMARY KEY (request_id, seq)
);
CREATE INDEX workflow_steps_row ON workflow_steps (request_id, row_no, seq);
CREATE INDEX workflow_steps_state ON workflow_steps (request_id, state);

-- The people of a request: one for most, every row of a bulk import (skipped ones too).
CREATE TABLE workflow_rows (
    request_id TEXT NOT NULL,
    row_no BIGINT NOT NULL,
    line BIGINT,
    username TEXT NOT NULL,
    state TEXT NOT NULL,
    message TEXT,
    user_id TEXT,
    PRIMARY KEY (request_id, row_no)
);
CREATE INDEX workflow_rows_state ON workflow_rows (request_id, state);

-- What happened to a request, in order: filed, approved, started, failed, retried…
CREATE TABLE workflow_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_username TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    note TEXT
);
CREATE INDEX workflow_history_request ON workflow_history (request_id, id);

-- The file of a bulk import, kept with its request.
CREATE TABLE workflow_uploads (
    request_id TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    content TEXT NOT NULL
);

-- In-app notices: a request someone filed changed state.
CREATE TABLE workflow_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient_id TEXT NOT NULL,
    tenant TEXT NOT NULL,
    request_id TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    read_at_ms BIGINT
);
CREATE INDEX workflow_notices_recipient ON workflow_notices (recipient_id, read_at_ms);

-- Onboarding templates, per tenant.
CREATE TABLE workflow_templates (
    tenant TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    spec TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);

-- A tenant's settings by key (the approval policy under 'workflow_policy'), as JSON.
CREATE TABLE tenant_settings (
    tenant TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (tenant, key)
);
