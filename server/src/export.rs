//! Downloads: the CSV export of a user search, streamed page by page from Keycloak.
//!
//! The file is UTF-8 (with a byte-order mark, so spreadsheets read accents right) and RFC 4180
//! (quoted where needed, CRLF line ends, written by the csv crate). A cell that a spreadsheet
//! would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is
//! prefixed with `'`. A fault half-way aborts the download rather than end it early: a short
//! file must never pass for a whole one.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cloudtrust_app::api::users::{UserSearch, in_created_range as in_range};
use cloudtrust_app::components::format::date;
use cloudtrust_app::policy::Action;
use cloudtrust_app::ssr::{IDENTITY_KEY, Identity};
use cloudtrust_backend::import::neutralise_formula;
use cloudtrust_backend::keycloak::{KeycloakAdmin, UserBrief, UserQuery};
use cloudtrust_backend::store::{AuditEntry, Outcome};
use futures::stream::{self, StreamExt};
use tower_sessions::Session;
use tracing::{error, info, warn};

use crate::state::AppState;

/// How many users one call to Keycloak reads.
const EXPORT_PAGE: u32 = 500;

/// The header row.
const COLUMNS: [&str; 8] =
    ["id", "username", "email", "email_verified", "first_name", "last_name", "enabled", "created"];

/// `GET /export/t/{tenant}/users.csv?<search>`: every user of the search, as CSV.
pub async fn users_csv(
    State(state): State<Arc<AppState>>,
    session: Session,
    headers: HeaderMap,
    Path(tenant): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let request_id =
        headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let Ok(Some(identity)) = session.get::<Identity>(IDENTITY_KEY).await else {
        return (StatusCode::UNAUTHORIZED, "Your session has ended. Sign in again.")
            .into_response();
    };

    let allowed = !state.services.tenants.is_excluded(&tenant)
        && identity.rights.allows(Action::ExportUsers, Some(&tenant));
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    let search = UserSearch::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let audit = |outcome, detail: serde_json::Value| AuditEntry {
        request_id: request_id.clone(),
        actor_id: identity.subject.clone(),
        actor_username: identity.username.clone(),
        tenant: Some(tenant.clone()),
        action: "user.export".to_owned(),
        target: None,
        outcome,
        detail: Some(detail.to_string()),
    };
    if !allowed {
        warn!(user = %identity.username, tenant, "export denied by policy");
        append(&state, audit(Outcome::Denied, serde_json::json!({}))).await;
        return (StatusCode::FORBIDDEN, "You do not have access to this.").into_response();
    }
    let filter = match search.filter() {
        Ok(filter) => filter,
        Err(err) => {
            let field = err.field.unwrap_or_default();
            return (StatusCode::BAD_REQUEST, format!("{} (filter {field})", err.message))
                .into_response();
        }
    };
    let query = filter.to_query(0, EXPORT_PAGE);
    let created = filter.created;

    let kc = state.services.keycloak.clone();
    let total = match kc.count_users(&tenant, &query).await {
        Ok(total) => total,
        Err(err @ cloudtrust_backend::keycloak::KeycloakError::InvalidInput { .. }) => {
            warn!(%err, "export refused by keycloak");
            let message = "Keycloak refused the search: check the attribute filters (key:value, \
                           both given).";
            return (StatusCode::BAD_REQUEST, message).into_response();
        }
        Err(err) => {
            error!(%err, "export could not count the users");
            let message = "Keycloak cannot be reached right now. Try again in a moment.";
            return (StatusCode::SERVICE_UNAVAILABLE, message).into_response();
        }
    };
    let filters = search.to_query_string(0);
    let detail = match created {
        None => serde_json::json!({ "filters": filters, "rows": total }),
        Some(_) => serde_json::json!({ "filters": filters, "read": total }),
    };
    append(&state, audit(Outcome::Success, detail)).await;
    info!(tenant, rows = total, "users export started");

    let body = Body::from_stream(pages(kc, tenant.clone(), query, created));
    let filename = format!("users-{tenant}.csv");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        body,
    )
        .into_response()
}

async fn append(state: &AppState, entry: AuditEntry) {
    if let Err(err) = state.store.append_audit(&entry).await {
        error!(%err, "could not record an export in the audit trail");
    }
}

/// The header, then one chunk per page of Keycloak's answer, until a short page.
fn pages(
    kc: KeycloakAdmin,
    tenant: String,
    query: UserQuery,
    created: Option<(i64, i64)>,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    let head = stream::once(async { Ok(Bytes::from(header_row())) });
    let rest = stream::try_unfold(Some(query), move |next| {
        let (kc, tenant) = (kc.clone(), tenant.clone());
        async move {
            let Some(query) = next else { return Ok(None) };
            let users = kc.list_users(&tenant, &query).await.map_err(|err| {
                error!(%err, first = query.first, "users export aborted");
                std::io::Error::other("keycloak failed during the export")
            })?;
            let more = users.len() as u32 == query.max;
            let kept = users.iter().filter(|u| created.is_none_or(|range| in_range(u, range)));
            let chunk = Bytes::from(kept.flat_map(row).collect::<Vec<u8>>());
            let next = more.then(|| UserQuery { first: query.first + query.max, ..query });
            Ok(Some((chunk, next)))
        }
    });
    head.chain(rest)
}

fn header_row() -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend(encode(&COLUMNS.map(str::to_owned)));
    out
}

fn row(user: &UserBrief) -> Vec<u8> {
    let flag = |b: bool| if b { "true" } else { "false" }.to_owned();
    encode(&[
        user.id.clone(),
        user.username.clone(),
        user.email.clone().unwrap_or_default(),
        flag(user.email_verified),
        user.first_name.clone().unwrap_or_default(),
        user.last_name.clone().unwrap_or_default(),
        flag(user.enabled),
        user.created_timestamp.map(date).unwrap_or_default(),
    ])
}

/// One CSV record: the csv crate quotes as RFC 4180 says; would-be formulas are neutralised
/// first.
pub(crate) fn encode(cells: &[String]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(128));
    let record = cells.iter().map(|c| neutralise_formula(c).into_owned());
    writer.write_record(record).expect("writing to memory cannot fail");
    writer.into_inner().expect("writing to memory cannot fail")
}

#[cfg(test)]
mod tests {
    use super::encode;

    fn line(cells: &[&str]) -> String {
        String::from_utf8(encode(&cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()))
            .unwrap()
    }

    #[test]
    fn cells_with_separators_or_quotes_are_quoted_and_quotes_doubled() {
        assert_eq!(line(&["plain", "Smith, Ann"]), "plain,\"Smith, Ann\"\r\n");
        assert_eq!(line(&["say \"hi\""]), "\"say \"\"hi\"\"\"\r\n");
        assert_eq!(line(&["two\nlines", ""]), "\"two\nlines\",\r\n");
    }

    #[test]
    fn a_cell_a_spreadsheet_would_run_as_a_formula_is_neutralised() {
        assert_eq!(line(&["=HYPERLINK(\"x\")"]), "\"'=HYPERLINK(\"\"x\"\")\"\r\n");
        assert_eq!(line(&["+1", "-2", "@SUM(A1)"]), "'+1,'-2,'@SUM(A1)\r\n");
        assert_eq!(line(&["ann+test@example.org"]), "ann+test@example.org\r\n");
    }

    #[test]
    fn unicode_is_kept_as_it_is() {
        assert_eq!(line(&["Zoé Søndergaard"]), "Zoé Søndergaard\r\n");
    }
}
