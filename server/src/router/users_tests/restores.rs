//! Restores through the console against the real Keycloak: a backup of acme restored into a
//! new realm, cut off by Keycloak failing half-way (the result says which steps were applied)
//! and run again to the end without duplicating anyone, its check matching the backup; choices
//! refused with the field at fault, and to anyone but a tenant admin; an export uploaded kept
//! as a sealed backup, a bad one refused by name; a backup downloaded decrypted, and refused
//! once a byte of it changed.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use cloudtrust_app::api::restores::RestoreChoice;
use cloudtrust_app::api::restores::run::{execute, record_start};
use cloudtrust_backend::keycloak::{KeycloakAdmin, KeycloakSettings, UserQuery};
use serde_json::Value;

use super::super::test_support::{ORIGIN, call, location, send, sign_in};
use super::backups::{console, settled};
use super::{ACME, AUDITOR, HELPDESK, TENANT_ADMIN, audit_trail, keycloak, service_settings};

/// Deletes the realm when dropped, even when the test panics, with a client of its own: one
/// whose connections belong to the test's runtime would wait for that runtime, blocked here.
struct RealmGone(KeycloakSettings, String);

impl Drop for RealmGone {
    fn drop(&mut self) {
        let (settings, realm) = (self.0.clone(), self.1.clone());
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            let kc = KeycloakAdmin::new(settings).unwrap();
            let _ = runtime.block_on(kc.delete_realm(&realm));
        })
        .join();
    }
}

/// A proxy in front of Keycloak that answers 503 to every call whose path holds `failing`,
/// as a Keycloak stopping (or its reverse proxy losing it) would; answers its URL.
async fn failing_proxy(keycloak: url::Url, failing: &'static str) -> url::Url {
    let http = reqwest::Client::new();
    let forward = move |request: Request| {
        let (http, keycloak) = (http.clone(), keycloak.clone());
        async move {
            let (parts, body) = request.into_parts();
            if parts.uri.path().contains(failing) {
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
            let mut url = keycloak.join(parts.uri.path()).unwrap();
            url.set_query(parts.uri.query());
            let body = axum::body::to_bytes(body, 1 << 28).await.unwrap();
            let mut outgoing = http.request(parts.method, url).body(body);
            for (name, value) in &parts.headers {
                if name != header::HOST {
                    outgoing = outgoing.header(name, value);
                }
            }
            let answer = outgoing.send().await.unwrap();
            let mut response = Response::builder().status(answer.status());
            for (name, value) in answer.headers() {
                response = response.header(name, value);
            }
            response.body(Body::from(answer.bytes().await.unwrap())).unwrap()
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, Router::new().fallback(forward)).await.unwrap();
    });
    url::Url::parse(&format!("http://{address}/")).unwrap()
}

fn choice_form(choice: &RestoreChoice) -> Vec<(&'static str, String)> {
    vec![
        ("tenant", ACME.to_owned()),
        ("choice[source]", choice.source.clone()),
        ("choice[into]", choice.into.clone()),
        ("choice[new_realm]", choice.new_realm.clone()),
        ("choice[conflicts]", choice.conflicts.clone()),
        ("choice[email_users]", choice.email_users.to_string()),
    ]
}

async fn call_choice(
    app: &Router,
    cookie: &str,
    endpoint: &str,
    choice: &RestoreChoice,
) -> (StatusCode, Value) {
    let form = choice_form(choice);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    call(app, cookie, endpoint, &pairs).await
}

/// The restore's row once it no longer runs.
async fn restore_settled(app: &Router, cookie: &str, id: &str) -> Value {
    for _ in 0..900 {
        let (status, list) = call(app, cookie, "restores/list", &[("tenant", ACME)]).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let row = list.as_array().unwrap().iter().find(|r| r["id"] == id).cloned();
        let row = row.expect("the restore is listed");
        if row["state"] != "running" {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("restore {id} did not end in three minutes");
}

#[tokio::test]
async fn a_restore_cut_off_half_way_says_what_was_applied_and_a_second_run_finishes_it() {
    let Some((app, state, root)) = console(true).await else { return };
    let admin = sign_in(&app, TENANT_ADMIN).await;
    let (status, backup) = call(&app, &admin, "backups/start", &[("tenant", ACME)]).await;
    assert_eq!(status, StatusCode::OK, "{backup}");
    let backup = backup.as_str().unwrap().to_owned();
    let taken = settled(&app, &admin, &backup).await;
    assert_eq!(taken["state"], "complete", "{taken}");
    let users = taken["counts"]["users"].as_u64().unwrap();

    let realm = format!("acme-{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let _gone = RealmGone(service_settings(&state), realm.clone());
    let choice = RestoreChoice {
        source: backup.clone(),
        into: "new".into(),
        new_realm: realm.clone(),
        conflicts: "fail".into(),
        email_users: false,
    };
    let (status, plan) = call_choice(&app, &admin, "restores/plan", &choice).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert!(plan["refused"].is_null(), "{plan}");
    let planned = plan["kinds"].as_array().unwrap().iter().find(|k| k["kind"] == "users").cloned();
    assert_eq!(planned.unwrap()["create_total"], users, "{plan}");
    assert!(!keycloak(&state).realm_exists(&realm).await.unwrap(), "a dry run writes nothing");

    // Run by an instance whose Keycloak fails every partial import.
    let (id, runner) = record_start(&state.services, ACME, &choice, TENANT_ADMIN).await.unwrap();
    let mut failing = service_settings(&state);
    failing.base_url = failing_proxy(failing.base_url.clone(), "partialImport").await;
    let mut cut_off = state.services.clone();
    cut_off.keycloak = KeycloakAdmin::new(failing).unwrap();
    execute(&cut_off, &id, &runner, TENANT_ADMIN).await;
    let row = restore_settled(&app, &admin, &id).await;
    assert_eq!(row["state"], "failed", "{row}");
    let steps = row["steps"].as_array().unwrap();
    assert_eq!(steps[0]["state"], "done", "the realm was created: {row}");
    assert_eq!(steps[1]["state"], "failed", "{row}");
    assert!(steps[1]["error"].as_str().unwrap().contains("unavailable"), "{row}");
    assert!(row["error"].as_str().unwrap().contains("users 1 to"), "{row}");

    let (status, answer) =
        call(&app, &admin, "restores/resume", &[("tenant", ACME), ("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let row = restore_settled(&app, &admin, &id).await;
    assert_eq!(row["state"], "done", "{row}");
    let check = &row["check"];
    assert_eq!(check["matches"], true, "{check}");
    let steps = row["steps"].as_array().unwrap();
    assert!(steps.iter().all(|s| s["state"] == "done"), "{row}");
    assert_eq!(steps[0]["added"], 1, "the realm is created once: {row}");
    let added: u64 = steps[1..].iter().map(|s| s["added"].as_u64().unwrap()).sum();
    assert_eq!(added, users, "{row}");
    let now = keycloak(&state).count_users(&realm, &UserQuery::default()).await.unwrap();
    assert_eq!(now, users, "every user once");

    let (status, again) =
        call(&app, &admin, "restores/resume", &[("tenant", ACME), ("id", &id)]).await;
    assert_eq!(status, StatusCode::CONFLICT, "a finished restore is not run again: {again}");
    let trail = audit_trail(&state).await;
    for action in ["restore.resume", "restore.finish"] {
        assert!(trail.iter().any(|e| e.action == action && e.target.as_deref() == Some(&id)));
    }
    let _ = std::fs::remove_dir_all(root);
}

#[tokio::test]
async fn a_restore_choice_is_refused_by_field_and_to_anyone_but_a_tenant_admin() {
    let Some((app, _state, root)) = console(true).await else { return };
    let admin = sign_in(&app, TENANT_ADMIN).await;
    let good = RestoreChoice {
        source: "no-such-backup".into(),
        into: "new".into(),
        new_realm: "acme-restored".into(),
        conflicts: "skip".into(),
        email_users: false,
    };
    let cases = [
        (RestoreChoice { new_realm: "globex-mine".into(), ..good.clone() }, "new_realm", "acme-"),
        (RestoreChoice { new_realm: "acme-a/b".into(), ..good.clone() }, "new_realm", "letters"),
        (RestoreChoice { conflicts: "maybe".into(), ..good.clone() }, "conflicts", "maybe"),
        (RestoreChoice { into: "elsewhere".into(), ..good.clone() }, "into", "elsewhere"),
        (RestoreChoice { source: "live".into(), ..good.clone() }, "source", "complete backup"),
        (good.clone(), "source", "no such backup"),
    ];
    for (choice, field, said) in cases {
        let (status, answer) = call_choice(&app, &admin, "restores/plan", &choice).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{choice:?}: {answer}");
        assert_eq!(answer["field"], field, "{answer}");
        assert!(answer["message"].as_str().unwrap().contains(said), "{answer}");
    }
    for user in [HELPDESK, AUDITOR] {
        let cookie = sign_in(&app, user).await;
        for endpoint in ["restores/plan", "restores/start"] {
            let (status, _) = call_choice(&app, &cookie, endpoint, &good).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{user} {endpoint}");
        }
    }
    let _ = std::fs::remove_dir_all(root);
}

/// Posts `json` as the upload form's file; answers where it is sent back to.
async fn upload(app: &Router, cookie: &str, json: &str) -> String {
    let boundary = "ctc-boundary-9c1e";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"realm.json\"\r\n\
         Content-Type: application/json\r\n\r\n{json}\r\n--{boundary}--\r\n"
    );
    let request = Request::post(format!("/backups/t/{ACME}/upload"))
        .header(header::COOKIE, cookie)
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let response = send(app, request).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    location(response.headers())
}

async fn download(app: &Router, cookie: &str, id: &str) -> (StatusCode, Vec<u8>) {
    let request = Request::get(format!("/backups/t/{ACME}/{id}/export.json"))
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let response = send(app, request).await;
    let status = response.status();
    (status, axum::body::to_bytes(response.into_body(), 1 << 26).await.unwrap().to_vec())
}

#[tokio::test]
async fn an_export_uploaded_is_kept_sealed_and_downloads_decrypted_until_a_byte_changes() {
    let Some((app, state, root)) = console(true).await else { return };
    let admin = sign_in(&app, TENANT_ADMIN).await;
    let export = r#"[{"realm": "elsewhere", "keycloakVersion": "24.0.5", "enabled": true,
        "clients": [{"clientId": "portal", "secret": "s3cret"}],
        "users": [{"username": "una"}, {"username": "ugo", "attributes": {"dept": ["x"]}}]}]"#;
    let back = upload(&app, &admin, export).await;
    assert_eq!(back, format!("/t/{ACME}/backups?uploaded=1"));
    let (_, overview) = call(&app, &admin, "backups/list", &[("tenant", ACME)]).await;
    let row = overview["backups"][0].clone();
    assert_eq!(row["state"], "complete", "{overview}");
    assert_eq!(row["counts"]["users"], 2, "{row}");
    assert_eq!(row["keycloak_version"], "24.0.5", "{row}");
    let id = row["id"].as_str().unwrap().to_owned();
    let sealed = std::fs::read(state.services.vault.path(ACME, &id)).unwrap();
    assert!(!String::from_utf8_lossy(&sealed).contains("s3cret"), "sealed at rest");

    let (status, body) = download(&app, &admin, &id).await;
    assert_eq!(status, StatusCode::OK);
    let realm: Value = serde_json::from_slice(&body).expect("a realm export");
    assert_eq!(realm["realm"], "elsewhere");
    assert_eq!(realm["clients"][0]["secret"], "s3cret");
    assert_eq!(realm["users"][1]["attributes"]["dept"][0], "x", "{realm}");
    let helpdesk = sign_in(&app, HELPDESK).await;
    assert_eq!(download(&app, &helpdesk, &id).await.0, StatusCode::FORBIDDEN);
    let trail = audit_trail(&state).await;
    assert!(
        trail.iter().any(|e| e.action == "backup.download" && e.target.as_deref() == Some(&id))
    );
    assert!(trail.iter().any(|e| e.action == "backup.upload"));

    let mut flipped = sealed.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 1;
    std::fs::write(state.services.vault.path(ACME, &id), flipped).unwrap();
    let (status, body) = download(&app, &admin, &id).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(String::from_utf8_lossy(&body).contains("cannot be read"));

    for (bad, said) in [
        ("not json at all", "not JSON"),
        (r#"{"realm": "old", "applications": []}"#, "before 1.2"),
        (r#"[{"clients": []}]"#, "no `realm` name"),
    ] {
        let back = upload(&app, &admin, bad).await;
        let message: String = url::Url::parse(&format!("http://x{back}"))
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "error")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| panic!("{back}"));
        assert!(message.contains(said), "{message}");
    }
    let (_, after) = call(&app, &admin, "backups/list", &[("tenant", ACME)]).await;
    assert_eq!(after["backups"].as_array().unwrap().len(), 1, "nothing kept from a bad file");
    let _ = std::fs::remove_dir_all(root);
}
