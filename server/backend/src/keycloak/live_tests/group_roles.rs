//! What joining a group grants, against the real Keycloak: a sub-group's members hold the roles
//! mapped to its parent, realm-management's included.

use reqwest::Method;
use serde_json::json;

use super::fixtures::{REALM, client, settings, unique_name};
use crate::keycloak::KeycloakAdmin;
use crate::keycloak::users::id_from_location;

/// Creates a group (under `parent` when given) and returns its id.
async fn new_group(keycloak: &KeycloakAdmin, parent: Option<&str>, name: &str) -> String {
    let url = match parent {
        Some(parent) => keycloak.admin_url(&[REALM, "groups", parent, "children"]),
        None => keycloak.admin_url(&[REALM, "groups"]),
    };
    let response = keycloak
        .send_json(Method::POST, url, &json!({ "name": name }), "create group")
        .await
        .expect("group created");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    id_from_location(&location).expect("the new group's id")
}

#[tokio::test]
async fn a_sub_group_hands_out_the_realm_management_role_mapped_to_its_parent() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings);
    let parent = new_group(&keycloak, None, &unique_name()).await;
    let child = new_group(&keycloak, Some(&parent), "team").await;
    let clients = keycloak.search_clients(REALM, Some("realm-management"), 0, 5).await.unwrap();
    let management = clients.iter().find(|c| c.client_id == "realm-management").unwrap();
    let role = keycloak.role_by_name(REALM, Some(&management.id), "view-users").await.unwrap();
    let url =
        keycloak.admin_url(&[REALM, "groups", &parent, "role-mappings", "clients", &management.id]);
    keycloak.send_json(Method::POST, url, &json!([role]), "map role").await.expect("mapped");

    let held = keycloak
        .group_held_roles(REALM, &child, &[(management.id.as_str(), "realm-management")])
        .await;
    let detail = keycloak.group(REALM, &child).await;
    let url = keycloak.admin_url(&[REALM, "groups", &parent]);
    keycloak.send("delete group", |http| http.delete(url.clone())).await.expect("deleted");

    let held = held.unwrap();
    assert!(
        held.iter()
            .any(|h| h.role.name == "view-users"
                && h.client_id.as_deref() == Some("realm-management")),
        "{held:?}"
    );
    assert_eq!(detail.unwrap().parent_id.as_deref(), Some(parent.as_str()));
}
