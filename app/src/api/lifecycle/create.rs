//! Creating a user: the profile's fields checked, the groups and roles resolved and allowed
//! before anything is created, then the creation and the steps that follow it.

use cloudtrust_backend::keycloak::{KeycloakAdmin, KeycloakError, RoleBrief, UserQuery};
use cloudtrust_backend::store::Outcome;
use serde_json::json;

use super::steps::{Step, audited_steps, outcome_of, run};
use super::{CreateUserResponse, NewUserRequest, StepOutcome, StepResult};
use crate::AppError;
use crate::api::user_changes::MAX_LIFESPAN_HOURS;
use crate::api::user_changes::profile::{chosen_actions, generate_password, looks_like_email};
use crate::api::users::convert;
use crate::ssr::{Caller, context, fail, from_keycloak, record};

/// A role to grant, resolved before anything is created.
struct Grant {
    client: Option<(String, String)>,
    role: RoleBrief,
}

/// Creates the user and runs the steps that follow.
pub async fn create(
    caller: &Caller,
    tenant: &str,
    user: NewUserRequest,
) -> Result<CreateUserResponse, AppError> {
    let kc = &context().keycloak;
    let profile = kc.user_profile(tenant).await.map_err(from_keycloak)?;

    let mut fields = user.fields.clone();
    let username = match fields.get("username").map(|u| u.trim().to_lowercase()) {
        Some(name) if !name.is_empty() => name,
        _ => generate_username(kc, tenant, &fields).await?,
    };
    fields.insert("username".to_owned(), username.clone());
    let mut representation =
        representation(&profile, &fields, user.enabled, user.email_verified).map_err(fail)?;

    let grants = resolve_roles(kc, tenant, &user).await?;
    let groups = resolve_groups(kc, tenant, &user.groups).await?;
    let generated = match user.credential.as_str() {
        "temporary" if user.password.is_empty() => Some(generate_password()),
        "temporary" | "email" | "none" | "" => None,
        _ => {
            return Err(fail(AppError::invalid(
                "credential",
                "Choose how the user signs in first.",
            )));
        }
    };
    if user.credential == "temporary" {
        let value = generated.clone().unwrap_or_else(|| user.password.clone());
        representation["credentials"] =
            json!([{ "type": "password", "value": value, "temporary": true }]);
    }
    let actions = chosen_actions(&user.actions).map_err(fail)?;
    if user.credential == "email"
        && (actions.is_empty()
            || user.lifespan_hours == 0
            || user.lifespan_hours > MAX_LIFESPAN_HOURS)
    {
        let message = format!(
            "Tick the actions to email and a link lifespan of 1 to {MAX_LIFESPAN_HOURS} hours."
        );
        return Err(fail(AppError::invalid("actions", message)));
    }

    let id = match kc.create_user(tenant, &representation).await {
        Ok(id) => id,
        Err(err) => {
            let detail = json!({ "username": username, "error": err.to_string() });
            record(caller, tenant, "user.create", None, Outcome::Failed, Some(detail)).await;
            return Err(crate::ssr::user_conflict(err));
        }
    };

    let mut steps: Vec<Step> = Vec::new();
    for group in &groups {
        let label = format!("Join the group {}", group.path);
        steps.push((label, Box::pin(kc.add_user_to_group(tenant, &id, &group.id))));
    }
    for grant in &grants {
        let roles = std::slice::from_ref(&grant.role);
        let (label, call): Step = match &grant.client {
            None => (
                format!("Grant the realm role {}", grant.role.name),
                Box::pin(kc.add_realm_roles(tenant, &id, roles)),
            ),
            Some((uuid, client_id)) => (
                format!("Grant the role {} of {client_id}", grant.role.name),
                Box::pin(kc.add_client_roles(tenant, &id, uuid, roles)),
            ),
        };
        steps.push((label, call));
    }
    if user.credential == "email" {
        let lifespan = Some(user.lifespan_hours * 3600);
        let label = format!("Email the actions {}", actions.join(", "));
        steps.push((
            label,
            Box::pin(kc.execute_actions_email(tenant, &id, &actions, lifespan, None, None)),
        ));
    }
    let mut results = vec![StepResult {
        step: format!("Create the user {username}"),
        outcome: StepOutcome::Done,
        message: None,
    }];
    results.extend(run(steps).await);

    let mut audited = representation.clone();
    if let Some(map) = audited.as_object_mut() {
        map.remove("credentials");
    }
    let detail = json!({
        "user": audited,
        "credential": user.credential,
        "password_generated": generated.is_some(),
        "groups": groups.iter().map(|g| &g.path).collect::<Vec<_>>(),
        "roles": user.roles,
        "steps": audited_steps(&results),
    });
    record(caller, tenant, "user.create", Some(&id), outcome_of(&results), Some(detail)).await;

    Ok(CreateUserResponse { id, username, generated_password: generated, steps: results })
}

/// The representation of a new user from the profile's fields (`username` among them), checked
/// against the realm's user profile: a required field missing, a value too long, an email that
/// is none, or a field the profile does not declare is refused by name. No credential.
pub(crate) fn representation(
    profile: &cloudtrust_backend::keycloak::UserProfileConfig,
    fields: &std::collections::BTreeMap<String, String>,
    enabled: bool,
    email_verified: bool,
) -> Result<serde_json::Value, AppError> {
    let mut representation = json!({
        "username": fields.get("username").map(|u| u.trim().to_lowercase()),
        "enabled": enabled,
        "emailVerified": email_verified,
        "attributes": {},
    });
    for attribute in &profile.attributes {
        let text = fields.get(&attribute.name).map(|v| v.trim()).unwrap_or_default();
        let field = convert::field(attribute, Vec::new());
        if field.required && text.is_empty() {
            return Err(AppError::invalid(&field.name, format!("{} is required.", field.label)));
        }
        if field.max_length.is_some_and(|max| text.chars().count() as u32 > max) {
            let message = format!("{} is too long.", field.label);
            return Err(AppError::invalid(&field.name, message));
        }
        if text.is_empty() || field.name == "username" {
            continue;
        }
        match field.name.as_str() {
            "email" if !looks_like_email(text) => {
                return Err(AppError::invalid("email", "This is not an email address."));
            }
            "email" | "firstName" | "lastName" => representation[&field.name] = json!(text),
            name => {
                let values: Vec<&str> = if field.multivalued {
                    text.lines().map(str::trim).filter(|v| !v.is_empty()).collect()
                } else {
                    vec![text]
                };
                representation["attributes"][name] = json!(values);
            }
        }
    }
    if let Some(unknown) = fields.keys().find(|k| !profile.is_declared(k)) {
        let message = format!("The realm's user profile does not declare {unknown}.");
        return Err(AppError::invalid(unknown, message));
    }

    Ok(representation)
}

/// Resolves the roles to grant and checks that the caller may grant each: a privileged role
/// needs a tenant admin. Refused before anything is created.
async fn resolve_roles(
    kc: &KeycloakAdmin,
    tenant: &str,
    user: &NewUserRequest,
) -> Result<Vec<Grant>, AppError> {
    let mut grants = Vec::new();
    for key in &user.roles {
        let Some((container, name)) = key.split_once('/') else {
            return Err(fail(AppError::invalid("roles", format!("{key:?} names no role."))));
        };
        let client = match container {
            "realm" => None,
            uuid => Some((
                uuid.to_owned(),
                kc.client(tenant, uuid).await.map_err(from_keycloak)?.client_id,
            )),
        };
        let role = kc
            .role_by_name(tenant, client.as_ref().map(|c| c.0.as_str()), name)
            .await
            .map_err(from_keycloak)?;
        let client_id = client.as_ref().map(|c| c.1.as_str());
        if convert::role_grants_privileged(kc, tenant, &role, client_id)
            .await
            .map_err(from_keycloak)?
        {
            crate::ssr::authorize_privileged(tenant).await?;
        }
        grants.push(Grant { client, role });
    }
    Ok(grants)
}

/// Looks up the groups to join, so that a missing one is refused before anything is created,
/// and checks that the caller may hand out what each grants.
async fn resolve_groups(
    kc: &KeycloakAdmin,
    tenant: &str,
    ids: &[String],
) -> Result<Vec<cloudtrust_backend::keycloak::GroupDetail>, AppError> {
    let mut groups = Vec::with_capacity(ids.len());
    for id in ids {
        let group = kc.group(tenant, id).await.map_err(|err| match err {
            KeycloakError::NotFound { .. } => {
                fail(AppError::invalid("groups", "One of the groups no longer exists."))
            }
            other => from_keycloak(other),
        })?;
        if convert::group_is_privileged(kc, tenant, id).await.map_err(from_keycloak)? {
            crate::ssr::authorize_privileged(tenant).await?;
        }
        groups.push(group);
    }
    Ok(groups)
}

/// A username from the first and last names (`first.last`, ASCII), with a number added when it
/// is taken.
pub(crate) async fn generate_username(
    kc: &KeycloakAdmin,
    tenant: &str,
    fields: &std::collections::BTreeMap<String, String>,
) -> Result<String, AppError> {
    let part = |key: &str| -> String {
        fields
            .get(key)
            .map(|v| v.to_lowercase())
            .unwrap_or_default()
            .chars()
            .filter_map(fold_ascii)
            .collect()
    };
    let base = [part("firstName"), part("lastName")]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(".");
    if base.is_empty() {
        let message = "Give a username, or a first or last name to make one from.";
        return Err(fail(AppError::invalid("username", message)));
    }
    for n in 1..=50 {
        let candidate = if n == 1 { base.clone() } else { format!("{base}{n}") };
        let query =
            UserQuery { search: Some(format!("\"{candidate}\"")), max: 1, ..UserQuery::default() };
        let taken = kc.list_users(tenant, &query).await.map_err(from_keycloak)?;
        if !taken.iter().any(|u| u.username == candidate) {
            return Ok(candidate);
        }
    }
    Err(fail(AppError::invalid(
        "username",
        "Every username made from this name is taken: give one.",
    )))
}

/// A lowercase letter or digit with its accent dropped; other characters are left out.
pub(crate) fn fold_ascii(c: char) -> Option<char> {
    const FOLDS: [(&str, char); 8] = [
        ("àáâãäåā", 'a'),
        ("çč", 'c'),
        ("èéêëē", 'e'),
        ("ìíîïī", 'i'),
        ("ñń", 'n'),
        ("òóôõöøō", 'o'),
        ("ùúûüū", 'u'),
        ("ýÿ", 'y'),
    ];
    if c.is_ascii_alphanumeric() {
        return Some(c);
    }
    FOLDS.iter().find(|(from, _)| from.contains(c)).map(|(_, to)| *to)
}
