//! Reading requests: the inboxes, the navigation's counts and notices, and one request with its
//! history, a page of steps, its progress and what the reader may do with it.

use cloudtrust_backend::store::{RequestFilter, RequestRecord};

use super::decide::{facts_of, load, state_of, unavailable};
use super::{
    HistoryEntry, InboxCounts, LIST_SIZE, Notice, Progress, RequestChoices, RequestDetail,
    RequestList, RequestSummary, STEPS_SIZE, StepView,
};
use crate::policy::{Action, Role};
use crate::ssr::{Caller, authorize, context, fail};
use crate::workflow::{RequestKind, RequestSpec, RequestState, StepState, Transition};
use crate::{AppError, ErrorKind};

/// How many of an onboarding's people a request's page receives.
const PEOPLE_SHOWN: usize = 20;

/// A page of the tenant's requests of one inbox.
pub async fn list(
    tenant: &str,
    inbox: &str,
    state: &str,
    page: u32,
) -> Result<RequestList, AppError> {
    let caller = authorize(Action::FileRequest, Some(tenant)).await?;
    let states = match state {
        "" => Vec::new(),
        name => match RequestState::parse(name) {
            Some(state) => vec![state.as_str().to_owned()],
            None => {
                let message = format!("{name:?} is not a state a request can be in.");
                return Err(fail(AppError::invalid("state", message)));
            }
        },
    };
    let mut filter = RequestFilter {
        tenant: tenant.to_owned(),
        states,
        offset: i64::from(page) * i64::from(LIST_SIZE),
        limit: i64::from(LIST_SIZE),
        ..RequestFilter::default()
    };
    match inbox {
        "mine" | "" => filter.requester_id = Some(caller.identity.subject.clone()),
        "waiting" => {
            if !waiting_filter(&caller, tenant, &mut filter).await? {
                let message = "Your role approves no requests in this tenant.";
                return Err(fail(AppError::new(ErrorKind::Forbidden, message)));
            }
        }
        "all" => {}
        other => {
            let message = format!("{other:?} is not an inbox: choose mine, waiting or all.");
            return Err(fail(AppError::invalid("inbox", message)));
        }
    }
    let (records, total) = context().store.list_requests(&filter).await.map_err(unavailable)?;
    Ok(RequestList { requests: records.iter().map(summary).collect(), total, page })
}

/// The navigation's counts and the caller's unread notices in this tenant.
pub async fn inbox(tenant: &str) -> Result<InboxCounts, AppError> {
    let caller = authorize(Action::FileRequest, Some(tenant)).await?;
    let store = &context().store;
    let mine = RequestFilter {
        tenant: tenant.to_owned(),
        requester_id: Some(caller.identity.subject.clone()),
        states: vec!["draft".into(), "submitted".into(), "failed".into()],
        limit: 0,
        ..RequestFilter::default()
    };
    let (_, mine_open) = store.list_requests(&mine).await.map_err(unavailable)?;
    let mut waiting = RequestFilter { tenant: tenant.to_owned(), limit: 0, ..Default::default() };
    let waiting_for_me = match waiting_filter(&caller, tenant, &mut waiting).await? {
        true => store.list_requests(&waiting).await.map_err(unavailable)?.1,
        false => 0,
    };
    let notices = store
        .unread_notices(&caller.identity.subject, tenant, 20)
        .await
        .map_err(unavailable)?
        .into_iter()
        .map(|n| Notice {
            id: n.id,
            request_id: n.request_id,
            message: n.message,
            at_ms: n.created_at_ms,
        })
        .collect();
    Ok(InboxCounts { mine_open, waiting_for_me, notices })
}

/// Marks the caller's notices read.
pub async fn mark_read(tenant: &str, up_to: i64) -> Result<(), AppError> {
    let caller = authorize(Action::FileRequest, Some(tenant)).await?;
    context().store.read_notices(&caller.identity.subject, tenant, up_to).await.map_err(unavailable)
}

/// One request of the tenant.
pub async fn detail(tenant: &str, id: &str, steps_page: u32) -> Result<RequestDetail, AppError> {
    let caller = authorize(Action::FileRequest, Some(tenant)).await?;
    let request = load(tenant, id).await?;
    let store = &context().store;
    let offset = i64::from(steps_page) * i64::from(STEPS_SIZE);
    let (history, steps, counts, rows) = futures::try_join!(
        store.request_history(id),
        store.steps_page(id, offset, i64::from(STEPS_SIZE)),
        store.step_counts(id),
        store.row_counts(id),
    )
    .map_err(unavailable)?;
    let mut spec: RequestSpec = serde_json::from_str(&request.spec).map_err(|err| {
        tracing::error!(%err, id, "a stored request does not read back");
        fail(AppError::new(ErrorKind::Internal, "This request's record cannot be read."))
    })?;
    // A page polls this while the request runs: the people of a large import are not sent
    // each time (the per-row result has them all).
    if let RequestSpec::Onboard { people, .. } = &mut spec {
        people.truncate(PEOPLE_SHOWN);
    }
    let rows_in = |state: &str| rows.iter().find(|(s, _)| s == state).map_or(0, |(_, n)| *n);
    let progress = Progress {
        total: request.steps_total,
        done: counts.done,
        failed: counts.failed,
        rows_done: rows_in("done"),
        rows_skipped: rows_in("skipped"),
        rows_failed: rows_in("failed"),
        rows_pending: rows_in("pending"),
    };
    let choices = choices(&caller, tenant, &request).await?;
    Ok(RequestDetail {
        summary: summary(&request),
        reason: request.reason.clone(),
        spec,
        approval_reasons: request
            .approval_reasons
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default(),
        approver: request.approver_username.clone(),
        decision_note: request.decision_note.clone(),
        expires_at_ms: request.expires_at_ms,
        history: history
            .into_iter()
            .map(|h| HistoryEntry {
                at_ms: h.at_ms,
                actor: h.actor_username,
                from: h.from_state.as_deref().and_then(RequestState::parse),
                to: RequestState::parse(&h.to_state).unwrap_or(RequestState::Failed),
                note: h.note,
            })
            .collect(),
        steps: steps
            .into_iter()
            .map(|s| StepView {
                seq: s.seq,
                row_no: s.row_no,
                label: s.label,
                state: StepState::parse(&s.state),
                message: s.message,
                attempts: s.attempts,
                not_before_ms: s.not_before_ms,
            })
            .collect(),
        steps_page,
        progress,
        choices,
    })
}

/// Narrows `filter` to the submitted requests the caller may decide; false when they decide
/// none (the caller says so, or counts none: this sets no response status).
async fn waiting_filter(
    caller: &Caller,
    tenant: &str,
    filter: &mut RequestFilter,
) -> Result<bool, AppError> {
    filter.states = vec![RequestState::Submitted.as_str().to_owned()];
    filter.not_requester_id = Some(caller.identity.subject.clone());
    let rights = &caller.identity.rights;
    if rights.allows(Action::ApproveRequest, Some(tenant)) {
        return Ok(true);
    }
    let policy = super::lookups::load_policy(tenant).await?;
    if policy.helpdesk_approves && rights.roles_in(tenant).contains(&Role::Helpdesk) {
        filter.privileged = Some(false);
        return Ok(true);
    }
    Ok(false)
}

async fn choices(
    caller: &Caller,
    tenant: &str,
    request: &RequestRecord,
) -> Result<RequestChoices, AppError> {
    let state = state_of(request);
    let rights = &caller.identity.rights;
    let mut choices = RequestChoices::default();
    if state == RequestState::Submitted {
        let policy = super::lookups::load_policy(tenant).await?;
        let subject = &caller.identity.subject;
        match policy.may_approve(rights, subject, tenant, &request.requester_id, facts_of(request))
        {
            Ok(()) => choices.decide = true,
            Err(refusal) => choices.decide_refusal = Some(refusal.to_string()),
        }
    }
    let own = request.requester_id == caller.identity.subject;
    let held = state == RequestState::Running && request.runner.is_some();
    choices.cancel = state.apply(Transition::Cancel).is_ok()
        && !held
        && (own || rights.allows(Action::ApproveRequest, Some(tenant)));
    choices.retry = state == RequestState::Failed
        && (own || rights.allows(Action::ApproveRequest, Some(tenant)));
    Ok(choices)
}

/// A stored request as lists show it.
pub fn summary(request: &RequestRecord) -> RequestSummary {
    RequestSummary {
        id: request.id.clone(),
        kind: RequestKind::parse(&request.kind).unwrap_or(RequestKind::Onboard),
        state: state_of(request),
        summary: request.summary.clone(),
        requester: request.requester_username.clone(),
        created_at_ms: request.created_at_ms,
        updated_at_ms: request.updated_at_ms,
        privileged: request.privileged,
        run_at_ms: request.run_at_ms,
        rows: request.rows_total,
    }
}
