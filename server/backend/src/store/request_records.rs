//! What the store keeps of a provisioning request: the request as filed, its steps and rows,
//! its history, and the figures read back about them.

/// A request to file, with its steps and rows.
#[derive(Clone, Debug, Default)]
pub struct NewRequest {
    /// Its id (a UUID).
    pub id: String,
    /// The tenant.
    pub tenant: String,
    /// Its kind's stable name.
    pub kind: String,
    /// The state it starts in.
    pub state: String,
    /// Who filed it: Keycloak subject and username.
    pub requester_id: String,
    /// Who filed it, readable.
    pub requester_username: String,
    /// Why, in the requester's words.
    pub reason: String,
    /// One line for lists.
    pub summary: String,
    /// What it asks for, as JSON.
    pub spec: String,
    /// How many people it concerns.
    pub rows_total: i64,
    /// Whether it touches privileged access.
    pub privileged: bool,
    /// Why it needs approval (JSON list of reasons), when it does.
    pub approval_reasons: Option<String>,
    /// When it expires if nobody decides.
    pub expires_at_ms: Option<i64>,
    /// Not to run before then (a scheduled leaver).
    pub run_at_ms: Option<i64>,
}

/// One step to store.
#[derive(Clone, Debug, Default)]
pub struct NewStep {
    /// The row (person) it belongs to.
    pub row_no: i64,
    /// Its place in the request.
    pub seq: i64,
    /// What it does, for people.
    pub label: String,
    /// The call, as JSON.
    pub action: String,
    /// Whom it acts on, as JSON.
    pub subject: String,
    /// Wait this long after the step before it finished.
    pub delay_ms: Option<i64>,
}

/// One row (person) to store.
#[derive(Clone, Debug, Default)]
pub struct NewRow {
    /// Its number in the request, from 0.
    pub row_no: i64,
    /// The line of the imported file, when one.
    pub line: Option<i64>,
    /// The username it concerns.
    pub username: String,
    /// `pending`, or `skipped` with the reason in `message`.
    pub state: String,
    /// Why it was skipped.
    pub message: Option<String>,
    /// The user, when it exists already.
    pub user_id: Option<String>,
}

/// A stored request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    /// Its id.
    pub id: String,
    /// The tenant.
    pub tenant: String,
    /// Its kind's stable name.
    pub kind: String,
    /// Its state's stable name.
    pub state: String,
    /// Who filed it.
    pub requester_id: String,
    /// Who filed it, readable.
    pub requester_username: String,
    /// Why.
    pub reason: String,
    /// One line for lists.
    pub summary: String,
    /// What it asks for, as JSON.
    pub spec: String,
    /// How many people it concerns.
    pub rows_total: i64,
    /// Whether it touches privileged access.
    pub privileged: bool,
    /// Why it needs approval (JSON), when it does.
    pub approval_reasons: Option<String>,
    /// Who decided it.
    pub approver_id: Option<String>,
    /// Who decided it, readable.
    pub approver_username: Option<String>,
    /// What the approver said.
    pub decision_note: Option<String>,
    /// When it was filed.
    pub created_at_ms: i64,
    /// When it last changed.
    pub updated_at_ms: i64,
    /// When it expires if undecided.
    pub expires_at_ms: Option<i64>,
    /// Not to run before then.
    pub run_at_ms: Option<i64>,
    /// When a runner first took it up.
    pub started_at_ms: Option<i64>,
    /// The runner holding it.
    pub runner: Option<String>,
    /// Until when the runner holds it.
    pub lease_until_ms: i64,
    /// How many steps it has.
    pub steps_total: i64,
}

/// A stored step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepRecord {
    /// Its place in the request.
    pub seq: i64,
    /// Its row.
    pub row_no: i64,
    /// What it does, for people.
    pub label: String,
    /// The call, as JSON.
    pub action: String,
    /// Whom it acts on, as JSON.
    pub subject: String,
    /// `pending`, `running`, `done` or `failed`.
    pub state: String,
    /// Why it failed.
    pub message: Option<String>,
    /// The user it acted on (or created).
    pub user_id: Option<String>,
    /// Wait this long after the step before it.
    pub delay_ms: Option<i64>,
    /// Not to run before then, once the wait started.
    pub not_before_ms: Option<i64>,
    /// How many times it was tried.
    pub attempts: i64,
    /// When it last finished.
    pub finished_at_ms: Option<i64>,
}

/// A stored row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowRecord {
    /// Its number.
    pub row_no: i64,
    /// The imported file's line.
    pub line: Option<i64>,
    /// The username.
    pub username: String,
    /// `pending`, `done`, `skipped` or `failed`.
    pub state: String,
    /// Why it was skipped or failed.
    pub message: Option<String>,
    /// The user.
    pub user_id: Option<String>,
}

/// One entry of a request's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryRecord {
    /// When.
    pub at_ms: i64,
    /// Who: a subject, or `system`.
    pub actor_id: String,
    /// Who, readable.
    pub actor_username: String,
    /// The state before, when it changed.
    pub from_state: Option<String>,
    /// The state after.
    pub to_state: String,
    /// What was said or done.
    pub note: Option<String>,
}

/// Who moves a request, and what they say.
#[derive(Clone, Debug, Default)]
pub struct Move<'a> {
    /// Who: a subject, or `system`.
    pub actor_id: &'a str,
    /// Who, readable.
    pub actor_username: &'a str,
    /// A note for the history.
    pub note: Option<&'a str>,
    /// Record the actor as the request's approver (an approval or a rejection).
    pub decides: bool,
}

/// Which requests to list.
#[derive(Clone, Debug, Default)]
pub struct RequestFilter {
    /// The tenant.
    pub tenant: String,
    /// Only those filed by this subject.
    pub requester_id: Option<String>,
    /// Only those not filed by this subject.
    pub not_requester_id: Option<String>,
    /// Only those that touch privileged access (`Some(true)`) or that do not.
    pub privileged: Option<bool>,
    /// Only those in one of these states (all when empty).
    pub states: Vec<String>,
    /// Skip this many, newest first.
    pub offset: i64,
    /// At most this many.
    pub limit: i64,
}

/// How many steps of a request are in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepCounts {
    /// Not run yet.
    pub pending: i64,
    /// Being run.
    pub running: i64,
    /// Done.
    pub done: i64,
    /// Failed.
    pub failed: i64,
}
