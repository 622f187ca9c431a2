//! The signed-in person's effective rights, in one call, so pages can gate their buttons.

use leptos::prelude::*;

use crate::AppError;
use crate::policy::EffectiveRights;

/// How many tenants the rights list for a platform admin; the tenant search finds the rest.
pub const FIRST_TENANTS: usize = 50;

/// Who the caller is, which tenants they hold, and what they may do in each.
#[server(endpoint = "rights")]
pub async fn get_rights() -> Result<EffectiveRights, AppError> {
    use crate::policy::{Action, TenantRights};
    use crate::ssr::{authorize, context, from_keycloak, held_tenants};

    let caller = authorize(Action::ViewOwnRights, None).await?;
    let rights = &caller.identity.rights;

    let (tenants, truncated) = if rights.is_platform_admin() {
        let all = context().tenants.all().await.map_err(from_keycloak)?;
        let first: Vec<String> = all.iter().take(FIRST_TENANTS).cloned().collect();
        (first, all.len() > FIRST_TENANTS)
    } else {
        (held_tenants(rights), false)
    };

    Ok(EffectiveRights {
        username: caller.identity.username.clone(),
        display_name: caller.identity.display_name.clone(),
        platform_admin: rights.is_platform_admin(),
        tenants: tenants.iter().map(|t| TenantRights::new(rights, t)).collect(),
        tenants_truncated: truncated,
    })
}
