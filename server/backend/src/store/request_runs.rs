//! Who runs a request, and when: one runner at a time holds a request under a lease it renews,
//! lets go of it while a delayed step waits, and another instance takes it up when the lease
//! runs out (a restart). Expired and cancelled parked requests are found here too.

use sqlx::Row;

use super::request_history::insert_history;
use super::request_records::{Move, RequestRecord};
use super::requests::{LIST_COLUMNS, request_from_row};
use super::{Store, StoreError, now_ms};

impl Store {
    /// Cancels a running request that waits for a delayed step and that no runner holds now;
    /// returns whether it did. The steps not run stay as they are.
    pub async fn cancel_parked(&self, id: &str, by: &Move<'_>) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let moved = sqlx::query(
            "UPDATE workflow_requests SET state = 'cancelled', updated_at_ms = $1 \
             WHERE id = $2 AND state = 'running' AND runner IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            return Ok(false);
        }
        insert_history(&mut tx, id, now, by, Some("running"), "cancelled").await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Takes up a request to run it: an approved one that is due, or a running one whose runner
    /// stopped renewing (a restart) and that is due. Returns whether `holder` now holds it; the
    /// state becomes `running`.
    pub async fn claim_request(
        &self,
        id: &str,
        holder: &str,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let claimed = sqlx::query(
            "UPDATE workflow_requests SET state = 'running', runner = $1, lease_until_ms = $2, \
             started_at_ms = COALESCE(started_at_ms, $3), updated_at_ms = $3 \
             WHERE id = $4 AND (run_at_ms IS NULL OR run_at_ms <= $3) \
             AND (state = 'approved' OR (state = 'running' AND lease_until_ms < $3))",
        )
        .bind(holder)
        .bind(now + lease_ms)
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(claimed == 1)
    }

    /// Renews `holder`'s hold on a running request; false when someone else holds it now.
    pub async fn renew_claim(
        &self,
        id: &str,
        holder: &str,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        let renewed = sqlx::query(
            "UPDATE workflow_requests SET lease_until_ms = $1 \
             WHERE id = $2 AND runner = $3 AND state = 'running'",
        )
        .bind(now_ms() + lease_ms)
        .bind(id)
        .bind(holder)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(renewed == 1)
    }

    /// Lets go of a running request that waits for a later step, to be taken up again at
    /// `resume_at_ms`.
    pub async fn park_request(
        &self,
        id: &str,
        holder: &str,
        resume_at_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE workflow_requests SET runner = NULL, lease_until_ms = 0, run_at_ms = $1, \
             updated_at_ms = $2 WHERE id = $3 AND runner = $4",
        )
        .bind(resume_at_ms)
        .bind(now_ms())
        .bind(id)
        .bind(holder)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The requests a runner should take up now: approved and due, or running, due, and
    /// held by nobody alive. At most `limit`, oldest first.
    pub async fn due_requests(&self, limit: i64) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT id FROM workflow_requests WHERE (run_at_ms IS NULL OR run_at_ms <= $1) \
             AND (state = 'approved' OR (state = 'running' AND lease_until_ms < $1)) \
             ORDER BY updated_at_ms LIMIT $2",
        )
        .bind(now_ms())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| r.try_get(0).map_err(StoreError::from)).collect()
    }

    /// The submitted requests whose expiry has passed.
    pub async fn expired_requests(&self) -> Result<Vec<RequestRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {LIST_COLUMNS} FROM workflow_requests \
             WHERE state = 'submitted' AND expires_at_ms IS NOT NULL AND expires_at_ms < $1"
        ))
        .bind(now_ms())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(request_from_row).collect()
    }
}
