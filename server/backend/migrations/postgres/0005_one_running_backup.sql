-- At most one running backup per tenant, however many instances or clicks start one at once.
CREATE UNIQUE INDEX backups_one_running ON backups (tenant) WHERE state = 'running';
