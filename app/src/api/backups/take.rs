//! Taking backups on the server: on demand, and by the `backups` job on each tenant's schedule,
//! which also fails the backups of an instance that stopped and applies retention.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use cloudtrust_backend::backup::{
    Manifest, Retention, TakeRequest, Vault, VaultError, take_backup,
};
use cloudtrust_backend::store::{AuditEntry, BackupRecord, Outcome, StoreError};
use tracing::{error, info, warn};

use super::{BACKUPS_SHOWN, BackupOverview, BackupRow, BackupSchedule, KeyState};
use crate::policy::Action;
use crate::ssr::{ServerContext, authorize, context, fail, record};
use crate::{AppError, ErrorKind};
use cloudtrust_backend::store::now_ms;

/// The key of the schedule among a tenant's settings.
const SCHEDULE_KEY: &str = "backup_schedule";
/// How long a running backup's hold lasts without news; renewed after each page of users.
const LEASE_MS: i64 = 120_000;
/// A failed backup stays in the list this long.
const KEEP_FAILED_MS: i64 = 30 * 86_400_000;

pub(super) async fn overview(tenant: &str) -> Result<BackupOverview, AppError> {
    let caller = authorize(Action::ViewBackups, Some(tenant)).await?;
    let ctx = context();
    let records = ctx.store.backups(tenant, BACKUPS_SHOWN).await.map_err(unavailable)?;
    let schedule = schedule(&ctx, tenant).await.map_err(|err| {
        error!(err, "could not read a backup schedule");
        fail(AppError::new(ErrorKind::Unavailable, "The backup schedule cannot be read now."))
    })?;
    Ok(BackupOverview {
        backups: records.into_iter().map(row).collect(),
        key: key_state(&ctx.vault, tenant),
        schedule,
        can_manage: caller.identity.rights.allows(Action::ManageBackups, Some(tenant)),
    })
}

pub(super) async fn start_now(tenant: &str) -> Result<String, AppError> {
    let caller = authorize(Action::ManageBackups, Some(tenant)).await?;
    let ctx = context();
    let id = start(&ctx, tenant, &caller.identity.username).await?;
    record(&caller, tenant, "backup.start", Some(&id), Outcome::Success, None).await;
    Ok(id)
}

pub(super) async fn save_schedule(
    tenant: &str,
    schedule: BackupSchedule,
) -> Result<BackupSchedule, AppError> {
    let caller = authorize(Action::ManageBackups, Some(tenant)).await?;
    if schedule.every_hours > 24 * 31 {
        let message =
            "Take a backup at least once a month (at most 744 hours apart), or never (0).";
        return Err(fail(AppError::invalid("every_hours", message)));
    }
    if schedule.keep_last == 0 {
        return Err(fail(AppError::invalid("keep_last", "Keep at least the last backup.")));
    }
    if [schedule.keep_last, schedule.keep_daily, schedule.keep_weekly].iter().any(|n| *n > 1000) {
        return Err(fail(AppError::invalid("keep_last", "Keep at most 1,000 of each.")));
    }
    let json = serde_json::to_string(&schedule).map_err(|err| {
        fail(AppError::new(ErrorKind::Internal, format!("The schedule cannot be written: {err}")))
    })?;
    let store = &context().store;
    store
        .set_tenant_setting(tenant, SCHEDULE_KEY, &json, &caller.identity.username)
        .await
        .map_err(unavailable)?;
    let detail = serde_json::to_value(schedule).ok();
    record(&caller, tenant, "backup.schedule", None, Outcome::Success, detail).await;
    Ok(schedule)
}

/// Starts a backup of `tenant` in the background for `by`; answers its id once it is listed.
/// Refused when no usable key is set, or when one is running for the tenant already.
pub async fn start(ctx: &ServerContext, tenant: &str, by: &str) -> Result<String, AppError> {
    let keys = ctx.vault.keys(tenant).map_err(|err| {
        let message = match &err {
            VaultError::NoKey { .. } => format!("No backup can be taken: {err}."),
            VaultError::Key(_) => format!("The backup key cannot be used: {err}."),
        };
        fail(AppError::new(ErrorKind::InvalidInput, message))
    })?;
    let id = uuid::Uuid::new_v4().to_string();
    let runner = format!("{}:{}", ctx.instance, id);
    if let Err(err) = ctx.store.start_backup(&id, tenant, by, &runner, LEASE_MS).await {
        // The database holds one running backup per tenant: the insert fails while one runs.
        let now = ctx.store.backups(tenant, 5).await.unwrap_or_default();
        if now.iter().any(|b| b.state == "running") {
            let message = "A backup of this tenant is being taken; wait for it to end.";
            return Err(fail(AppError::new(ErrorKind::Conflict, message)));
        }
        return Err(unavailable(err));
    }

    let (ctx, tenant, by, backup) = (ctx.clone(), tenant.to_owned(), by.to_owned(), id.clone());
    tokio::spawn(async move {
        let key = keys.sealing().clone();
        let path = ctx.vault.path(&tenant, &backup);
        let request =
            TakeRequest { id: backup.clone(), tenant: tenant.clone(), started_by: by.clone() };
        let store = ctx.store.clone();
        let (done_tx, done_rx) = tokio::sync::watch::channel((0u64, 0u64));
        let give_up = Arc::new(AtomicBool::new(false));
        // The hold is renewed on a clock, not only after a page of users: the reads before the
        // first page (the export, every client's secret) may take longer than the lease.
        let heartbeat = {
            let (store, backup, give_up) = (store.clone(), backup.clone(), give_up.clone());
            tokio::spawn(async move {
                let every = std::time::Duration::from_millis((LEASE_MS / 4) as u64);
                loop {
                    tokio::time::sleep(every).await;
                    let (done, total) = *done_rx.borrow();
                    match store.backup_progress(&backup, done as i64, total as i64, LEASE_MS).await
                    {
                        Ok(true) => {}
                        Ok(false) => {
                            warn!(backup, "a backup lost its hold; it stops");
                            give_up.store(true, Ordering::Relaxed);
                            return;
                        }
                        Err(err) => warn!(%err, backup, "could not note a backup's progress"),
                    }
                }
            })
        };
        let taken = take_backup(
            &ctx.keycloak,
            &request,
            &key,
            &path,
            |p| {
                let _ = done_tx.send((p.users_done, p.users_total));
            },
            &give_up,
        )
        .await;
        heartbeat.abort();
        finish(&ctx, &tenant, &backup, &by, &path, taken).await;
    });
    Ok(id)
}

async fn finish(
    ctx: &ServerContext,
    tenant: &str,
    id: &str,
    by: &str,
    path: &std::path::Path,
    taken: Result<(Manifest, u64), cloudtrust_backend::backup::TakeError>,
) {
    let store = &ctx.store;
    let (outcome, detail) = match taken {
        Ok((manifest, size)) => {
            let size = size as i64;
            let users = manifest.counts.get("users").copied().unwrap_or_default() as i64;
            let json = serde_json::to_string(&manifest).unwrap_or_default();
            match store.complete_backup(id, &json, size, users).await {
                Ok(true) => {
                    info!(backup = id, tenant, size, users, "backup complete");
                    (
                        Outcome::Success,
                        serde_json::json!({ "counts": manifest.counts, "bytes": size }),
                    )
                }
                Ok(false) => {
                    // The sweep failed it meanwhile: its file is not offered, so remove it.
                    let _ = std::fs::remove_file(path);
                    (Outcome::Failed, serde_json::json!({ "error": "the backup was given up" }))
                }
                Err(err) => {
                    error!(%err, backup = id, "could not record a complete backup");
                    (Outcome::Failed, serde_json::json!({ "error": err.to_string() }))
                }
            }
        }
        Err(err) => {
            warn!(%err, backup = id, tenant, "backup failed");
            if let Err(err) = store.fail_backup(id, &err.to_string()).await {
                error!(%err, backup = id, "could not record a failed backup");
            }
            (Outcome::Failed, serde_json::json!({ "error": err.to_string() }))
        }
    };
    let entry = AuditEntry {
        request_id: String::new(),
        actor_id: by.to_owned(),
        actor_username: by.to_owned(),
        tenant: Some(tenant.to_owned()),
        action: "backup.finish".to_owned(),
        target: Some(id.to_owned()),
        outcome,
        detail: Some(detail.to_string()),
    };
    if let Err(err) = store.append_audit(&entry).await {
        error!(%err, "could not record a backup in the audit trail");
    }
}

/// The `backups` job: fails the backups of an instance that stopped (and marks its restores
/// interrupted), takes the scheduled ones that are due, and removes what retention lets go of.
pub async fn tick(ctx: &ServerContext) -> Result<(), String> {
    let store = &ctx.store;
    for id in store.fail_abandoned_backups().await.map_err(|e| e.to_string())? {
        warn!(backup = id, "a backup was cut off by a stop; marked failed");
    }
    for id in store.interrupt_abandoned_restores().await.map_err(|e| e.to_string())? {
        warn!(restore = id, "a restore was cut off by a stop; it can be run again");
    }
    let now = now_ms();
    for tenant in ctx.tenants.all().await.map_err(|e| e.to_string())?.iter() {
        // One tenant's trouble does not stop the others' backups and retention.
        if let Err(err) = tend(ctx, tenant, now).await {
            error!(tenant, error = err, "the backups job could not tend to a tenant");
        }
    }
    Ok(())
}

/// One tenant's share of the job: a scheduled backup when due, then retention.
async fn tend(ctx: &ServerContext, tenant: &str, now: i64) -> Result<(), String> {
    let store = &ctx.store;
    // A schedule that does not read is an error, never the defaults: those could keep fewer
    // backups than the tenant asked for.
    let schedule = schedule(ctx, tenant).await.map_err(|e| e.to_string())?;
    let backups = store.backups(tenant, 1000).await.map_err(|e| e.to_string())?;
    if schedule.every_hours > 0 && due(&backups, schedule.every_hours, now) {
        match start(ctx, tenant, "schedule").await {
            Ok(id) => info!(tenant, backup = id, "scheduled backup started"),
            Err(err) => warn!(tenant, error = err.message, "scheduled backup not started"),
        }
    }
    let retention = Retention {
        keep_last: schedule.keep_last,
        keep_daily: schedule.keep_daily,
        keep_weekly: schedule.keep_weekly,
    };
    // A restore that may be run again keeps its backup.
    let restores = store.restores(tenant, 100).await.map_err(|e| e.to_string())?;
    let needed: Vec<&str> =
        restores.iter().filter(|r| r.state != "done").map(|r| r.source.as_str()).collect();
    // Uploads are not the schedule's: they stay until removed by hand. TODO(#5): removing one.
    let complete: Vec<(String, i64)> = backups
        .iter()
        .filter(|b| b.state == "complete" && b.origin != "upload")
        .map(|b| (b.id.clone(), b.started_at_ms))
        .collect();
    let old_failures = backups
        .iter()
        .filter(|b| b.state == "failed" && b.started_at_ms < now - KEEP_FAILED_MS)
        .map(|b| b.id.clone());
    let removed = retention.to_remove(&complete, now).into_iter().chain(old_failures);
    for id in removed.filter(|id| !needed.contains(&id.as_str())) {
        remove(ctx, tenant, &id).await;
    }
    Ok(())
}

/// Whether a scheduled backup is due: none complete or running within `every_hours`.
fn due(backups: &[BackupRecord], every_hours: u32, now: i64) -> bool {
    let since = now - i64::from(every_hours) * 3_600_000;
    !backups.iter().any(|b| b.state != "failed" && b.origin != "upload" && b.started_at_ms > since)
}

async fn remove(ctx: &ServerContext, tenant: &str, id: &str) {
    let path = ctx.vault.path(tenant, id);
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => {
            error!(%err, path = %path.display(), "retention could not remove a backup");
            return;
        }
    }
    if let Err(err) = ctx.store.delete_backup(id).await {
        error!(%err, backup = id, "retention could not forget a backup");
        return;
    }
    info!(tenant, backup = id, "retention removed a backup");
}

async fn schedule(ctx: &ServerContext, tenant: &str) -> Result<BackupSchedule, String> {
    match ctx.store.tenant_setting(tenant, SCHEDULE_KEY).await.map_err(|e| e.to_string())? {
        None => Ok(BackupSchedule::default()),
        Some(json) => serde_json::from_str(&json)
            .map_err(|err| format!("the stored backup schedule does not read: {err}")),
    }
}

fn key_state(vault: &Vault, tenant: &str) -> KeyState {
    let read_from = vault.where_to(tenant);
    match vault.keys(tenant) {
        Ok(ring) => {
            let ids = ring.ids();
            KeyState {
                sealing_key: Some(ids[0].to_owned()),
                earlier_keys: ids[1..].iter().map(|s| (*s).to_owned()).collect(),
                read_from,
                problem: None,
            }
        }
        Err(err) => KeyState {
            sealing_key: None,
            earlier_keys: Vec::new(),
            read_from,
            problem: Some(err.to_string()),
        },
    }
}

fn row(record: BackupRecord) -> BackupRow {
    let manifest: Option<Manifest> =
        record.manifest.as_deref().and_then(|json| serde_json::from_str(json).ok());
    BackupRow {
        id: record.id,
        state: record.state,
        started_by: record.started_by,
        started_at_ms: record.started_at_ms,
        finished_at_ms: record.finished_at_ms,
        users_done: record.users_done,
        users_total: record.users_total,
        size_bytes: record.size_bytes,
        counts: manifest.as_ref().map(|m| m.counts.clone()).unwrap_or_default(),
        not_included: manifest.as_ref().map(|m| m.not_included.clone()).unwrap_or_default(),
        keycloak_version: manifest.as_ref().map(|m| m.keycloak_version.clone()),
        key_id: manifest.map(|m| m.key_id),
        error: record.error,
        uploaded: record.origin == "upload",
    }
}

fn unavailable(err: StoreError) -> AppError {
    error!(%err, "could not read or write backups");
    fail(AppError::new(ErrorKind::Unavailable, "The console's database cannot be read now."))
}
