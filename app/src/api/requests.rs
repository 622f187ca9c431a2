//! Provisioning requests: filing the four kinds, the inboxes, deciding, cancelling and retrying,
//! and reading one request with its steps as it runs.
//!
//! Filing resolves what the request names (groups, roles, the template) and checks it before
//! anything is stored; the tenant's rules then say whether it waits for an approver or runs at
//! once. Running is the server's: the steps are stored, run in order by one runner at a time,
//! and survive a restart (`requests/run.rs`).

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::workflow::{RequestKind, RequestSpec, RequestState, StepState};

#[cfg(feature = "ssr")]
pub mod decide;
#[cfg(feature = "ssr")]
mod execute;
#[cfg(feature = "ssr")]
pub mod file;
#[cfg(feature = "ssr")]
pub mod lookups;
#[cfg(feature = "ssr")]
pub mod plan;
#[cfg(feature = "ssr")]
pub mod read;
#[cfg(feature = "ssr")]
pub mod run;
#[cfg(feature = "ssr")]
mod trail;

/// How many requests a page of a list shows.
pub const LIST_SIZE: u32 = 25;
/// How many steps a page of a request shows.
pub const STEPS_SIZE: u32 = 100;

/// A request as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSummary {
    /// Its id.
    pub id: String,
    /// Its kind.
    pub kind: RequestKind,
    /// Where it stands.
    pub state: RequestState,
    /// One line.
    pub summary: String,
    /// Who filed it.
    pub requester: String,
    /// When, epoch milliseconds.
    pub created_at_ms: i64,
    /// When it last changed.
    pub updated_at_ms: i64,
    /// Whether it touches privileged access.
    pub privileged: bool,
    /// Not to run before then (a scheduled leaver).
    pub run_at_ms: Option<i64>,
    /// How many people it concerns.
    pub rows: i64,
}

/// A page of requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestList {
    /// This page.
    pub requests: Vec<RequestSummary>,
    /// How many match in all.
    pub total: i64,
    /// The page shown, from 0.
    pub page: u32,
}

/// A notice: a request the person filed moved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Its id.
    pub id: i64,
    /// The request.
    pub request_id: String,
    /// What happened.
    pub message: String,
    /// When.
    pub at_ms: i64,
}

/// What the navigation shows beside "Requests".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxCounts {
    /// The person's own requests still waiting (draft or submitted) or failed.
    pub mine_open: i64,
    /// Requests the person may approve, waiting.
    pub waiting_for_me: i64,
    /// Unread notices of this tenant, newest first.
    pub notices: Vec<Notice>,
}

/// One entry of a request's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When.
    pub at_ms: i64,
    /// Who (`system` for the runner).
    pub actor: String,
    /// The state before, when it changed.
    pub from: Option<RequestState>,
    /// The state after.
    pub to: RequestState,
    /// What was said.
    pub note: Option<String>,
}

/// One step, as the request's page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    /// Its place.
    pub seq: i64,
    /// The person (row) it concerns, from 0.
    pub row_no: i64,
    /// What it does.
    pub label: String,
    /// Where it stands.
    pub state: StepState,
    /// Why it failed.
    pub message: Option<String>,
    /// How many times it ran.
    pub attempts: i64,
    /// Not before then (a delayed deletion).
    pub not_before_ms: Option<i64>,
}

/// How far a request has run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Steps in all.
    pub total: i64,
    /// Steps done.
    pub done: i64,
    /// Steps failed.
    pub failed: i64,
    /// Rows (people) created or changed.
    pub rows_done: i64,
    /// Rows skipped at the check, with a reason.
    pub rows_skipped: i64,
    /// Rows that failed.
    pub rows_failed: i64,
    /// Rows not run yet.
    pub rows_pending: i64,
}

/// What the person looking at a request may do with it, and why not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestChoices {
    /// May approve or reject it.
    pub decide: bool,
    /// Why not, when it waits for a decision and the person may not take it.
    pub decide_refusal: Option<String>,
    /// May cancel it.
    pub cancel: bool,
    /// May run its failed steps again.
    pub retry: bool,
}

/// One request with its history and a page of its steps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetail {
    /// As lists show it.
    pub summary: RequestSummary,
    /// Why it was filed.
    pub reason: String,
    /// What it asks for.
    pub spec: RequestSpec,
    /// Why it needs approval; empty when it needs none.
    pub approval_reasons: Vec<String>,
    /// Who decided it.
    pub approver: Option<String>,
    /// What they said.
    pub decision_note: Option<String>,
    /// When it expires if undecided.
    pub expires_at_ms: Option<i64>,
    /// What happened, oldest first.
    pub history: Vec<HistoryEntry>,
    /// This page of steps.
    pub steps: Vec<StepView>,
    /// The page shown, from 0.
    pub steps_page: u32,
    /// How far it has run.
    pub progress: Progress,
    /// What the person may do.
    pub choices: RequestChoices,
}

/// A request just filed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filed {
    /// Its id.
    pub id: String,
    /// Where it stands: submitted (waits for approval) or approved (runs now).
    pub state: RequestState,
    /// Why it waits, when it does.
    pub approval_reasons: Vec<String>,
}

/// The requests of a tenant: `inbox` is `mine` (filed by the caller), `waiting` (waiting for a
/// decision the caller may take) or `all`; `state` narrows to one state when not empty.
#[server(endpoint = "requests/list")]
pub async fn list_requests(
    tenant: String,
    #[server(default)] inbox: String,
    #[server(default)] state: String,
    #[server(default)] page: u32,
) -> Result<RequestList, AppError> {
    read::list(&tenant, &inbox, &state, page).await
}

/// The counts and notices the navigation shows.
#[server(endpoint = "requests/inbox")]
pub async fn get_inbox(tenant: String) -> Result<InboxCounts, AppError> {
    read::inbox(&tenant).await
}

/// Marks the caller's notices up to `up_to` read.
#[server(endpoint = "requests/notices-read")]
pub async fn read_notices(tenant: String, up_to: i64) -> Result<(), AppError> {
    read::mark_read(&tenant, up_to).await
}

/// One request, with a page of its steps.
#[server(endpoint = "requests/get")]
pub async fn get_request(
    tenant: String,
    id: String,
    #[server(default)] steps_page: u32,
) -> Result<RequestDetail, AppError> {
    read::detail(&tenant, &id, steps_page).await
}

/// Files an onboarding: `fields` are the profile's fields by attribute name (the template's
/// fill the rest); `template` is a template id or empty; `credential` is `email` (with
/// `lifespan_hours`) or `later`.
#[server(endpoint = "requests/onboard")]
pub async fn file_onboarding(
    tenant: String,
    #[server(default)] template: String,
    #[server(default)] fields: BTreeMap<String, String>,
    #[server(default)] credential: String,
    #[server(default)] lifespan_hours: u32,
    #[server(default)] enabled: bool,
    #[server(default)] reason: String,
) -> Result<Filed, AppError> {
    let credential = file::credential(&credential, lifespan_hours)?;
    file::onboarding(&tenant, &template, fields, credential, enabled, &reason).await
}

/// Files a change of access for one user. `add` and `remove` hold `group/<id>`,
/// `realm/<role>` or `client/<client uuid>/<role>`.
#[server(endpoint = "requests/change-access")]
pub async fn file_change_access(
    tenant: String,
    user_id: String,
    #[server(default)] add: Vec<String>,
    #[server(default)] remove: Vec<String>,
    #[server(default)] reason: String,
) -> Result<Filed, AppError> {
    file::change_access(&tenant, &user_id, &add, &remove, &reason).await
}

/// Files an offboarding: `run_on` (`YYYY-MM-DD`, empty for now) is the leaving date, run at the
/// start of that day (UTC); `delete_after_days` (empty to keep the user) deletes the user that
/// many days after.
#[server(endpoint = "requests/offboard")]
pub async fn file_offboarding(
    tenant: String,
    user_id: String,
    #[server(default)] run_on: String,
    #[server(default)] delete_after_days: String,
    #[server(default)] reason: String,
) -> Result<Filed, AppError> {
    file::offboarding(&tenant, &user_id, &run_on, &delete_after_days, &reason).await
}

/// Files a credential reset: `method` is `email` (with `lifespan_hours`) or `next_sign_in`;
/// `actions` are Keycloak's required actions (`UPDATE_PASSWORD`, `CONFIGURE_TOTP`…).
#[server(endpoint = "requests/reset")]
pub async fn file_credential_reset(
    tenant: String,
    user_id: String,
    #[server(default)] method: String,
    #[server(default)] actions: Vec<String>,
    #[server(default)] lifespan_hours: u32,
    #[server(default)] reason: String,
) -> Result<Filed, AppError> {
    file::credential_reset(&tenant, &user_id, &method, actions, lifespan_hours, &reason).await
}

/// Approves a waiting request; it then runs (or waits for its date). Refused to its requester,
/// and to anyone whose rights, read afresh from Keycloak, no longer allow it.
#[server(endpoint = "requests/approve")]
pub async fn approve_request(
    tenant: String,
    id: String,
    #[server(default)] note: String,
) -> Result<RequestState, AppError> {
    decide::decide(&tenant, &id, true, &note).await
}

/// Rejects a waiting request; nothing runs. `note` says why and is required.
#[server(endpoint = "requests/reject")]
pub async fn reject_request(
    tenant: String,
    id: String,
    #[server(default)] note: String,
) -> Result<RequestState, AppError> {
    decide::decide(&tenant, &id, false, &note).await
}

/// Withdraws a request that has not run (or abandons a failed one): its requester or a tenant
/// admin.
#[server(endpoint = "requests/cancel")]
pub async fn cancel_request(
    tenant: String,
    id: String,
    #[server(default)] note: String,
) -> Result<RequestState, AppError> {
    decide::cancel(&tenant, &id, &note).await
}

/// Runs the failed steps of a failed request again, and what follows them.
#[server(endpoint = "requests/retry")]
pub async fn retry_request(tenant: String, id: String) -> Result<RequestState, AppError> {
    decide::retry(&tenant, &id).await
}
