//! `users/get`, `users/access` and `users/security`: the profile's fields, groups with their
//! total, direct and inherited roles, and the audited privileged view.

use axum::http::StatusCode;
use cloudtrust_backend::store::Outcome;
use serde_json::{Value, json};

use super::super::test_support::{call, sign_in};
use super::{
    ACME, AUDITOR, HELPDESK, Throwaway, audit_trail, client_uuid, console, demo_users,
    direct_grant, group_id, keycloak,
};

/// The `name: values` of a detail's profile fields, in order.
fn field_values(detail: &Value) -> Vec<(String, Value)> {
    let fields = detail["fields"].as_array().expect("profile fields");
    fields.iter().map(|f| (f["name"].as_str().unwrap().to_owned(), f["values"].clone())).collect()
}

/// The paths of an access answer's groups, sorted.
fn group_paths(access: &Value) -> Vec<String> {
    let groups = access["groups"].as_array().expect("groups");
    let mut paths: Vec<String> =
        groups.iter().map(|g| g["path"].as_str().unwrap().to_owned()).collect();
    paths.sort();
    paths
}

#[tokio::test]
async fn a_users_detail_lists_the_realms_profile_fields_in_order_with_the_users_values() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let demo = demo_users().into_iter().find(|u| u["username"] == "zoe.huber").unwrap();
    let query = cloudtrust_backend::keycloak::UserQuery {
        search: Some("\"zoe.huber\"".into()),
        max: 1,
        ..Default::default()
    };
    let id = keycloak(&state).list_users(ACME, &query).await.unwrap().remove(0).id;
    let profile = keycloak(&state).user_profile(ACME).await.unwrap();

    let (status, detail) = call(&app, &cookie, "users/get", &[("tenant", ACME), ("id", &id)]).await;

    assert_eq!(status, StatusCode::OK, "{detail}");
    let names: Vec<&str> = profile.attributes.iter().map(|a| a.name.as_str()).collect();
    let expected: Vec<(String, Value)> = names
        .iter()
        .map(|name| {
            let value = match *name {
                "username" | "email" | "firstName" | "lastName" => json!([demo[name]]),
                other => demo["attributes"][other].clone(),
            };
            ((*name).to_owned(), value)
        })
        .collect();
    assert_eq!(field_values(&detail), expected);
    let labels: Vec<&str> =
        detail["fields"].as_array().unwrap().iter().map(|f| f["label"].as_str().unwrap()).collect();
    assert_eq!(labels[..4], ["Username", "Email", "First name", "Last name"], "{labels:?}");
    assert!(labels.contains(&"Cost centre"), "the profile's display names: {labels:?}");
}

#[tokio::test]
async fn the_access_view_pages_the_users_groups_with_their_total_and_filters_them_by_name() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({})).await;
    let paths = ["/Customer Support/Tier 1", "/Customer Support/Tier 2", "/Legal", "/Sales/EMEA"];
    for path in paths {
        let group = group_id(&state, path).await;
        keycloak(&state).add_user_to_group(ACME, &user.id, &group).await.unwrap();
    }
    let access = |search: &'static str, page: &'static str| {
        let (app, cookie, id) = (app.clone(), cookie.clone(), user.id.clone());
        async move {
            let args =
                [("tenant", ACME), ("id", &id), ("group_search", search), ("group_page", page)];
            call(&app, &cookie, "users/access", &args).await
        }
    };

    let (status, all) = access("", "0").await;
    let (_, past_the_end) = access("", "1").await;
    let (_, tiers) = access("tier", "0").await;

    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(group_paths(&all), paths);
    assert_eq!(all["groups_total"], 4);
    assert_eq!(group_paths(&past_the_end), Vec::<String>::new());
    assert_eq!(past_the_end["groups_total"], 4, "the total does not depend on the page");
    assert_eq!(group_paths(&tiers), paths[..2]);
    assert_eq!(tiers["groups_total"], 2, "the total counts with the filter");
}

#[tokio::test]
async fn realm_roles_are_marked_direct_or_inherited_and_client_roles_are_the_direct_ones() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({})).await;
    // Engineering grants the roles `user` of wiki and ticketing to its members.
    let engineering = group_id(&state, "/Engineering").await;
    keycloak(&state).add_user_to_group(ACME, &user.id, &engineering).await.unwrap();
    let crm = client_uuid(&state, "crm").await;
    let role = keycloak(&state).role_by_name(ACME, Some(&crm), "user").await.unwrap();
    keycloak(&state).add_client_roles(ACME, &user.id, &crm, &[role]).await.unwrap();
    let args = [("tenant", ACME), ("id", &user.id), ("group_search", ""), ("group_page", "0")];

    let (status, access) = call(&app, &cookie, "users/access", &args).await;

    assert_eq!(status, StatusCode::OK, "{access}");
    let realm: Vec<(&str, bool)> = access["realm_roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap(), r["direct"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        realm,
        [("default-roles-acme", true), ("offline_access", false), ("uma_authorization", false)]
    );
    let client: Vec<(&str, &str, bool)> = access["client_roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let client = r["client_id"].as_str().unwrap();
            (client, r["name"].as_str().unwrap(), r["direct"].as_bool().unwrap())
        })
        .collect();
    assert_eq!(client, [("crm", "user", true)], "roles held through a group are not direct");
}

#[tokio::test]
async fn reading_a_users_security_shows_their_sessions_and_is_recorded_in_the_audit_trail() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::with_password(&state, "Throwaway-1").await;
    let (signed_in, _) = direct_grant(&state, &user.username, "Throwaway-1").await;
    assert_eq!(signed_in, StatusCode::OK);

    let (status, security) =
        call(&app, &cookie, "users/security", &[("tenant", ACME), ("id", &user.id)]).await;

    assert_eq!(status, StatusCode::OK, "{security}");
    assert_eq!(security["credentials"][0]["kind"], "password");
    assert_eq!(security["sessions"].as_array().unwrap().len(), 1, "{security}");
    assert_eq!(security["sessions"][0]["clients"], json!(["wiki"]));
    let trail = audit_trail(&state).await;
    let read = trail.iter().find(|e| e.action == "user.view_security").expect("a record");
    assert_eq!(read.target.as_deref(), Some(user.id.as_str()));
    assert_eq!(read.tenant.as_deref(), Some(ACME));
    assert_eq!(read.actor_username, HELPDESK);
    assert_eq!(read.outcome, Outcome::Success);
}

#[tokio::test]
async fn an_auditor_is_refused_a_users_security_and_the_refusal_is_audited() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, AUDITOR).await;
    let user = Throwaway::create(&state, json!({})).await;

    let (status, answer) =
        call(&app, &cookie, "users/security", &[("tenant", ACME), ("id", &user.id)]).await;

    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(answer.get("credentials").is_none(), "{answer}");
    let trail = audit_trail(&state).await;
    assert!(!trail.iter().any(|e| e.action == "user.view_security"), "nothing was read");
    assert!(trail.iter().any(|e| e.action == "ViewUserSecrets" && e.outcome == Outcome::Denied));
}
