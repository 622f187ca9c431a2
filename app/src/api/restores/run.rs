//! Restores on the server: the dry run, then the steps in the background under a lease, each
//! step's outcome stored as it ends, so that a restore cut off by a fault or a stop shows what
//! was applied and what was not, and runs again from there without duplicating anything.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use cloudtrust_backend::backup::restore::{
    CheckReport, Conflicts, RestoreOptions, RestorePlan, Restorer, Step, StepReport, Target,
    make_plan, refuse_unknown_providers,
};
use cloudtrust_backend::backup::snapshot::Snapshot;
use cloudtrust_backend::store::{AuditEntry, Outcome, RestoreRecord, StoreError};
use serde::{Deserialize, Serialize};
use tracing::{error, info, warn};

use super::{INTO_LIVE, INTO_NEW, RestoreChoice, RestorePlanView, RestoreRow};
use crate::api::backups::LIVE;
use crate::api::backups::compare::side;
use crate::policy::Action;
use crate::ssr::{ServerContext, authorize, context, fail, from_keycloak, record};
use crate::{AppError, ErrorKind};

/// How long a running restore's hold lasts without news; renewed on a clock.
const LEASE_MS: i64 = 120_000;
/// How many restores the list shows.
const SHOWN: i64 = 20;

/// A step as stored: what it is, and how it ended.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct StoredStep {
    pub(super) step: Step,
    pub(super) state: String,
    #[serde(default)]
    pub(super) report: StepReport,
    #[serde(default)]
    pub(super) error: Option<String>,
}

pub(super) async fn plan(
    tenant: &str,
    choice: &RestoreChoice,
) -> Result<RestorePlanView, AppError> {
    authorize(Action::RestoreBackup, Some(tenant)).await?;
    let ctx = context();
    let options = options(tenant, choice)?;
    let source = side(&ctx, tenant, &choice.source, "source").await?;
    let plan = dry_run(&ctx, &source, &options).await?;
    Ok(RestorePlanView { choice: choice.clone(), ..super::views::view(&plan) })
}

pub(super) async fn start(tenant: &str, choice: &RestoreChoice) -> Result<String, AppError> {
    let caller = authorize(Action::RestoreBackup, Some(tenant)).await?;
    let ctx = context();
    let (id, runner) = record_start(&ctx, tenant, choice, &caller.identity.username).await?;
    let detail = serde_json::json!({
        "source": choice.source, "into": choice.into, "new_realm": choice.new_realm,
        "conflicts": choice.conflicts, "email_users": choice.email_users,
    });
    record(&caller, tenant, "restore.start", Some(&id), Outcome::Success, Some(detail)).await;
    let (task_id, by) = (id.clone(), caller.identity.username.clone());
    tokio::spawn(async move { execute(&ctx, &task_id, &runner, &by).await });
    Ok(id)
}

/// Runs the dry run again and records the restore as running, held by this instance;
/// answers its id and the runner that holds it. Refused when the plan is.
pub async fn record_start(
    ctx: &ServerContext,
    tenant: &str,
    choice: &RestoreChoice,
    by: &str,
) -> Result<(String, String), AppError> {
    let id = uuid::Uuid::new_v4().to_string();
    let options = RestoreOptions { stamp: id.clone(), ..options(tenant, choice)? };
    let source = side(ctx, tenant, &choice.source, "source").await?;
    let plan = dry_run(ctx, &source, &options).await?;
    if let Some(reason) = &plan.refused {
        return Err(fail(AppError::new(ErrorKind::InvalidInput, reason.clone())));
    }
    let restorer = Restorer::new(&ctx.keycloak, &source, &options);
    let pending = |step| StoredStep {
        step,
        state: "pending".into(),
        report: StepReport::default(),
        error: None,
    };
    let steps: Vec<StoredStep> = restorer.steps(&plan).into_iter().map(pending).collect();
    let runner = format!("{}:{}:{}", ctx.instance, id, uuid::Uuid::new_v4());
    let row = RestoreRecord {
        id: id.clone(),
        tenant: tenant.to_owned(),
        source: choice.source.clone(),
        options: json(&options),
        state: "running".into(),
        started_by: by.to_owned(),
        started_at_ms: 0,
        finished_at_ms: None,
        plan: json(&plan),
        steps: json(&steps),
        check_report: None,
        error: None,
    };
    if let Err(err) = ctx.store.start_restore(&row, &runner, LEASE_MS).await {
        if running(ctx, tenant).await {
            let message = "A restore of this tenant is running; wait for it to end.";
            return Err(fail(AppError::new(ErrorKind::Conflict, message)));
        }
        return Err(unavailable(err));
    }
    Ok((id, runner))
}

pub(super) async fn resume(tenant: &str, id: &str) -> Result<(), AppError> {
    let caller = authorize(Action::RestoreBackup, Some(tenant)).await?;
    let ctx = context();
    match ctx.store.restore(id).await.map_err(unavailable)? {
        Some(row) if row.tenant == tenant => {}
        _ => return Err(fail(AppError::invalid("id", "This tenant has no such restore."))),
    }
    // Each run holds a runner of its own, so a run that lost its hold never writes again.
    let runner = format!("{}:{}:{}", ctx.instance, id, uuid::Uuid::new_v4());
    let claimed = match ctx.store.claim_restore(id, &runner, LEASE_MS).await {
        Ok(claimed) => claimed,
        // The database holds one running restore per tenant.
        Err(_) if running(&ctx, tenant).await => false,
        Err(err) => return Err(unavailable(err)),
    };
    if !claimed {
        let message = "Only a restore that failed or was interrupted can be run again.";
        return Err(fail(AppError::new(ErrorKind::Conflict, message)));
    }
    record(&caller, tenant, "restore.resume", Some(id), Outcome::Success, None).await;
    let (id, by) = (id.to_owned(), caller.identity.username.clone());
    tokio::spawn(async move { execute(&ctx, &id, &runner, &by).await });
    Ok(())
}

pub(super) async fn list(tenant: &str) -> Result<Vec<RestoreRow>, AppError> {
    authorize(Action::ViewBackups, Some(tenant)).await?;
    let rows = context().store.restores(tenant, SHOWN).await.map_err(unavailable)?;
    Ok(rows.into_iter().map(super::views::row).collect())
}

/// The options chosen, checked: a new realm's name is the tenant's name and a suffix, so a
/// tenant admin cannot create realms that look like another tenant's.
fn options(tenant: &str, choice: &RestoreChoice) -> Result<RestoreOptions, AppError> {
    if choice.source == LIVE || choice.source.is_empty() {
        return Err(fail(AppError::invalid("source", "Choose a complete backup to restore.")));
    }
    let conflicts = match choice.conflicts.as_str() {
        "skip" => Conflicts::Skip,
        "overwrite" => Conflicts::Overwrite,
        "fail" | "" => Conflicts::Fail,
        other => {
            let message = format!("Choose skip, overwrite or fail for conflicts, not {other:?}.");
            return Err(fail(AppError::invalid("conflicts", message)));
        }
    };
    let target = match choice.into.as_str() {
        INTO_LIVE => Target::Live(tenant.to_owned()),
        INTO_NEW => {
            let name = choice.new_realm.trim();
            let prefix = format!("{tenant}-");
            let suffix = name.strip_prefix(&prefix).unwrap_or_default();
            let fits = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
            if suffix.is_empty() || !suffix.chars().all(fits) || name.len() > 64 {
                let message = format!(
                    "Name the new realm {prefix}… followed by letters, digits, - or _ (at most \
                     64 characters in all), such as {prefix}restored."
                );
                return Err(fail(AppError::invalid("new_realm", message)));
            }
            Target::NewRealm(name.to_owned())
        }
        other => {
            let message = format!("Restore into a new realm or the live one, not {other:?}.");
            return Err(fail(AppError::invalid("into", message)));
        }
    };
    let stamp = String::new();
    Ok(RestoreOptions { target, conflicts, email_users: choice.email_users, stamp })
}

/// The plan against the target as it is now.
async fn dry_run(
    ctx: &ServerContext,
    source: &Snapshot,
    options: &RestoreOptions,
) -> Result<RestorePlan, AppError> {
    let live = match &options.target {
        Target::NewRealm(name) => {
            // A realm that exists is refused by the plan; it need not be read whole.
            let exists = ctx.keycloak.realm_exists(name).await.map_err(from_keycloak)?;
            exists.then(Snapshot::default)
        }
        Target::Live(name) => {
            Some(Snapshot::live(&ctx.keycloak, name).await.map_err(from_keycloak)?)
        }
    };
    let mut plan = make_plan(source, live.as_ref(), options);
    if plan.new_realm {
        let known = ctx.keycloak.component_providers().await.map_err(from_keycloak)?;
        refuse_unknown_providers(&mut plan, source, &known);
    }
    Ok(plan)
}

/// Runs the restore `id` that `runner` holds, from its record: the steps not done yet, then
/// the check; stores how it ended and records it in the audit trail for `by`.
pub async fn execute(ctx: &ServerContext, id: &str, runner: &str, by: &str) {
    let Ok(Some(row)) = ctx.store.restore(id).await else {
        error!(restore = id, "a restore to run cannot be read");
        return;
    };
    let tenant = row.tenant.clone();
    let (steps, outcome) = match load(ctx, &row).await {
        Ok((source, options, plan, steps)) => {
            let (steps, outcome) = run(ctx, id, runner, &source, &options, &plan, steps).await;
            (json(&steps), outcome)
        }
        Err(reason) => (row.steps.clone(), Err(reason)),
    };
    let (state, check, error) = match outcome {
        Ok(check) => ("done", Some(check), None),
        Err(reason) => ("failed", None, Some(reason)),
    };
    let check_json = check.as_ref().map(json);
    let store = &ctx.store;
    let ended =
        store.finish_restore(id, runner, state, &steps, check_json.as_deref(), error.as_deref());
    match ended.await {
        Ok(true) => info!(restore = id, tenant, state, "restore ended"),
        Ok(false) => warn!(restore = id, "a restore lost its hold before it ended"),
        Err(err) => error!(%err, restore = id, "could not record how a restore ended"),
    }
    let detail = serde_json::json!({
        "state": state, "error": error, "matches": check.as_ref().map(|c| c.matches),
    });
    let entry = AuditEntry {
        request_id: String::new(),
        actor_id: by.to_owned(),
        actor_username: by.to_owned(),
        tenant: Some(tenant),
        action: "restore.finish".to_owned(),
        target: Some(id.to_owned()),
        outcome: if state == "done" { Outcome::Success } else { Outcome::Failed },
        detail: Some(detail.to_string()),
    };
    if let Err(err) = store.append_audit(&entry).await {
        error!(%err, "could not record a restore in the audit trail");
    }
}

type Loaded = (Snapshot, RestoreOptions, RestorePlan, Vec<StoredStep>);

/// What a stored restore runs: its backup read again (checked whole), options, plan, steps.
async fn load(ctx: &ServerContext, row: &RestoreRecord) -> Result<Loaded, String> {
    let options: RestoreOptions =
        serde_json::from_str(&row.options).map_err(|e| format!("the options do not read: {e}"))?;
    let plan: RestorePlan =
        serde_json::from_str(&row.plan).map_err(|e| format!("the plan does not read: {e}"))?;
    let steps: Vec<StoredStep> =
        serde_json::from_str(&row.steps).map_err(|e| format!("the steps do not read: {e}"))?;
    let source = side(ctx, &row.tenant, &row.source, "source").await.map_err(|e| e.message)?;
    Ok((source, options, plan, steps))
}

/// Every step not done yet, in order, each stored as it ends; then the check. Stops at the
/// first step that fails, the rest left pending. Answers the steps as they ended with the
/// check or the reason. The lease is renewed on a clock apart; the steps are written only here.
#[allow(clippy::too_many_arguments)]
async fn run(
    ctx: &ServerContext,
    id: &str,
    runner: &str,
    source: &Snapshot,
    options: &RestoreOptions,
    plan: &RestorePlan,
    mut steps: Vec<StoredStep>,
) -> (Vec<StoredStep>, Result<CheckReport, String>) {
    let restorer = Restorer::new(&ctx.keycloak, source, options);
    let lost = Arc::new(AtomicBool::new(false));
    let heartbeat = {
        let (store, id, runner, lost) =
            (ctx.store.clone(), id.to_owned(), runner.to_owned(), lost.clone());
        tokio::spawn(async move {
            let every = std::time::Duration::from_millis((LEASE_MS / 4) as u64);
            let mut failing_since = None;
            loop {
                tokio::time::sleep(every).await;
                match store.renew_restore(&id, &runner, LEASE_MS).await {
                    Ok(true) => failing_since = None,
                    Ok(false) => {
                        lost.store(true, Ordering::Relaxed);
                        return;
                    }
                    Err(err) => {
                        warn!(%err, restore = id, "could not renew a restore's lease");
                        // Past the lease another instance may take it over: stop first.
                        let since = *failing_since.get_or_insert_with(std::time::Instant::now);
                        if since.elapsed() > every * 3 {
                            lost.store(true, Ordering::Relaxed);
                            return;
                        }
                    }
                }
            }
        })
    };
    let mut outcome = Ok(());
    for at in 0..steps.len() {
        if steps[at].state == "done" {
            continue;
        }
        if lost.load(Ordering::Relaxed) {
            outcome = Err("the restore lost its hold on this instance".to_owned());
            break;
        }
        let step = steps[at].step.clone();
        match restorer.run(&step, plan).await {
            Ok(report) => {
                steps[at].state = "done".into();
                steps[at].report = report;
                steps[at].error = None;
            }
            Err(err) => {
                warn!(%err, restore = id, step = step.label(), "a restore step failed");
                steps[at].state = "failed".into();
                steps[at].error = Some(err.to_string());
                outcome = Err(format!("{} failed: {err}", step.label()));
            }
        }
        match ctx.store.restore_progress(id, runner, &json(&steps), LEASE_MS).await {
            Ok(true) => {}
            Ok(false) => outcome = Err("the restore lost its hold on this instance".into()),
            Err(err) => warn!(%err, restore = id, "could not note a restore's progress"),
        }
        if outcome.is_err() {
            break;
        }
    }
    let checked = match outcome {
        Ok(()) => restorer.check(plan).await.map_err(|err| format!("the check failed: {err}")),
        Err(reason) => Err(reason),
    };
    heartbeat.abort();
    (steps, checked)
}

pub(super) fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn unavailable(err: StoreError) -> AppError {
    error!(%err, "could not read or write restores");
    fail(AppError::new(ErrorKind::Unavailable, "The console's database cannot be read now."))
}

async fn running(ctx: &ServerContext, tenant: &str) -> bool {
    let now = ctx.store.restores(tenant, 5).await.unwrap_or_default();
    now.iter().any(|r| r.state == "running")
}
