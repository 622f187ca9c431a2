-- Where a backup comes from: `taken` from Keycloak, or `upload` (a realm export made elsewhere).
-- Uploads neither count as the schedule's backups nor take the place of one in retention.
ALTER TABLE backups ADD COLUMN origin TEXT NOT NULL DEFAULT 'taken';
