//! The steps and rows of a request as its runner works through them.

use sqlx::Row;

use super::request_records::{RowRecord, StepCounts, StepRecord};
use super::requests::{STEPS_SELECT, step_from_row};
use super::{Store, StoreError, now_ms};

/// How a row ends, for [`Store::close_row`].
#[derive(Clone, Debug)]
pub struct RowEnding<'a> {
    /// The request.
    pub request_id: &'a str,
    /// The row.
    pub row_no: i64,
    /// Its last step that ran, when that step's end is not stored yet.
    pub step: Option<i64>,
    /// How that step ended (`done`, `failed`).
    pub step_state: &'a str,
    /// How the row ended (`done`, `failed`).
    pub row_state: &'a str,
    /// Why it failed.
    pub message: Option<&'a str>,
    /// The user it created or acted on.
    pub user_id: Option<&'a str>,
    /// The audit record of what ran, if anything did.
    pub audit: Option<&'a super::AuditEntry>,
}

impl Store {
    /// The steps of rows `first_row..=last_row` that are not done, in order.
    pub async fn unfinished_steps(
        &self,
        request_id: &str,
        first_row: i64,
        last_row: i64,
    ) -> Result<Vec<StepRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {STEPS_SELECT} FROM workflow_steps WHERE request_id = $1 AND row_no >= $2 \
             AND row_no <= $3 AND state <> 'done' ORDER BY row_no, seq"
        ))
        .bind(request_id)
        .bind(first_row)
        .bind(last_row)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(step_from_row).collect()
    }

    /// A page of a request's steps, in order.
    pub async fn steps_page(
        &self,
        request_id: &str,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<StepRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {STEPS_SELECT} FROM workflow_steps WHERE request_id = $1 \
             ORDER BY row_no, seq LIMIT $2 OFFSET $3"
        ))
        .bind(request_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(step_from_row).collect()
    }

    /// The highest row number with steps, or -1.
    pub async fn last_row(&self, request_id: &str) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COALESCE(MAX(row_no), -1) FROM workflow_steps WHERE request_id = $1",
        )
        .bind(request_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    /// Stores how a step ended. `user_id` is the user it acted on or created.
    pub async fn finish_step(
        &self,
        request_id: &str,
        seq: i64,
        state: &str,
        message: Option<&str>,
        user_id: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE workflow_steps SET state = $1, message = $2, \
             user_id = COALESCE($3, user_id), attempts = attempts + 1, finished_at_ms = $4 \
             WHERE request_id = $5 AND seq = $6",
        )
        .bind(state)
        .bind(message)
        .bind(user_id)
        .bind(now_ms())
        .bind(request_id)
        .bind(seq)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks a step as under way before a call whose effect a retry must recognise (a
    /// creation).
    pub async fn start_step(&self, request_id: &str, seq: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE workflow_steps SET state = 'running' WHERE request_id = $1 AND seq = $2",
        )
        .bind(request_id)
        .bind(seq)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Starts the wait of a delayed step: it will not run before `not_before_ms`.
    pub async fn schedule_step(
        &self,
        request_id: &str,
        seq: i64,
        not_before_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE workflow_steps SET not_before_ms = $1 \
             WHERE request_id = $2 AND seq = $3 AND not_before_ms IS NULL",
        )
        .bind(not_before_ms)
        .bind(request_id)
        .bind(seq)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// How many steps are in each state.
    pub async fn step_counts(&self, request_id: &str) -> Result<StepCounts, StoreError> {
        let rows = sqlx::query(
            "SELECT state, COUNT(*) AS n FROM workflow_steps WHERE request_id = $1 GROUP BY state",
        )
        .bind(request_id)
        .fetch_all(&self.pool)
        .await?;
        let mut counts = StepCounts::default();
        for row in rows {
            let n: i64 = row.try_get("n")?;
            match row.try_get::<String, _>("state")?.as_str() {
                "done" => counts.done = n,
                "failed" => counts.failed = n,
                "running" => counts.running = n,
                _ => counts.pending += n,
            }
        }
        Ok(counts)
    }

    /// Marks done the pending rows whose steps are all done: a row whose last step ended just
    /// before a restart.
    pub async fn settle_rows(&self, request_id: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE workflow_rows SET state = 'done' WHERE request_id = $1 AND state = 'pending' \
             AND EXISTS (SELECT 1 FROM workflow_steps s WHERE s.request_id = $1 \
             AND s.row_no = workflow_rows.row_no) \
             AND NOT EXISTS (SELECT 1 FROM workflow_steps s WHERE s.request_id = $1 \
             AND s.row_no = workflow_rows.row_no AND s.state <> 'done')",
        )
        .bind(request_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// For a retry, in one transaction: moves a failed request back to approved and makes its
    /// failed steps and rows pending again. Returns whether the request was failed.
    pub async fn retry_request(
        &self,
        request_id: &str,
        by: &super::Move<'_>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let now = now_ms();
        let moved = sqlx::query(
            "UPDATE workflow_requests SET state = 'approved', updated_at_ms = $1 \
             WHERE id = $2 AND state = 'failed'",
        )
        .bind(now)
        .bind(request_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            return Ok(false);
        }
        reset_failed(&mut tx, request_id).await?;
        super::request_history::insert_history(
            &mut tx,
            request_id,
            now,
            by,
            Some("failed"),
            "approved",
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Makes the failed steps of a request pending again, and their rows, for a retry.
    pub async fn reset_failed_steps(&self, request_id: &str) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let reset = reset_failed(&mut tx, request_id).await?;
        tx.commit().await?;
        Ok(reset)
    }
    /// Stores how a row ended (`done` or `failed` with the reason), and its user.
    pub async fn finish_row(
        &self,
        request_id: &str,
        row_no: i64,
        state: &str,
        message: Option<&str>,
        user_id: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE workflow_rows SET state = $1, message = $2, user_id = COALESCE($3, user_id) \
             WHERE request_id = $4 AND row_no = $5",
        )
        .bind(state)
        .bind(message)
        .bind(user_id)
        .bind(request_id)
        .bind(row_no)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Ends a row in one transaction: its last step (when given, with how it ended), the row
    /// itself, and the audit record of what ran. One commit per row instead of three keeps a
    /// bulk import close to Keycloak's own pace.
    pub async fn close_row(&self, ending: &RowEnding<'_>) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        if let Some(seq) = ending.step {
            sqlx::query(
                "UPDATE workflow_steps SET state = $1, message = $2, \
                 user_id = COALESCE($3, user_id), attempts = attempts + 1, finished_at_ms = $4 \
                 WHERE request_id = $5 AND seq = $6",
            )
            .bind(ending.step_state)
            .bind(ending.message)
            .bind(ending.user_id)
            .bind(now)
            .bind(ending.request_id)
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE workflow_rows SET state = $1, message = $2, user_id = COALESCE($3, user_id) \
             WHERE request_id = $4 AND row_no = $5",
        )
        .bind(ending.row_state)
        .bind(ending.message)
        .bind(ending.user_id)
        .bind(ending.request_id)
        .bind(ending.row_no)
        .execute(&mut *tx)
        .await?;
        if let Some(entry) = ending.audit {
            super::audit::insert_audit(&mut tx, entry).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The users the rows `first..=last` created or act on, by row.
    pub async fn row_users(
        &self,
        request_id: &str,
        first: i64,
        last: i64,
    ) -> Result<Vec<(i64, Option<String>)>, StoreError> {
        // A creation's step keeps the new user's id as it ends; the row is told only when the
        // row ends, so after a restart the step is where the id is.
        let rows = sqlx::query(
            "SELECT r.row_no, COALESCE(r.user_id, (SELECT s.user_id FROM workflow_steps s \
             WHERE s.request_id = r.request_id AND s.row_no = r.row_no AND s.state = 'done' \
             AND s.user_id IS NOT NULL ORDER BY s.seq LIMIT 1)) \
             FROM workflow_rows r WHERE r.request_id = $1 AND r.row_no >= $2 AND r.row_no <= $3",
        )
        .bind(request_id)
        .bind(first)
        .bind(last)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
    }

    /// A page of a request's rows, in order, optionally of one state.
    pub async fn rows_page(
        &self,
        request_id: &str,
        state: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<RowRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT row_no, line, username, state, message, user_id FROM workflow_rows \
             WHERE request_id = $1 AND ($2 IS NULL OR state = $2) ORDER BY row_no \
             LIMIT $3 OFFSET $4",
        )
        .bind(request_id)
        .bind(state)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RowRecord {
                    row_no: r.try_get("row_no")?,
                    line: r.try_get("line")?,
                    username: r.try_get("username")?,
                    state: r.try_get("state")?,
                    message: r.try_get("message")?,
                    user_id: r.try_get("user_id")?,
                })
            })
            .collect()
    }

    /// How many rows are in each state, as `(state, count)`.
    pub async fn row_counts(&self, request_id: &str) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT state, COUNT(*) FROM workflow_rows WHERE request_id = $1 GROUP BY state \
             ORDER BY state",
        )
        .bind(request_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
    }
}

/// Makes a request's failed steps and rows pending again; returns how many steps.
async fn reset_failed(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    request_id: &str,
) -> Result<u64, StoreError> {
    let reset = sqlx::query(
        "UPDATE workflow_steps SET state = 'pending' WHERE request_id = $1 AND state = 'failed'",
    )
    .bind(request_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    sqlx::query(
        "UPDATE workflow_rows SET state = 'pending', message = NULL \
         WHERE request_id = $1 AND state = 'failed'",
    )
    .bind(request_id)
    .execute(&mut **tx)
    .await?;
    Ok(reset)
}
