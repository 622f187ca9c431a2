//! The session store behind tower-sessions, in the console's database, whichever dialect it is.

use async_trait::async_trait;
use sqlx::{PgPool, SqlitePool};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use super::StoreError;

/// tower-sessions' sqlx store for the dialect in use.
#[derive(Clone, Debug)]
pub enum SessionBackend {
    /// The embedded default.
    Sqlite(SqliteStore),
    /// Several instances on one PostgreSQL.
    Postgres(PostgresStore),
}

impl SessionBackend {
    pub(crate) async fn sqlite(pool: SqlitePool) -> Result<SessionBackend, StoreError> {
        let store = SqliteStore::new(pool);
        store.migrate().await?;
        Ok(SessionBackend::Sqlite(store))
    }

    pub(crate) async fn postgres(pool: PgPool) -> Result<SessionBackend, StoreError> {
        let store = PostgresStore::new(pool);
        store.migrate().await?;
        Ok(SessionBackend::Postgres(store))
    }
}

#[async_trait]
impl SessionStore for SessionBackend {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            SessionBackend::Sqlite(s) => s.create(record).await,
            SessionBackend::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            SessionBackend::Sqlite(s) => s.save(record).await,
            SessionBackend::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            SessionBackend::Sqlite(s) => s.load(id).await,
            SessionBackend::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            SessionBackend::Sqlite(s) => s.delete(id).await,
            SessionBackend::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for SessionBackend {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            SessionBackend::Sqlite(s) => s.delete_expired().await,
            SessionBackend::Postgres(s) => s.delete_expired().await,
        }
    }
}
