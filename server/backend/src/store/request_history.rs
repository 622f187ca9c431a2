//! A request's history: every move of its state and every note, with who and when.

use sqlx::Row;

use super::request_records::{HistoryRecord, Move};
use super::{Store, StoreError, now_ms};

impl Store {
    /// A request's history, oldest first.
    pub async fn request_history(&self, id: &str) -> Result<Vec<HistoryRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT at_ms, actor_id, actor_username, from_state, to_state, note \
             FROM workflow_history WHERE request_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(HistoryRecord {
                    at_ms: r.try_get("at_ms")?,
                    actor_id: r.try_get("actor_id")?,
                    actor_username: r.try_get("actor_username")?,
                    from_state: r.try_get("from_state")?,
                    to_state: r.try_get("to_state")?,
                    note: r.try_get("note")?,
                })
            })
            .collect()
    }

    /// Adds a note to a request's history without changing its state.
    pub async fn note_request(
        &self,
        id: &str,
        state: &str,
        by: &Move<'_>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_history(&mut tx, id, now_ms(), by, Some(state), state).await?;
        tx.commit().await?;
        Ok(())
    }
}

pub(super) async fn insert_history(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    request_id: &str,
    at_ms: i64,
    by: &Move<'_>,
    from: Option<&str>,
    to: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO workflow_history (request_id, at_ms, actor_id, actor_username, from_state, \
         to_state, note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(request_id)
    .bind(at_ms)
    .bind(by.actor_id)
    .bind(by.actor_username)
    .bind(from)
    .bind(to)
    .bind(by.note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
