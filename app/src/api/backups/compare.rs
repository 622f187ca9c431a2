//! Comparing two backups, or a backup with the live realm: each side read whole (a backup
//! opened with the tenant's keys and checked to its last byte), then compared per kind.

use cloudtrust_backend::backup::diff::KindDiff;
use cloudtrust_backend::backup::snapshot::Snapshot;
use cloudtrust_backend::store::Outcome;
use tracing::error;

use super::{BackupDiff, ChangedThing, FieldChange, KindChanges, LIVE};
use crate::policy::Action;
use crate::ssr::{ServerContext, authorize, context, fail, from_keycloak, record};
use crate::{AppError, ErrorKind};

/// How many things of each list a kind shows; the totals count them all.
const LISTED: usize = 100;

pub(super) async fn diff(tenant: &str, from: &str, to: &str) -> Result<BackupDiff, AppError> {
    let caller = authorize(Action::ViewBackups, Some(tenant)).await?;
    if from == to {
        return Err(fail(AppError::invalid("to", "Choose two different sides to compare.")));
    }
    let ctx = context();
    let before = side(&ctx, tenant, from, "from").await?;
    let after = side(&ctx, tenant, to, "to").await?;
    let diff = tokio::task::spawn_blocking(move || before.diff(&after)).await.map_err(|err| {
        error!(%err, "the comparison stopped");
        fail(AppError::new(ErrorKind::Internal, "The comparison stopped; try again."))
    })?;
    let detail = serde_json::json!({ "from": from, "to": to, "identical": diff.is_empty() });
    record(&caller, tenant, "backup.diff", None, Outcome::Success, Some(detail)).await;
    Ok(BackupDiff {
        from: from.to_owned(),
        to: to.to_owned(),
        identical: diff.is_empty(),
        kinds: diff.kinds.into_iter().map(|(kind, d)| summary(kind, d)).collect(),
    })
}

/// One side: `live` or a complete backup of the tenant.
pub(crate) async fn side(
    ctx: &ServerContext,
    tenant: &str,
    which: &str,
    field: &str,
) -> Result<Snapshot, AppError> {
    if which == LIVE {
        return Snapshot::live(&ctx.keycloak, tenant).await.map_err(from_keycloak);
    }
    let record = ctx.store.backup(which).await.map_err(|err| {
        error!(%err, "could not read a backup");
        fail(AppError::new(ErrorKind::Unavailable, "The console's database cannot be read now."))
    })?;
    match record {
        Some(backup) if backup.tenant == tenant && backup.state == "complete" => {}
        Some(backup) if backup.tenant == tenant => {
            let message =
                format!("That backup is {}: only a complete one can be compared.", backup.state);
            return Err(fail(AppError::invalid(field, message)));
        }
        _ => return Err(fail(AppError::invalid(field, "This tenant has no such backup."))),
    }
    let ring = ctx.vault.keys(tenant).map_err(|err| {
        fail(AppError::new(ErrorKind::InvalidInput, format!("The backup cannot be opened: {err}.")))
    })?;
    let path = ctx.vault.path(tenant, which);
    let opened = tokio::task::spawn_blocking(move || Snapshot::from_backup(&path, &ring)).await;
    match opened {
        Ok(Ok(snapshot)) => Ok(snapshot),
        Ok(Err(err)) => {
            Err(fail(AppError::invalid(field, format!("The backup cannot be read: {err}."))))
        }
        Err(err) => {
            error!(%err, "reading a backup stopped");
            Err(fail(AppError::new(ErrorKind::Internal, "Reading the backup stopped; try again.")))
        }
    }
}

pub(crate) fn summary(kind: String, diff: KindDiff) -> KindChanges {
    KindChanges {
        kind,
        added_total: diff.added.len() as u64,
        removed_total: diff.removed.len() as u64,
        changed_total: diff.changed.len() as u64,
        same: diff.same,
        added: diff.added.into_iter().take(LISTED).collect(),
        removed: diff.removed.into_iter().take(LISTED).collect(),
        changed: diff
            .changed
            .into_iter()
            .take(LISTED)
            .map(|c| ChangedThing {
                name: c.name,
                fields: c
                    .fields
                    .into_iter()
                    .map(|f| FieldChange { field: f.field, before: f.before, after: f.after })
                    .collect(),
            })
            .collect(),
    }
}
