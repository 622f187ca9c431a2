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

use cloudtrust_backend::keycloak::KeycloakError;
use cloudtrust_backend::store::{AuditEntry, Move, Outcome, RequestRecord, RowEnding, StepRecord};
use futures::StreamExt;
use serde_json::{Value, json};
use tracing::{error, info, warn};

use super::execute::execute;
use super::trail::{record_row, row_audit};
use crate::ssr::{ServerContext, explain_keycloak};
use crate::workflow::{StepAction, StepSubject};
use cloudtrust_backend::store::now_ms;

/// How long a claim lasts without renewal.
const LEASE_MS: i64 = 30_000;
/// Rows read from the database at a time.
const CHUNK_ROWS: i64 = 200;
/// Rows run at once. TODO(#4): a bulk import runs at about half the rate of the same creations
/// sent straight to Keycloak (`server/dev/bench workflows`; the goal is 0.9): two commits and
/// one call per row. Creating a chunk's users with one partial import (`ifResourceExists=SKIP`,
/// whose answer names each user) would cut the calls.
const CONCURRENT_ROWS: usize = 4;
/// Who the runner is in histories and the audit trail.
pub(super) const SYSTEM: &str = "system";

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
    // A claim of this run's own: another run in this very process cannot take it for its own.
    let holder = format!("{}:{}", ctx.instance, uuid::Uuid::new_v4().simple());
    let holder = holder.as_str();
    if !store.claim_request(id, holder, LEASE_MS).await.map_err(|e| e.to_string())? {
        return Ok(());
    }
    let Some(request) = store.request(id).await.map_err(|e| e.to_string())? else {
        return Ok(());
    };
    info!(request = id, tenant = request.tenant, "request run started");
    let by = Move { actor_id: SYSTEM, actor_username: SYSTEM, note: Some("run"), decides: false };
    store.note_request(id, "running", &by).await.map_err(|e| e.to_string())?;

    let stop = Arc::new(AtomicBool::new(false));
    let _heartbeat = AbortOnDrop(tokio::spawn({
        let (store, id, holder, stop) =
            (store.clone(), id.to_owned(), holder.to_owned(), stop.clone());
        async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis((LEASE_MS / 3) as u64)).await;
                match store.renew_claim(&id, &holder, LEASE_MS).await {
                    Ok(true) => {}
                    Ok(false) => {
                        warn!(request = id, "lost the claim on a request; this run stops");
                        stop.store(true, Ordering::Relaxed);
                        return;
                    }
                    Err(err) => warn!(%err, request = id, "could not renew a request's claim"),
                }
            }
        }
    }));
    let next_due = run_rows(ctx, &request, stop.clone()).await.map_err(|e| e.to_string())?;
    if stop.load(Ordering::Relaxed)
        && !store.renew_claim(id, holder, LEASE_MS).await.unwrap_or(false)
    {
        // Someone else holds it now: theirs to finish.
        return Ok(());
    }
    finish(ctx, &request, holder, next_due).await.map_err(|e| e.to_string())
}

/// Stops the claim's renewal however the run ends, a panic included.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs every row's unfinished steps; returns when the next delayed step is due, if one waits.
async fn run_rows(
    ctx: &ServerContext,
    request: &RequestRecord,
    stop: Arc<AtomicBool>,
) -> Result<Option<i64>, cloudtrust_backend::store::StoreError> {
    let store = &ctx.store;
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
    let last = steps.len().saturating_sub(1);
    // The last step's end is stored with the row's, in one commit.
    let mut unstored: Option<i64> = None;
    for (index, step) in steps.into_iter().enumerate() {
        if stop.load(Ordering::Relaxed) {
            if ran.is_empty() {
                return RowEnd::NotRun;
            }
            // What ran is recorded; the rest of the row stays pending for the retry.
            record_row(store, request, row, user_id.as_deref(), &ran, Outcome::Failed).await;
            return RowEnd::Failed;
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
                error!(request = id, seq = step.seq, "a stored step does not read back");
                let stored = async {
                    store.finish_step(id, step.seq, "failed", Some(message), None).await?;
                    store.finish_row(id, row, "failed", Some(message), None).await
                };
                if let Err(err) = stored.await {
                    error!(%err, request = id, "could not store a step's failure");
                }
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
                if index == last {
                    unstored = Some(step.seq);
                } else if let Err(err) =
                    store.finish_step(id, step.seq, "done", None, user_id.as_deref()).await
                {
                    error!(%err, request = id, "could not store a step's end");
                    stop.store(true, Ordering::Relaxed);
                    return RowEnd::Failed;
                }
            }
            Err(err) => {
                // Keycloak answers 500 when it cannot send an email (no mail server for the
                // realm): that is this row's failure, not Keycloak's.
                let emailing = matches!(action, StepAction::EmailActions { .. });
                let systemic = match err {
                    KeycloakError::Unavailable { .. } => !emailing,
                    KeycloakError::Timeout { .. }
                    | KeycloakError::Forbidden { .. }
                    | KeycloakError::Credentials { .. }
                    | KeycloakError::Unexpected { .. } => true,
                    _ => false,
                };
                if systemic {
                    stop.store(true, Ordering::Relaxed);
                }
                let message = explain_keycloak(err).message;
                ran.push(json!({ "step": step.label, "outcome": "failed", "message": message }));
                let audit = row_audit(request, row, user_id.as_deref(), &ran, Outcome::Failed);
                let ending = RowEnding {
                    request_id: id,
                    row_no: row,
                    step: Some(step.seq),
                    step_state: "failed",
                    row_state: "failed",
                    message: Some(&message),
                    user_id: user_id.as_deref(),
                    audit: audit.as_ref(),
                };
                if let Err(err) = store.close_row(&ending).await {
                    error!(%err, request = id, "could not store a step's failure");
                }
                return RowEnd::Failed;
            }
        }
    }
    let audit = row_audit(request, row, user_id.as_deref(), &ran, Outcome::Success);
    let ending = RowEnding {
        request_id: id,
        row_no: row,
        step: unstored,
        step_state: "done",
        row_state: "done",
        message: None,
        user_id: user_id.as_deref(),
        audit: audit.as_ref(),
    };
    if let Err(err) = store.close_row(&ending).await {
        // Keycloak did what the row asks; a retry finds it done (a creation is adopted).
        error!(%err, request = id, "could not store a row's end");
        stop.store(true, Ordering::Relaxed);
        return RowEnd::Failed;
    }
    RowEnd::Done
}

/// Moves the request to done or failed, or lets it wait for its next delayed step.
async fn finish(
    ctx: &ServerContext,
    request: &RequestRecord,
    holder: &str,
    next_due: Option<i64>,
) -> Result<(), cloudtrust_backend::store::StoreError> {
    let store = &ctx.store;
    store.settle_rows(&request.id).await?;
    let counts = store.step_counts(&request.id).await?;
    let by = |note| Move { actor_id: SYSTEM, actor_username: SYSTEM, note, decides: false };
    if counts.failed == 0
        && counts.pending + counts.running > 0
        && let Some(due) = next_due
    {
        store.park_request(&request.id, holder, due).await?;
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
