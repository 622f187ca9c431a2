//! Taking a backup of a realm while Keycloak runs: the partial export with the real client
//! secrets filled in, then every user page by page, written as they arrive by a thread of its
//! own, so that memory holds a page or two whatever the realm's size.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;
use tokio::sync::mpsc;

use super::archive::{BackupError, BackupWriter, Record};
use super::keys::BackupKey;
use super::manifest::{MANIFEST_FORMAT, Manifest};
use super::users::UserPager;
use crate::keycloak::{KeycloakAdmin, KeycloakError, UserQuery};
use crate::store::now_ms;

/// What Keycloak writes in place of a secret.
pub const MASKED: &str = "**********";

/// Why a backup failed.
#[derive(Debug, thiserror::Error)]
pub enum TakeError {
    /// Keycloak failed or refused a read; nothing is kept.
    #[error("Keycloak: {0}")]
    Keycloak(#[from] KeycloakError),
    /// The file could not be written.
    #[error(transparent)]
    Backup(#[from] BackupError),
    /// The one who took it let go (its hold on the backup lapsed); nothing is kept.
    #[error("the backup was given up: {0}")]
    GivenUp(String),
}

/// Who asks and what the backup is.
#[derive(Clone, Debug)]
pub struct TakeRequest {
    /// The backup's id.
    pub id: String,
    /// The realm.
    pub tenant: String,
    /// A username, or `schedule`.
    pub started_by: String,
}

/// How far a backup has come: users written, and how many the realm held at the start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Users written so far.
    pub users_done: u64,
    /// Users counted at the start.
    pub users_total: u64,
}

/// Takes a backup of `request.tenant` into `path`, sealed with `key`, and answers its manifest
/// and the file's size. `progress` hears after
/// each batch of users; `give_up`, once set, stops the backup at the next batch. On any failure
/// the partial file is removed and the error says why.
pub async fn take_backup(
    kc: &KeycloakAdmin,
    request: &TakeRequest,
    key: &BackupKey,
    path: &Path,
    progress: impl Fn(Progress),
    give_up: &AtomicBool,
) -> Result<(Manifest, u64), TakeError> {
    let realm = request.tenant.as_str();
    let started_at_ms = now_ms();
    let keycloak_version = kc.server_version().await?;
    let mut export = kc.partial_export(realm).await?;
    let mut not_included = vec![
        "Passwords and one-time-password secrets: Keycloak's Admin API never gives them out. \
         Restored users must set a new password."
            .to_owned(),
    ];
    fill_client_secrets(kc, realm, &mut export, &mut not_included).await?;
    not_included.extend(masked_elsewhere(&export));
    let services = UserPager::service_clients(&export);
    let profile = kc.user_profile_json(realm).await?;
    let mut counts = configuration_counts(&export);
    let attributes = profile["attributes"].as_array().map_or(0, Vec::len) as u64;
    counts.insert("user_profile_attributes".to_owned(), attributes);
    let users_total = kc.count_users(realm, &UserQuery::default()).await?;

    let writer = BackupWriter::create(path, key)?;
    let (send, receive) = mpsc::channel::<Record>(2);
    let written = tokio::task::spawn_blocking(move || write_all(writer, receive));
    let read = async {
        send.send(Record::Realm(export)).await.map_err(|_| gone())?;
        send.send(Record::UserProfile(profile)).await.map_err(|_| gone())?;
        let mut pager = UserPager::new(kc, realm, services);
        let mut done = 0u64;
        while let Some(users) = pager.next_batch().await? {
            if give_up.load(Ordering::Relaxed) {
                return Err(TakeError::GivenUp("its hold on the backup lapsed".to_owned()));
            }
            done += users.len() as u64;
            send.send(Record::Users(users)).await.map_err(|_| gone())?;
            progress(Progress { users_done: done, users_total });
        }
        Ok::<(u64, u64), TakeError>((done, pager.vanished))
    };
    let outcome = read.await;
    drop(send);
    let writer = written.await.map_err(|err| BackupError::File {
        path: path.display().to_string(),
        reason: format!("the writer stopped: {err}"),
    })?;
    let writer = match (outcome, writer) {
        (Ok((users, vanished)), Ok(writer)) => {
            counts.insert("users".to_owned(), users);
            if vanished > 0 {
                not_included.push(format!(
                    "{vanished} users deleted in Keycloak while the backup was taken."
                ));
            }
            writer
        }
        (Err(err), Ok(writer)) => {
            writer.abandon();
            return Err(err);
        }
        (_, Err(err)) => return Err(err.into()),
    };
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        id: request.id.clone(),
        tenant: request.tenant.clone(),
        keycloak_version,
        started_at_ms,
        finished_at_ms: now_ms(),
        started_by: request.started_by.clone(),
        counts,
        not_included,
        content_sha256: String::new(),
        key_id: key.id().to_owned(),
    };
    let finished = tokio::task::spawn_blocking(move || writer.finish(manifest)).await;
    let (manifest, size) = finished.map_err(|err| BackupError::File {
        path: path.display().to_string(),
        reason: format!("the writer stopped: {err}"),
    })??;
    Ok((manifest, size))
}

/// Writes what arrives until the sender is dropped; hands the writer back to be finished, or
/// removes the partial file on a write error.
fn write_all(
    mut writer: BackupWriter,
    mut receive: mpsc::Receiver<Record>,
) -> Result<BackupWriter, BackupError> {
    while let Some(record) = receive.blocking_recv() {
        if let Err(err) = writer.write(&record) {
            writer.abandon();
            return Err(err);
        }
    }
    Ok(writer)
}

fn gone() -> TakeError {
    TakeError::Backup(BackupError::File {
        path: String::new(),
        reason: "the backup's writer stopped".to_owned(),
    })
}

/// Puts each confidential client's real secret in place of the mask.
async fn fill_client_secrets(
    kc: &KeycloakAdmin,
    realm: &str,
    export: &mut Value,
    not_included: &mut Vec<String>,
) -> Result<(), KeycloakError> {
    let mut rotated = Vec::new();
    for client in export["clients"].as_array_mut().into_iter().flatten() {
        // Every secret the export masks is read: client-secret and client-secret-jwt alike.
        if client["secret"].as_str() == Some(MASKED) {
            let uuid = client["id"].as_str().unwrap_or_default().to_owned();
            client["secret"] = Value::String(kc.client_secret(realm, &uuid).await?);
        }
        if client["attributes"]["client.secret.rotated"].as_str() == Some(MASKED) {
            rotated.push(client["clientId"].as_str().unwrap_or_default().to_owned());
            if let Some(attributes) = client["attributes"].as_object_mut() {
                attributes.remove("client.secret.rotated");
            }
        }
    }
    if !rotated.is_empty() {
        not_included.push(format!(
            "The previous (rotated) secrets of {}: Keycloak masks them; only the current \
             secret is kept.",
            rotated.join(", ")
        ));
    }
    Ok(())
}

/// What the export masks that no other call gives back, in sentences.
fn masked_elsewhere(export: &Value) -> Vec<String> {
    let mut notes = Vec::new();
    let providers: Vec<&str> = export["identityProviders"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["config"]["clientSecret"].as_str() == Some(MASKED))
        .filter_map(|p| p["alias"].as_str())
        .collect();
    if !providers.is_empty() {
        notes.push(format!(
            "The client secrets of the identity providers {}: Keycloak masks them. Set them \
             again after a restore.",
            providers.join(", ")
        ));
    }
    if export["smtpServer"]["password"].as_str() == Some(MASKED) {
        notes.push("The mail server's password: Keycloak masks it.".to_owned());
    }
    let components = &export["components"];
    let keys = components["org.keycloak.keys.KeyProvider"].as_array().map_or(0, Vec::len);
    if keys > 0 {
        notes.push(format!(
            "The realm's {keys} key providers' private keys and secrets: Keycloak masks them. A \
             restored realm makes new keys, so tokens signed before do not validate there."
        ));
    }
    let federation = components["org.keycloak.storage.UserStorageProvider"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["config"]["bindCredential"][0].as_str() == Some(MASKED))
        .count();
    if federation > 0 {
        notes.push(format!(
            "The bind credentials of {federation} user federation providers: Keycloak masks \
             them."
        ));
    }
    notes
}

/// How many of each kind the configuration holds.
pub fn configuration_counts(realm: &Value) -> BTreeMap<String, u64> {
    let length = |value: &Value| value.as_array().map_or(0, Vec::len) as u64;
    let mut counts = BTreeMap::new();
    counts.insert("clients".to_owned(), length(&realm["clients"]));
    counts.insert("client_scopes".to_owned(), length(&realm["clientScopes"]));
    counts.insert("realm_roles".to_owned(), length(&realm["roles"]["realm"]));
    let client_roles = realm["roles"]["client"]
        .as_object()
        .map_or(0, |clients| clients.values().map(length).sum::<u64>());
    counts.insert("client_roles".to_owned(), client_roles);
    counts.insert("groups".to_owned(), count_groups(&realm["groups"]));
    counts.insert("identity_providers".to_owned(), length(&realm["identityProviders"]));
    counts.insert("authentication_flows".to_owned(), length(&realm["authenticationFlows"]));
    counts
}

fn count_groups(groups: &Value) -> u64 {
    groups.as_array().into_iter().flatten().map(|g| 1 + count_groups(&g["subGroups"])).sum()
}
