//! The board: the stored results of the global checks and the tenant's own, run again first
//! when they no longer hold (or when asked to), and the changes of state.

use cloudtrust_backend::health::{Scope, overall};
use cloudtrust_backend::store::{HealthChange, StoreError, StoredCheck};
use tracing::error;

use super::{CHANGES_SHOWN, ChangeView, CheckView, HealthBoard};
use crate::policy::Action;
use crate::ssr::{authorize, context, fail};
use crate::{AppError, ErrorKind};
use cloudtrust_backend::store::now_ms;

/// How far back the board lists changes: 30 days.
const CHANGES_SINCE_MS: i64 = 30 * 86_400_000;

/// The board of `tenant`, after running the checks when `now` asks for it or the stored
/// results no longer hold.
pub async fn board(tenant: &str, now: bool) -> Result<HealthBoard, AppError> {
    authorize(Action::ViewHealth, Some(tenant)).await?;
    let ctx = context();

    let mut stored = ctx.store.health_checks(Some(tenant)).await.map_err(unavailable)?;
    if now || !holds(&stored, tenant) {
        let scope = scope_of(tenant, &stored).await?;
        ctx.health.refresh(scope).await.map_err(unavailable)?;
        stored = ctx.store.health_checks(Some(tenant)).await.map_err(unavailable)?;
    }
    let since = now_ms() - CHANGES_SINCE_MS;
    let changes =
        ctx.store.health_changes(Some(tenant), since, CHANGES_SHOWN).await.map_err(unavailable)?;

    Ok(HealthBoard {
        overall: overall(stored.iter().map(|c| &c.result)).as_str().to_owned(),
        checks: ordered(stored).into_iter().map(check_view).collect(),
        changes: changes.into_iter().map(change_view).collect(),
        interval_s: ctx.health.interval().as_secs(),
    })
}

/// What to check for `tenant`: its own checks when Keycloak lists it as a tenant (or, when
/// Keycloak cannot say, when it was checked before), the global ones alone otherwise; a name
/// Keycloak does not know is refused, so that no name makes checks of its own.
async fn scope_of<'a>(tenant: &'a str, stored: &[StoredCheck]) -> Result<Scope<'a>, AppError> {
    let checked_before = stored.iter().any(|c| c.result.tenant.as_deref() == Some(tenant));
    match context().tenants.all().await {
        Ok(tenants) if tenants.iter().any(|t| t == tenant) => Ok(Scope::Tenant(tenant)),
        Ok(_) => Err(fail(AppError::new(ErrorKind::NotFound, "There is no such tenant."))),
        Err(_) if checked_before => Ok(Scope::Tenant(tenant)),
        Err(_) => Ok(Scope::Global),
    }
}

/// Whether the stored results still hold: every one within its time, the tenant's own among
/// them.
fn holds(stored: &[StoredCheck], tenant: &str) -> bool {
    let now = now_ms();
    let has_own = stored.iter().any(|c| c.result.tenant.as_deref() == Some(tenant));
    has_own && stored.iter().all(|c| c.result.valid_until_ms >= now)
}

/// The global checks first (required ones before optional), then the tenant's.
fn ordered(mut stored: Vec<StoredCheck>) -> Vec<StoredCheck> {
    stored.sort_by(|a, b| {
        let key = |c: &StoredCheck| {
            (c.result.tenant.is_some(), !c.result.required, c.result.name.clone())
        };
        key(a).cmp(&key(b))
    });
    stored
}

fn check_view(stored: StoredCheck) -> CheckView {
    let result = stored.result;
    CheckView {
        name: result.name,
        kind: result.kind,
        required: result.required,
        state: result.state.as_str().to_owned(),
        duration_ms: result.duration_ms,
        message: result.message,
        checked_at_ms: result.checked_at_ms,
        valid_until_ms: result.valid_until_ms,
        since_ms: stored.since_ms,
    }
}

fn change_view(change: HealthChange) -> ChangeView {
    ChangeView {
        name: change.name,
        previous: change.previous.map(|p| p.as_str().to_owned()),
        state: change.state.as_str().to_owned(),
        message: change.message,
        at_ms: change.at_ms,
    }
}

fn unavailable(err: StoreError) -> AppError {
    error!(%err, "could not read or write health results");
    fail(AppError::new(ErrorKind::Unavailable, "The console's database cannot be read now."))
}
