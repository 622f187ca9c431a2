//! The console's own database: SQLite by default, PostgreSQL (or CockroachDB) to scale out.
//!
//! Our tables go through sqlx's `Any` driver with SQL that both dialects accept; each dialect has
//! its own migration folder for the DDL. Sessions live in the same database through
//! tower-sessions' own sqlx stores ([`SessionBackend`]).

mod audit;
mod backups;
mod health;
mod lease;
mod notices;
mod request_history;
mod request_records;
mod request_runs;
mod request_steps;
mod requests;
mod restores;
mod sessions;
mod tenant_config;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{AnyPool, PgPool, SqlitePool};

pub use audit::{AuditEntry, AuditRecord, Outcome};
pub use backups::BackupRecord;
pub use health::{HealthChange, Prune, StoredCheck};
pub use lease::Lease;
pub use notices::NoticeRecord;
pub use request_records::{
    HistoryRecord, Move, NewRequest, NewRow, NewStep, RequestFilter, RequestRecord, RowRecord,
    StepCounts, StepRecord,
};
pub use request_steps::RowEnding;
pub use restores::RestoreRecord;
pub use sessions::SessionBackend;
pub use tenant_config::TemplateRecord;

/// Which SQL dialect the database speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// The embedded default.
    Sqlite,
    /// PostgreSQL or CockroachDB, for several console instances.
    Postgres,
}

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names no dialect the console speaks.
    #[error("database url must start with sqlite: or postgres:, got {scheme:?}")]
    UnsupportedUrl {
        /// The URL's scheme.
        scheme: String,
    },
    /// The database refused or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The audit trail refused a change: it is append-only.
    #[error("audit records are append-only")]
    AppendOnly,
}

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
    sessions: SessionBackend,
}

impl Store {
    /// Connects, creating an SQLite file (and its folder) when missing, and applies migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        install_default_drivers();
        let dialect = dialect_of(url)?;
        if dialect == Dialect::Sqlite {
            create_sqlite_file(url).await?;
        }

        let pool = AnyPoolOptions::new()
            .max_connections(if dialect == Dialect::Sqlite { 4 } else { 10 })
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    // In WAL mode, NORMAL syncs at checkpoints, not at every commit: a commit
                    // survives the console's crash and a power cut loses at most the last
                    // ones, never the file. FULL would sync each of a bulk import's rows and
                    // make the database, not Keycloak, set its pace.
                    if dialect == Dialect::Sqlite {
                        sqlx::query("PRAGMA synchronous = NORMAL").execute(conn).await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        match dialect {
            Dialect::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await?,
            Dialect::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
        }

        let sessions = match dialect {
            Dialect::Sqlite => SessionBackend::sqlite(SqlitePool::connect(url).await?).await?,
            Dialect::Postgres => SessionBackend::postgres(PgPool::connect(url).await?).await?,
        };
        Ok(Store { pool, dialect, sessions })
    }

    /// The dialect in use.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The session store over the same database.
    pub fn sessions(&self) -> SessionBackend {
        self.sessions.clone()
    }

    /// The connections of the pool: open, and idle among them; for `/metrics`.
    pub fn pool_use(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// Answers when the database takes a query; for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

fn dialect_of(url: &str) -> Result<Dialect, StoreError> {
    let scheme = url.split(':').next().unwrap_or_default();
    match scheme {
        "sqlite" => Ok(Dialect::Sqlite),
        "postgres" | "postgresql" => Ok(Dialect::Postgres),
        other => Err(StoreError::UnsupportedUrl { scheme: other.to_owned() }),
    }
}

/// SQLite: make sure the file and its folder exist and the journal is WAL, so that readers and
/// the writer do not block each other.
async fn create_sqlite_file(url: &str) -> Result<(), StoreError> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(5));
    if let Some(parent) = options.get_filename().parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
    }
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
    pool.close().await;
    Ok(())
}

/// Now, in epoch milliseconds: the one time format of the console's tables.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod request_tests;

#[cfg(test)]
mod backup_tests;

#[cfg(test)]
mod health_tests;
