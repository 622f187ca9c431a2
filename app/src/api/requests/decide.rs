//! Deciding a request (approve or reject), withdrawing it, and retrying what failed.
//!
//! An approval is checked against the approver's rights as Keycloak holds them at that moment
//! (their groups in the console realm), not as they were when they signed in: someone whose
//! role was taken away cannot approve with an old session. The state moves with one conditional
//! update, so of two approvers clicking at once one wins and the request runs once.

use cloudtrust_backend::store::{Move, Outcome, RequestRecord};
use serde_json::json;

use crate::policy::{Action, Rights};
use crate::ssr::{Caller, authorize, context, fail, from_keycloak, record};
use crate::workflow::{RequestFacts, RequestKind, RequestState, Transition};
use crate::{AppError, ErrorKind};

/// Approves (`approve`) or rejects a submitted request.
pub async fn decide(
    tenant: &str,
    id: &str,
    approve: bool,
    note: &str,
) -> Result<RequestState, AppError> {
    let caller = authorize(Action::FileRequest, Some(tenant)).await?;
    let request = load(tenant, id).await?;
    let state = state_of(&request);
    let transition = if approve { Transition::Approve } else { Transition::Reject };
    let to = state.apply(transition).map_err(|err| fail(AppError::conflict(said(&err))))?;
    if state != RequestState::Submitted {
        return Err(fail(AppError::conflict("This request does not wait for a decision.")));
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    if request.expires_at_ms.is_some_and(|at| at < now) {
        return Err(fail(AppError::conflict("This request expired before anyone decided.")));
    }
    let note = note.trim();
    if !approve && note.is_empty() {
        return Err(fail(AppError::invalid("note", "Say why the request is rejected.")));
    }

    let policy = super::lookups::load_policy(tenant).await?;
    let rights = fresh_rights(&caller).await?;
    let facts = facts_of(&request);
    if let Err(refusal) =
        policy.may_approve(&rights, &caller.identity.subject, tenant, &request.requester_id, facts)
    {
        let detail = json!({ "approve": approve, "refused": refusal.to_string() });
        record(&caller, tenant, "request.decide", Some(id), Outcome::Denied, Some(detail)).await;
        return Err(fail(AppError::new(ErrorKind::Forbidden, refusal.to_string())));
    }

    let by = Move {
        actor_id: &caller.identity.subject,
        actor_username: &caller.identity.username,
        note: Some(note).filter(|n| !n.is_empty()),
        decides: true,
    };
    let moved = context()
        .store
        .move_request(id, &[state.as_str()], to.as_str(), &by)
        .await
        .map_err(unavailable)?;
    if !moved {
        return Err(fail(AppError::conflict(
            "Someone else decided this request a moment ago; reload to see it.",
        )));
    }
    let action = if approve { "request.approve" } else { "request.reject" };
    let detail = json!({ "note": note, "requester": request.requester_username });
    record(&caller, tenant, action, Some(id), Outcome::Success, Some(detail)).await;
    let verb = if approve { "approved" } else { "rejected" };
    notify(&request, &format!("{} {verb} by {}", request.summary, caller.identity.username)).await;
    if approve {
        super::run::start(context(), id.to_owned());
    }
    Ok(to)
}

/// Withdraws a request that has not run, or abandons a failed one: its requester, or whoever
/// may approve requests in the tenant.
pub async fn cancel(tenant: &str, id: &str, note: &str) -> Result<RequestState, AppError> {
    let caller = authorize(Action::FileRequest, Some(tenant)).await?;
    let request = load(tenant, id).await?;
    let own = request.requester_id == caller.identity.subject;
    if !own && !fresh_rights(&caller).await?.allows(Action::ApproveRequest, Some(tenant)) {
        let message = "Only its requester or a tenant admin may cancel a request.";
        return Err(fail(AppError::new(ErrorKind::Forbidden, message)));
    }
    let state = state_of(&request);
    if state == RequestState::Running && request.runner.is_some() {
        let message = "This request is running now; cancel it once it waits or has failed.";
        return Err(fail(AppError::conflict(message)));
    }
    let to = state.apply(Transition::Cancel).map_err(|err| fail(AppError::conflict(said(&err))))?;
    let by = Move {
        actor_id: &caller.identity.subject,
        actor_username: &caller.identity.username,
        note: Some(note.trim()).filter(|n| !n.is_empty()),
        decides: false,
    };
    let store = &context().store;
    let moved = if state == RequestState::Running {
        store.cancel_parked(id, &by).await
    } else {
        store.move_request(id, &[state.as_str()], to.as_str(), &by).await
    }
    .map_err(unavailable)?;
    if !moved {
        return Err(fail(AppError::conflict("This request moved a moment ago; reload to see it.")));
    }
    record(&caller, tenant, "request.cancel", Some(id), Outcome::Success, None).await;
    if !own {
        notify(&request, &format!("{} cancelled by {}", request.summary, caller.identity.username))
            .await;
    }
    Ok(to)
}

/// Runs the failed steps of a failed request again.
pub async fn retry(tenant: &str, id: &str) -> Result<RequestState, AppError> {
    let caller = authorize(Action::FileRequest, Some(tenant)).await?;
    let request = load(tenant, id).await?;
    let own = request.requester_id == caller.identity.subject;
    if !own && !caller.identity.rights.allows(Action::ApproveRequest, Some(tenant)) {
        let message = "Only its requester or a tenant admin may run a request again.";
        return Err(fail(AppError::new(ErrorKind::Forbidden, message)));
    }
    let state = state_of(&request);
    state.apply(Transition::Retry).map_err(|err| fail(AppError::conflict(said(&err))))?;
    let by = Move {
        actor_id: &caller.identity.subject,
        actor_username: &caller.identity.username,
        note: Some("retry the failed steps"),
        decides: false,
    };
    // Back to approved, its failed steps pending again: the runner takes it up as a fresh one.
    let moved = context().store.retry_request(id, &by).await.map_err(unavailable)?;
    if !moved {
        return Err(fail(AppError::conflict("This request moved a moment ago; reload to see it.")));
    }
    record(&caller, tenant, "request.retry", Some(id), Outcome::Success, None).await;
    super::run::start(context(), id.to_owned());
    Ok(RequestState::Approved)
}

/// The request, when it belongs to `tenant`.
pub async fn load(tenant: &str, id: &str) -> Result<RequestRecord, AppError> {
    let request = context().store.request(id).await.map_err(unavailable)?;
    request
        .filter(|r| r.tenant == tenant)
        .ok_or_else(|| fail(AppError::new(ErrorKind::NotFound, "There is no such request.")))
}

/// The caller's rights as Keycloak holds them now: their groups in the console realm.
pub async fn fresh_rights(caller: &Caller) -> Result<Rights, AppError> {
    let ctx = context();
    let subject = &caller.identity.subject;
    let groups = ctx
        .keycloak
        .user_groups(&ctx.console_realm, subject, None, 0, 500)
        .await
        .map_err(from_keycloak)?;
    Ok(Rights::from_group_paths(groups.iter().map(|g| g.path.as_str())))
}

/// What the rules need to know of a stored request.
pub fn facts_of(request: &RequestRecord) -> RequestFacts {
    RequestFacts {
        kind: RequestKind::parse(&request.kind).unwrap_or(RequestKind::Onboard),
        rows: request.rows_total.max(0) as usize,
        privileged: request.privileged,
    }
}

/// The stored state; an unknown one reads as failed, which nobody can approve.
pub fn state_of(request: &RequestRecord) -> RequestState {
    RequestState::parse(&request.state).unwrap_or(RequestState::Failed)
}

/// Tells the requester that their request moved.
pub async fn notify(request: &RequestRecord, message: &str) {
    let store = &context().store;
    if let Err(err) =
        store.add_notice(&request.requester_id, &request.tenant, &request.id, message).await
    {
        tracing::error!(%err, "could not store a notice");
    }
}

fn said(err: &crate::workflow::TransitionError) -> String {
    let text = err.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => text,
    }
}

/// The database failed: nothing was changed.
pub fn unavailable(err: cloudtrust_backend::store::StoreError) -> AppError {
    tracing::error!(%err, "request store failed");
    fail(AppError::new(
        ErrorKind::Unavailable,
        "The console's database cannot be reached now; nothing was changed. Try again.",
    ))
}
