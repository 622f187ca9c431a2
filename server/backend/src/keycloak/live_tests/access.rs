//! Groups, roles and clients against the real Keycloak: membership, the group picker's search,
//! role mappings direct and in effect, role attributes in lists.

use reqwest::Method;
use serde_json::{Value, json};

use super::fixtures::{REALM, Throwaway, client, client_uuid, detached, settings, unique_name};
use crate::keycloak::{GroupBrief, KeycloakError, KeycloakSettings, RoleBrief};

/// A realm role made for one test, deleted when dropped, even when the test panics.
struct ThrowawayRole {
    settings: KeycloakSettings,
    name: String,
}

impl ThrowawayRole {
    async fn create(settings: &KeycloakSettings, attributes: Value) -> ThrowawayRole {
        let (keycloak, name) = (client(settings.clone()), unique_name());
        let url = keycloak.admin_url(&[REALM, "roles"]);
        let role = json!({"name": name, "description": "live test", "attributes": attributes});

        keycloak.send_json(Method::POST, url, &role, "create role").await.expect("a role");

        ThrowawayRole { settings: settings.clone(), name }
    }
}

impl Drop for ThrowawayRole {
    fn drop(&mut self) {
        let name = self.name.clone();
        let deleted = detached(&self.settings, async move |kc| {
            let url = kc.admin_url(&[REALM, "roles", &name]);
            kc.send("delete role", |http| http.delete(url.clone())).await.map(drop)
        });
        if let Err(err) = deleted {
            eprintln!("throwaway role {} not deleted: {err}", self.name);
        }
    }
}

fn names(roles: &[RoleBrief]) -> Vec<&str> {
    roles.iter().map(|r| r.name.as_str()).collect()
}

#[tokio::test]
async fn a_group_search_finds_sub_groups_with_their_full_paths() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings);

    let platform = keycloak.search_groups(REALM, Some("platf"), 0, 20).await.expect("search");
    let tier = keycloak.search_groups(REALM, Some("Tier"), 0, 20).await.expect("search");
    let none = keycloak.search_groups(REALM, Some("no-such-group"), 0, 20).await.expect("search");

    let paths = |groups: &[GroupBrief]| groups.iter().map(|g| g.path.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&platform), ["/Engineering/Platform"]);
    assert_eq!(paths(&tier), ["/Customer Support/Tier 1", "/Customer Support/Tier 2"]);
    assert!(none.is_empty());
    assert_eq!(keycloak.count_groups_matching(REALM, Some("Tier")).await.unwrap(), 2);
    assert_eq!(keycloak.count_groups_matching(REALM, Some("no-such-group")).await.unwrap(), 0);
}

#[tokio::test]
async fn a_group_search_pages_on_the_server_and_its_count_agrees() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings);
    // Matches "Engineering", "Marketing", "Operations", "Accounting", "Controlling", ...
    let term = Some("ing");
    let total = keycloak.count_groups_matching(REALM, term).await.expect("count");

    let mut seen = Vec::new();
    for first in (0..total as u32 + 2).step_by(2) {
        let page = keycloak.search_groups(REALM, term, first, 2).await.expect("page");
        assert!(page.len() <= 2, "a page holds at most max: {page:?}");
        seen.extend(page.into_iter().map(|g| g.path));
    }

    assert!(total >= 4, "{total}");
    assert_eq!(seen.len() as u64, total, "{seen:?}");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no group on two pages: {seen:?}");
    assert!(seen.iter().all(|p| p.to_lowercase().rsplit('/').next().unwrap().contains("ing")));
}

#[tokio::test]
async fn without_a_search_groups_page_over_the_top_level() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings);

    let all = keycloak.search_groups(REALM, None, 0, 100).await.expect("top level");
    let page = keycloak.search_groups(REALM, None, 2, 3).await.expect("a page");
    let total = keycloak.count_groups_matching(REALM, None).await.expect("count");

    assert_eq!(all.len(), 8, "the eight departments: {all:?}");
    assert!(all.iter().all(|g| g.path == format!("/{}", g.name)), "{all:?}");
    assert_eq!(page, all[2..5]);
    assert_eq!(total, 8);
    assert!(keycloak.count_groups(REALM).await.unwrap() > total, "sub-groups count too");
}

#[tokio::test]
async fn a_user_joins_a_group_which_is_counted_searched_and_left() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let user = Throwaway::create(&settings, json!({})).await;
    let found = keycloak.search_groups(REALM, Some("Platform"), 0, 10).await.expect("groups");
    let platform = found.iter().find(|g| g.path == "/Engineering/Platform").expect("platform");

    keycloak.add_user_to_group(REALM, &user.id, &platform.id).await.expect("joined");
    let groups = keycloak.user_groups(REALM, &user.id, None, 0, 10).await.expect("groups");
    let counted = keycloak.count_user_groups(REALM, &user.id, None).await.expect("count");
    let searched = keycloak.user_groups(REALM, &user.id, Some("plat"), 0, 10).await.unwrap();
    let missed = keycloak.count_user_groups(REALM, &user.id, Some("Sales")).await.unwrap();
    keycloak.remove_user_from_group(REALM, &user.id, &platform.id).await.expect("left");

    assert_eq!(groups, std::slice::from_ref(platform));
    assert_eq!(counted, 1);
    assert_eq!(searched, std::slice::from_ref(platform));
    assert_eq!(missed, 0);
    assert_eq!(keycloak.count_user_groups(REALM, &user.id, None).await.unwrap(), 0);
}

#[tokio::test]
async fn a_client_role_is_mapped_directly_and_group_roles_count_only_in_effect() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let user = Throwaway::create(&settings, json!({"groups": ["/Engineering"]})).await;
    let (crm, wiki) = (client_uuid(&keycloak, "crm").await, client_uuid(&keycloak, "wiki").await);
    let admin = keycloak.role_by_name(REALM, Some(&crm), "admin").await.expect("crm admin");

    keycloak
        .add_client_roles(REALM, &user.id, &crm, std::slice::from_ref(&admin))
        .await
        .expect("mapped");
    let direct = keycloak.user_role_mappings(REALM, &user.id).await.expect("direct");
    let crm_effective = keycloak.user_effective_client_roles(REALM, &user.id, &crm).await.unwrap();
    let wiki_effective =
        keycloak.user_effective_client_roles(REALM, &user.id, &wiki).await.unwrap();
    keycloak
        .remove_client_roles(REALM, &user.id, &crm, std::slice::from_ref(&admin))
        .await
        .expect("unmapped");
    let after = keycloak.user_role_mappings(REALM, &user.id).await.expect("direct");

    let crm_direct = direct.clients.iter().find(|c| c.client.client_id == "crm").expect("crm");
    assert_eq!(crm_direct.client.id, crm);
    assert_eq!(names(&crm_direct.roles), ["admin"]);
    assert!(direct.clients.iter().all(|c| c.client.client_id != "wiki"), "{direct:?}");
    assert_eq!(names(&crm_effective), ["admin"]);
    assert_eq!(names(&wiki_effective), ["user"], "Engineering grants the wiki licence");
    assert!(admin.client_role && admin.container_id.as_deref() == Some(crm.as_str()));
    assert!(after.clients.iter().all(|c| c.client.client_id != "crm"), "{after:?}");
}

#[tokio::test]
async fn a_realm_role_is_mapped_directly_and_its_privileged_attribute_is_read_everywhere() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let user = Throwaway::create(&settings, json!({})).await;
    let made = ThrowawayRole::create(&settings, json!({"privileged": ["true"]})).await;

    let role = keycloak.role_by_name(REALM, None, &made.name).await.expect("by name");
    let listed = keycloak.realm_roles(REALM, Some(&made.name), 0, 10).await.expect("list");
    keycloak.add_realm_roles(REALM, &user.id, std::slice::from_ref(&role)).await.expect("mapped");
    let direct = keycloak.user_role_mappings(REALM, &user.id).await.expect("direct");
    let effective = keycloak.user_effective_realm_roles(REALM, &user.id).await.expect("effective");
    keycloak
        .remove_realm_roles(REALM, &user.id, std::slice::from_ref(&role))
        .await
        .expect("unmapped");
    let after = keycloak.user_effective_realm_roles(REALM, &user.id).await.expect("effective");

    assert!(role.is_privileged() && !role.client_role, "{role:?}");
    assert_eq!(listed, std::slice::from_ref(&role), "lists carry attributes");
    let mapped = direct.realm.iter().find(|r| r.name == role.name).expect("mapped directly");
    assert!(mapped.is_privileged(), "direct mappings carry attributes too: {mapped:?}");
    let in_effect = effective.iter().find(|r| r.name == role.name).expect("in effect");
    assert!(in_effect.is_privileged(), "effective roles carry attributes: {in_effect:?}");
    assert!(names(&effective).contains(&"offline_access"), "default roles are in effect");
    assert!(!names(&direct.realm).contains(&"offline_access"), "but not direct");
    assert!(!names(&after).contains(&role.name.as_str()));
}

#[tokio::test]
async fn a_client_search_matches_part_of_the_client_id_and_lists_its_roles() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings);

    let found = keycloak.search_clients(REALM, Some("ICKET"), 0, 10).await.expect("search");
    let all = keycloak.search_clients(REALM, None, 0, 100).await.expect("all");
    let crm = client_uuid(&keycloak, "crm").await;
    let roles = keycloak.client_roles(REALM, &crm, None, 0, 10).await.expect("roles");
    let admins = keycloak.client_roles(REALM, &crm, Some("adm"), 0, 10).await.expect("roles");

    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].client_id, "ticketing");
    assert_eq!(found[0].name.as_deref(), Some("Helmdesk Ticketing"));
    for app in ["crm", "erp", "wiki", "hr-portal", "expenses", "ticketing"] {
        assert!(all.iter().any(|c| c.client_id == app), "{app}");
    }
    let mut role_names = names(&roles);
    role_names.sort_unstable();
    assert_eq!(role_names, ["admin", "user"]);
    assert_eq!(names(&admins), ["admin"]);
    assert_eq!(admins[0].description.as_deref(), Some("Pipewick CRM admin licence"));
}

#[tokio::test]
async fn a_missing_role_or_group_is_not_found() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let user = Throwaway::create(&settings, json!({})).await;

    let role = keycloak.role_by_name(REALM, None, "no-such-role").await;
    let group = keycloak.add_user_to_group(REALM, &user.id, "no-such-group").await;

    assert!(matches!(role, Err(KeycloakError::NotFound { .. })), "{role:?}");
    assert!(matches!(group, Err(KeycloakError::NotFound { .. })), "{group:?}");
}
