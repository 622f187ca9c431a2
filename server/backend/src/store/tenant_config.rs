//! What a tenant admin sets for their tenant: settings by key (the approval policy) and the
//! onboarding templates, each as JSON the application reads.

use sqlx::Row;

use super::{Store, StoreError, now_ms};

/// A stored template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateRecord {
    /// Its id within the tenant.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it grants, as JSON.
    pub spec: String,
    /// When it last changed.
    pub updated_at_ms: i64,
    /// Who changed it last.
    pub updated_by: String,
}

impl Store {
    /// A tenant's setting, as JSON, when set.
    pub async fn tenant_setting(
        &self,
        tenant: &str,
        key: &str,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT value FROM tenant_settings WHERE tenant = $1 AND key = $2")
            .bind(tenant)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get(0).map_err(StoreError::from)).transpose()
    }

    /// Sets a tenant's setting.
    pub async fn set_tenant_setting(
        &self,
        tenant: &str,
        key: &str,
        value: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO tenant_settings (tenant, key, value, updated_at_ms, updated_by) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant, key) DO UPDATE SET \
             value = excluded.value, updated_at_ms = excluded.updated_at_ms, \
             updated_by = excluded.updated_by",
        )
        .bind(tenant)
        .bind(key)
        .bind(value)
        .bind(now_ms())
        .bind(by)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A tenant's templates, by name.
    pub async fn templates(&self, tenant: &str) -> Result<Vec<TemplateRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, spec, updated_at_ms, updated_by FROM workflow_templates \
             WHERE tenant = $1 ORDER BY name, id",
        )
        .bind(tenant)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(template_from_row).collect()
    }

    /// One template.
    pub async fn template(
        &self,
        tenant: &str,
        id: &str,
    ) -> Result<Option<TemplateRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, spec, updated_at_ms, updated_by FROM workflow_templates \
             WHERE tenant = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(template_from_row).transpose()
    }

    /// Creates or replaces a template.
    pub async fn save_template(
        &self,
        tenant: &str,
        id: &str,
        name: &str,
        spec: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO workflow_templates (tenant, id, name, spec, updated_at_ms, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant, id) DO UPDATE SET \
             name = excluded.name, spec = excluded.spec, updated_at_ms = excluded.updated_at_ms, \
             updated_by = excluded.updated_by",
        )
        .bind(tenant)
        .bind(id)
        .bind(name)
        .bind(spec)
        .bind(now_ms())
        .bind(by)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Deletes a template; returns whether there was one. Requests filed from it keep a copy.
    pub async fn delete_template(&self, tenant: &str, id: &str) -> Result<bool, StoreError> {
        let deleted = sqlx::query("DELETE FROM workflow_templates WHERE tenant = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(deleted == 1)
    }
}

fn template_from_row(row: &sqlx::any::AnyRow) -> Result<TemplateRecord, StoreError> {
    Ok(TemplateRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        spec: row.try_get("spec")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
        updated_by: row.try_get("updated_by")?,
    })
}
