//! The audit trail: append and read. The console never updates or deletes a record; the
//! database refuses it too (see the migrations' triggers).

use sqlx::Row;

use super::{Store, StoreError, now_ms};

/// How an audited action ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Success,
    /// Refused by the policy or by a check before anything changed.
    Denied,
    /// Tried and failed; nothing or part was changed, as `detail` says.
    Failed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }

    fn parse(value: &str) -> Outcome {
        match value {
            "success" => Outcome::Success,
            "denied" => Outcome::Denied,
            _ => Outcome::Failed,
        }
    }
}

/// One thing that happened, as the caller reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// The request it happened in, to join with the logs.
    pub request_id: String,
    /// Who did it: the Keycloak subject, or `system` for jobs.
    pub actor_id: String,
    /// Who did it, readable.
    pub actor_username: String,
    /// The tenant it concerned, when one.
    pub tenant: Option<String>,
    /// What was done, such as `sign_in` or `user.create`.
    pub action: String,
    /// What it was done to, such as a user id.
    pub target: Option<String>,
    /// How it ended.
    pub outcome: Outcome,
    /// Anything else worth keeping, as text or JSON. Never a secret.
    pub detail: Option<String>,
}

/// A stored [`AuditEntry`] with its id and time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    /// Position in the trail.
    pub id: i64,
    /// When it was recorded, epoch milliseconds.
    pub occurred_at_ms: i64,
    /// What was recorded.
    pub entry: AuditEntry,
}

impl Store {
    /// Appends `entry` to the trail and returns its id.
    pub async fn append_audit(&self, entry: &AuditEntry) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = insert_audit(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The most recent records, newest first, optionally of one actor.
    pub async fn recent_audit(
        &self,
        actor_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, occurred_at_ms, request_id, actor_id, actor_username, tenant, action, \
             target, outcome, detail FROM audit_events \
             WHERE ($1 IS NULL OR actor_id = $1) ORDER BY id DESC LIMIT $2",
        )
        .bind(actor_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;

        rows.iter().map(record_from_row).collect()
    }

    /// Tries to change a record, which the database must refuse; only for the test that proves
    /// the trail is append-only.
    #[cfg(test)]
    pub(crate) async fn try_rewrite_audit(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE audit_events SET outcome = 'success' WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| match e {
                sqlx::Error::Database(db) if db.message().contains("append-only") => {
                    StoreError::AppendOnly
                }
                other => StoreError::Database(other),
            })
    }
}

fn record_from_row(row: &sqlx::any::AnyRow) -> Result<AuditRecord, StoreError> {
    let outcome: String = row.try_get("outcome")?;
    Ok(AuditRecord {
        id: row.try_get("id")?,
        occurred_at_ms: row.try_get("occurred_at_ms")?,
        entry: AuditEntry {
            request_id: row.try_get("request_id")?,
            actor_id: row.try_get("actor_id")?,
            actor_username: row.try_get("actor_username")?,
            tenant: row.try_get("tenant")?,
            action: row.try_get("action")?,
            target: row.try_get("target")?,
            outcome: Outcome::parse(&outcome),
            detail: row.try_get("detail")?,
        },
    })
}

/// Appends a record within `tx`, so that it is kept exactly when the change it records is.
pub(super) async fn insert_audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    entry: &AuditEntry,
) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO audit_events (occurred_at_ms, request_id, actor_id, actor_username, \
         tenant, action, target, outcome, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(now_ms())
    .bind(&entry.request_id)
    .bind(&entry.actor_id)
    .bind(&entry.actor_username)
    .bind(&entry.tenant)
    .bind(&entry.action)
    .bind(&entry.target)
    .bind(entry.outcome.as_str())
    .bind(&entry.detail)
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get::<i64, _>(0)?)
}
