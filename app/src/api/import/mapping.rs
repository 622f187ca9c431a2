//! Which fields of the user profile a file's columns can fill, the mapping guessed from the
//! headers, and the checks of a mapping chosen by a person.

use std::collections::{BTreeMap, HashSet};

use cloudtrust_backend::keycloak::UserProfileConfig;

use super::TargetField;
use crate::AppError;
use crate::api::lifecycle::create::fold_ascii;
use crate::api::users::convert;
use crate::ssr::fail;

/// The realm's user profile, then `groups` and `roles`.
pub(super) fn targets(profile: &UserProfileConfig) -> Vec<TargetField> {
    let mut targets: Vec<TargetField> = profile
        .attributes
        .iter()
        .map(|attribute| {
            let field = convert::field(attribute, Vec::new());
            TargetField { name: field.name, label: field.label, required: field.required }
        })
        .collect();
    targets.push(TargetField {
        name: "groups".into(),
        label: "Groups (paths, | between)".into(),
        required: false,
    });
    targets.push(TargetField {
        name: "roles".into(),
        label: "Roles (| between; client:role)".into(),
        required: false,
    });
    targets
}

/// Each target's column, from the header's names and common spellings.
pub(super) fn guess_mapping(
    targets: &[TargetField],
    headers: &[String],
) -> BTreeMap<String, String> {
    let plain =
        |s: &str| -> String { s.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect() };
    let aliases: &[(&str, &[&str])] = &[
        ("username", &["login", "user", "userid", "account", "samaccountname"]),
        ("email", &["mail", "emailaddress"]),
        ("firstName", &["givenname", "first", "forename"]),
        ("lastName", &["surname", "familyname", "last", "sn"]),
    ];
    let mut mapping = BTreeMap::new();
    for target in targets {
        let mut names = vec![plain(&target.name), plain(&target.label)];
        if let Some((_, more)) = aliases.iter().find(|(name, _)| *name == target.name) {
            names.extend(more.iter().map(|m| (*m).to_owned()));
        }
        if let Some(header) = headers.iter().find(|h| names.contains(&plain(h))) {
            mapping.insert(target.name.clone(), header.clone());
        }
    }
    mapping
}

/// The mapping as target and column index; refused when it names an unknown field or column,
/// maps one column twice, or leaves out a required field.
pub(super) fn mapped_columns(
    targets: &[TargetField],
    headers: &[String],
    mapping: &BTreeMap<String, String>,
    template_fields: &BTreeMap<String, String>,
) -> Result<Vec<(String, usize)>, AppError> {
    let mut columns = Vec::new();
    let mut used = HashSet::new();
    for (target, header) in mapping.iter().filter(|(_, h)| !h.is_empty()) {
        if !targets.iter().any(|t| &t.name == target) {
            let message = format!("{target} is not a field of this realm's users.");
            return Err(fail(AppError::invalid("mapping", message)));
        }
        let Some(column) = headers.iter().position(|h| h == header) else {
            let message = format!("The file has no column {header:?}.");
            return Err(fail(AppError::invalid("mapping", message)));
        };
        if !used.insert(column) {
            let message = format!("The column {header:?} is mapped to two fields.");
            return Err(fail(AppError::invalid("mapping", message)));
        }
        columns.push((target.clone(), column));
    }
    let given = |name: &str| mapping.get(name).is_some_and(|h| !h.is_empty());
    if !given("username") && !given("firstName") && !given("lastName") {
        let message = "Map a column to the username, or to the first and last names.";
        return Err(fail(AppError::invalid("mapping", message)));
    }
    let filled = |name: &str| given(name) || template_fields.contains_key(name);
    let needed = |t: &&TargetField| t.required && t.name != "username" && !filled(&t.name);
    if let Some(missing) = targets.iter().find(needed) {
        let message = format!("Map a column to {}: every row needs it.", missing.label);
        return Err(fail(AppError::invalid("mapping", message)));
    }
    Ok(columns)
}

/// `first.last` in plain ASCII, or empty.
pub(super) fn username_from_names(fields: &BTreeMap<String, String>) -> String {
    let part = |key: &str| -> String {
        fields
            .get(key)
            .map(|v| v.to_lowercase())
            .unwrap_or_default()
            .chars()
            .filter_map(fold_ascii)
            .collect()
    };
    [part("firstName"), part("lastName")]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}
