-- The requests job asks every few seconds for the due and the expired requests, by state.
CREATE INDEX workflow_requests_due ON workflow_requests (state, run_at_ms);
CREATE INDEX workflow_requests_expiry ON workflow_requests (state, expires_at_ms);
