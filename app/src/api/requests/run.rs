//! Running a request: one runner at a time holds it (a claim in the database, renewed while it
//! runs), works through its rows a chunk at a time with a few rows at once, and stores how each
//! step ended before going on. A runner that dies leaves its claim to run out; the background
//! job then takes the request up again and runs what is not done. Every step is idempotent, and
//! a creation found done by an earlier attempt is recognised, so nobody is created twice.
//!
//! A step that fails because of the user's own data (taken, refused, gone) fails its row and the
//! others go on; a failure of Keycloak itself (unreachable, too slow, the service account
//! refused) stops the request, and the rows not reached stay pending, to run on retry.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use cloudtrust_backend::keycloak::{KeycloakAdmin, KeycloakError, RoleBrief, UserQuery};
use cloudtrust_backend::store::{AuditEntry, Move, Outcome, RequestRecord, StepRecord, Store};
use futures::StreamExt;
use serde_json::{Value, json};
use tracing::{error, info, warn};

use crate::ssr::{ServerContext, explain_keycloak};
use crate::workflow::{StepAction, StepSubject};

/// How long a claim lasts without renewal.
const LEASE_MS: i64 = 30_000;
/// Rows read from the database at a time.
const CHUNK_ROWS: i64 = 200;
/// Rows run at once.
const CONCURRENT_ROWS: usize = 4;
/// Who the runner is in histories and the audit trail.
const SYSTEM: &str = "system";

/// How one row's run ended.
enum RowEnd {
    Done,
    Failed,
    /// Stopped before it started (Keycloak failed elsewhere).
    NotRun,
    /// Waits for a delayed step due then.
    Waiting(i64),
}

/// Starts running `id` in the background, if nobody runs it already.
pub fn start(ctx: ServerContext, id: String) {
    tokio::spawn(async move {
        if let Err(err) = run(&ctx, &id).await {
            error!(%err, request = id, "a request run stopped");
        }
    });
}

/// Runs `id` when it can be claimed; returns at once when someone else holds it or it is not
/// due.
pub async fn run(ctx: &ServerContext, id: &str) -> Result<(), String> {
    let store = &ctx.store;
    let holder = ctx.instance.as_str();
    if !store.claim_request(id, holder, LEASE_MS).await.map_err(|e| e.to_string())? {
        return Ok(());
    }
    let Some(request) = store.request(id).await.map_err(|e| e.to_string())? else {
        return Ok(());
    };
    info!(request = id, tenant = request.tenant, "request run started");
    let by = Move { actor_id: SYSTEM, actor_username: SYSTEM, note: Some("run"), decides: false };
    store.note_request(id, "running", &by).await.map_err(|e| e.to_string())?;

    let heartbeat = tokio::spawn({
        let (store, id, holder) = (store.clone(), id.to_owned(), holder.to_owned());
        async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis((LEASE_MS / 3) as u64)).await;
                match store.renew_claim(&id, &holder, LEASE_MS).await {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(err) => warn!(%err, request = id, "could not renew a request's claim"),
                }
            }
        }
    });
    let ended = run_rows(ctx, &request).await;
    heartbeat.abort();
    let next_due = ended.map_err(|e| e.to_string())?;
    finish(ctx, &request, next_due).await.map_err(|e| e.to_string())
}

/// Runs every row's unfinished steps; returns when the next delayed step is due, if one waits.
async fn run_rows(
    ctx: &ServerContext,
    request: &RequestRecord,
) -> Result<Option<i64>, cloudtrust_backend::store::StoreError> {
    let store = &ctx.store;
    let stop = Arc::new(AtomicBool::new(false));
    let last = store.last_row(&request.id).await?;
    let mut next_due: Option<i64> = None;
    let mut first = 0;
    while first <= last && !stop.load(Ordering::Relaxed) {
        let upto = first + CHUNK_ROWS - 1;
        let steps = store.unfinished_steps(&request.id, first, upto).await?;
        let users: HashMap<i64, Option<String>> =
            store.row_users(&request.id, first, upto).await?.into_iter().collect();
        let mut rows: Vec<(i64, Vec<StepRecord>)> = Vec::new();
        for step in steps {
            match rows.last_mut() {
                Some((row, steps)) if *row == step.row_no => steps.push(step),
                _ => rows.push((step.row_no, vec![step])),
            }
        }
        let ends: Vec<RowEnd> = futures::stream::iter(rows)
            .map(|(row, steps)| {
                let user = users.get(&row).cloned().flatten();
                run_row(ctx, request, row, steps, user, stop.clone())
            })
            .buffer_unordered(CONCURRENT_ROWS)
            .collect()
            .await;
        for end in ends {
            if let RowEnd::Waiting(due) = end {
                next_due = Some(next_due.map_or(due, |d| d.min(due)));
            }
        }
        first = upto + 1;
    }
    Ok(next_due)
}

/// Runs one row's steps in order; the first failure ends the row.
async fn run_row(
    ctx: &ServerContext,
    request: &RequestRecord,
    row: i64,
    steps: Vec<StepRecord>,
    mut user_id: Option<String>,
    stop: Arc<AtomicBool>,
) -> RowEnd {
    let store = &ctx.store;
    let id = request.id.as_str();
    let mut ran: Vec<Value> = Vec::new();
    for step in steps {
        if stop.load(Ordering::Relaxed) {
            return if ran.is_empty() { RowEnd::NotRun } else { RowEnd::Failed };
        }
        let now = now_ms();
        if let Some(delay) = step.delay_ms {
            let due = step.not_before_ms.unwrap_or(now + delay);
            if step.not_before_ms.is_none()
                && let Err(err) = store.schedule_step(id, step.seq, due).await
            {
                error!(%err, request = id, "could not schedule a delayed step");
                stop.store(true, Ordering::Relaxed);
                return RowEnd::NotRun;
            }
            if due > now {
                record_row(store, request, row, user_id.as_deref(), &ran, Outcome::Success).await;
                return RowEnd::Waiting(due);
            }
        }
        let (action, subject) = match (
            serde_json::from_str::<StepAction>(&step.action),
            serde_json::from_str::<StepSubject>(&step.subject),
        ) {
            (Ok(action), Ok(subject)) => (action, subject),
            _ => {
                let message = "The console cannot read this step back.";
                let _ = store.finish_step(id, step.seq, "failed", Some(message), None).await;
                let _ = store.finish_row(id, row, "failed", Some(message), None).await;
                return RowEnd::Failed;
            }
        };
        let target = match subject {
            StepSubject::User { id } => Some(id),
            StepSubject::CreatedInRow => user_id.clone(),
        };
        if matches!(action, StepAction::CreateUser { .. })
            && let Err(err) = store.start_step(id, step.seq).await
        {
            error!(%err, request = id, "could not mark a step under way");
            stop.store(true, Ordering::Relaxed);
            return RowEnd::NotRun;
        }
        let retried = step.state == "running" || step.attempts > 0;
        let since = request.started_at_ms.unwrap_or(request.created_at_ms);
        let result =
            execute(&ctx.keycloak, &request.tenant, &action, target.as_deref(), retried, since)
                .await;
        match result {
            Ok(created) => {
                if created.is_some() {
                    user_id = created;
                }
                ran.push(json!({ "step": step.label, "outcome": "done" }));
                if let Err(err) =
                    store.finish_step(id, step.seq, "done", None, user_id.as_deref()).await
                {
                    error!(%err, request = id, "could not store a step's end");
                    stop.store(true, Ordering::Relaxed);
                    return RowEnd::Failed;
                }
            }
            Err(err) => {
                let systemic = matches!(
                    err,
                    KeycloakError::Unavailable { .. }
                        | KeycloakError::Timeout { .. }
                        | KeycloakError::Forbidden { .. }
                        | KeycloakError::Credentials { .. }
                        | KeycloakError::Unexpected { .. }
                );
                if systemic {
                    stop.store(true, Ordering::Relaxed);
                }
                let message = explain_keycloak(err).message;
                ran.push(json!({ "step": step.label, "outcome": "failed", "message": message }));
                let stored = async {
                    store.finish_step(id, step.seq, "failed", Some(&message), None).await?;
                    store.finish_row(id, row, "failed", Some(&message), user_id.as_deref()).await
                };
                if let Err(err) = stored.await {
                    error!(%err, request = id, "could not store a step's failure");
                }
                record_row(store, request, row, user_id.as_deref(), &ran, Outcome::Failed).await;
                return RowEnd::Failed;
            }
        }
    }
    if let Err(err) = store.finish_row(id, row, "done", None, user_id.as_deref()).await {
        error!(%err, request = id, "could not store a row's end");
    }
    record_row(store, request, row, user_id.as_deref(), &ran, Outcome::Success).await;
    RowEnd::Done
}

/// Moves the request to done or failed, or lets it wait for its next delayed step.
async fn finish(
    ctx: &ServerContext,
    request: &RequestRecord,
    next_due: Option<i64>,
) -> Result<(), cloudtrust_backend::store::StoreError> {
    let store = &ctx.store;
    let counts = store.step_counts(&request.id).await?;
    let by = |note| Move { actor_id: SYSTEM, actor_username: SYSTEM, note, decides: false };
    if counts.failed == 0
        && counts.pending + counts.running > 0
        && let Some(due) = next_due
    {
        store.park_request(&request.id, &ctx.instance, due).await?;
        return Ok(());
    }
    let (to, words) = if counts.failed == 0 && counts.pending + counts.running == 0 {
        ("done", "is done")
    } else {
        ("failed", "failed: open it to see the step and retry")
    };
    let note = format!("{} of {} steps done", counts.done, request.steps_total);
    if store.move_request(&request.id, &["running"], to, &by(Some(&note))).await? {
        let message = format!("{} {words}", request.summary);
        store.add_notice(&request.requester_id, &request.tenant, &request.id, &message).await?;
    }
    info!(request = request.id, state = to, done = counts.done, "request run ended");
    Ok(())
}

/// Runs one step against Keycloak; a creation answers the new user's id.
async fn execute(
    kc: &KeycloakAdmin,
    tenant: &str,
    action: &StepAction,
    user: Option<&str>,
    retried: bool,
    since_ms: i64,
) -> Result<Option<String>, KeycloakError> {
    if let StepAction::CreateUser { representation } = action {
        return match kc.create_user(tenant, representation).await {
            Ok(id) => Ok(Some(id)),
            Err(KeycloakError::Conflict { message }) if retried => {
                let username = representation["username"].as_str().unwrap_or_default();
                adopt(kc, tenant, username, since_ms)
                    .await?
                    .map(Some)
                    .ok_or(KeycloakError::Conflict { message })
            }
            Err(err) => Err(err),
        };
    }
    let Some(user) = user else {
        return Err(KeycloakError::NotFound { what: "the user this row was to create".into() });
    };
    let gone_is_fine = |result: Result<(), KeycloakError>| match result {
        Err(KeycloakError::NotFound { .. }) => Ok(()),
        other => other,
    };
    match action {
        StepAction::CreateUser { .. } => unreachable!("handled above"),
        StepAction::JoinGroup { id, .. } => kc.add_user_to_group(tenant, user, id).await,
        StepAction::LeaveGroup { id, .. } => {
            gone_is_fine(kc.remove_user_from_group(tenant, user, id).await)
        }
        StepAction::GrantRealmRole { name } => {
            let role = kc.role_by_name(tenant, None, name).await?;
            kc.add_realm_roles(tenant, user, &[role]).await
        }
        StepAction::RevokeRealmRole { name } => {
            gone_is_fine(match kc.role_by_name(tenant, None, name).await {
                Ok(role) => kc.remove_realm_roles(tenant, user, &[role]).await,
                Err(err) => Err(err),
            })
        }
        StepAction::GrantClientRole { client_uuid, name, .. } => {
            let role = kc.role_by_name(tenant, Some(client_uuid), name).await?;
            kc.add_client_roles(tenant, user, client_uuid, &[role]).await
        }
        StepAction::RevokeClientRole { client_uuid, name, .. } => {
            gone_is_fine(match kc.role_by_name(tenant, Some(client_uuid), name).await {
                Ok(role) => kc.remove_client_roles(tenant, user, client_uuid, &[role]).await,
                Err(err) => Err(err),
            })
        }
        StepAction::Disable => {
            let mut raw = kc.user(tenant, user).await?.raw;
            raw["enabled"] = Value::Bool(false);
            kc.update_user(tenant, user, &raw).await
        }
        StepAction::EndSessions => kc.logout_user(tenant, user).await,
        StepAction::RemoveAllAccess => remove_all_access(kc, tenant, user).await,
        StepAction::RequireActions { actions } => {
            let record = kc.user(tenant, user).await?;
            let mut required = record.required_actions.clone();
            required
                .extend(actions.iter().filter(|a| !record.required_actions.contains(a)).cloned());
            let mut raw = record.raw;
            raw["requiredActions"] = json!(required);
            kc.update_user(tenant, user, &raw).await
        }
        StepAction::EmailActions { actions, lifespan_seconds } => {
            kc.execute_actions_email(tenant, user, actions, Some(*lifespan_seconds), None, None)
                .await
        }
        StepAction::DeleteUser => gone_is_fine(kc.delete_user(tenant, user).await),
    }
    .map(|()| None)
}

/// The user a creation that answered "taken" made itself on an earlier attempt: same
/// username, created since the request first ran.
async fn adopt(
    kc: &KeycloakAdmin,
    tenant: &str,
    username: &str,
    since_ms: i64,
) -> Result<Option<String>, KeycloakError> {
    let query = UserQuery { username: Some(username.to_owned()), max: 5, ..UserQuery::default() };
    let found = kc.list_users(tenant, &query).await?;
    Ok(found
        .into_iter()
        .find(|u| u.username == username && u.created_timestamp.is_some_and(|t| t >= since_ms))
        .map(|u| u.id))
}

/// Takes back every direct role (the realm's default roles stay) and leaves every group.
async fn remove_all_access(
    kc: &KeycloakAdmin,
    tenant: &str,
    user: &str,
) -> Result<(), KeycloakError> {
    let mappings = kc.user_role_mappings(tenant, user).await?;
    let default_roles = format!("default-roles-{tenant}");
    let realm: Vec<RoleBrief> =
        mappings.realm.into_iter().filter(|r| r.name != default_roles).collect();
    if !realm.is_empty() {
        kc.remove_realm_roles(tenant, user, &realm).await?;
    }
    for mapping in mappings.clients.iter().filter(|m| !m.roles.is_empty()) {
        kc.remove_client_roles(tenant, user, &mapping.client.id, &mapping.roles).await?;
    }
    loop {
        let groups = kc.user_groups(tenant, user, None, 0, 100).await?;
        if groups.is_empty() {
            return Ok(());
        }
        for group in groups {
            kc.remove_user_from_group(tenant, user, &group.id).await?;
        }
    }
}

/// One audit record per row run: who asked, who approved, and what ran.
async fn record_row(
    store: &Store,
    request: &RequestRecord,
    row: i64,
    user: Option<&str>,
    ran: &[Value],
    outcome: Outcome,
) {
    if ran.is_empty() {
        return;
    }
    let entry = AuditEntry {
        request_id: format!("request:{}", request.id),
        actor_id: SYSTEM.to_owned(),
        actor_username: SYSTEM.to_owned(),
        tenant: Some(request.tenant.clone()),
        action: format!("request.{}.run", request.kind),
        target: user.map(str::to_owned),
        outcome,
        detail: Some(
            json!({
                "request": request.id,
                "row": row,
                "requester": request.requester_username,
                "approver": request.approver_username,
                "steps": ran,
            })
            .to_string(),
        ),
    };
    if let Err(err) = store.append_audit(&entry).await {
        error!(%err, request = request.id, "could not record a request's steps in the audit trail");
    }
}

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// One round of the background job: expires the requests nobody decided in time, and takes up
/// those that are due (approved ones not yet run, scheduled ones whose date came, delayed steps
/// that are due, and runs a stopped instance left half-way).
pub async fn tick(ctx: &ServerContext) -> Result<(), String> {
    let store = &ctx.store;
    for request in store.expired_requests().await.map_err(|e| e.to_string())? {
        let by = Move {
            actor_id: SYSTEM,
            actor_username: SYSTEM,
            note: Some("nobody decided before the expiry"),
            decides: false,
        };
        if store
            .move_request(&request.id, &["submitted"], "expired", &by)
            .await
            .map_err(|e| e.to_string())?
        {
            let message = format!("{} expired: nobody decided in time", request.summary);
            let _ = store
                .add_notice(&request.requester_id, &request.tenant, &request.id, &message)
                .await;
            let entry = AuditEntry {
                request_id: format!("request:{}", request.id),
                actor_id: SYSTEM.to_owned(),
                actor_username: SYSTEM.to_owned(),
                tenant: Some(request.tenant.clone()),
                action: "request.expire".to_owned(),
                target: Some(request.id.clone()),
                outcome: Outcome::Success,
                detail: None,
            };
            if let Err(err) = store.append_audit(&entry).await {
                error!(%err, "could not record an expiry in the audit trail");
            }
        }
    }
    for id in store.due_requests(20).await.map_err(|e| e.to_string())? {
        start(ctx.clone(), id);
    }
    Ok(())
}
