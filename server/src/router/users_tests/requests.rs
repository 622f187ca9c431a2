//! Provisioning requests against the real Keycloak: each kind filed, decided and run; four eyes;
//! two approvals at once running the request once; a run cut off by a restart resuming without
//! creating anyone twice; and an approver whose role was taken away being refused.

use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use cloudtrust_backend::store::Move;
use serde_json::{Value, json};

use super::super::test_support::{call, sign_in};
use super::{
    ACME, HELPDESK, TENANT_ADMIN, Throwaway, exists, group_id, id_of, keycloak, unique_name,
};

/// The platform admin, a second approver.
const PLATFORM: &str = "pat.platform";

/// The profile fields of a new acme user called `username`.
pub(super) fn person(username: &str) -> Vec<(String, String)> {
    [
        ("username", username.to_owned()),
        ("email", format!("{username}@acme.example")),
        ("firstName", "Ctc".to_owned()),
        ("lastName", "Request".to_owned()),
        ("department", "Testing".to_owned()),
        ("jobTitle", "Tester".to_owned()),
        ("employeeNumber", "T-0002".to_owned()),
        ("costCenter", "CC-9990".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (format!("fields[{k}]"), v))
    .collect()
}

/// Sets acme's approval rules in this console's database, as a tenant admin.
pub(super) async fn set_policy(app: &Router, admin: &str, rules: &[(&str, &str)]) {
    let mut args = vec![("tenant".to_owned(), ACME.to_owned())];
    args.extend(rules.iter().map(|(k, v)| (format!("policy[{k}]"), (*v).to_owned())));
    let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, answer) = call(app, admin, "workflow/policy-save", &pairs).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

/// Waits until the request leaves the states of waiting and running; returns its detail.
pub(super) async fn settled(app: &Router, cookie: &str, id: &str) -> Value {
    for _ in 0..240 {
        let (status, detail) =
            call(app, cookie, "requests/get", &[("tenant", ACME), ("id", id)]).await;
        assert_eq!(status, StatusCode::OK, "{detail}");
        let state = detail["summary"]["state"].as_str().unwrap_or_default().to_owned();
        if !matches!(state.as_str(), "approved" | "running") {
            return detail;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("request {id} did not settle in a minute");
}

fn state_of(detail: &Value) -> &str {
    detail["summary"]["state"].as_str().unwrap_or_default()
}

async fn onboarding(
    app: &Router,
    cookie: &str,
    username: &str,
    template: &str,
) -> (StatusCode, Value) {
    let mut args: Vec<(String, String)> = vec![
        ("tenant".into(), ACME.into()),
        ("template".into(), template.into()),
        ("credential".into(), "later".into()),
        ("enabled".into(), "true".into()),
        ("reason".into(), "joins the legal team".into()),
    ];
    args.extend(person(username));
    let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    call(app, cookie, "requests/onboard", &pairs).await
}

#[tokio::test]
async fn a_helpdesk_onboarding_waits_for_a_tenant_admin_and_creates_the_user_with_the_template() {
    let Some((app, state)) = super::console().await else { return };
    let (agent, admin) = (sign_in(&app, HELPDESK).await, sign_in(&app, TENANT_ADMIN).await);
    set_policy(&app, &admin, &[("approve_onboarding", "true")]).await;
    let legal = group_id(&state, "/Legal").await;
    let (status, template) = call(
        &app,
        &admin,
        "templates/save",
        &[
            ("tenant", ACME),
            ("template[name]", "Legal counsel"),
            ("template[access][]", &format!("group/{legal}")),
            ("template[required_actions][]", "UPDATE_PASSWORD"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{template}");
    let username = unique_name();
    let _cleanup = Throwaway::by_name(&state, &username);

    let (status, filed) = onboarding(&app, &agent, &username, "legal-counsel").await;
    assert_eq!(status, StatusCode::OK, "{filed}");
    assert_eq!(filed["state"], "submitted", "{filed}");
    let id = filed["id"].as_str().unwrap();
    assert!(!exists(&state, &username).await, "nothing runs before the approval");

    let (own, refused) =
        call(&app, &agent, "requests/approve", &[("tenant", ACME), ("id", id)]).await;
    assert_eq!(own, StatusCode::FORBIDDEN, "{refused}");
    let (status, answer) =
        call(&app, &admin, "requests/approve", &[("tenant", ACME), ("id", id), ("note", "ok")])
            .await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let detail = settled(&app, &agent, id).await;
    assert_eq!(state_of(&detail), "done", "{detail}");
    let kc = keycloak(&state);
    let user_id = id_of(kc, &username).await.unwrap().expect("the user exists");
    let groups = kc.user_groups(ACME, &user_id, None, 0, 10).await.unwrap();
    assert_eq!(groups.iter().map(|g| g.path.as_str()).collect::<Vec<_>>(), ["/Legal"]);
    let user = kc.user(ACME, &user_id).await.unwrap();
    assert_eq!(user.required_actions, ["UPDATE_PASSWORD"]);
    let history: Vec<&str> =
        detail["history"].as_array().unwrap().iter().map(|h| h["to"].as_str().unwrap()).collect();
    assert_eq!(history.first(), Some(&"submitted"));
    assert!(history.contains(&"approved") && history.last() == Some(&"done"), "{history:?}");
    let trail = super::audit_trail(&state).await;
    let run = trail.iter().find(|e| e.action == "request.onboard.run").expect("the run is audited");
    let detail: Value = serde_json::from_str(run.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["requester"], HELPDESK);
    assert_eq!(detail["approver"], TENANT_ADMIN);
}

#[tokio::test]
async fn two_approvals_at_once_run_the_offboarding_once() {
    let Some((app, state)) = super::console().await else { return };
    let (agent, alice, pat) = (
        sign_in(&app, HELPDESK).await,
        sign_in(&app, TENANT_ADMIN).await,
        sign_in(&app, PLATFORM).await,
    );
    let user = Throwaway::create(&state, json!({})).await;
    let (status, filed) = call(
        &app,
        &agent,
        "requests/offboard",
        &[("tenant", ACME), ("user_id", &user.id), ("reason", "left the company")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{filed}");
    assert_eq!(filed["state"], "submitted", "offboarding needs approval by default: {filed}");
    let id = filed["id"].as_str().unwrap();

    let args = [("tenant", ACME), ("id", id)];
    let ((first, _), (second, _)) = tokio::join!(
        call(&app, &alice, "requests/approve", &args),
        call(&app, &pat, "requests/approve", &args),
    );

    let mut statuses = [first, second];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let detail = settled(&app, &agent, id).await;
    assert_eq!(state_of(&detail), "done", "{detail}");
    let approvals = detail["history"].as_array().unwrap().iter().filter(|h| h["to"] == "approved");
    assert_eq!(approvals.count(), 1);
    for step in detail["steps"].as_array().unwrap() {
        assert_eq!(step["attempts"], 1, "each step ran once: {step}");
    }
    assert!(!keycloak(&state).user(ACME, &user.id).await.unwrap().enabled);
}

#[tokio::test]
async fn a_run_cut_off_by_a_restart_resumes_and_creates_nobody_twice() {
    let Some((app, state)) = super::console().await else { return };
    let (agent, admin) = (sign_in(&app, HELPDESK).await, sign_in(&app, TENANT_ADMIN).await);
    set_policy(&app, &admin, &[("approve_onboarding", "true")]).await;
    let username = unique_name();
    let _cleanup = Throwaway::by_name(&state, &username);
    let (_, filed) = onboarding(&app, &agent, &username, "").await;
    let id = filed["id"].as_str().expect("filed").to_owned();

    // A runner took the request up, created the user in Keycloak, and died before it stored
    // the step's end: its claim has run out.
    let store = &state.store;
    let system = Move { actor_id: "t", actor_username: "t", note: None, decides: true };
    assert!(store.move_request(&id, &["submitted"], "approved", &system).await.unwrap());
    assert!(store.claim_request(&id, "dead-instance", -1).await.unwrap());
    let create = &store.unfinished_steps(&id, 0, 0).await.unwrap()[0];
    store.start_step(&id, create.seq).await.unwrap();
    let action: Value = serde_json::from_str(&create.action).unwrap();
    keycloak(&state).create_user(ACME, &action["representation"]).await.expect("created once");

    cloudtrust_app::api::requests::run::tick(&state.services).await.expect("the job's round");

    let detail = settled(&app, &agent, &id).await;
    assert_eq!(state_of(&detail), "done", "{detail}");
    let query = cloudtrust_backend::keycloak::UserQuery {
        search: Some(format!("\"{username}\"")),
        max: 10,
        ..Default::default()
    };
    let found = keycloak(&state).list_users(ACME, &query).await.unwrap();
    assert_eq!(found.len(), 1, "one user, the one created before the restart");
}

#[tokio::test]
async fn a_change_of_access_and_a_reset_need_no_approval_by_default_and_run_at_once() {
    let Some((app, state)) = super::console().await else { return };
    let agent = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({})).await;
    let marketing = group_id(&state, "/Marketing").await;

    let (status, filed) = call(
        &app,
        &agent,
        "requests/change-access",
        &[
            ("tenant", ACME),
            ("user_id", &user.id),
            ("add[]", &format!("group/{marketing}")),
            ("reason", "moves to marketing"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{filed}");
    assert_eq!(filed["state"], "approved");
    let detail = settled(&app, &agent, filed["id"].as_str().unwrap()).await;
    assert_eq!(state_of(&detail), "done", "{detail}");
    let kc = keycloak(&state);
    let groups = kc.user_groups(ACME, &user.id, None, 0, 10).await.unwrap();
    assert!(groups.iter().any(|g| g.path == "/Marketing"));

    let (status, filed) = call(
        &app,
        &agent,
        "requests/reset",
        &[
            ("tenant", ACME),
            ("user_id", &user.id),
            ("method", "next_sign_in"),
            ("actions[]", "UPDATE_PASSWORD"),
            ("reason", "forgot the password"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{filed}");
    let detail = settled(&app, &agent, filed["id"].as_str().unwrap()).await;
    assert_eq!(state_of(&detail), "done", "{detail}");
    assert_eq!(kc.user(ACME, &user.id).await.unwrap().required_actions, ["UPDATE_PASSWORD"]);
}

#[tokio::test]
async fn a_request_with_bad_input_is_refused_by_field_and_nothing_is_filed() {
    let Some((app, _state)) = super::console().await else { return };
    let agent = sign_in(&app, HELPDESK).await;

    let (status, answer) = call(
        &app,
        &agent,
        "requests/offboard",
        &[("tenant", ACME), ("user_id", "x"), ("run_on", "2020-01-01"), ("reason", "left")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["field"], "run_on");

    let (status, answer) =
        call(&app, &agent, "requests/offboard", &[("tenant", ACME), ("user_id", "x")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["field"], "reason");

    let (_, list) = call(&app, &agent, "requests/list", &[("tenant", ACME)]).await;
    assert_eq!(list["total"], 0, "{list}");
}

#[tokio::test]
async fn an_approver_whose_role_was_taken_away_after_signing_in_cannot_approve() {
    let Some((app, state)) = super::console().await else { return };
    let kc = keycloak(&state);
    let console_realm = state.services.console_realm.clone();
    let name = unique_name();
    let approver = json!({
        "username": name,
        "email": format!("{name}@console.example"),
        "firstName": "Ctc",
        "lastName": "Approver",
        "enabled": true,
        "emailVerified": true,
        "credentials": [{ "type": "password", "value": "demo", "temporary": false }],
    });
    let approver_id = kc.create_user(&console_realm, &approver).await.expect("an approver");
    let admins = kc.search_groups(&console_realm, Some("tenant-admins"), 0, 50).await.unwrap();
    let group = admins.iter().find(|g| g.path == "/tenants/acme/tenant-admins").expect("group");
    kc.add_user_to_group(&console_realm, &approver_id, &group.id).await.unwrap();
    let approver_cookie = sign_in(&app, &name).await;
    let agent = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({})).await;
    let (_, filed) = call(
        &app,
        &agent,
        "requests/offboard",
        &[("tenant", ACME), ("user_id", &user.id), ("reason", "left")],
    )
    .await;
    let id = filed["id"].as_str().expect("filed");

    kc.remove_user_from_group(&console_realm, &approver_id, &group.id).await.unwrap();
    let (status, answer) =
        call(&app, &approver_cookie, "requests/approve", &[("tenant", ACME), ("id", id)]).await;
    kc.delete_user(&console_realm, &approver_id).await.unwrap();

    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    let (_, detail) = call(&app, &agent, "requests/get", &[("tenant", ACME), ("id", id)]).await;
    assert_eq!(state_of(&detail), "submitted", "{detail}");
}
