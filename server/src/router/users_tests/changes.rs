//! `users/update`: read-modify-write that keeps what the form did not send, the refusal of an
//! attribute the profile does not declare, required actions, and a change that changes nothing.

use axum::Router;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::super::test_support::sign_in;
use super::{ACME, HELPDESK, Throwaway, console, field_of, keycloak, on_user};

/// Calls `users/update` on the user `id` with `args` as the form sends them (`fields[...]`,
/// `actions[...]`).
async fn update(
    app: &Router,
    cookie: &str,
    id: &str,
    args: &[(&str, &str)],
) -> (StatusCode, Value) {
    on_user(app, cookie, "users/update", id, args).await
}

#[tokio::test]
async fn an_update_keeps_the_attributes_the_form_did_not_send() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({})).await;
    let before = keycloak(&state).user(ACME, &user.id).await.unwrap();

    let (status, answer) = update(&app, &cookie, &user.id, &[("fields[jobTitle]", "Lead")]).await;

    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["changed"], json!(["jobTitle"]));
    let after = keycloak(&state).user(ACME, &user.id).await.unwrap();
    assert_eq!(after.attributes["jobTitle"], ["Lead"]);
    let mut expected = before.attributes.clone();
    expected.insert("jobTitle".into(), vec!["Lead".into()]);
    assert_eq!(after.attributes, expected, "the other attributes are as they were");
    assert_eq!((after.first_name, after.email), (before.first_name, before.email));
}

#[tokio::test]
async fn an_attribute_the_profile_does_not_declare_is_refused_by_name_and_nothing_changes() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({})).await;
    let before = keycloak(&state).user(ACME, &user.id).await.unwrap();
    let args = [("fields[jobTitle]", "Lead"), ("fields[shoeSize]", "42")];

    let (status, answer) = update(&app, &cookie, &user.id, &args).await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(field_of(&answer), Some("shoeSize"));
    assert!(answer["message"].as_str().unwrap().contains("shoeSize"), "{answer}");
    let after = keycloak(&state).user(ACME, &user.id).await.unwrap();
    assert_eq!(after.attributes, before.attributes, "not even jobTitle was written");
}

#[tokio::test]
async fn required_actions_are_added_and_removed_and_others_are_kept() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    // webauthn-register is not among the actions the console offers.
    let user = Throwaway::create(&state, json!({ "requiredActions": ["webauthn-register"] })).await;
    let both = [
        ("fields[lastName]", "Throwaway"),
        ("actions[UPDATE_PASSWORD]", "on"),
        ("actions[VERIFY_EMAIL]", "on"),
    ];

    let (added, after_adding) = update(&app, &cookie, &user.id, &both).await;
    let held = keycloak(&state).user(ACME, &user.id).await.unwrap().required_actions;
    let one = [("fields[lastName]", "Throwaway"), ("actions[VERIFY_EMAIL]", "on")];
    let (removed, after_removing) = update(&app, &cookie, &user.id, &one).await;
    let left = keycloak(&state).user(ACME, &user.id).await.unwrap().required_actions;

    assert_eq!(added, StatusCode::OK, "{after_adding}");
    assert_eq!(after_adding["changed"], json!(["requiredActions"]));
    let mut held = held;
    held.sort();
    assert_eq!(held, ["UPDATE_PASSWORD", "VERIFY_EMAIL", "webauthn-register"]);
    assert_eq!(removed, StatusCode::OK, "{after_removing}");
    let mut left = left;
    left.sort();
    assert_eq!(left, ["VERIFY_EMAIL", "webauthn-register"]);
}

#[tokio::test]
async fn an_update_that_changes_nothing_answers_an_empty_change_list() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({})).await;
    let email = format!("{}@acme.example", user.username);
    let same = [
        ("fields[email]", email.as_str()),
        ("fields[firstName]", "Ctc"),
        ("fields[lastName]", "Throwaway"),
        ("fields[department]", "Testing"),
        ("fields[jobTitle]", "Tester"),
    ];

    let (status, answer) = update(&app, &cookie, &user.id, &same).await;

    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["changed"], json!([]));
}

#[tokio::test]
async fn an_update_without_an_email_that_sends_an_empty_email_changes_nothing() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({ "email": null })).await;

    let (status, answer) =
        update(&app, &cookie, &user.id, &[("fields[email]", ""), ("fields[firstName]", "Ctc")])
            .await;

    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["changed"], json!([]));
}
