//! The file of a bulk import, kept with its draft, and the notices people get when their
//! requests move.

use sqlx::Row;

use super::{Store, StoreError, now_ms};

/// A notice for a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeRecord {
    /// Its id.
    pub id: i64,
    /// The tenant of the request.
    pub tenant: String,
    /// The request.
    pub request_id: String,
    /// What happened, in words.
    pub message: String,
    /// When.
    pub created_at_ms: i64,
}

impl Store {
    /// Keeps the file of a bulk import with its request.
    pub async fn save_upload(
        &self,
        request_id: &str,
        file_name: &str,
        content: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO workflow_uploads (request_id, file_name, content) VALUES ($1, $2, $3)",
        )
        .bind(request_id)
        .bind(file_name)
        .bind(content)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The file of a bulk import: its name and content.
    pub async fn upload(&self, request_id: &str) -> Result<Option<(String, String)>, StoreError> {
        let row =
            sqlx::query("SELECT file_name, content FROM workflow_uploads WHERE request_id = $1")
                .bind(request_id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
    }

    /// Tells `recipient` that a request of theirs moved.
    pub async fn add_notice(
        &self,
        recipient_id: &str,
        tenant: &str,
        request_id: &str,
        message: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO workflow_notices (recipient_id, tenant, request_id, message, \
             created_at_ms) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(recipient_id)
        .bind(tenant)
        .bind(request_id)
        .bind(message)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The notices of `tenant` that `recipient` has not read, newest first, at most `limit`.
    pub async fn unread_notices(
        &self,
        recipient_id: &str,
        tenant: &str,
        limit: i64,
    ) -> Result<Vec<NoticeRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, tenant, request_id, message, created_at_ms FROM workflow_notices \
             WHERE recipient_id = $1 AND tenant = $2 AND read_at_ms IS NULL \
             ORDER BY id DESC LIMIT $3",
        )
        .bind(recipient_id)
        .bind(tenant)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(NoticeRecord {
                    id: r.try_get("id")?,
                    tenant: r.try_get("tenant")?,
                    request_id: r.try_get("request_id")?,
                    message: r.try_get("message")?,
                    created_at_ms: r.try_get("created_at_ms")?,
                })
            })
            .collect()
    }

    /// Marks `recipient`'s notices of `tenant` up to `up_to_id` read.
    pub async fn read_notices(
        &self,
        recipient_id: &str,
        tenant: &str,
        up_to_id: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE workflow_notices SET read_at_ms = $1 \
             WHERE recipient_id = $2 AND tenant = $3 AND id <= $4 AND read_at_ms IS NULL",
        )
        .bind(now_ms())
        .bind(recipient_id)
        .bind(tenant)
        .bind(up_to_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
