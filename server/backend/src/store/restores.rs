//! Restores: who started each, from which backup, into which realm, the plan it runs, how each
//! step ended and the check after. A restore that stopped (a fault, an instance gone) can be
//! claimed again; its steps say which are done.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError, now_ms};

/// One restore as stored; the JSON columns are the backup module's types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestoreRecord {
    /// Its id.
    pub id: String,
    /// The tenant.
    pub tenant: String,
    /// The backup restored.
    pub source: String,
    /// The options chosen, as JSON.
    pub options: String,
    /// `running`, `done`, `failed` or `interrupted`.
    pub state: String,
    /// Who started it.
    pub started_by: String,
    /// When.
    pub started_at_ms: i64,
    /// When it ended.
    pub finished_at_ms: Option<i64>,
    /// The plan it runs, as JSON.
    pub plan: String,
    /// Each step with how it ended, as JSON.
    pub steps: String,
    /// The check after, as JSON.
    pub check_report: Option<String>,
    /// Why it stopped.
    pub error: Option<String>,
}

const COLUMNS: &str = "id, tenant, source, options, state, started_by, started_at_ms, \
    finished_at_ms, plan, steps, check_report, error";

impl Store {
    /// Records a restore that `runner` starts now, held for `lease_ms`. Fails while another
    /// restore of the tenant runs.
    pub async fn start_restore(
        &self,
        record: &RestoreRecord,
        runner: &str,
        lease_ms: i64,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO restores (id, tenant, source, options, state, started_by, \
             started_at_ms, updated_at_ms, runner, lease_until_ms, plan, steps) \
             VALUES ($1, $2, $3, $4, 'running', $5, $6, $6, $7, $8, $9, $10)",
        )
        .bind(&record.id)
        .bind(&record.tenant)
        .bind(&record.source)
        .bind(&record.options)
        .bind(&record.started_by)
        .bind(now)
        .bind(runner)
        .bind(now + lease_ms)
        .bind(&record.plan)
        .bind(&record.steps)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Takes a restore that stopped to run it again; false when it is running or done.
    pub async fn claim_restore(
        &self,
        id: &str,
        runner: &str,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let moved = sqlx::query(
            "UPDATE restores SET state = 'running', runner = $1, lease_until_ms = $2, \
             updated_at_ms = $3, finished_at_ms = NULL, error = NULL \
             WHERE id = $4 AND state IN ('failed', 'interrupted')",
        )
        .bind(runner)
        .bind(now + lease_ms)
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(moved == 1)
    }

    /// Notes the steps so far and renews the lease; false when `runner` no longer holds it.
    pub async fn restore_progress(
        &self,
        id: &str,
        runner: &str,
        steps: &str,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let moved = sqlx::query(
            "UPDATE restores SET steps = $1, updated_at_ms = $2, lease_until_ms = $3 \
             WHERE id = $4 AND state = 'running' AND runner = $5",
        )
        .bind(steps)
        .bind(now)
        .bind(now + lease_ms)
        .bind(id)
        .bind(runner)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(moved == 1)
    }

    /// Renews the lease alone; false when `runner` no longer holds it.
    pub async fn renew_restore(
        &self,
        id: &str,
        runner: &str,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let moved = sqlx::query(
            "UPDATE restores SET lease_until_ms = $1 \
             WHERE id = $2 AND state = 'running' AND runner = $3",
        )
        .bind(now + lease_ms)
        .bind(id)
        .bind(runner)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(moved == 1)
    }

    /// Ends a running restore as `state` (`done` or `failed`), with its steps as they ended
    /// and the check or the reason.
    pub async fn finish_restore(
        &self,
        id: &str,
        runner: &str,
        state: &str,
        steps: &str,
        check_report: Option<&str>,
        error: Option<&str>,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let moved = sqlx::query(
            "UPDATE restores SET state = $1, check_report = $2, error = $3, \
             finished_at_ms = $4, updated_at_ms = $4, runner = NULL, steps = $7 \
             WHERE id = $5 AND state = 'running' AND runner = $6",
        )
        .bind(state)
        .bind(check_report)
        .bind(error)
        .bind(now)
        .bind(id)
        .bind(runner)
        .bind(steps)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(moved == 1)
    }

    /// Marks every running restore whose lease ran out as interrupted; returns their ids.
    pub async fn interrupt_abandoned_restores(&self) -> Result<Vec<String>, StoreError> {
        let now = now_ms();
        let rows =
            sqlx::query("SELECT id FROM restores WHERE state = 'running' AND lease_until_ms < $1")
                .bind(now)
                .fetch_all(&self.pool)
                .await?;
        let mut stopped = Vec::new();
        for row in rows {
            let id: String = row.try_get(0)?;
            let message = "The console stopped while this restore ran; run it again to finish.";
            let moved = sqlx::query(
                "UPDATE restores SET state = 'interrupted', error = $1, finished_at_ms = $2, \
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
                stopped.push(id);
            }
        }
        Ok(stopped)
    }

    /// A tenant's restores, newest first.
    pub async fn restores(
        &self,
        tenant: &str,
        limit: i64,
    ) -> Result<Vec<RestoreRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM restores WHERE tenant = $1 \
             ORDER BY started_at_ms DESC, id DESC LIMIT $2"
        ))
        .bind(tenant)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// One restore.
    pub async fn restore(&self, id: &str) -> Result<Option<RestoreRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM restores WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Records a backup made from an uploaded realm export, complete from the start.
    pub async fn record_uploaded_backup(
        &self,
        id: &str,
        tenant: &str,
        by: &str,
        manifest: &str,
        size_bytes: i64,
        users: i64,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO backups (id, tenant, state, started_by, started_at_ms, updated_at_ms, \
             finished_at_ms, users_done, users_total, size_bytes, manifest, origin) \
             VALUES ($1, $2, 'complete', $3, $4, $4, $4, $5, $5, $6, $7, 'upload')",
        )
        .bind(id)
        .bind(tenant)
        .bind(by)
        .bind(now)
        .bind(users)
        .bind(size_bytes)
        .bind(manifest)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

fn from_row(row: &AnyRow) -> Result<RestoreRecord, StoreError> {
    Ok(RestoreRecord {
        id: row.try_get("id")?,
        tenant: row.try_get("tenant")?,
        source: row.try_get("source")?,
        options: row.try_get("options")?,
        state: row.try_get("state")?,
        started_by: row.try_get("started_by")?,
        started_at_ms: row.try_get("started_at_ms")?,
        finished_at_ms: row.try_get("finished_at_ms")?,
        plan: row.try_get("plan")?,
        steps: row.try_get("steps")?,
        check_report: row.try_get("check_report")?,
        error: row.try_get("error")?,
    })
}
