//! Filing a request: what it names is resolved and checked against Keycloak, it is turned into
//! steps, the tenant's rules say whether it waits for an approver, and it is stored with its
//! steps in one transaction. A request that needs no approval starts at once.

use std::collections::BTreeMap;

use cloudtrust_backend::keycloak::KeycloakAdmin;
use cloudtrust_backend::store::{NewRequest, NewRow, NewStep, Outcome};
use serde_json::json;

use super::Filed;
use super::lookups::{approval_of, load_policy, resolve_access, taken};
use super::plan::{existing_row, onboard_steps, steps_of_row};
use crate::api::lifecycle::create::{generate_username, representation};
use crate::api::user_changes::MAX_LIFESPAN_HOURS;
use crate::policy::Action;
use crate::ssr::{Caller, authorize, context, fail, from_keycloak, record};
use crate::workflow::{
    AccessItem, Credential, Person, RequestSpec, RequestState, ResetMethod, StepAction,
    StepSubject, Template,
};
use crate::{AppError, ErrorKind};

/// The key of the approval rules among a tenant's settings.
pub const POLICY_KEY: &str = "workflow_policy";
/// The required actions a request may set or email.
pub const ACTIONS: [&str; 4] =
    ["UPDATE_PASSWORD", "CONFIGURE_TOTP", "VERIFY_EMAIL", "UPDATE_PROFILE"];
const DAY_MS: i64 = 86_400_000;

/// Reads the credential choice of a form: `email` with a lifespan, or `later`.
pub fn credential(kind: &str, lifespan_hours: u32) -> Result<Credential, AppError> {
    match kind {
        "email" if (1..=MAX_LIFESPAN_HOURS).contains(&lifespan_hours) => {
            Ok(Credential::Email { lifespan_hours })
        }
        "email" => Err(fail(AppError::invalid(
            "lifespan_hours",
            format!("The link lasts 1 to {MAX_LIFESPAN_HOURS} hours."),
        ))),
        "later" | "" => Ok(Credential::Later),
        _ => Err(fail(AppError::invalid("credential", "Choose how the user signs in first."))),
    }
}

/// Files the onboarding of one person, from a template when one is named.
pub async fn onboarding(
    tenant: &str,
    template: &str,
    fields: BTreeMap<String, String>,
    credential: Credential,
    enabled: bool,
    reason: &str,
) -> Result<Filed, AppError> {
    let caller = authorize(Action::FileRequest, Some(tenant)).await?;
    let reason = check_reason(reason)?;
    let kc = &context().keycloak;
    let template = crate::api::templates::store::find(tenant, template).await?;

    let mut fields: BTreeMap<String, String> =
        fields.into_iter().map(|(k, v)| (k, v.trim().to_owned())).collect();
    if let Some(template) = &template {
        for (name, value) in &template.fields {
            fields.entry(name.clone()).or_default();
            if fields[name].is_empty() {
                fields.insert(name.clone(), value.clone());
            }
        }
    }
    fields.retain(|_, v| !v.is_empty());
    let username = match fields.get("username").map(|u| u.to_lowercase()) {
        Some(name) => name,
        None => generate_username(kc, tenant, &fields).await?,
    };
    fields.insert("username".to_owned(), username.clone());
    let profile = kc.user_profile(tenant).await.map_err(from_keycloak)?;
    representation(&profile, &fields, enabled, false).map_err(fail)?;
    if let Some(field) = taken(kc, tenant, &username, fields.get("email")).await? {
        let message = format!("Another user of this tenant already has this {field}.");
        return Err(fail(AppError::invalid(field, message)));
    }

    if let Some(reason) = credential.undeliverable(fields.get("email").map(String::as_str), enabled)
    {
        return Err(fail(AppError::invalid("credential", reason)));
    }
    let access = template_access(kc, tenant, template.as_ref()).await?;
    let spec = RequestSpec::Onboard {
        template: template.as_ref().map(|t| t.id.clone()),
        template_name: template.as_ref().map(|t| t.name.clone()),
        people: vec![Person { fields, access: Vec::new() }],
        access,
        required_actions: template.map(|t| t.required_actions).unwrap_or_default(),
        credential,
        enabled,
        file_name: None,
    };
    let (steps, rows) = onboard_steps(&spec, &[None], &profile)?;
    store_request(&caller, tenant, None, spec, &reason, None, steps, rows).await
}

/// What a template grants, looked up again: a group or role gone since the template was saved
/// is refused, and whether each is privileged is as Keycloak has it now.
pub async fn template_access(
    kc: &KeycloakAdmin,
    tenant: &str,
    template: Option<&Template>,
) -> Result<Vec<AccessItem>, AppError> {
    let Some(template) = template else { return Ok(Vec::new()) };
    let keys: Vec<String> = template.access.iter().map(AccessItem::key).collect();
    resolve_access(kc, tenant, &keys, "template").await
}

/// Files a change of access for one user.
pub async fn change_access(
    tenant: &str,
    user_id: &str,
    add: &[String],
    remove: &[String],
    reason: &str,
) -> Result<Filed, AppError> {
    let caller = authorize(Action::FileRequest, Some(tenant)).await?;
    let reason = check_reason(reason)?;
    if add.is_empty() && remove.is_empty() {
        return Err(fail(AppError::invalid("add", "Choose something to add or to take back.")));
    }
    let kc = &context().keycloak;
    let user = kc.user(tenant, user_id).await.map_err(from_keycloak)?;
    let add = resolve_access(kc, tenant, add, "add").await?;
    let remove = resolve_access(kc, tenant, remove, "remove").await?;

    let subject = StepSubject::User { id: user.id.clone() };
    let actions: Vec<StepAction> =
        add.iter().map(StepAction::grant).chain(remove.iter().map(StepAction::revoke)).collect();
    let steps = steps_of_row(0, &subject, actions.into_iter().map(|a| (a, None)));
    let rows = vec![existing_row(&user.username, &user.id)];
    let spec = RequestSpec::ChangeAccess { user_id: user.id, username: user.username, add, remove };
    store_request(&caller, tenant, None, spec, &reason, None, steps, rows).await
}

/// Files an offboarding, now or on a date, with a deletion later when asked.
pub async fn offboarding(
    tenant: &str,
    user_id: &str,
    run_on: &str,
    delete_after_days: &str,
    reason: &str,
) -> Result<Filed, AppError> {
    let caller = authorize(Action::FileRequest, Some(tenant)).await?;
    let reason = check_reason(reason)?;
    let run_at = leaving_date(run_on)?;
    let delete_after_days = match delete_after_days.trim() {
        "" => None,
        text => match text.parse::<u32>() {
            Ok(days) if days <= 3650 => Some(days),
            _ => {
                let message = "Give the days before deletion as a number from 0 to 3650.";
                return Err(fail(AppError::invalid("delete_after_days", message)));
            }
        },
    };
    let user = context().keycloak.user(tenant, user_id).await.map_err(from_keycloak)?;

    let subject = StepSubject::User { id: user.id.clone() };
    let mut actions = vec![
        (StepAction::Disable, None),
        (StepAction::EndSessions, None),
        (StepAction::RemoveAllAccess, None),
    ];
    if let Some(days) = delete_after_days {
        actions.push((StepAction::DeleteUser, Some(i64::from(days) * DAY_MS)));
    }
    let steps = steps_of_row(0, &subject, actions.into_iter());
    let rows = vec![existing_row(&user.username, &user.id)];
    let spec =
        RequestSpec::Offboard { user_id: user.id, username: user.username, delete_after_days };
    store_request(&caller, tenant, None, spec, &reason, run_at, steps, rows).await
}

/// Files a credential reset.
pub async fn credential_reset(
    tenant: &str,
    user_id: &str,
    method: &str,
    actions: Vec<String>,
    lifespan_hours: u32,
    reason: &str,
) -> Result<Filed, AppError> {
    let caller = authorize(Action::FileRequest, Some(tenant)).await?;
    let reason = check_reason(reason)?;
    let actions = checked_actions(actions)?;
    if actions.is_empty() {
        return Err(fail(AppError::invalid("actions", "Tick at least one action.")));
    }
    let method = match method {
        "email" if (1..=MAX_LIFESPAN_HOURS).contains(&lifespan_hours) => {
            ResetMethod::Email { actions, lifespan_hours }
        }
        "email" => {
            let message = format!("The link lasts 1 to {MAX_LIFESPAN_HOURS} hours.");
            return Err(fail(AppError::invalid("lifespan_hours", message)));
        }
        "next_sign_in" => ResetMethod::NextSignIn { actions },
        _ => return Err(fail(AppError::invalid("method", "Choose how the reset is done."))),
    };
    let user = context().keycloak.user(tenant, user_id).await.map_err(from_keycloak)?;
    if let ResetMethod::Email { .. } = &method {
        let email = user.email.as_deref().filter(|e| !e.is_empty());
        let reason = match (email, user.enabled) {
            (None, _) => Some("This user has no email address: choose the next sign-in instead."),
            (Some(_), false) => {
                Some("Keycloak sends no email to a disabled user: enable it first.")
            }
            _ => None,
        };
        if let Some(reason) = reason {
            return Err(fail(AppError::invalid("method", reason)));
        }
    }
    if let ResetMethod::Email { .. } = method {
        let email = user.email.as_deref().filter(|e| !e.is_empty());
        let reason = match (email, user.enabled) {
            (None, _) => Some("This user has no email address: choose the next sign-in instead."),
            (Some(_), false) => {
                Some("Keycloak sends no email to a disabled user: enable it first.")
            }
            _ => None,
        };
        if let Some(reason) = reason {
            return Err(fail(AppError::invalid("method", reason)));
        }
    }

    let subject = StepSubject::User { id: user.id.clone() };
    let actions = match &method {
        ResetMethod::Email { actions, lifespan_hours } => vec![StepAction::EmailActions {
            actions: actions.clone(),
            lifespan_seconds: lifespan_hours * 3600,
        }],
        ResetMethod::NextSignIn { actions } => {
            vec![StepAction::RequireActions { actions: actions.clone() }, StepAction::EndSessions]
        }
    };
    let steps = steps_of_row(0, &subject, actions.into_iter().map(|a| (a, None)));
    let rows = vec![existing_row(&user.username, &user.id)];
    let spec = RequestSpec::CredentialReset { user_id: user.id, username: user.username, method };
    store_request(&caller, tenant, None, spec, &reason, None, steps, rows).await
}

/// Stores a request (or completes a draft, when `draft` names one), with the rules' decision,
/// records it, and starts it when it needs no approval.
#[allow(clippy::too_many_arguments, reason = "each is one column of the request")]
pub async fn store_request(
    caller: &Caller,
    tenant: &str,
    draft: Option<&str>,
    spec: RequestSpec,
    reason: &str,
    run_at_ms: Option<i64>,
    steps: Vec<NewStep>,
    rows: Vec<NewRow>,
) -> Result<Filed, AppError> {
    let ctx = context();
    let policy = load_policy(tenant).await?;
    let (approval_reasons, privileged) = approval_of(caller, tenant, &policy, &spec);
    let state =
        if approval_reasons.is_empty() { RequestState::Approved } else { RequestState::Submitted };
    let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let id = draft.map(str::to_owned).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let request = NewRequest {
        id: id.clone(),
        tenant: tenant.to_owned(),
        kind: spec.kind().as_str().to_owned(),
        state: state.as_str().to_owned(),
        requester_id: caller.identity.subject.clone(),
        requester_username: caller.identity.username.clone(),
        reason: reason.to_owned(),
        summary: spec.summary(),
        spec: serde_json::to_string(&spec).map_err(internal)?,
        rows_total: spec.rows() as i64,
        privileged,
        approval_reasons: (!approval_reasons.is_empty())
            .then(|| serde_json::to_string(&approval_reasons).unwrap_or_default()),
        expires_at_ms: (state == RequestState::Submitted)
            .then(|| now + i64::from(policy.expiry_days) * DAY_MS),
        run_at_ms,
    };
    let stored = match draft {
        None => ctx.store.insert_request(&request, &steps, &rows).await.map(|()| true),
        Some(_) => ctx.store.complete_draft(&request, &steps, &rows, state.as_str()).await,
    };
    match stored {
        Ok(true) => {}
        Ok(false) => {
            return Err(fail(AppError::conflict("This import was filed already.")));
        }
        Err(err) => {
            tracing::error!(%err, "could not store a request");
            let message = "The request could not be stored; nothing was filed. Try again.";
            return Err(fail(AppError::new(ErrorKind::Unavailable, message)));
        }
    }

    let detail = json!({
        "kind": request.kind,
        "summary": request.summary,
        "state": request.state,
        "approval_reasons": approval_reasons,
        "rows": request.rows_total,
        "steps": steps.len(),
        "run_at_ms": run_at_ms,
        "reason": reason,
    });
    record(caller, tenant, "request.file", Some(&id), Outcome::Success, Some(detail)).await;
    if state == RequestState::Approved {
        super::run::start(ctx, id.clone());
    }
    Ok(Filed { id, state, approval_reasons })
}

/// The reason, required and at most 2,000 characters.
pub fn check_reason(reason: &str) -> Result<String, AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(fail(AppError::invalid("reason", "Say why: the approver reads it.")));
    }
    if reason.chars().count() > 2000 {
        return Err(fail(AppError::invalid("reason", "The reason is at most 2,000 characters.")));
    }
    Ok(reason.to_owned())
}

fn checked_actions(actions: Vec<String>) -> Result<Vec<String>, AppError> {
    let mut chosen = Vec::new();
    for action in actions {
        if !ACTIONS.contains(&action.as_str()) {
            let message = format!("{action:?} is not an action the console sets.");
            return Err(fail(AppError::invalid("actions", message)));
        }
        if !chosen.contains(&action) {
            chosen.push(action);
        }
    }
    Ok(chosen)
}

/// The leaving date `YYYY-MM-DD` as the start of that day (UTC); `None` when empty. A date in
/// the past is refused: a leaver that is due now is filed without a date.
fn leaving_date(run_on: &str) -> Result<Option<i64>, AppError> {
    let run_on = run_on.trim();
    if run_on.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(run_on, format)
        .map_err(|_| fail(AppError::invalid("run_on", "Give the leaving date as YYYY-MM-DD.")))?;
    let today = time::OffsetDateTime::now_utc().date();
    if date < today {
        let message = "The leaving date is in the past: leave it empty to offboard now.";
        return Err(fail(AppError::invalid("run_on", message)));
    }
    Ok(Some(date.midnight().assume_utc().unix_timestamp() * 1000))
}

fn internal(err: serde_json::Error) -> AppError {
    tracing::error!(%err, "could not write a request as JSON");
    fail(AppError::new(ErrorKind::Internal, "The request could not be written down."))
}
