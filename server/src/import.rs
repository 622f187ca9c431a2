//! The two routes of a bulk import outside the server functions: the upload (a multipart form
//! that works without the WASM), which becomes a draft request, and the per-row result of a
//! request as CSV.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use cloudtrust_app::api::import::check::create_draft;
use cloudtrust_app::policy::Action;
use cloudtrust_app::ssr::{IDENTITY_KEY, Identity};
use cloudtrust_backend::import::Limits;
use cloudtrust_backend::store::{AuditEntry, Outcome};
use tower_sessions::Session;
use tracing::{error, warn};

use crate::export::encode;
use crate::state::AppState;

/// The largest upload body: the file's limit and room for the form around it.
pub const UPLOAD_BODY_LIMIT: usize = 20 * 1024 * 1024 + 64 * 1024;
/// Rows of the per-row result read from the database at a time.
const ROWS_PAGE: i64 = 1000;

/// `POST /import/t/{tenant}/users`: a CSV file in the form field `file`. Answers 303 to the
/// draft request's page, or back to the upload page with the reason.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    session: Session,
    headers: HeaderMap,
    Path(tenant): Path<String>,
    mut form: Multipart,
) -> Response {
    let Some(identity) = allowed(&state, &session, &headers, &tenant, Action::ImportUsers).await
    else {
        return (StatusCode::FORBIDDEN, "You do not have access to this.").into_response();
    };
    let back = |message: &str| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("error", message)
            .finish();
        Redirect::to(&format!("/t/{tenant}/requests/import?{query}")).into_response()
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("upload.csv").to_owned();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(err) => return back(&refused_upload(err.status())),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(err) => return back(&refused_upload(err.status())),
        }
    }
    let Some((file_name, bytes)) = file.filter(|(name, _)| !name.is_empty()) else {
        return back("Choose a CSV file to upload.");
    };
    match create_draft(&state.services, &identity, &tenant, &file_name, &bytes).await {
        Ok(id) => {
            let entry = audit(
                &headers,
                &identity,
                &tenant,
                "import.upload",
                Some(&id),
                Outcome::Success,
                serde_json::json!({ "file": file_name, "bytes": bytes.len() }),
            );
            append(&state, entry).await;
            Redirect::to(&format!("/t/{tenant}/requests/{id}")).into_response()
        }
        Err(err) => {
            let entry = audit(
                &headers,
                &identity,
                &tenant,
                "import.upload",
                None,
                Outcome::Failed,
                serde_json::json!({
                    "file": file_name, "bytes": bytes.len(), "error": err.message
                }),
            );
            append(&state, entry).await;
            back(&err.message)
        }
    }
}

/// `GET /export/t/{tenant}/requests/{id}/rows.csv`: every row of a request with how it ended.
pub async fn rows_csv(
    State(state): State<Arc<AppState>>,
    session: Session,
    headers: HeaderMap,
    Path((tenant, id)): Path<(String, String)>,
) -> Response {
    if allowed(&state, &session, &headers, &tenant, Action::FileRequest).await.is_none() {
        return (StatusCode::FORBIDDEN, "You do not have access to this.").into_response();
    }
    let store = &state.store;
    match store.request(&id).await {
        Ok(Some(request)) if request.tenant == tenant => {}
        Ok(_) => return (StatusCode::NOT_FOUND, "There is no such request.").into_response(),
        Err(err) => {
            error!(%err, "could not read a request");
            return (StatusCode::SERVICE_UNAVAILABLE, "The database cannot be read now.")
                .into_response();
        }
    }
    let mut body = vec![0xEF, 0xBB, 0xBF];
    body.extend(encode(
        &["row", "line", "username", "result", "reason", "user_id"].map(String::from),
    ));
    let mut offset = 0;
    loop {
        let page = match store.rows_page(&id, None, offset, ROWS_PAGE).await {
            Ok(page) => page,
            Err(err) => {
                error!(%err, "could not read a request's rows");
                return (StatusCode::SERVICE_UNAVAILABLE, "The database cannot be read now.")
                    .into_response();
            }
        };
        for row in &page {
            let result = match row.state.as_str() {
                "done" => "done",
                "skipped" => "skipped",
                "failed" => "failed",
                _ => "not run",
            };
            body.extend(encode(&[
                (row.row_no + 1).to_string(),
                row.line.map(|l| l.to_string()).unwrap_or_default(),
                row.username.clone(),
                result.to_owned(),
                row.message.clone().unwrap_or_default(),
                row.user_id.clone().unwrap_or_default(),
            ]));
        }
        if (page.len() as i64) < ROWS_PAGE {
            break;
        }
        offset += ROWS_PAGE;
    }
    Response::builder()
        .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .header(
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"request-{}-rows.csv\"",
                id.chars().take(8).collect::<String>()
            ),
        )
        .body(Body::from(body))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// The signed-in identity when it may run `action` on `tenant`; a refusal is logged and
/// recorded.
pub(crate) async fn allowed(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    tenant: &str,
    action: Action,
) -> Option<Identity> {
    let identity = session.get::<Identity>(IDENTITY_KEY).await.ok().flatten()?;
    if !state.services.tenants.is_excluded(tenant) && identity.rights.allows(action, Some(tenant)) {
        return Some(identity);
    }
    warn!(user = %identity.username, ?action, tenant, "denied by policy");
    let entry = audit(
        headers,
        &identity,
        tenant,
        &format!("{action:?}"),
        None,
        Outcome::Denied,
        serde_json::json!({}),
    );
    append(state, entry).await;
    None
}

/// Why a form could not be read, from the status axum gives its failure.
fn refused_upload(status: StatusCode) -> String {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        let limit = Limits::default().max_bytes;
        format!("The file is larger than the {limit} bytes accepted; split it.")
    } else {
        "The upload was cut off or is not a form; try again.".to_owned()
    }
}

pub(crate) fn audit(
    headers: &HeaderMap,
    identity: &Identity,
    tenant: &str,
    action: &str,
    target: Option<&str>,
    outcome: Outcome,
    detail: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        request_id: headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        actor_id: identity.subject.clone(),
        actor_username: identity.username.clone(),
        tenant: Some(tenant.to_owned()),
        action: action.to_owned(),
        target: target.map(str::to_owned),
        outcome,
        detail: Some(detail.to_string()),
    }
}

pub(crate) async fn append(state: &AppState, entry: AuditEntry) {
    if let Err(err) = state.store.append_audit(&entry).await {
        error!(%err, "could not record an upload or download in the audit trail");
    }
}
