//! A user's life: creating one (with groups, roles and a first credential), offboarding a
//! leaver, deleting for good.
//!
//! Creating and offboarding take several calls to Keycloak. Each answers with the list of its
//! steps and how each ended, so that a fault half-way says what ran and what did not; every step
//! can be run again safely.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

#[cfg(feature = "ssr")]
pub(crate) mod create;
#[cfg(feature = "ssr")]
pub(crate) mod offboard;
#[cfg(feature = "ssr")]
mod steps;

/// How one step of a multi-step change ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepOutcome {
    /// Done.
    Done,
    /// Tried and failed; `message` says why.
    Failed,
    /// Not tried, because an earlier step failed.
    NotRun,
}

/// One step of a multi-step change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepResult {
    /// What the step does, for a person.
    pub step: String,
    /// How it ended.
    pub outcome: StepOutcome,
    /// Why it failed, when it did.
    pub message: Option<String>,
}

impl StepResult {
    /// The step as a person reads it: `Join the group /Legal: failed (why)`.
    pub fn describe(&self) -> String {
        let how = match self.outcome {
            StepOutcome::Done => rust_i18n::t!("step.done"),
            StepOutcome::Failed => rust_i18n::t!("step.failed"),
            StepOutcome::NotRun => rust_i18n::t!("step.not_run"),
        };
        let why = self.message.as_ref().map(|m| format!(" ({m})")).unwrap_or_default();
        format!("{}: {how}{why}", self.step)
    }
}

/// What a creation did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateUserResponse {
    /// The new user's id.
    pub id: String,
    /// The username, generated when none was given.
    pub username: String,
    /// The temporary password the console generated, shown once; `None` otherwise.
    pub generated_password: Option<String>,
    /// Each step and how it ended; the first is the creation itself.
    pub steps: Vec<StepResult>,
}

/// What an offboarding did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffboardResponse {
    /// Each step and how it ended.
    pub steps: Vec<StepResult>,
}

/// A new user. `fields` holds the profile's fields by attribute name (`username` may be empty to
/// have one generated); `groups` holds group ids; `roles` holds `realm/<role>` or
/// `<client uuid>/<role>`. Ids travel as values, never as form keys: a bracketed key that starts
/// with a digit would read as a list index. `credential` is `temporary` (a password, generated when
/// `password` is empty), `email` (the required actions in `actions`, by email), or `none`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUserRequest {
    /// The profile's fields.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Whether the user may sign in at once.
    #[serde(default)]
    pub enabled: bool,
    /// Whether the email address is known to be the user's.
    #[serde(default)]
    pub email_verified: bool,
    /// The groups to join, by id.
    #[serde(default)]
    pub groups: Vec<String>,
    /// The roles to grant.
    #[serde(default)]
    pub roles: Vec<String>,
    /// How the user gets a first credential.
    #[serde(default)]
    pub credential: String,
    /// The temporary password, for `temporary`; generated when empty.
    #[serde(default)]
    pub password: String,
    /// The required actions to email, for `email`.
    #[serde(default)]
    pub actions: BTreeMap<String, String>,
    /// How long the emailed link lasts.
    #[serde(default)]
    pub lifespan_hours: u32,
}

/// Creates a user from the realm's user profile, then joins the groups, grants the roles and
/// sets up the first credential. Nothing is created when the profile's checks fail or the
/// username or email is taken.
#[server(endpoint = "users/create")]
pub async fn create_user(
    tenant: String,
    user: NewUserRequest,
) -> Result<CreateUserResponse, AppError> {
    use crate::policy::Action;
    use crate::ssr::authorize;

    let caller = authorize(Action::CreateUser, Some(&tenant)).await?;
    if !user.groups.is_empty() || !user.roles.is_empty() {
        authorize(Action::ManageMembership, Some(&tenant)).await?;
    }

    create::create(&caller, &tenant, user).await
}

/// Offboards a leaver in one step: disables the account, ends every session, takes back the
/// roles granted directly and leaves every group. Running it again finishes what a fault left.
#[server(endpoint = "users/offboard")]
pub async fn offboard_user(tenant: String, id: String) -> Result<OffboardResponse, AppError> {
    use crate::policy::Action;
    use crate::ssr::authorize;

    let caller = authorize(Action::OffboardUser, Some(&tenant)).await?;

    offboard::offboard(&caller, &tenant, &id).await
}

/// Deletes the user for good. `confirm_username` must repeat the username exactly.
#[server(endpoint = "users/delete")]
pub async fn delete_user(
    tenant: String,
    id: String,
    confirm_username: String,
) -> Result<(), AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, fail, from_keycloak, recorded};

    let caller = authorize(Action::DeleteUser, Some(&tenant)).await?;

    let kc = &context().keycloak;
    let user = kc.user(&tenant, &id).await.map_err(from_keycloak)?;
    if confirm_username != user.username {
        let message = "Type the username exactly as shown to confirm the deletion.";
        return Err(fail(AppError::invalid("confirm_username", message)));
    }
    let result = kc.delete_user(&tenant, &id).await;

    let detail = serde_json::json!({
        "username": user.username,
        "email": user.email,
        "attributes": user.attributes,
    });
    recorded(&caller, &tenant, "user.delete", &id, Some(detail), result)
        .await
        .map_err(from_keycloak)
}
