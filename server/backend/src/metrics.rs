//! The metrics stores the dashboards read: a [`MetricsStore`] answers a query over a time range
//! with [`Series`] of points, a missing or non-finite value being a gap, never a zero.
//!
//! [`Prometheus`] speaks the Prometheus HTTP query API, so it also reads VictoriaMetrics, Thanos
//! and Mimir. A store that speaks another language (InfluxDB) implements the same trait, with
//! queries of its own: the charts name their query per kind of store.

mod prometheus;
mod series;

#[cfg(test)]
mod live_tests;

use async_trait::async_trait;

pub use prometheus::Prometheus;
pub use series::{Point, Series, TimeRange};

/// Why a metrics store did not answer a query.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// Nothing answers at the store's address.
    #[error("the metrics store cannot be reached ({reason})")]
    Unreachable {
        /// What the connection said.
        reason: String,
    },
    /// The store did not answer in time.
    #[error("the metrics store did not answer within {seconds} s")]
    Timeout {
        /// The time allowed.
        seconds: u64,
    },
    /// The store refused the query, saying why.
    #[error("the metrics store refused the query: {message}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The store's own words (error type and message), never a credential.
        message: String,
    },
    /// The store answered something the console cannot read.
    #[error("the metrics store gave an answer the console cannot read: {reason}")]
    Unexpected {
        /// What was wrong with it.
        reason: String,
    },
}

/// A store of time series the console queries for its charts.
#[async_trait]
pub trait MetricsStore: Send + Sync {
    /// The kind of store (`prometheus`), which picks the query language of the charts.
    fn kind(&self) -> &'static str;

    /// The values of `query` over `range`, one [`Series`] per label set, each with one point
    /// per step of the range (a gap where the store holds no value).
    async fn query_range(
        &self,
        query: &str,
        range: &TimeRange,
    ) -> Result<Vec<Series>, MetricsError>;

    /// Whether the store answers a query now; on success, a short description of it.
    async fn check(&self) -> Result<String, MetricsError>;
}
