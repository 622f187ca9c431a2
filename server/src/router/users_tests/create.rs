//! `users/create`: a given or generated username, a generated temporary password, initial
//! groups, and the refusals that leave nothing created.

use axum::Router;
use axum::http::StatusCode;
use serde_json::Value;

use super::super::test_support::{call_encoded, sign_in};
use super::{
    ACME, HELPDESK, Throwaway, client_uuid, console, direct_grant, exists, field_of, group_id,
    search, steps, unique_name, usernames,
};

/// Calls `users/create` on acme with the profile `fields` and the other `args` of the request
/// (`enabled`, `credential`, `groups[0]`...), each under `user[...]`.
async fn create(
    app: &Router,
    cookie: &str,
    fields: &[(&str, &str)],
    args: &[(&str, &str)],
) -> (StatusCode, Value) {
    let fields = fields.iter().map(|(k, v)| (format!("user[fields][{k}]"), *v));
    let args = args.iter().map(|(k, v)| match k.split_once('[') {
        Some((map, key)) => (format!("user[{map}][{key}"), *v),
        None => (format!("user[{k}]"), *v),
    });
    let mut form = url::form_urlencoded::Serializer::new(format!("tenant={ACME}"));
    for (key, value) in fields.chain(args) {
        form.append_pair(&key, value);
    }
    let body = form.finish();

    call_encoded(app, cookie, "users/create", body).await
}

#[tokio::test]
async fn a_user_created_with_a_given_username_holds_the_fields_and_groups_given() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let username = unique_name();
    let _cleanup = Throwaway::by_name(&state, &username);
    let email = format!("{username}@acme.example");
    let emea = group_id(&state, "/Sales/EMEA").await;
    let group_key = "groups[0]";
    let fields = [
        ("username", username.as_str()),
        ("email", &email),
        ("firstName", "Ctc"),
        ("lastName", "Created"),
        ("department", "Testing"),
    ];

    let (status, created) = create(
        &app,
        &cookie,
        &fields,
        &[("enabled", "true"), ("credential", "none"), (group_key, &emea)],
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["username"], username.as_str());
    assert_eq!(created["generated_password"], Value::Null);
    let outcomes: Vec<String> = steps(&created).into_iter().map(|(_, o)| o).collect();
    assert_eq!(outcomes, ["Done", "Done"], "created, then joined the group");
    let id = created["id"].as_str().unwrap();
    let user = super::keycloak(&state).user(ACME, id).await.unwrap();
    assert_eq!(user.email.as_deref(), Some(email.as_str()));
    assert_eq!(
        (user.first_name.as_deref(), user.last_name.as_deref()),
        (Some("Ctc"), Some("Created"))
    );
    assert_eq!(user.attributes["department"], ["Testing"]);
    assert!(user.enabled);
    let groups = super::keycloak(&state).user_groups(ACME, id, None, 0, 10).await.unwrap();
    let paths: Vec<&str> = groups.iter().map(|g| g.path.as_str()).collect();
    assert_eq!(paths, ["/Sales/EMEA"]);
}

#[tokio::test]
async fn a_generated_username_is_first_dot_last_in_ascii_and_numbered_when_taken() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let last = format!("T{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let expected = format!("elodie.{}", last.to_lowercase());
    let _first = Throwaway::by_name(&state, &expected);
    let _second = Throwaway::by_name(&state, &format!("{expected}2"));
    let person = [("firstName", "Élodie"), ("lastName", last.as_str())];

    let (one, first) = create(&app, &cookie, &person, &[("credential", "none")]).await;
    let (two, second) = create(&app, &cookie, &person, &[("credential", "none")]).await;

    assert_eq!(one, StatusCode::OK, "{first}");
    assert_eq!(first["username"], expected.as_str());
    assert_eq!(two, StatusCode::OK, "{second}");
    assert_eq!(second["username"], format!("{expected}2"));
}

#[tokio::test]
async fn a_user_given_a_generated_temporary_password_is_found_and_must_choose_a_new_one() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let username = unique_name();
    let _cleanup = Throwaway::by_name(&state, &username);
    let email = format!("{username}@acme.example");
    let fields = [("username", username.as_str()), ("email", &email), ("lastName", "Temporary")];

    let (status, created) =
        create(&app, &cookie, &fields, &[("enabled", "true"), ("credential", "temporary")]).await;

    assert_eq!(status, StatusCode::OK, "{created}");
    let password = created["generated_password"].as_str().expect("a generated password");
    assert_eq!(password.chars().count(), 21);
    let quoted = format!("\"{username}\"");
    let (_, found) = search(&app, &cookie, &[("q", &quoted)]).await;
    assert_eq!(usernames(&found), [username.as_str()]);
    let user = super::keycloak(&state).user(ACME, created["id"].as_str().unwrap()).await.unwrap();
    assert_eq!(user.required_actions, ["UPDATE_PASSWORD"]);
    let (signed_in, answer) = direct_grant(&state, &username, password).await;
    assert_eq!(signed_in, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["error_description"], "Account is not fully set up", "the password is right");
}

#[tokio::test]
async fn a_taken_username_is_refused_on_the_username_field_and_nothing_is_created() {
    let Some((app, _)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let email = format!("{}@acme.example", unique_name());
    let fields = [("username", "zoe.huber"), ("email", email.as_str()), ("lastName", "Again")];

    let (status, answer) = create(&app, &cookie, &fields, &[("credential", "none")]).await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(field_of(&answer), Some("username"));
    let (_, found) = search(&app, &cookie, &[("email", &email)]).await;
    assert_eq!(found["total"], 0, "no user holds the new email");
}

#[tokio::test]
async fn a_taken_email_is_refused_on_the_email_field_and_nothing_is_created() {
    // The demo realms do not allow duplicate emails (`duplicateEmailsAllowed: false`).
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let username = unique_name();
    let _cleanup = Throwaway::by_name(&state, &username);
    let fields = [("username", username.as_str()), ("email", "zoe.huber@acme.example")];

    let (status, answer) = create(&app, &cookie, &fields, &[("credential", "none")]).await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(field_of(&answer), Some("email"));
    assert!(!exists(&state, &username).await);
}

#[tokio::test]
async fn an_attribute_the_profile_does_not_declare_is_refused_by_name_and_nothing_is_created() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let username = unique_name();
    let _cleanup = Throwaway::by_name(&state, &username);
    let fields = [("username", username.as_str()), ("lastName", "Shoes"), ("shoeSize", "42")];

    let (status, answer) = create(&app, &cookie, &fields, &[("credential", "none")]).await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(field_of(&answer), Some("shoeSize"));
    assert!(answer["message"].as_str().unwrap().contains("shoeSize"), "{answer}");
    assert!(!exists(&state, &username).await);
}

#[tokio::test]
async fn a_first_name_the_profile_validator_refuses_is_refused_on_that_field() {
    // Keycloak's person-name validator refuses `=` and other characters in names.
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let username = unique_name();
    let _cleanup = Throwaway::by_name(&state, &username);
    let fields = [("username", username.as_str()), ("firstName", "=SUM(A1)")];

    let (status, answer) = create(&app, &cookie, &fields, &[("credential", "none")]).await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(field_of(&answer), Some("firstName"));
    assert!(!exists(&state, &username).await);
}

#[tokio::test]
async fn a_helpdesk_agent_granting_a_privileged_role_at_creation_is_refused_before_creating() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let username = unique_name();
    let _cleanup = Throwaway::by_name(&state, &username);
    let realm_management = client_uuid(&state, "realm-management").await;
    let role = format!("{realm_management}/view-users");

    let (status, answer) = create(
        &app,
        &cookie,
        &[("username", &username)],
        &[("credential", "none"), ("roles[0]", &role)],
    )
    .await;

    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert!(!exists(&state, &username).await);
}

#[tokio::test]
async fn a_creation_that_fails_half_way_answers_each_step_and_keeps_the_user() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let username = unique_name();
    let _cleanup = Throwaway::by_name(&state, &username);
    let legal = group_id(&state, "/Legal").await;
    let email = format!("{username}@acme.example");
    // The demo realms have no SMTP server: the last step, the email, fails after the rest.
    let args = [
        ("credential", "email"),
        ("actions[UPDATE_PASSWORD]", "on"),
        ("lifespan_hours", "12"),
        ("groups[0]", legal.as_str()),
    ];

    let (status, answer) =
        create(&app, &cookie, &[("username", &username), ("email", &email)], &args).await;

    assert_eq!(status, StatusCode::OK, "the answer lists the steps: {answer}");
    let outcomes: Vec<String> = steps(&answer).into_iter().map(|(_, o)| o).collect();
    assert_eq!(outcomes, ["Done", "Done", "Failed"]);
    assert_eq!(answer["steps"][1]["step"], "Join the group /Legal");
    assert!(answer["steps"][2]["message"].is_string(), "{answer}");
    assert!(exists(&state, &username).await, "the user created stays, to finish by hand");
}

#[tokio::test]
async fn a_missing_group_given_by_an_id_that_starts_with_a_digit_is_refused_before_creating() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let username = unique_name();
    let _cleanup = Throwaway::by_name(&state, &username);
    let group = "00000000-0000-4000-8000-000000000000";
    let body = format!(
        "tenant={ACME}&user[fields][username]={username}&user[credential]=none\
         &user[groups][0]={group}"
    );

    let (status, answer) = call_encoded(&app, &cookie, "users/create", body).await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "the form is understood: {answer}");
    assert_eq!(answer["field"], "groups");
    assert!(!exists(&state, &username).await, "nothing is created");
}
