//! The two backup routes outside the server functions: a realm export made elsewhere uploaded
//! (one realm or a list, any Keycloak from 1.2), each realm sealed with the tenant's key and
//! listed as a backup, so it is compared and restored like one; and a backup downloaded
//! decrypted as a realm export, for tenant admins only, audited.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use cloudtrust_app::policy::Action;
use cloudtrust_backend::backup::export_file::{realms_in, seal_export};
use cloudtrust_backend::backup::manifest::MANIFEST_FORMAT;
use cloudtrust_backend::backup::{BackupReader, Manifest, Record};
use cloudtrust_backend::store::Outcome;
use futures::StreamExt;
use tower_sessions::Session;
use tracing::error;

use crate::import::{allowed, append, audit};
use crate::state::AppState;

/// The largest export accepted.
pub const EXPORT_BODY_LIMIT: usize = 100 * 1024 * 1024;

/// `POST /backups/t/{tenant}/upload`: a realm export in the form field `file`. Answers 303 to
/// the backups page, saying how many realms it kept or why none.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    session: Session,
    headers: HeaderMap,
    Path(tenant): Path<String>,
    mut form: Multipart,
) -> Response {
    let Some(identity) = allowed(&state, &session, &headers, &tenant, Action::ManageBackups).await
    else {
        return (StatusCode::FORBIDDEN, "You do not have access to this.").into_response();
    };
    let back = |key: &str, message: &str| {
        let query =
            url::form_urlencoded::Serializer::new(String::new()).append_pair(key, message).finish();
        Redirect::to(&format!("/t/{tenant}/backups?{query}")).into_response()
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("realm.json").to_owned();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(err) => return back("error", &refused(err.status())),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(err) => return back("error", &refused(err.status())),
        }
    }
    let Some((file_name, bytes)) = file.filter(|(name, _)| !name.is_empty()) else {
        return back("error", "Choose a realm export (a JSON file) to upload.");
    };
    let kept = keep(&state, &tenant, &identity.username, &file_name, bytes).await;
    let (outcome, detail) = match &kept {
        Ok(ids) => (Outcome::Success, serde_json::json!({ "file": file_name, "backups": ids })),
        Err(message) => {
            (Outcome::Failed, serde_json::json!({ "file": file_name, "error": message }))
        }
    };
    let entry = audit(&headers, &identity, &tenant, "backup.upload", None, outcome, detail);
    append(&state, entry).await;
    match kept {
        Ok(ids) => back("uploaded", &ids.len().to_string()),
        Err(message) => back("error", &format!("{file_name}: {message}")),
    }
}

/// Seals each realm of the file as a backup of the tenant; answers their ids. Nothing is
/// kept unless every realm is.
async fn keep(
    state: &AppState,
    tenant: &str,
    by: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<Vec<String>, String> {
    let vault = &state.services.vault;
    let keys = vault.keys(tenant).map_err(|err| format!("no backup can be kept: {err}"))?;
    let key = keys.sealing().clone();
    let realms = realms_in(&bytes).map_err(|err| err.to_string())?;
    drop(bytes);
    let mut sealed = Vec::new();
    for realm in realms {
        let id = uuid::Uuid::new_v4().to_string();
        let name = realm["realm"].as_str().unwrap_or_default().to_owned();
        let version = realm["keycloakVersion"].as_str().unwrap_or("not stated").to_owned();
        let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos() as i64 / 1_000_000;
        let manifest = Manifest {
            format: MANIFEST_FORMAT,
            id: id.clone(),
            tenant: tenant.to_owned(),
            keycloak_version: version,
            started_at_ms: now,
            finished_at_ms: now,
            started_by: by.to_owned(),
            key_id: key.id().to_owned(),
            not_included: vec![format!(
                "Uploaded from {file_name} (realm {name}): it holds what that export holds; \
                 an export made by the admin console has no users and masks every secret."
            )],
            ..Manifest::default()
        };
        let path = vault.path(tenant, &id);
        let key = key.clone();
        let written =
            tokio::task::spawn_blocking(move || seal_export(&realm, &path, &key, manifest)).await;
        let (manifest, size) = match written {
            Ok(Ok(done)) => done,
            Ok(Err(err)) => return Err(forget(state, tenant, &sealed, err.to_string()).await),
            Err(err) => return Err(forget(state, tenant, &sealed, err.to_string()).await),
        };
        let users = manifest.counts.get("users").copied().unwrap_or_default() as i64;
        let json = serde_json::to_string(&manifest).unwrap_or_default();
        let stored =
            state.store.record_uploaded_backup(&id, tenant, by, &json, size as i64, users).await;
        if let Err(err) = stored {
            error!(%err, "could not record an uploaded backup");
            let _ = std::fs::remove_file(vault.path(tenant, &id));
            let message = "the console's database cannot be written now".to_owned();
            return Err(forget(state, tenant, &sealed, message).await);
        }
        sealed.push(id);
    }
    Ok(sealed)
}

/// Removes the backups kept so far from a file that failed part-way; answers `reason`.
async fn forget(state: &AppState, tenant: &str, ids: &[String], reason: String) -> String {
    for id in ids {
        let _ = std::fs::remove_file(state.services.vault.path(tenant, id));
        if let Err(err) = state.store.delete_backup(id).await {
            error!(%err, backup = id, "could not forget part of a failed upload");
        }
    }
    reason
}

fn refused(status: StatusCode) -> String {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        format!("The file is larger than the {} MiB accepted.", EXPORT_BODY_LIMIT >> 20)
    } else {
        "The upload was cut off or is not a form; try again.".to_owned()
    }
}

/// `GET /backups/t/{tenant}/{id}/export.json`: a complete backup decrypted, as a realm export
/// (the realm with its `users`). The whole file is checked before the first byte is sent, so
/// that a damaged backup is refused rather than sent short.
pub async fn download(
    State(state): State<Arc<AppState>>,
    session: Session,
    headers: HeaderMap,
    Path((tenant, id)): Path<(String, String)>,
) -> Response {
    let Some(identity) = allowed(&state, &session, &headers, &tenant, Action::ManageBackups).await
    else {
        return (StatusCode::FORBIDDEN, "You do not have access to this.").into_response();
    };
    let said = |status: StatusCode, message: &str| (status, message.to_owned()).into_response();
    match state.store.backup(&id).await {
        Ok(Some(b)) if b.tenant == tenant && b.state == "complete" => {}
        Ok(Some(b)) if b.tenant == tenant => {
            return said(StatusCode::CONFLICT, "Only a complete backup can be downloaded.");
        }
        Ok(_) => return said(StatusCode::NOT_FOUND, "This tenant has no such backup."),
        Err(err) => {
            error!(%err, "could not read a backup");
            return said(StatusCode::SERVICE_UNAVAILABLE, "The database cannot be read now.");
        }
    }
    let ring = match state.services.vault.keys(&tenant) {
        Ok(ring) => ring,
        Err(err) => {
            return said(StatusCode::CONFLICT, &format!("The backup cannot be opened: {err}."));
        }
    };
    let path = state.services.vault.path(&tenant, &id);
    let (check_path, check_ring) = (path.clone(), ring.clone());
    let checked = tokio::task::spawn_blocking(move || {
        BackupReader::open(&check_path, &check_ring).and_then(BackupReader::verify)
    })
    .await;
    let outcome = match &checked {
        Ok(Ok(_)) => Outcome::Success,
        _ => Outcome::Failed,
    };
    let detail = match &checked {
        Ok(Ok(manifest)) => serde_json::json!({ "counts": manifest.counts }),
        Ok(Err(err)) => serde_json::json!({ "error": err.to_string() }),
        Err(err) => serde_json::json!({ "error": err.to_string() }),
    };
    let entry = audit(&headers, &identity, &tenant, "backup.download", Some(&id), outcome, detail);
    append(&state, entry).await;
    match checked {
        Ok(Ok(_)) => {}
        Ok(Err(err)) => {
            let message = format!("The backup cannot be read: {err}.");
            return said(StatusCode::UNPROCESSABLE_ENTITY, &message);
        }
        Err(_) => return said(StatusCode::INTERNAL_SERVER_ERROR, "Reading the backup stopped."),
    }

    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        if let Err(err) = write_export(&path, &ring, &sender) {
            // The stream ends in an error, so the download is cut off, never short and whole.
            let _ = sender.blocking_send(Err(std::io::Error::other(err)));
        }
    });
    let stream =
        futures::stream::unfold(
            receiver,
            |mut r| async move { r.recv().await.map(|item| (item, r)) },
        );
    let name = format!("{tenant}-{id}.json");
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from_stream(stream.boxed()))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Writes the backup as one realm export into `out`: the realm's fields, then `"users"`.
fn write_export(
    path: &std::path::Path,
    ring: &cloudtrust_backend::backup::KeyRing,
    out: &tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> Result<(), String> {
    let send =
        |bytes: Vec<u8>| out.blocking_send(Ok(Bytes::from(bytes))).map_err(|e| e.to_string());
    let mut reader = BackupReader::open(path, ring).map_err(|e| e.to_string())?;
    let mut first_user = true;
    let mut opened = false;
    while let Some(record) = reader.next_record().map_err(|e| e.to_string())? {
        match record {
            Record::Realm(realm) => {
                let mut text = serde_json::to_vec(&realm).map_err(|e| e.to_string())?;
                // `{...}` becomes `{...,"users":[`: the users follow as they are read.
                text.pop();
                let empty = text.len() == 1;
                text.extend_from_slice(if empty { b"\"users\":[" } else { b",\"users\":[" });
                send(text)?;
                opened = true;
            }
            Record::Users(users) if opened => {
                let mut text = Vec::new();
                for user in users {
                    if !first_user {
                        text.push(b',');
                    }
                    first_user = false;
                    text.extend(serde_json::to_vec(&user).map_err(|e| e.to_string())?);
                }
                send(text)?;
            }
            Record::Users(_) => return Err("users before the realm".into()),
            Record::UserProfile(_) | Record::Manifest(_) => {}
        }
    }
    if !opened {
        return Err("the backup holds no realm".into());
    }
    send(b"]}".to_vec())
}
