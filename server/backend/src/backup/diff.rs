//! What differs between two snapshots of a realm, per kind and down to the field, in terms a
//! person reads: "client crm: redirectUris changed from [...] to [...]".
//!
//! Things are matched by what names them in Keycloak (a client by `clientId`, a group by its
//! path, a user by username), never by internal id, since a restored realm gives everything new
//! ids. Before comparing, each side is normalised: ids and timestamps are dropped, lists of
//! plain values are sorted (Keycloak keeps them as sets), lists of named objects (protocol
//! mappers, executions, sub-groups) become maps by name. A value Keycloak masks
//! (`**********`) is not compared: its real value is not known.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::collect::MASKED;

/// Fields that differ between two copies of the same thing and say nothing about it.
const IGNORED: [&str; 10] = [
    "id",
    "internalId",
    "_id",
    "containerId",
    "parentId",
    "flowId",
    "createdTimestamp",
    "notBefore",
    "subGroupCount",
    "access",
];

/// The longest value a change shows; longer ones are cut with an ellipsis.
const SHOWN: usize = 300;

/// One field that changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Where, such as `attributes.department` or `redirectUris`.
    pub field: String,
    /// Before, as JSON; `None` when the field was not there.
    pub before: Option<String>,
    /// After, as JSON; `None` when the field is gone.
    pub after: Option<String>,
}

/// One thing that is in both, changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changed {
    /// What names it (a clientId, a path, a username).
    pub name: String,
    /// Its changed fields.
    pub fields: Vec<FieldChange>,
}

/// The differences of one kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindDiff {
    /// Only in the second snapshot.
    pub added: Vec<String>,
    /// Only in the first.
    pub removed: Vec<String>,
    /// In both, changed.
    pub changed: Vec<Changed>,
    /// In both, the same.
    pub same: u64,
}

impl KindDiff {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The things of one kind, by name, as a snapshot holds them.
pub type Named = BTreeMap<String, Value>;

/// Compares two sets of named things.
pub fn diff_named(before: &Named, after: &Named) -> KindDiff {
    let mut diff = KindDiff::default();
    for (name, old) in before {
        match after.get(name) {
            None => diff.removed.push(name.clone()),
            Some(new) => {
                let mut fields = Vec::new();
                compare("", &normalise(old), &normalise(new), &mut fields);
                if fields.is_empty() {
                    diff.same += 1;
                } else {
                    diff.changed.push(Changed { name: name.clone(), fields });
                }
            }
        }
    }
    diff.added = after.keys().filter(|k| !before.contains_key(*k)).cloned().collect();
    diff
}

/// The kinds of a realm representation (the partial export's or a full export's), each by the
/// name Keycloak knows its things by. `users` is left out: they come apart, page by page.
pub fn realm_kinds(realm: &Value) -> BTreeMap<&'static str, Named> {
    let by = |list: &Value, key: &str| -> Named {
        list.as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| Some((item.get(key)?.as_str()?.to_owned(), item.clone())))
            .collect()
    };
    let mut kinds = BTreeMap::new();
    kinds.insert("settings", settings(realm));
    kinds.insert("clients", by(&realm["clients"], "clientId"));
    kinds.insert("client_scopes", by(&realm["clientScopes"], "name"));
    kinds.insert("realm_roles", by(&realm["roles"]["realm"], "name"));
    let mut client_roles = Named::new();
    if let Some(clients) = realm["roles"]["client"].as_object() {
        for (client, roles) in clients {
            for (name, role) in by(roles, "name") {
                client_roles.insert(format!("{client}/{name}"), role);
            }
        }
    }
    kinds.insert("client_roles", client_roles);
    let mut groups = Named::new();
    flatten_groups(&realm["groups"], "", &mut groups);
    kinds.insert("groups", groups);
    kinds.insert("identity_providers", by(&realm["identityProviders"], "alias"));
    kinds.insert("authentication_flows", by(&realm["authenticationFlows"], "alias"));
    kinds.insert("required_actions", by(&realm["requiredActions"], "alias"));
    kinds.insert("authenticator_configs", by(&realm["authenticatorConfig"], "alias"));
    let mut mappers = Named::new();
    for mapper in realm["identityProviderMappers"].as_array().into_iter().flatten() {
        let (Some(provider), Some(name)) =
            (mapper["identityProviderAlias"].as_str(), mapper["name"].as_str())
        else {
            continue;
        };
        mappers.insert(format!("{provider}/{name}"), mapper.clone());
    }
    kinds.insert("identity_provider_mappers", mappers);
    let mut components = Named::new();
    if let Some(types) = realm["components"].as_object() {
        for (provider_type, list) in types {
            let short = provider_type.rsplit('.').next().unwrap_or(provider_type);
            for (name, component) in by_name_and_sub_type(list) {
                components.insert(format!("{short}/{name}"), component);
            }
        }
    }
    kinds.insert("components", components);
    kinds
}

/// Components by name, and by sub-type where they have one: the client registration policies
/// come in pairs of one name, one for anonymous and one for authenticated registration.
fn by_name_and_sub_type(list: &Value) -> Named {
    let items = list.as_array().into_iter().flatten();
    items
        .filter_map(|item| {
            let name = item.get("name")?.as_str()?;
            let key = match item.get("subType").and_then(Value::as_str) {
                Some(sub) if !sub.is_empty() => format!("{sub}/{name}"),
                _ => name.to_owned(),
            };
            Some((key, item.clone()))
        })
        .collect()
}

/// Users by username.
pub fn users_by_name<'a>(users: impl IntoIterator<Item = &'a Value>) -> Named {
    users
        .into_iter()
        .filter_map(|u| Some((u.get("username")?.as_str()?.to_owned(), u.clone())))
        .collect()
}

/// The realm's own settings: every field that is not a list of things compared apart.
fn settings(realm: &Value) -> Named {
    const APART: [&str; 12] = [
        "clients",
        "clientScopes",
        "roles",
        "groups",
        "identityProviders",
        "identityProviderMappers",
        "authenticationFlows",
        "authenticatorConfig",
        "requiredActions",
        "users",
        "components",
        "federatedUsers",
    ];
    let mut own = Map::new();
    if let Some(fields) = realm.as_object() {
        for (key, value) in fields {
            if !APART.contains(&key.as_str()) {
                own.insert(key.clone(), value.clone());
            }
        }
    }
    let name = realm["realm"].as_str().unwrap_or("realm").to_owned();
    BTreeMap::from([(name, Value::Object(own))])
}

/// Every group at every depth, by path; sub-groups compared apart, so left out of their parent.
fn flatten_groups(groups: &Value, parent: &str, out: &mut Named) {
    for group in groups.as_array().into_iter().flatten() {
        let Some(name) = group["name"].as_str() else { continue };
        let path = group["path"].as_str().map(str::to_owned).unwrap_or(format!("{parent}/{name}"));
        let mut own = group.clone();
        if let Some(map) = own.as_object_mut() {
            map.remove("subGroups");
        }
        flatten_groups(&group["subGroups"], &path, out);
        out.insert(path, own);
    }
}

/// The value with what says nothing removed and sets put in order.
pub fn normalise(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !IGNORED.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), normalise(v)))
                .collect(),
        ),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            let mut sorted: Vec<Value> = items.clone();
            sorted.sort_by_key(|v| v.to_string());
            Value::Array(sorted)
        }
        Value::Array(items) if items.iter().all(|i| named(i).is_some()) => {
            let mut map = Map::new();
            for item in items {
                map.insert(named(item).unwrap_or_default(), normalise(item));
            }
            Value::Object(map)
        }
        Value::Array(items) => Value::Array(items.iter().map(normalise).collect()),
        other => other.clone(),
    }
}

/// What names an object in a list: its `name`, `alias`, or `displayName` for executions.
fn named(item: &Value) -> Option<String> {
    ["name", "alias", "clientId", "displayName", "providerId"]
        .iter()
        .find_map(|key| item.get(*key).and_then(Value::as_str))
        .map(str::to_owned)
}

fn compare(path: &str, before: &Value, after: &Value, out: &mut Vec<FieldChange>) {
    if before == after || before.as_str() == Some(MASKED) || after.as_str() == Some(MASKED) {
        return;
    }
    if secret(path) {
        // That a secret changed is shown, never the secret.
        let hidden = |v: &Value| (!empty(v)).then(|| "(secret)".to_owned());
        out.push(FieldChange {
            field: path.to_owned(),
            before: hidden(before),
            after: hidden(after),
        });
        return;
    }
    match (before, after) {
        (Value::Object(old), Value::Object(new)) => {
            let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
            for key in keys {
                let field = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                match (old.get(key), new.get(key)) {
                    (Some(o), Some(n)) => compare(&field, o, n, out),
                    (o, n) => {
                        // A field that is missing and one that is empty mean the same.
                        if o.is_none_or(empty) && n.is_none_or(empty) {
                            continue;
                        }
                        let show = |v: &Value| {
                            if secret(&field) { "(secret)".to_owned() } else { shown(v) }
                        };
                        out.push(FieldChange {
                            field: field.clone(),
                            before: o.map(show),
                            after: n.map(show),
                        })
                    }
                }
            }
        }
        _ => out.push(FieldChange {
            field: path.to_owned(),
            before: Some(shown(before)),
            after: Some(shown(after)),
        }),
    }
}

/// Whether the field holds a secret: a client's, an identity provider's, a bind credential, a
/// mail server's password, a key.
fn secret(path: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path).to_ascii_lowercase();
    ["secret", "clientsecret", "password", "bindcredential", "privatekey", "client.secret.rotated"]
        .iter()
        .any(|name| last == *name)
        || last.ends_with("secret")
}

fn empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= SHOWN {
        return text;
    }
    let cut: String = text.chars().take(SHOWN).collect();
    format!("{cut}…")
}
