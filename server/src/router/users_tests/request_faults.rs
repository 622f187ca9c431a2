//! Requests under faults, against the real Keycloak: Keycloak unreachable half-way through a bulk
//! import (the rows reached fail, the rest are not run, a retry finishes them and creates
//! nobody twice), and a leaver with a date that does not run before it.

use cloudtrust_backend::keycloak::{KeycloakAdmin, UserQuery};
use cloudtrust_backend::store::Move;
use serde_json::json;

use super::super::test_support::{call, call_encoded, sign_in};
use super::import::{form, upload};
use super::requests::{set_policy, settled};
use super::{ACME, HELPDESK, TENANT_ADMIN, Throwaway, keycloak, service_settings, unique_name};

/// How many rows the interrupted import holds: more than the runner runs at once.
const ROWS: usize = 9;

#[tokio::test]
async fn keycloak_failing_during_an_import_leaves_the_rest_not_run_and_a_retry_finishes_it() {
    let Some((app, state)) = super::console().await else { return };
    let (agent, admin) = (sign_in(&app, HELPDESK).await, sign_in(&app, TENANT_ADMIN).await);
    set_policy(&app, &admin, &[("bulk_threshold", "1")]).await;
    let prefix = unique_name();
    let names: Vec<String> = (0..ROWS).map(|i| format!("{prefix}-{i}")).collect();
    let _cleanup: Vec<Throwaway> = names.iter().map(|n| Throwaway::by_name(&state, n)).collect();
    let mut csv = String::from("username,email,firstName,lastName\n");
    for name in &names {
        csv.push_str(&format!("{name},{name}@acme.example,Fault,Row\n"));
    }
    let id = upload(&app, &agent, &csv).await.rsplit('/').next().unwrap().to_owned();
    let mapping = [
        ("mapping[username]", "username"),
        ("mapping[email]", "email"),
        ("mapping[firstName]", "firstName"),
        ("mapping[lastName]", "lastName"),
    ];
    let mut filing = vec![("tenant", ACME), ("id", id.as_str()), ("reason", "faults")];
    filing.extend(mapping);
    let (status, filed) = call_encoded(&app, &agent, "import/submit", form(&filing)).await;
    assert_eq!(status, axum::http::StatusCode::OK, "{filed}");
    assert_eq!(filed["state"], "submitted", "{filed}");

    // Approved in the database, then run by an instance whose Keycloak is unreachable.
    let by = Move { actor_id: "t", actor_username: "t", note: None, decides: true };
    assert!(state.store.move_request(&id, &["submitted"], "approved", &by).await.unwrap());
    let mut unreachable = service_settings(&state);
    unreachable.base_url = url::Url::parse("http://127.0.0.1:9/").unwrap();
    let mut cut_off = state.services.clone();
    cut_off.keycloak = KeycloakAdmin::new(unreachable).unwrap();
    cloudtrust_app::api::requests::run::run(&cut_off, &id).await.expect("the run ends");

    let (_, detail) = call(&app, &agent, "requests/get", &[("tenant", ACME), ("id", &id)]).await;
    assert_eq!(detail["summary"]["state"], "failed", "{detail}");
    let progress = &detail["progress"];
    assert_eq!(progress["rows_done"], 0, "{progress}");
    assert!(progress["rows_failed"].as_i64().unwrap() >= 1, "{progress}");
    assert!(progress["rows_pending"].as_i64().unwrap() >= 1, "the rest are not run: {progress}");

    let (status, answer) =
        call(&app, &agent, "requests/retry", &[("tenant", ACME), ("id", &id)]).await;
    assert_eq!(status, axum::http::StatusCode::OK, "{answer}");
    let detail = settled(&app, &agent, &id).await;
    assert_eq!(detail["summary"]["state"], "done", "{detail}");
    assert_eq!(detail["progress"]["rows_done"], ROWS as i64);
    let query = UserQuery { search: Some(format!("{prefix}-")), max: 50, ..Default::default() };
    let found = keycloak(&state).list_users(ACME, &query).await.unwrap();
    assert_eq!(found.len(), ROWS, "each row's user exists once");
}

#[tokio::test]
async fn a_leaver_with_a_date_waits_for_it_and_the_job_does_not_run_it_before() {
    let Some((app, state)) = super::console().await else { return };
    let (agent, admin) = (sign_in(&app, HELPDESK).await, sign_in(&app, TENANT_ADMIN).await);
    set_policy(&app, &admin, &[("approve_offboarding", "false")]).await;
    let user = Throwaway::create(&state, json!({})).await;
    let tomorrow = time::OffsetDateTime::now_utc().date().next_day().unwrap();
    let run_on = format!("{tomorrow}");

    let (status, filed) = call(
        &app,
        &agent,
        "requests/offboard",
        &[("tenant", ACME), ("user_id", &user.id), ("run_on", &run_on), ("reason", "leaves")],
    )
    .await;
    assert_eq!(status, axum::http::StatusCode::OK, "{filed}");
    assert_eq!(filed["state"], "approved");
    let id = filed["id"].as_str().unwrap();
    cloudtrust_app::api::requests::run::tick(&state.services).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    let (_, detail) = call(&app, &agent, "requests/get", &[("tenant", ACME), ("id", id)]).await;
    assert_eq!(detail["summary"]["state"], "approved", "{detail}");
    let midnight = tomorrow.midnight().assume_utc().unix_timestamp() * 1000;
    assert_eq!(detail["summary"]["run_at_ms"], midnight);
    assert!(keycloak(&state).user(ACME, &user.id).await.unwrap().enabled, "not offboarded yet");
}
