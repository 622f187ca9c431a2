//! Updates in place. Keycloak's partial import overwrites by deleting and re-creating: a client
//! comes back with new ids (its service account and every role mapping to its roles gone), a
//! group without its members, a user without its password and second factors. So a conflict
//! to overwrite is written onto the thing that exists, found by its name, keeping its id.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Map, Value, json};

use super::StepReport;
pub use super::lookup::Lookup;
use super::prepare::drop_masked;
use crate::backup::diff::{Named, realm_kinds};
use crate::backup::snapshot::Snapshot;
use crate::keycloak::{KeycloakAdmin, KeycloakError};

/// The fields of a user a restore puts back (the rest are Keycloak's own, or its credentials).
const USER_FIELDS: [&str; 7] =
    ["firstName", "lastName", "email", "emailVerified", "enabled", "attributes", "requiredActions"];

/// Creates the group at `path` under its parent, with its attributes and roles; false when it
/// exists already or its parent is missing (noted).
pub async fn create_sub_group(
    lookup: &mut Lookup<'_>,
    groups: &Named,
    path: &str,
    notes: &mut Vec<String>,
) -> Result<bool, KeycloakError> {
    let (Some(group), Some((parent, _))) = (groups.get(path), path.rsplit_once('/')) else {
        return Ok(false);
    };
    if lookup.group(path).await?.is_some() {
        return Ok(false);
    }
    let Some(parent_id) = lookup.group(parent).await? else {
        notes.push(format!("The group {path} was not created: its parent {parent} is missing."));
        return Ok(false);
    };
    let body = json!({ "name": group["name"], "attributes": group["attributes"] });
    let (kc, realm) = (lookup.kc, lookup.realm);
    kc.write_json(Method::POST, realm, &["groups", &parent_id, "children"], &body).await?;
    if let Some(id) = lookup.group(path).await? {
        roles(lookup, &["groups", &id], group, true, notes).await?;
    }
    Ok(true)
}

/// Gives `owner` (`["users", id]` or `["groups", id]`) the realm and client roles `wanted`
/// names (`realmRoles`, `clientRoles`); unless `additive`, takes away the others. True when
/// anything changed.
pub async fn roles(
    lookup: &mut Lookup<'_>,
    owner: &[&str],
    wanted: &Value,
    additive: bool,
    notes: &mut Vec<String>,
) -> Result<bool, KeycloakError> {
    let (kc, realm) = (lookup.kc, lookup.realm);
    let path = |tail: &[&str]| -> Vec<String> {
        owner.iter().chain(tail).map(|s| (*s).to_owned()).collect()
    };
    let current = lookup.read(&[owner, &["role-mappings"]].concat(), &[]).await?;
    let mut changed = false;

    let names = |list: &Value| -> BTreeSet<String> {
        list.as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(str::to_owned))
            .collect()
    };
    let held = |list: &Value| -> Vec<Value> { list.as_array().cloned().unwrap_or_default() };
    // Realm roles.
    let want = names(&wanted["realmRoles"]);
    let have = held(&current["realmMappings"]);
    let mut add = Vec::new();
    for name in want.iter().filter(|n| !have.iter().any(|r| r["name"] == n.as_str())) {
        match lookup.realm_role(name).await? {
            Some(role) => add.push(role),
            None => notes.push(format!("The realm role {name} is not in the realm.")),
        }
    }
    let take: Vec<Value> = if additive {
        Vec::new()
    } else {
        have.into_iter().filter(|r| r["name"].as_str().is_none_or(|n| !want.contains(n))).collect()
    };
    let at = path(&["role-mappings", "realm"]);
    let at: Vec<&str> = at.iter().map(String::as_str).collect();
    changed |= write_list(kc, realm, &at, add, take).await?;

    // Client roles, client by client.
    let empty = Map::new();
    let wanted_clients = wanted["clientRoles"].as_object().unwrap_or(&empty);
    let held_clients = current["clientMappings"].as_object().unwrap_or(&empty);
    let clients: BTreeSet<&String> = wanted_clients.keys().chain(held_clients.keys()).collect();
    for client in clients {
        let want = wanted_clients.get(client).map(names).unwrap_or_default();
        if additive && want.is_empty() {
            continue;
        }
        let have = held_clients.get(client).map(|m| held(&m["mappings"])).unwrap_or_default();
        let uuid = match held_clients.get(client).and_then(|m| m["id"].as_str()) {
            Some(uuid) => uuid.to_owned(),
            None => match lookup.client(client).await? {
                Some(uuid) => uuid,
                None => {
                    notes.push(format!(
                        "The client {client} is not in the realm: its roles were \
                        not given."
                    ));
                    continue;
                }
            },
        };
        let mut add = Vec::new();
        for name in want.iter().filter(|n| !have.iter().any(|r| r["name"] == n.as_str())) {
            match lookup.client_role(&uuid, name).await? {
                Some(role) => add.push(role),
                None => notes.push(format!("The role {name} of {client} is not in the realm.")),
            }
        }
        let take: Vec<Value> = if additive {
            Vec::new()
        } else {
            have.into_iter()
                .filter(|r| r["name"].as_str().is_none_or(|n| !want.contains(n)))
                .collect()
        };
        let at = path(&["role-mappings", "clients", &uuid]);
        let at: Vec<&str> = at.iter().map(String::as_str).collect();
        changed |= write_list(kc, realm, &at, add, take).await?;
    }
    Ok(changed)
}

async fn write_list(
    kc: &KeycloakAdmin,
    realm: &str,
    at: &[&str],
    add: Vec<Value>,
    take: Vec<Value>,
) -> Result<bool, KeycloakError> {
    let changed = !add.is_empty() || !take.is_empty();
    if !add.is_empty() {
        kc.write_json(Method::POST, realm, at, &Value::Array(add)).await?;
    }
    if !take.is_empty() {
        kc.write_json(Method::DELETE, realm, at, &Value::Array(take)).await?;
    }
    Ok(changed)
}

/// Overwrites the conflicts of `kind` named `names` with the backup's version.
pub async fn kind(
    kc: &KeycloakAdmin,
    realm: &str,
    source: &Snapshot,
    kind: &str,
    names: &[String],
) -> Result<StepReport, KeycloakError> {
    let mut report = StepReport::default();
    let mut lookup = Lookup::new(kc, realm);
    let things = if kind == "users" {
        source.users.clone()
    } else {
        realm_kinds(&source.realm).remove(kind).unwrap_or_default()
    };
    for name in names {
        let Some(thing) = things.get(name) else { continue };
        let done = one(kc, realm, kind, name, thing, &mut lookup, &mut report).await;
        match done {
            Ok(true) => report.overwritten += 1,
            Ok(false) => {
                report.notes.push(format!("{name} was not found in the realm: not overwritten."))
            }
            // Keycloak refusing one thing does not stop the others; the check names it.
            Err(
                err @ (KeycloakError::Forbidden { .. }
                | KeycloakError::InvalidInput { .. }
                | KeycloakError::Conflict { .. }),
            ) => report.notes.push(format!("{name} could not be overwritten: {err}.")),
            Err(err) => return Err(err),
        }
    }
    Ok(report)
}

/// Overwrites one thing; false when it is not in the realm.
#[allow(clippy::too_many_arguments)]
async fn one(
    kc: &KeycloakAdmin,
    realm: &str,
    kind: &str,
    name: &str,
    thing: &Value,
    lookup: &mut Lookup<'_>,
    report: &mut StepReport,
) -> Result<bool, KeycloakError> {
    let lookup = &mut *lookup;
    {
        let done = match kind {
            "settings" => settings(kc, realm, thing).await.map(|()| true)?,
            "clients" => client(lookup, name, thing).await?,
            "client_scopes" => match lookup.client_scope(name).await? {
                Some(id) => put(kc, realm, &["client-scopes", &id], thing, Some(&id)).await?,
                None => false,
            },
            "realm_roles" => put(kc, realm, &["roles", name], &role_fields(thing), None).await?,
            "client_roles" => {
                let Some((client, role)) = name.split_once('/') else { return Ok(false) };
                match lookup.client(client).await? {
                    Some(uuid) => {
                        let at = ["clients", uuid.as_str(), "roles", role];
                        put(kc, realm, &at, &role_fields(thing), None).await?
                    }
                    None => false,
                }
            }
            "groups" => match lookup.group(name).await? {
                Some(id) => {
                    let body = json!({ "name": thing["name"], "attributes": thing["attributes"] });
                    put(kc, realm, &["groups", &id], &body, None).await?;
                    roles(lookup, &["groups", &id], thing, false, &mut report.notes).await?;
                    true
                }
                None => false,
            },
            "identity_providers" => {
                // Sent with its secret still masked: Keycloak keeps the secret it holds when
                // it receives the mask, and would drop it were the field left out.
                let mut body = thing.clone();
                body.as_object_mut().map(|m| m.remove("internalId"));
                let at = ["identity-provider", "instances", name];
                kc.write_json(Method::PUT, realm, &at, &body).await?;
                true
            }
            "users" => user(lookup, name, thing, &mut report.notes).await?,
            _ => false,
        };
        Ok(done)
    }
}

/// PUTs `body` at `at` (with `id` set when given, and masked values left out so that
/// Keycloak keeps what it holds); true when written.
async fn put(
    kc: &KeycloakAdmin,
    realm: &str,
    at: &[&str],
    body: &Value,
    id: Option<&str>,
) -> Result<bool, KeycloakError> {
    let mut body = body.clone();
    drop_masked(&mut body);
    if let (Some(id), Some(map)) = (id, body.as_object_mut()) {
        map.insert("id".into(), Value::String(id.to_owned()));
    }
    kc.write_json(Method::PUT, realm, at, &body).await?;
    Ok(true)
}

fn role_fields(role: &Value) -> Value {
    json!({ "name": role["name"], "description": role["description"],
            "attributes": role["attributes"] })
}

async fn settings(kc: &KeycloakAdmin, realm: &str, settings: &Value) -> Result<(), KeycloakError> {
    let mut body = settings.clone();
    if let Some(map) = body.as_object_mut() {
        for key in ["id", "realm", "defaultRole"] {
            map.remove(key);
        }
    }
    // Masked values (the mail server's password) stay masked: Keycloak keeps what it holds.
    kc.write_json(Method::PUT, realm, &[], &body).await
}

/// The backup's user profile merged into the realm's: attributes only the backup has are
/// added; with `overwrite`, those that differ and the profile's groups and policy are put back.
/// Runs before the users, so that their attributes are kept.
pub async fn profile(
    kc: &KeycloakAdmin,
    realm: &str,
    source: &Snapshot,
    overwrite: bool,
) -> Result<StepReport, KeycloakError> {
    let mut report = StepReport::default();
    let Some(wanted) = &source.user_profile else { return Ok(report) };
    let mut profile = kc.read_json(realm, &["users", "profile"], &[]).await?;
    let mut attributes = profile["attributes"].as_array().cloned().unwrap_or_default();
    for attribute in wanted["attributes"].as_array().into_iter().flatten() {
        match attributes.iter_mut().find(|a| a["name"] == attribute["name"]) {
            None => {
                attributes.push(attribute.clone());
                report.added += 1;
            }
            Some(there) if overwrite && there != attribute => {
                *there = attribute.clone();
                report.overwritten += 1;
            }
            Some(_) => report.skipped += 1,
        }
    }
    profile["attributes"] = Value::Array(attributes);
    if overwrite {
        for (key, value) in wanted.as_object().into_iter().flatten() {
            if key != "attributes" {
                profile[key.as_str()] = value.clone();
            }
        }
    }
    kc.write_json(Method::PUT, realm, &["users", "profile"], &profile).await?;
    Ok(report)
}

/// A client with its protocol mappers, by name; its authorization settings stay (see the plan).
async fn client(
    lookup: &mut Lookup<'_>,
    name: &str,
    client: &Value,
) -> Result<bool, KeycloakError> {
    let Some(uuid) = lookup.client(name).await? else { return Ok(false) };
    let (kc, realm) = (lookup.kc, lookup.realm);
    let mut body = client.clone();
    body.as_object_mut().map(|m| m.remove("authorizationSettings"));
    put(kc, realm, &["clients", &uuid], &body, Some(&uuid)).await?;
    let models = ["clients", uuid.as_str(), "protocol-mappers", "models"];
    let live = lookup.read(&models, &[]).await?;
    let live = live.as_array().cloned().unwrap_or_default();
    let wanted = client["protocolMappers"].as_array().cloned().unwrap_or_default();
    for mapper in &wanted {
        let mut mapper = mapper.clone();
        match live.iter().find(|m| m["name"] == mapper["name"]).and_then(|m| m["id"].as_str()) {
            Some(id) => {
                mapper["id"] = Value::String(id.to_owned());
                kc.write_json(Method::PUT, realm, &[&models[..], &[id]].concat(), &mapper).await?;
            }
            None => {
                mapper.as_object_mut().map(|m| m.remove("id"));
                kc.write_json(Method::POST, realm, &models, &mapper).await?;
            }
        }
    }
    for extra in live.iter().filter(|m| !wanted.iter().any(|w| w["name"] == m["name"])) {
        let Some(id) = extra["id"].as_str() else { continue };
        let at = [&models[..], &[id]].concat();
        kc.write_json(Method::DELETE, realm, &at, &Value::Null).await?;
    }
    Ok(true)
}

/// A user's details, groups and roles, by username; its password and factors stay.
async fn user(
    lookup: &mut Lookup<'_>,
    name: &str,
    user: &Value,
    notes: &mut Vec<String>,
) -> Result<bool, KeycloakError> {
    let Some(id) = lookup.user(name).await? else { return Ok(false) };
    let (kc, realm) = (lookup.kc, lookup.realm);
    let mut body = Map::new();
    for field in USER_FIELDS {
        if let Some(value) = user.get(field) {
            body.insert(field.to_owned(), value.clone());
        }
    }
    body.insert("username".into(), Value::String(name.to_owned()));
    kc.write_json(Method::PUT, realm, &["users", &id], &Value::Object(body)).await?;
    let wanted: BTreeSet<String> = user["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g.as_str().map(str::to_owned))
        .collect();
    let have: BTreeSet<String> = kc.user_group_paths(realm, &id).await?.into_iter().collect();
    for path in wanted.difference(&have) {
        match lookup.group(path).await? {
            Some(group) => kc.add_user_to_group(realm, &id, &group).await?,
            None => notes.push(format!("{name}: the group {path} is not in the realm.")),
        }
    }
    for path in have.difference(&wanted) {
        if let Some(group) = lookup.group(path).await? {
            kc.remove_user_from_group(realm, &id, &group).await?;
        }
    }
    roles(lookup, &["users", &id], user, false, notes).await?;
    Ok(true)
}
