//! Requests in words: their kinds, states and steps as a person reads them, the badge that
//! shows a state, and what a request just filed does next. Shared by every request page, so
//! that a state reads the same everywhere; each variant is named, so a new one fails to build
//! until it has its words.

use leptos::prelude::*;
use rust_i18n::t;

use crate::api::requests::Filed;
use crate::api::user_changes::REQUIRED_ACTIONS;
use crate::workflow::{RequestKind, RequestState, StepState};

/// A request's kind, in words.
pub(crate) fn kind_words(kind: RequestKind) -> String {
    match kind {
        RequestKind::Onboard => t!("requests.kind_onboard"),
        RequestKind::ChangeAccess => t!("requests.kind_change_access"),
        RequestKind::Offboard => t!("requests.kind_offboard"),
        RequestKind::CredentialReset => t!("requests.kind_credential_reset"),
    }
    .to_string()
}

/// A request's state, in words.
pub(crate) fn state_words(state: RequestState) -> String {
    match state {
        RequestState::Draft => t!("requests.state_draft"),
        RequestState::Submitted => t!("requests.state_submitted"),
        RequestState::Approved => t!("requests.state_approved"),
        RequestState::Rejected => t!("requests.state_rejected"),
        RequestState::Running => t!("requests.state_running"),
        RequestState::Done => t!("requests.state_done"),
        RequestState::Failed => t!("requests.state_failed"),
        RequestState::Expired => t!("requests.state_expired"),
        RequestState::Cancelled => t!("requests.state_cancelled"),
    }
    .to_string()
}

/// A step's state, in words.
pub(crate) fn step_words(state: StepState) -> String {
    match state {
        StepState::Pending => t!("requests.step_pending"),
        StepState::Running => t!("requests.step_running"),
        StepState::Done => t!("requests.step_done"),
        StepState::Failed => t!("requests.step_failed"),
    }
    .to_string()
}

/// A required action's name, or its alias when the console has no name for it.
pub(crate) fn action_words(alias: &str) -> String {
    if REQUIRED_ACTIONS.contains(&alias) {
        t!(format!("required_action.{alias}")).to_string()
    } else {
        alias.to_owned()
    }
}

/// What a request just filed does next: waits for an approver (and why), or runs now.
pub(crate) fn filed_words(filed: &Filed) -> String {
    match filed.state {
        RequestState::Submitted => {
            t!("requests.filed_waiting", reasons = filed.approval_reasons.join("; ")).to_string()
        }
        RequestState::Approved | RequestState::Running => t!("requests.filed_running").to_string(),
        other => t!("requests.filed_other", state = state_words(other)).to_string(),
    }
}

/// A state as a badge: the words, with a colour that only repeats them.
#[component]
pub(crate) fn StateBadge(state: RequestState) -> impl IntoView {
    let colour = match state {
        RequestState::Draft => "bg-slate-100 text-slate-800",
        RequestState::Submitted => "bg-amber-100 text-amber-900",
        RequestState::Approved | RequestState::Running => "bg-sky-100 text-sky-900",
        RequestState::Done => "bg-emerald-100 text-emerald-900",
        RequestState::Rejected | RequestState::Failed => "bg-rose-100 text-rose-900",
        RequestState::Expired | RequestState::Cancelled => "bg-slate-200 text-slate-700",
    };

    view! {
        <span
            data-testid="request-state"
            data-state=state.as_str()
            class=format!("rounded px-2 py-0.5 text-sm {colour}")
        >
            {state_words(state)}
        </span>
    }
}
