//! `users/offboard` and `users/delete`: the ordered steps of an offboarding and what they leave,
//! running it again, and who may delete a user for good.

use axum::http::StatusCode;
use cloudtrust_backend::store::Outcome;
use serde_json::json;

use super::super::test_support::{call, sign_in};
use super::{
    ACME, HELPDESK, TENANT_ADMIN, Throwaway, audit_trail, client_uuid, console, direct_grant,
    field_of, group_id, keycloak, steps,
};
use crate::state::AppState;

/// A user with a session, two top-level groups, a direct realm role and direct roles of two
/// clients.
async fn joiner(state: &AppState) -> Throwaway {
    let user = Throwaway::with_password(state, "Throwaway-1").await;
    let kc = keycloak(state);
    for path in ["/Legal", "/Marketing"] {
        kc.add_user_to_group(ACME, &user.id, &group_id(state, path).await).await.unwrap();
    }
    let offline = kc.role_by_name(ACME, None, "offline_access").await.unwrap();
    kc.add_realm_roles(ACME, &user.id, &[offline]).await.unwrap();
    for client in ["crm", "wiki"] {
        let uuid = client_uuid(state, client).await;
        let role = kc.role_by_name(ACME, Some(&uuid), "user").await.unwrap();
        kc.add_client_roles(ACME, &user.id, &uuid, &[role]).await.unwrap();
    }
    assert_eq!(direct_grant(state, &user.username, "Throwaway-1").await.0, StatusCode::OK);
    user
}

#[tokio::test]
async fn offboarding_runs_its_steps_in_order_and_leaves_the_user_disabled_without_access() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = joiner(&state).await;

    let (status, answer) =
        call(&app, &cookie, "users/offboard", &[("tenant", ACME), ("id", &user.id)]).await;

    assert_eq!(status, StatusCode::OK, "{answer}");
    let done = |step: &str| (step.to_owned(), "Done".to_owned());
    assert_eq!(
        steps(&answer),
        [
            done("Disable the account"),
            done("End every session"),
            done("Take back the realm roles offline_access"),
            done("Take back the roles user of crm"),
            done("Take back the roles user of wiki"),
            done("Leave the group /Legal"),
            done("Leave the group /Marketing"),
        ]
    );
    let kc = keycloak(&state);
    assert!(!kc.user(ACME, &user.id).await.unwrap().enabled);
    assert_eq!(kc.count_user_groups(ACME, &user.id, None).await.unwrap(), 0);
    let mappings = kc.user_role_mappings(ACME, &user.id).await.unwrap();
    let realm: Vec<&str> = mappings.realm.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(realm, ["default-roles-acme"]);
    assert!(mappings.clients.iter().all(|c| c.roles.is_empty()), "{:?}", mappings.clients);
    assert_eq!(kc.user_sessions(ACME, &user.id).await.unwrap().len(), 0);
}

#[tokio::test]
async fn offboarding_again_succeeds_with_nothing_left_to_take_back() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = joiner(&state).await;
    let args = [("tenant", ACME), ("id", user.id.as_str())];
    let (first, _) = call(&app, &cookie, "users/offboard", &args).await;

    let (status, answer) = call(&app, &cookie, "users/offboard", &args).await;

    assert_eq!(first, StatusCode::OK);
    assert_eq!(status, StatusCode::OK, "{answer}");
    let outcomes: Vec<(String, String)> = steps(&answer);
    let expected = [("Disable the account", "Done"), ("End every session", "Done")];
    assert_eq!(outcomes, expected.map(|(s, o)| (s.to_owned(), o.to_owned())));
}

#[tokio::test]
async fn a_deletion_with_the_wrong_confirmation_is_refused_and_the_user_stays() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, TENANT_ADMIN).await;
    let user = Throwaway::create(&state, json!({})).await;
    let wrong = user.username.to_uppercase();
    let args = [("tenant", ACME), ("id", &user.id), ("confirm_username", &wrong)];

    let (status, answer) = call(&app, &cookie, "users/delete", &args).await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(field_of(&answer), Some("confirm_username"));
    assert!(keycloak(&state).user(ACME, &user.id).await.is_ok(), "the user is still there");
}

#[tokio::test]
async fn a_helpdesk_agent_may_not_delete_a_user() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({})).await;
    let args = [("tenant", ACME), ("id", &user.id), ("confirm_username", &user.username)];

    let (status, _) = call(&app, &cookie, "users/delete", &args).await;

    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(keycloak(&state).user(ACME, &user.id).await.is_ok(), "the user is still there");
}

#[tokio::test]
async fn a_tenant_admin_deletes_a_user_for_good_and_the_deletion_is_audited() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, TENANT_ADMIN).await;
    let user = Throwaway::create(&state, json!({})).await;
    let args = [("tenant", ACME), ("id", &user.id), ("confirm_username", &user.username)];

    let (status, answer) = call(&app, &cookie, "users/delete", &args).await;

    assert_eq!(status, StatusCode::OK, "{answer}");
    let (gone, _) = call(&app, &cookie, "users/get", &[("tenant", ACME), ("id", &user.id)]).await;
    assert_eq!(gone, StatusCode::NOT_FOUND);
    let trail = audit_trail(&state).await;
    let deletion = trail.iter().find(|e| e.action == "user.delete").expect("a record");
    assert_eq!(deletion.target.as_deref(), Some(user.id.as_str()));
    assert_eq!(deletion.actor_username, TENANT_ADMIN);
    assert_eq!(deletion.outcome, Outcome::Success);
    assert!(deletion.detail.as_deref().unwrap().contains(&user.username), "{deletion:?}");
}
