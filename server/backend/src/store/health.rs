//! Health results: the latest of each check, and each change of a check's state.
//!
//! Recording a run writes every result and, for each check whose state differs from the one
//! stored, a change; a check seen for the first time is a change too (from nothing). Changes
//! older than [`HISTORY_KEPT_MS`] are let go.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError};
use crate::health::{CheckResult, CheckState};

/// How long changes of state are kept: 90 days.
pub const HISTORY_KEPT_MS: i64 = 90 * 24 * 3600 * 1000;

/// Which stored checks a run speaks for: those of its scope that it did not make are let go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prune<'a> {
    /// The global checks.
    Global,
    /// The global checks and one tenant's.
    Tenant(&'a str),
    /// Every check.
    All,
}

/// A check's latest result, with since when it is in its state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCheck {
    /// The result.
    pub result: CheckResult,
    /// When it entered its present state.
    pub since_ms: i64,
}

/// A check that changed state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthChange {
    /// The check.
    pub name: String,
    /// Its tenant, for a tenant's own check.
    pub tenant: Option<String>,
    /// The state it entered.
    pub state: CheckState,
    /// The state it left; `None` the first time it was seen.
    pub previous: Option<CheckState>,
    /// What the check said then.
    pub message: String,
    /// When, in ms since the epoch.
    pub at_ms: i64,
}

const CHECK_COLUMNS: &str = "name, kind, tenant, required, state, duration_ms, message, \
    checked_at_ms, valid_until_ms, since_ms";

impl Store {
    /// Stores a run's results and the changes of state they make, in one transaction, and
    /// lets go of the checks of `prune`'s scope that the run no longer made (a tenant gone, a
    /// mail server no longer set, a probe no longer configured).
    ///
    /// A change is recorded by whoever moves the stored state, under the row's lock: of two
    /// instances recording the same change at once, one does.
    pub async fn record_health(
        &self,
        results: &[CheckResult],
        prune: Prune<'_>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for result in results {
            let state = result.state.as_str();
            let before: Option<String> =
                sqlx::query_scalar("SELECT state FROM health_checks WHERE name = $1")
                    .bind(&result.name)
                    .fetch_optional(&mut *tx)
                    .await?;
            let moved = sqlx::query(
                "UPDATE health_checks SET state = $2, since_ms = $3 \
                 WHERE name = $1 AND state <> $2",
            )
            .bind(&result.name)
            .bind(state)
            .bind(result.checked_at_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            let first = !moved
                && sqlx::query(
                    "INSERT INTO health_checks (name, kind, tenant, required, state, \
                     duration_ms, message, checked_at_ms, valid_until_ms, since_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8) \
                     ON CONFLICT (name) DO NOTHING",
                )
                .bind(&result.name)
                .bind(&result.kind)
                .bind(&result.tenant)
                .bind(i64::from(result.required))
                .bind(state)
                .bind(result.duration_ms)
                .bind(&result.message)
                .bind(result.checked_at_ms)
                .bind(result.valid_until_ms)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
            if moved || first {
                let previous = if first { None } else { before };
                sqlx::query(
                    "INSERT INTO health_changes (name, tenant, state, previous, message, at_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&result.name)
                .bind(&result.tenant)
                .bind(state)
                .bind(previous)
                .bind(&result.message)
                .bind(result.checked_at_ms)
                .execute(&mut *tx)
                .await?;
            }
            if !first {
                sqlx::query(
                    "UPDATE health_checks SET kind = $2, tenant = $3, required = $4, \
                     duration_ms = $5, message = $6, checked_at_ms = $7, valid_until_ms = $8 \
                     WHERE name = $1",
                )
                .bind(&result.name)
                .bind(&result.kind)
                .bind(&result.tenant)
                .bind(i64::from(result.required))
                .bind(result.duration_ms)
                .bind(&result.message)
                .bind(result.checked_at_ms)
                .bind(result.valid_until_ms)
                .execute(&mut *tx)
                .await?;
            }
        }
        self.prune_health(&mut tx, results, prune).await?;
        let horizon = super::now_ms() - HISTORY_KEPT_MS;
        sqlx::query("DELETE FROM health_changes WHERE at_ms < $1")
            .bind(horizon)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn prune_health(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        results: &[CheckResult],
        prune: Prune<'_>,
    ) -> Result<(), StoreError> {
        let (sql, tenant) = match prune {
            Prune::Global => ("SELECT name FROM health_checks WHERE tenant IS NULL", None),
            Prune::Tenant(tenant) => {
                ("SELECT name FROM health_checks WHERE tenant IS NULL OR tenant = $1", Some(tenant))
            }
            Prune::All => ("SELECT name FROM health_checks", None),
        };
        let mut query = sqlx::query_scalar::<_, String>(sql);
        if let Some(tenant) = tenant {
            query = query.bind(tenant);
        }
        let stored = query.fetch_all(&mut **tx).await?;
        for name in stored.iter().filter(|n| !results.iter().any(|r| &r.name == *n)) {
            sqlx::query("DELETE FROM health_checks WHERE name = $1")
                .bind(name)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// The tenants that have checks stored.
    pub async fn health_tenants(&self) -> Result<Vec<String>, StoreError> {
        let tenants = sqlx::query_scalar(
            "SELECT DISTINCT tenant FROM health_checks WHERE tenant IS NOT NULL ORDER BY tenant",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(tenants)
    }

    /// The latest results of the global checks and, when named, of one tenant's, by name.
    pub async fn health_checks(
        &self,
        tenant: Option<&str>,
    ) -> Result<Vec<StoredCheck>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CHECK_COLUMNS} FROM health_checks \
             WHERE tenant IS NULL OR tenant = $1 ORDER BY name"
        ))
        .bind(tenant.unwrap_or_default())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_check).collect()
    }

    /// The latest results of every tenant's own checks.
    pub async fn tenant_health_checks(&self) -> Result<Vec<StoredCheck>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CHECK_COLUMNS} FROM health_checks WHERE tenant IS NOT NULL ORDER BY name"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_check).collect()
    }

    /// The newest `limit` changes of the global checks and, when named, one tenant's, since
    /// `since_ms`, newest first.
    pub async fn health_changes(
        &self,
        tenant: Option<&str>,
        since_ms: i64,
        limit: i64,
    ) -> Result<Vec<HealthChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT name, tenant, state, previous, message, at_ms FROM health_changes \
             WHERE (tenant IS NULL OR tenant = $1) AND at_ms >= $2 \
             ORDER BY at_ms DESC, id DESC LIMIT $3",
        )
        .bind(tenant.unwrap_or_default())
        .bind(since_ms)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(HealthChange {
                    name: row.try_get("name")?,
                    tenant: row.try_get("tenant")?,
                    state: state_of(row.try_get("state")?)?,
                    previous: row
                        .try_get::<Option<String>, _>("previous")?
                        .map(state_of)
                        .transpose()?,
                    message: row.try_get("message")?,
                    at_ms: row.try_get("at_ms")?,
                })
            })
            .collect()
    }
}

fn stored_check(row: &AnyRow) -> Result<StoredCheck, StoreError> {
    Ok(StoredCheck {
        result: CheckResult {
            name: row.try_get("name")?,
            kind: row.try_get("kind")?,
            tenant: row.try_get("tenant")?,
            required: row.try_get::<i64, _>("required")? != 0,
            state: state_of(row.try_get("state")?)?,
            duration_ms: row.try_get("duration_ms")?,
            message: row.try_get("message")?,
            checked_at_ms: row.try_get("checked_at_ms")?,
            valid_until_ms: row.try_get("valid_until_ms")?,
        },
        since_ms: row.try_get("since_ms")?,
    })
}

fn state_of(text: String) -> Result<CheckState, StoreError> {
    CheckState::parse(&text).ok_or_else(|| {
        StoreError::Database(sqlx::Error::Decode(format!("health state {text:?}").into()))
    })
}
