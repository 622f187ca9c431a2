//! The server side of a profile change: checking the submitted fields against the realm's user
//! profile, planning the read-modify-write, and verifying what Keycloak kept.

use std::collections::BTreeMap;

use cloudtrust_backend::keycloak::{KeycloakError, UserProfileConfig, UserRecord};
use serde_json::{Value, json};

use super::REQUIRED_ACTIONS;
use crate::api::users::convert;
use crate::ssr::{fail, from_keycloak};
use crate::{AppError, ErrorKind};

/// The fields Keycloak keeps at the top of a user representation, not among its attributes.
const BUILTIN: [&str; 4] = ["username", "email", "firstName", "lastName"];

/// Unmanaged-attribute policies under which an administrator may write an attribute the
/// profile does not declare.
const ADMIN_MAY_WRITE_UNMANAGED: [&str; 2] = ["ENABLED", "ADMIN_EDIT"];

/// A planned change: the whole representation to write, and what differs.
pub struct Plan {
    /// The representation as read, with the changes applied.
    pub representation: Value,
    /// `(field, before, after)` for each field that changes.
    pub changes: Vec<(String, Value, Value)>,
}

/// Checks `fields` and `actions` against `profile` and applies them to the user's
/// representation. Refused, naming the field, before anything is written: a required field left
/// empty, a read-only field changed, a value outside the profile's length or options, an
/// attribute the profile would drop.
pub fn plan(
    user: &UserRecord,
    profile: &UserProfileConfig,
    fields: &BTreeMap<String, String>,
    actions: &BTreeMap<String, String>,
) -> Result<Plan, AppError> {
    let mut representation = user.raw.clone();
    let mut changes = Vec::new();

    for (name, text) in fields {
        let declared = profile.attributes.iter().find(|a| &a.name == name);
        let values = check_field(name, text, declared.map(|a| convert::field(a, Vec::new())))?;
        if declared.is_none() && !unmanaged_allowed(profile) {
            return Err(AppError::invalid(
                name,
                format!(
                    "The realm's user profile does not declare {name}: Keycloak would drop it. \
                     Declare it in the realm's user profile first."
                ),
            ));
        }
        let (before, after) = apply(&mut representation, name, values);
        if before != after {
            changes.push((name.clone(), before, after));
        }
    }

    let wanted = chosen_actions(actions)?;
    let current: Vec<String> = user.required_actions.clone();
    let mut next: Vec<String> =
        current.iter().filter(|a| !REQUIRED_ACTIONS.contains(&a.as_str())).cloned().collect();
    next.extend(wanted);
    if sorted(&next) != sorted(&current) {
        changes.push(("requiredActions".to_owned(), json!(current), json!(next)));
        representation["requiredActions"] = json!(next);
    }

    Ok(Plan { representation, changes })
}

fn sorted(list: &[String]) -> Vec<String> {
    let mut list = list.to_vec();
    list.sort();
    list
}

fn unmanaged_allowed(profile: &UserProfileConfig) -> bool {
    profile
        .unmanaged_attribute_policy
        .as_deref()
        .is_some_and(|p| ADMIN_MAY_WRITE_UNMANAGED.contains(&p))
}

/// The values of one submitted field, checked against its profile declaration when it has
/// one.
fn check_field(
    name: &str,
    text: &str,
    declared: Option<crate::api::users::ProfileField>,
) -> Result<Vec<String>, AppError> {
    let multivalued = declared.as_ref().is_some_and(|f| f.multivalued);
    let values: Vec<String> = if multivalued {
        text.lines().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
    } else {
        Some(text.trim()).filter(|v| !v.is_empty()).map(str::to_owned).into_iter().collect()
    };
    let Some(field) = declared else { return Ok(values) };

    if !field.editable {
        return Err(AppError::invalid(name, format!("{} cannot be changed here.", field.label)));
    }
    if field.required && values.is_empty() {
        return Err(AppError::invalid(name, format!("{} is required.", field.label)));
    }
    for value in &values {
        let length = value.chars().count() as u32;
        if field.min_length.is_some_and(|min| length < min)
            || field.max_length.is_some_and(|max| length > max)
        {
            let (min, max) = (field.min_length.unwrap_or(0), field.max_length.unwrap_or(u32::MAX));
            let message = format!("{} takes from {min} to {max} characters.", field.label);
            return Err(AppError::invalid(name, message));
        }
        if !field.options.is_empty() && !field.options.contains(value) {
            let message = format!("{} is one of: {}.", field.label, field.options.join(", "));
            return Err(AppError::invalid(name, message));
        }
        if name == "email" && !looks_like_email(value) {
            return Err(AppError::invalid(name, "This is not an email address."));
        }
    }
    Ok(values)
}

/// A light check; Keycloak's own validator has the last word.
pub fn looks_like_email(value: &str) -> bool {
    match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !value.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Writes `values` at `name` in the representation; returns the value before and after.
fn apply(representation: &mut Value, name: &str, values: Vec<String>) -> (Value, Value) {
    if BUILTIN.contains(&name) {
        // Keycloak leaves out an empty field: absent and empty are the same value.
        let before =
            representation.get(name).cloned().filter(|v| !v.is_null()).unwrap_or(json!(""));
        let after = values.into_iter().next().map(Value::String).unwrap_or(json!(""));
        representation[name] = after.clone();
        return (before, after);
    }
    if !representation.get("attributes").is_some_and(Value::is_object) {
        representation["attributes"] = json!({});
    }
    let before = representation["attributes"].get(name).cloned().unwrap_or(json!([]));
    let after = json!(values);
    representation["attributes"][name] = after.clone();
    (before, after)
}

/// The changed attributes that Keycloak did not keep as written.
pub fn lost(plan: &Plan, after: &UserRecord) -> Vec<String> {
    plan.changes
        .iter()
        .filter(|(name, _, _)| !BUILTIN.contains(&name.as_str()))
        .filter(|(name, _, _)| name != "requiredActions")
        .filter(|(name, _, wanted)| {
            let kept = after.attributes.get(name).cloned().unwrap_or_default();
            json!(kept) != *wanted
        })
        .map(|(name, _, _)| name.clone())
        .collect()
}

/// The audit detail of a change: each field before and after.
pub fn audit_detail(changes: &[(String, Value, Value)]) -> Value {
    let map: serde_json::Map<String, Value> = changes
        .iter()
        .map(|(name, before, after)| (name.clone(), json!({ "before": before, "after": after })))
        .collect();
    Value::Object(map)
}

/// The ticked required actions, in the order the form offers them; an alias the console does
/// not offer is refused by name.
pub fn chosen_actions(ticked: &BTreeMap<String, String>) -> Result<Vec<String>, AppError> {
    for alias in ticked.keys() {
        if !REQUIRED_ACTIONS.contains(&alias.as_str()) {
            return Err(AppError::invalid(
                "actions",
                format!("{alias:?} is not an action offered."),
            ));
        }
    }
    Ok(REQUIRED_ACTIONS
        .iter()
        .filter(|a| ticked.contains_key(**a))
        .map(|a| (*a).to_owned())
        .collect())
}

/// A password of 20 characters from the system's random source, with upper and lower case,
/// digits and a symbol, so that common realm password policies accept it.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let random: Vec<u8> = uuid::Uuid::new_v4()
        .as_bytes()
        .iter()
        .chain(uuid::Uuid::new_v4().as_bytes())
        .copied()
        .collect();
    let body: String =
        random.iter().take(16).map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
    format!("{}-{}-Aa9", &body[..8], &body[8..])
}

/// A refused password says it did not meet the realm's password policy.
pub fn password_error(err: AppError) -> AppError {
    match err.kind {
        ErrorKind::InvalidInput => AppError::invalid(
            "password",
            "Keycloak refused the password: it does not meet the realm's password policy.",
        ),
        _ => err,
    }
}

/// Why an email could not be sent. Keycloak answers 500 when it cannot send mail (no SMTP
/// settings for the realm, or the mail server refused), which the client types as
/// unavailable, as it types a Keycloak that cannot be reached: the message names both.
pub fn email_error(err: KeycloakError) -> AppError {
    let unavailable = matches!(err, KeycloakError::Unavailable { .. });
    let app = from_keycloak(err);
    match app.kind {
        ErrorKind::InvalidInput => fail(AppError::invalid(
            "actions",
            "Keycloak cannot email this user: they have no email address or are disabled.",
        )),
        ErrorKind::Unavailable if unavailable => fail(AppError::new(
            ErrorKind::Unavailable,
            "Keycloak could not send the email: the realm's email (SMTP) settings are missing \
             or wrong, or Keycloak cannot be reached. Tell a tenant admin if it happens again.",
        )),
        ErrorKind::Unauthenticated
        | ErrorKind::Forbidden
        | ErrorKind::NotFound
        | ErrorKind::Conflict
        | ErrorKind::Unavailable
        | ErrorKind::Internal => app,
    }
}

#[cfg(test)]
mod tests {
    use super::{generate_password, looks_like_email};

    #[test]
    fn a_generated_password_is_long_mixed_and_different_each_time() {
        let one = generate_password();
        let two = generate_password();

        assert_eq!(one.chars().count(), 21);
        assert!(one.chars().any(|c| c.is_ascii_uppercase()));
        assert!(one.chars().any(|c| c.is_ascii_lowercase()));
        assert!(one.chars().any(|c| c.is_ascii_digit()));
        assert_ne!(one, two);
    }

    #[test]
    fn emails_with_plus_signs_and_unicode_pass_the_light_check() {
        assert!(looks_like_email("ann+test@example.org"));
        assert!(looks_like_email("zoé@exämple.org"));
        assert!(!looks_like_email("ann@localhost"));
        assert!(!looks_like_email("ann smith@example.org"));
        assert!(!looks_like_email("example.org"));
    }
}
