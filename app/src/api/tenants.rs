//! Tenant-level reads: finding a tenant, its overview, and how it stores events.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

/// How many tenants one search answers with.
pub const SEARCH_LIMIT: usize = 20;

/// A page of tenant names matching a search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSearchResponse {
    /// The first matches, sorted by name.
    pub tenants: Vec<String>,
    /// How many tenants match in all.
    pub total: usize,
}

/// What the tenant's home page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantOverviewResponse {
    /// The realm name.
    pub tenant: String,
    /// The name people see, when the realm sets one.
    pub display_name: Option<String>,
    /// Whether people can sign in to the realm.
    pub enabled: bool,
    /// How many users the realm has.
    pub users: u64,
    /// How many groups the realm has.
    pub groups: u64,
}

/// How the tenant stores events (for its admins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSettingsResponse {
    /// Whether sign-in events are stored.
    pub events_enabled: bool,
    /// For how many days, `None` meaning forever.
    pub events_kept_days: Option<i64>,
    /// Whether admin events are stored.
    pub admin_events_enabled: bool,
    /// Whether admin events keep the changed representation.
    pub admin_events_details: bool,
}

/// The caller's tenants whose names contain `query`.
#[server(endpoint = "tenants/search")]
pub async fn search_tenants(query: String) -> Result<TenantSearchResponse, AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak};
    use cloudtrust_backend::tenants::search;

    let caller = authorize(Action::SearchTenants, None).await?;
    if query.len() > 100 {
        let err = AppError::invalid("query", "A tenant name has at most 100 characters.");
        return Err(crate::ssr::fail(err));
    }

    let rights = &caller.identity.rights;
    let (tenants, total) = if rights.is_platform_admin() {
        let all = context().tenants.all().await.map_err(from_keycloak)?;
        search(all.iter(), &query, SEARCH_LIMIT)
    } else {
        search(crate::ssr::held_tenants(rights).iter(), &query, SEARCH_LIMIT)
    };
    Ok(TenantSearchResponse { tenants, total })
}

/// The tenant's overview: its name, state, and how many users and groups it has.
#[server(endpoint = "tenant/overview")]
pub async fn get_tenant_overview(tenant: String) -> Result<TenantOverviewResponse, AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak};
    use cloudtrust_backend::keycloak::UserQuery;

    authorize(Action::ViewTenant, Some(&tenant)).await?;

    let services = context();
    let kc = &services.keycloak;
    let everyone = UserQuery::default();
    let (realm, users, groups) = tokio::try_join!(
        kc.realm(&tenant),
        kc.count_users(&tenant, &everyone),
        kc.count_groups(&tenant),
    )
    .map_err(from_keycloak)?;

    Ok(TenantOverviewResponse {
        tenant: realm.realm,
        display_name: realm.display_name.filter(|n| !n.is_empty()),
        enabled: realm.enabled,
        users,
        groups,
    })
}

/// How the tenant stores sign-in and admin events.
#[server(endpoint = "tenant/settings")]
pub async fn get_tenant_settings(tenant: String) -> Result<TenantSettingsResponse, AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak};

    authorize(Action::ViewTenantSettings, Some(&tenant)).await?;

    let config = context().keycloak.events_config(&tenant).await.map_err(from_keycloak)?;

    Ok(TenantSettingsResponse {
        events_enabled: config.events_enabled,
        events_kept_days: config.events_expiration.filter(|s| *s > 0).map(|s| s / 86_400),
        admin_events_enabled: config.admin_events_enabled,
        admin_events_details: config.admin_events_details_enabled,
    })
}
