//! `users/group`, `users/role` and the pickers: joining and leaving a group, granting roles
//! with and without privilege, and pickers that page on the server.

use axum::Router;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::super::test_support::{call, sign_in};
use super::{ACME, HELPDESK, TENANT_ADMIN, Throwaway, client_uuid, console, group_id, keycloak};

/// The user's groups and roles as `users/access` answers them.
async fn access(app: &Router, cookie: &str, id: &str) -> Value {
    let args = [("tenant", ACME), ("id", id), ("group_search", ""), ("group_page", "0")];
    let (status, access) = call(app, cookie, "users/access", &args).await;
    assert_eq!(status, StatusCode::OK, "{access}");
    access
}

/// `(client, role, privileged)` of an access answer's client roles.
fn client_roles(access: &Value) -> Vec<(String, String, bool)> {
    let roles = access["client_roles"].as_array().expect("client roles");
    let row = |r: &Value| {
        let text = |k: &str| r[k].as_str().unwrap().to_owned();
        (text("client_id"), text("name"), r["privileged"].as_bool().unwrap())
    };
    roles.iter().map(row).collect()
}

/// Adds `id` to the group `group` (`member` true) or removes them; returns the status.
async fn change_group(
    app: &Router,
    cookie: &str,
    id: &str,
    group: &str,
    member: bool,
) -> StatusCode {
    let member = member.to_string();
    let args = [("tenant", ACME), ("id", id), ("group_id", group), ("member", &member)];
    call(app, cookie, "users/group", &args).await.0
}

/// Grants (`granted` true) or takes back the role `role` of the client `client` to `id`.
async fn change_role(
    app: &Router,
    cookie: &str,
    id: &str,
    client: &str,
    role: &str,
    granted: bool,
) -> (StatusCode, Value) {
    let granted = granted.to_string();
    let args = [
        ("tenant", ACME),
        ("id", id),
        ("client_uuid", client),
        ("role", role),
        ("granted", &granted),
    ];
    call(app, cookie, "users/role", &args).await
}

/// The full paths of the demo realm's groups, at every level.
fn demo_group_paths() -> Vec<String> {
    fn walk(groups: &Value, parent: &str, out: &mut Vec<String>) {
        for group in groups.as_array().into_iter().flatten() {
            let path = format!("{parent}/{}", group["name"].as_str().unwrap());
            walk(&group["subGroups"], &path, out);
            out.push(path);
        }
    }
    let mut paths = Vec::new();
    walk(&super::demo_realm()["groups"], "", &mut paths);
    paths.sort();
    paths
}

#[tokio::test]
async fn a_user_joins_a_group_and_leaves_it() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({})).await;
    let group = group_id(&state, "/Finance/Accounting").await;
    let joined = change_group(&app, &cookie, &user.id, &group, true).await;
    let member = access(&app, &cookie, &user.id).await;
    let left = change_group(&app, &cookie, &user.id, &group, false).await;
    let former = access(&app, &cookie, &user.id).await;

    assert_eq!(joined, StatusCode::OK);
    assert_eq!(member["groups"][0]["path"], "/Finance/Accounting");
    assert_eq!(member["groups_total"], 1);
    assert_eq!(left, StatusCode::OK);
    assert_eq!(former["groups_total"], 0);
}

#[tokio::test]
async fn a_helpdesk_agent_grants_and_takes_back_a_role_that_is_not_privileged() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({})).await;
    let crm = client_uuid(&state, "crm").await;

    let (granted, answer) = change_role(&app, &cookie, &user.id, &crm, "user", true).await;
    let held = access(&app, &cookie, &user.id).await;
    let (revoked, _) = change_role(&app, &cookie, &user.id, &crm, "user", false).await;
    let after = access(&app, &cookie, &user.id).await;

    assert_eq!(granted, StatusCode::OK, "{answer}");
    assert_eq!(client_roles(&held), [("crm".into(), "user".into(), false)]);
    assert_eq!(revoked, StatusCode::OK);
    assert_eq!(client_roles(&after), []);
}

#[tokio::test]
async fn a_privileged_role_is_refused_to_a_helpdesk_agent_and_granted_by_a_tenant_admin() {
    let Some((app, state)) = console().await else { return };
    let helpdesk = sign_in(&app, HELPDESK).await;
    let admin = sign_in(&app, TENANT_ADMIN).await;
    let user = Throwaway::create(&state, json!({})).await;
    let realm_management = client_uuid(&state, "realm-management").await;

    let (refused, _) =
        change_role(&app, &helpdesk, &user.id, &realm_management, "view-users", true).await;
    let untouched = access(&app, &admin, &user.id).await;
    let (granted, answer) =
        change_role(&app, &admin, &user.id, &realm_management, "view-users", true).await;
    let held = access(&app, &admin, &user.id).await;
    let (revoked, _) =
        change_role(&app, &admin, &user.id, &realm_management, "view-users", false).await;

    assert_eq!(refused, StatusCode::FORBIDDEN);
    assert_eq!(client_roles(&untouched), []);
    assert_eq!(granted, StatusCode::OK, "{answer}");
    assert_eq!(client_roles(&held), [("realm-management".into(), "view-users".into(), true)]);
    assert_eq!(revoked, StatusCode::OK);
}

#[tokio::test]
async fn the_group_picker_pages_the_groups_whose_name_matches_with_their_total() {
    let Some((app, _)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let name = |path: &str| path.rsplit('/').next().unwrap().to_lowercase();
    let expected: Vec<String> =
        demo_group_paths().into_iter().filter(|p| name(p).contains('e')).collect();

    let mut listed = Vec::new();
    let mut totals = Vec::new();
    for page in 0..5 {
        let page = page.to_string();
        let args = [("tenant", ACME), ("search", "E"), ("page", &page)];
        let (status, answer) = call(&app, &cookie, "groups/search", &args).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let groups = answer["groups"].as_array().unwrap();
        assert!(groups.len() <= 10, "a picker page holds at most 10 groups");
        totals.push(answer["total"].as_u64().unwrap());
        if groups.is_empty() {
            break;
        }
        listed.extend(groups.iter().map(|g| g["path"].as_str().unwrap().to_owned()));
    }
    let (_, top) = call(&app, &cookie, "groups/search", &[("tenant", ACME)]).await;

    listed.sort();
    assert_eq!(listed, expected, "the pages hold every match once, subgroups included");
    assert!(expected.len() > 10, "the search spans two pages");
    assert!(totals.iter().all(|t| *t == expected.len() as u64), "{totals:?}");
    let top_level = demo_group_paths().into_iter().filter(|p| p.matches('/').count() == 1).count();
    assert_eq!(top["total"], top_level, "without a search, the top-level groups");
}

#[tokio::test]
async fn the_role_picker_pages_a_clients_roles_and_marks_realm_management_privileged() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let (_, clients) =
        call(&app, &cookie, "clients/search", &[("tenant", ACME), ("search", "realm-man")]).await;
    let client = clients.as_array().unwrap().iter().find(|c| c["client_id"] == "realm-management");
    let uuid = client.expect("realm-management is found")["uuid"].as_str().unwrap().to_owned();
    let all = keycloak(&state).client_roles(ACME, &uuid, None, 0, 100).await.unwrap();

    let mut listed = Vec::new();
    let mut page = 0;
    loop {
        let page_text = page.to_string();
        let args = [
            ("tenant", ACME),
            ("client_uuid", uuid.as_str()),
            ("client_id", "realm-management"),
            ("page", &page_text),
        ];
        let (status, answer) = call(&app, &cookie, "roles/search", &args).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let roles = answer["roles"].as_array().unwrap().clone();
        assert!(roles.len() <= 10);
        assert!(roles.iter().all(|r| r["privileged"] == true), "{answer}");
        listed.extend(roles.iter().map(|r| r["name"].as_str().unwrap().to_owned()));
        if answer["more"] == false {
            break;
        }
        page += 1;
    }

    let mut expected: Vec<String> = all.into_iter().map(|r| r.name).collect();
    expected.sort();
    listed.sort();
    assert_eq!(listed, expected);
    assert!(page >= 1, "realm-management has more roles than one page");
}
