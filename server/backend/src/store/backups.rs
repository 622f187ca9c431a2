//! The list of backups: who started each, how far it got, how it ended, and its manifest. The
//! files are in the backup directory; a row says whether its file can be trusted (`complete`).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError, now_ms};

/// One backup as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupRecord {
    /// Its id.
    pub id: String,
    /// The tenant.
    pub tenant: String,
    /// `running`, `complete` or `failed`.
    pub state: String,
    /// A username, or `schedule`.
    pub started_by: String,
    /// When it began.
    pub started_at_ms: i64,
    /// When it last moved.
    pub updated_at_ms: i64,
    /// When it ended.
    pub finished_at_ms: Option<i64>,
    /// Users written so far.
    pub users_done: i64,
    /// Users the realm held at the start.
    pub users_total: i64,
    /// The file's size once complete.
    pub size_bytes: Option<i64>,
    /// The manifest, as JSON, once complete.
    pub manifest: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// `taken` from Keycloak, or `upload`.
    pub origin: String,
}

const COLUMNS: &str = "id, tenant, state, started_by, started_at_ms, updated_at_ms, \
    finished_at_ms, users_done, users_total, size_bytes, manifest, error, origin";

impl Store {
    /// Records a backup that `runner` starts now, held for `lease_ms`.
    pub async fn start_backup(
        &self,
        id: &str,
        tenant: &str,
        started_by: &str,
        runner: &str,
        lease_ms: i64,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO backups (id, tenant, state, started_by, started_at_ms, updated_at_ms, \
             runner, lease_until_ms) VALUES ($1, $2, 'running', $3, $4, $4, $5, $6)",
        )
        .bind(id)
        .bind(tenant)
        .bind(started_by)
        .bind(now)
        .bind(runner)
        .bind(now + lease_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Notes how far a running backup got and renews its lease; false when it is no longer
    /// running (failed by the job after its lease ran out).
    pub async fn backup_progress(
        &self,
        id: &str,
        users_done: i64,
        users_total: i64,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let moved = sqlx::query(
            "UPDATE backups SET users_done = $1, users_total = $2, updated_at_ms = $3, \
             lease_until_ms = $4 WHERE id = $5 AND state = 'running'",
        )
        .bind(users_done)
        .bind(users_total)
        .bind(now)
        .bind(now + lease_ms)
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(moved == 1)
    }

    /// Marks a running backup complete with its manifest and size; false when it was no
    /// longer running.
    pub async fn complete_backup(
        &self,
        id: &str,
        manifest: &str,
        size_bytes: i64,
        users: i64,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let moved = sqlx::query(
            "UPDATE backups SET state = 'complete', manifest = $1, size_bytes = $2, \
             users_done = $3, finished_at_ms = $4, updated_at_ms = $4, runner = NULL \
             WHERE id = $5 AND state = 'running'",
        )
        .bind(manifest)
        .bind(size_bytes)
        .bind(users)
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(moved == 1)
    }

    /// Marks a running backup failed, saying why.
    pub async fn fail_backup(&self, id: &str, error: &str) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "UPDATE backups SET state = 'failed', error = $1, finished_at_ms = $2, \
             updated_at_ms = $2, runner = NULL WHERE id = $3 AND state = 'running'",
        )
        .bind(error)
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Fails every running backup whose lease ran out (its instance stopped); returns their ids.
    pub async fn fail_abandoned_backups(&self) -> Result<Vec<String>, StoreError> {
        let now = now_ms();
        let rows =
            sqlx::query("SELECT id FROM backups WHERE state = 'running' AND lease_until_ms < $1")
                .bind(now)
                .fetch_all(&self.pool)
                .await?;
        let mut failed = Vec::new();
        for row in rows {
            let id: String = row.try_get(0)?;
            let message = "The console stopped while this backup was taken; it is incomplete.";
            let moved = sqlx::query(
                "UPDATE backups SET state = 'failed', error = $1, finished_at_ms = $2, \
                 updated_at_ms = $2, runner = NULL \
                 WHERE id = $3 AND state = 'running' AND lease_until_ms < $2",
            )
            .bind(message)
            .bind(now)
            .bind(&id)
            .execute(&self.pool)
            .await?
            .rows_affected();
            if moved == 1 {
                failed.push(id);
            }
        }
        Ok(failed)
    }

    /// A tenant's backups, newest first.
    pub async fn backups(&self, tenant: &str, limit: i64) -> Result<Vec<BackupRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM backups WHERE tenant = $1 \
             ORDER BY started_at_ms DESC, id DESC LIMIT $2"
        ))
        .bind(tenant)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(backup_from_row).collect()
    }

    /// One backup.
    pub async fn backup(&self, id: &str) -> Result<Option<BackupRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM backups WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(backup_from_row).transpose()
    }

    /// Forgets a backup whose file retention removed.
    pub async fn delete_backup(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM backups WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }
}

fn backup_from_row(row: &AnyRow) -> Result<BackupRecord, StoreError> {
    Ok(BackupRecord {
        id: row.try_get("id")?,
        tenant: row.try_get("tenant")?,
        state: row.try_get("state")?,
        started_by: row.try_get("started_by")?,
        started_at_ms: row.try_get("started_at_ms")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
        finished_at_ms: row.try_get("finished_at_ms")?,
        users_done: row.try_get("users_done")?,
        users_total: row.try_get("users_total")?,
        size_bytes: row.try_get("size_bytes")?,
        manifest: row.try_get("manifest")?,
        error: row.try_get("error")?,
        origin: row.try_get("origin")?,
    })
}
