//! Job leases: among several console instances on one database, one holder runs each job.
//!
//! A lease is a row per job with its holder and an expiry. Taking it succeeds when nobody holds
//! it, when the holder's lease has run out, or when the taker already holds it (renewal). The
//! single conditional upsert makes the decision inside the database, so two instances racing for
//! a lease cannot both win.

use std::time::Duration;

use super::{Store, StoreError, now_ms};

/// A lease someone holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    /// The job.
    pub job: String,
    /// Who holds it.
    pub holder: String,
    /// Until when, epoch milliseconds.
    pub expires_at_ms: i64,
}

impl Store {
    /// Takes or renews the lease on `job` for `holder` for `ttl`. Returns whether `holder` now
    /// holds it.
    pub async fn try_lease(
        &self,
        job: &str,
        holder: &str,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let expires = now + ttl.as_millis() as i64;

        let result = sqlx::query(
            "INSERT INTO job_leases (job, holder, expires_at_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, \
             expires_at_ms = excluded.expires_at_ms \
             WHERE job_leases.expires_at_ms < $4 OR job_leases.holder = excluded.holder",
        )
        .bind(job)
        .bind(holder)
        .bind(expires)
        .bind(now)
        .execute(&self.pool)
        .await?;

        Ok(result.rows_affected() == 1)
    }

    /// Gives the lease back early, when `holder` holds it.
    pub async fn release_lease(&self, job: &str, holder: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM job_leases WHERE job = $1 AND holder = $2")
            .bind(job)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
