//! Restoring a backup: the dry run that shows what will change, starting the restore, running
//! a stopped one again, and the list of restores with each step and the check after.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::api::backups::{ChangedThing, KindChanges};

#[cfg(feature = "ssr")]
pub mod run;
#[cfg(feature = "ssr")]
mod views;

/// Into a new realm.
pub const INTO_NEW: &str = "new";
/// Into the tenant's realm as it is.
pub const INTO_LIVE: &str = "live";

/// What a person chooses before the dry run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreChoice {
    /// The backup's id.
    pub source: String,
    /// [`INTO_NEW`] or [`INTO_LIVE`].
    pub into: String,
    /// The new realm's name (ignored for the live realm).
    pub new_realm: String,
    /// `skip`, `overwrite` or `fail`.
    pub conflicts: String,
    /// Whether users brought back are emailed a link to set a password.
    pub email_users: bool,
}

/// What a restore does with one kind; lists hold the first hundred.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindPlanView {
    /// `clients`, `groups`, `users`, ...
    pub kind: String,
    /// Created: only in the backup.
    pub create: Vec<String>,
    /// How many are created.
    pub create_total: u64,
    /// In both and different.
    pub conflicts: Vec<ChangedThing>,
    /// How many conflict.
    pub conflicts_total: u64,
    /// The same on both sides.
    pub same: u64,
    /// Only in the realm: left alone.
    pub only_in_realm: u64,
    /// Whether the console restores this kind into this target.
    pub restored: bool,
}

/// The dry run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestorePlanView {
    /// The choice it was made for: the restore button runs exactly this one.
    pub choice: RestoreChoice,
    /// The realm written to.
    pub realm: String,
    /// Whether it is created.
    pub new_realm: bool,
    /// Per kind.
    pub kinds: Vec<KindPlanView>,
    /// What to set again by hand afterwards.
    pub to_set_again: Vec<String>,
    /// Known traps met and what the console does about each.
    pub warnings: Vec<String>,
    /// Why it may not run as chosen.
    pub refused: Option<String>,
}

/// One step of a restore as listed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRow {
    /// What it does.
    pub label: String,
    /// `pending`, `done` or `failed`.
    pub state: String,
    /// Created.
    pub added: u64,
    /// Existing, left.
    pub skipped: u64,
    /// Updated in place.
    pub overwritten: u64,
    /// What to know.
    pub notes: Vec<String>,
    /// Why it failed.
    pub error: Option<String>,
}

/// The check after a restore.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckView {
    /// Whether nothing differs but what `expected` explains.
    pub matches: bool,
    /// Per kind: in the backup, in the realm.
    pub counts: Vec<(String, u64, u64)>,
    /// The expected differences, and why.
    pub expected: Vec<String>,
    /// Every difference, per kind.
    pub differences: Vec<KindChanges>,
}

/// One restore as listed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreRow {
    /// Its id.
    pub id: String,
    /// The backup restored.
    pub source: String,
    /// The realm written to.
    pub realm: String,
    /// Whether that realm was created.
    pub new_realm: bool,
    /// The choice for conflicts.
    pub conflicts: String,
    /// `running`, `done`, `failed` or `interrupted`.
    pub state: String,
    /// Who started it.
    pub started_by: String,
    /// When.
    pub started_at_ms: i64,
    /// When it ended.
    pub finished_at_ms: Option<i64>,
    /// Each step.
    pub steps: Vec<StepRow>,
    /// The check, once done.
    pub check: Option<CheckView>,
    /// Why it stopped.
    pub error: Option<String>,
}

/// The dry run: what restoring as chosen would change. Writes nothing.
#[server(endpoint = "restores/plan")]
pub async fn plan_restore(
    tenant: String,
    choice: RestoreChoice,
) -> Result<RestorePlanView, AppError> {
    run::plan(&tenant, &choice).await
}

/// Starts the restore as chosen, after the same dry run; answers its id.
#[server(endpoint = "restores/start")]
pub async fn start_restore(tenant: String, choice: RestoreChoice) -> Result<String, AppError> {
    run::start(&tenant, &choice).await
}

/// Runs a stopped restore again: the steps done are not run twice.
#[server(endpoint = "restores/resume")]
pub async fn resume_restore(tenant: String, id: String) -> Result<(), AppError> {
    run::resume(&tenant, &id).await
}

/// The tenant's restores, newest first.
#[server(endpoint = "restores/list")]
pub async fn list_restores(tenant: String) -> Result<Vec<RestoreRow>, AppError> {
    run::list(&tenant).await
}
