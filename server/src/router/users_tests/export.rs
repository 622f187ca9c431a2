//! `GET /export/t/{tenant}/users.csv`: the file a spreadsheet opens (BOM, header, CRLF), cells
//! that would run as formulas, who may export, and the audit record.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use cloudtrust_backend::store::Outcome;
use serde_json::json;

use super::super::test_support::{location, send, sign_in};
use super::{
    ACME, GLOBEX_ADMIN, HELPDESK, Throwaway, audit_trail, console, demo_only, demo_usernames,
};

const HEADER: &str = "id,username,email,email_verified,first_name,last_name,enabled,created";

/// `GET` of `path` with `cookie` (none when empty).
async fn get(app: &axum::Router, cookie: &str, path: &str) -> Response {
    let mut request = Request::get(path);
    if !cookie.is_empty() {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

/// The whole body.
async fn body(response: Response) -> Vec<u8> {
    axum::body::to_bytes(response.into_body(), 1 << 24).await.unwrap().to_vec()
}

#[tokio::test]
async fn the_export_of_a_narrow_search_has_a_bom_a_header_row_and_one_crlf_row_per_user() {
    let Some((app, _)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;

    let response = get(&app, &cookie, "/export/t/acme/users.csv?last_name=M%C3%BCller").await;

    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(headers[header::CONTENT_DISPOSITION], "attachment; filename=\"users-acme.csv\"");
    let bytes = body(response).await;
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a byte-order mark first");
    let text = String::from_utf8(bytes).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    assert!(text.ends_with("\r\n"));
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count(), "CRLF line ends only");
    let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
    assert_eq!(lines[0], HEADER);
    let mut listed: Vec<String> =
        lines[1..].iter().map(|l| l.split(',').nth(1).unwrap().to_owned()).collect();
    listed.sort();
    assert_eq!(demo_only(&listed), demo_usernames(|u| u["lastName"] == "Müller"));
    assert!(lines[1..].iter().all(|l| l.split(',').nth(5) == Some("Müller")), "{lines:?}");
}

#[tokio::test]
async fn cells_that_start_like_a_formula_are_exported_as_text() {
    // Keycloak refuses `=` in a name, so the email carries it.
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let name = super::unique_name();
    let formulas = json!({
        "username": name,
        "email": format!("=cmd-{name}@acme.example"),
        "firstName": "-Ctc",
        "lastName": "+Throwaway",
    });
    let user = Throwaway::create(&state, formulas).await;

    let response = get(&app, &cookie, &format!("/export/t/acme/users.csv?username={name}")).await;

    assert_eq!(response.status(), StatusCode::OK);
    let text = String::from_utf8(body(response).await).unwrap();
    let row: Vec<&str> = text.split("\r\n").nth(1).unwrap().split(',').collect();
    assert_eq!(row[..2], [user.id.as_str(), name.as_str()]);
    assert_eq!(row[2], format!("'=cmd-{name}@acme.example"));
    assert_eq!(row[4..6], ["'-Ctc", "'+Throwaway"]);
}

#[tokio::test]
async fn another_tenants_export_is_refused() {
    let Some((app, _)) = console().await else { return };
    let cookie = sign_in(&app, GLOBEX_ADMIN).await;

    let response = get(&app, &cookie, "/export/t/acme/users.csv?last_name=M%C3%BCller").await;

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let text = String::from_utf8(body(response).await).unwrap();
    assert!(!text.contains("username"), "no part of the file: {text}");
}

#[tokio::test]
async fn an_export_without_a_session_is_sent_through_sign_in() {
    let Some((app, _)) = console().await else { return };

    let response = get(&app, "", "/export/t/acme/users.csv?last_name=M%C3%BCller").await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(response.headers()).starts_with("/auth/login?next=/export/t/acme/users.csv"));
}

#[tokio::test]
async fn an_export_is_recorded_in_the_audit_trail_with_its_filters_and_rows() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;

    let response = get(&app, &cookie, "/export/t/acme/users.csv?last_name=M%C3%BCller").await;
    let file = String::from_utf8(body(response).await).unwrap();

    let trail = audit_trail(&state).await;
    let export = trail.iter().find(|e| e.action == "user.export").expect("a record");
    assert_eq!(export.outcome, Outcome::Success);
    assert_eq!(export.tenant.as_deref(), Some(ACME));
    assert_eq!(export.actor_username, HELPDESK);
    let detail: serde_json::Value =
        serde_json::from_str(export.detail.as_deref().unwrap()).unwrap();
    let rows = file.trim_end().split("\r\n").count() - 1;
    assert_eq!(detail, json!({ "filters": "last_name=M%C3%BCller", "rows": rows }));
}
