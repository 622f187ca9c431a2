//! Users against the real Keycloak: create, read, replace through `raw`, delete; searches whose
//! pages and totals agree; the user profile.

use serde_json::{Value, json};

use super::fixtures::{REALM, Throwaway, client, counting_alone, new_user, settings, unique_name};
use crate::keycloak::{KeycloakAdmin, KeycloakError, UserQuery};

/// Every page of `query`, counted.
async fn listed(keycloak: &KeycloakAdmin, query: &UserQuery) -> u64 {
    let (mut listed, mut page) = (0, UserQuery { first: 0, max: 100, ..query.clone() });
    loop {
        let users = keycloak.list_users(REALM, &page).await.expect("a page");
        listed += users.len() as u64;
        if users.len() < 100 {
            return listed;
        }
        page.first += 100;
    }
}

#[tokio::test]
async fn an_update_through_raw_changes_one_attribute_and_keeps_every_other_field() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let user = Throwaway::create(&settings, json!({"requiredActions": ["VERIFY_EMAIL"]})).await;
    let before = keycloak.user(REALM, &user.id).await.expect("the new user");

    let mut raw = before.raw.clone();
    raw["attributes"]["jobTitle"] = json!(["Legal Counsel"]);
    keycloak.update_user(REALM, &user.id, &raw).await.expect("updated");
    let after = keycloak.user(REALM, &user.id).await.expect("read back");

    assert_eq!(before.username, user.username);
    assert_eq!(before.attributes["jobTitle"], ["Paralegal"]);
    assert_eq!(after.attributes["jobTitle"], ["Legal Counsel"]);
    let mut expected = before.raw.clone();
    expected["attributes"]["jobTitle"] = json!(["Legal Counsel"]);
    assert_eq!(after.raw, expected, "nothing but the job title changed");
    assert_eq!(after.required_actions, ["VERIFY_EMAIL"]);
}

#[tokio::test]
async fn a_taken_username_or_email_is_a_conflict() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let user = Throwaway::create(&settings, json!({})).await;
    let taken_email = json!({"email": format!("{}@acme.example", user.username)});

    let same_name = keycloak.create_user(REALM, &new_user(&user.username, json!({}))).await;
    let same_email = keycloak.create_user(REALM, &new_user(&unique_name(), taken_email)).await;

    assert!(matches!(same_name, Err(KeycloakError::Conflict { .. })), "{same_name:?}");
    assert!(matches!(same_email, Err(KeycloakError::Conflict { .. })), "{same_email:?}");
}

#[tokio::test]
async fn what_the_user_profile_refuses_is_invalid_input_naming_the_field() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings);

    let answer = keycloak
        .create_user(REALM, &new_user(&unique_name(), json!({"email": "no-at-sign"})))
        .await;

    let Err(KeycloakError::InvalidInput { errors, .. }) = &answer else {
        panic!("expected invalid input, got {answer:?}");
    };
    assert!(errors.iter().any(|e| e.field == "email"), "{errors:?}");
}

#[tokio::test]
async fn an_attribute_the_profile_does_not_declare_is_dropped_without_an_error() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let user = Throwaway::create(&settings, json!({})).await;
    let profile = keycloak.user_profile(REALM).await.expect("profile");
    let mut raw = keycloak.user(REALM, &user.id).await.expect("user").raw;

    raw["attributes"]["favouriteColour"] = json!(["teal"]);
    keycloak.update_user(REALM, &user.id, &raw).await.expect("a 2xx all the same");
    let after = keycloak.user(REALM, &user.id).await.expect("read back");

    assert!(!profile.is_declared("favouriteColour"));
    assert_eq!(profile.unmanaged_attribute_policy, None);
    assert!(!after.attributes.contains_key("favouriteColour"), "{:?}", after.attributes);
    assert_eq!(after.attributes["department"], ["Legal"]);
}

#[tokio::test]
async fn the_demo_profile_declares_the_hr_attributes_under_employment() {
    let Some(settings) = settings() else { return };

    let profile = client(settings).user_profile(REALM).await.expect("profile");

    for name in ["username", "email", "firstName", "lastName", "department", "costCenter"] {
        assert!(profile.is_declared(name), "{name} in {profile:?}");
    }
    let department = profile.attribute("department").unwrap();
    assert_eq!(department.group.as_deref(), Some("employment"));
    assert_eq!(department.permissions.as_ref().unwrap().edit, ["admin"]);
    assert!(department.validations.contains_key("length"));
    let email = profile.attribute("email").unwrap();
    assert_eq!(email.required.as_ref().unwrap().roles, ["user"]);
    assert!(profile.groups.iter().any(|g| g.name == "employment"));
}

#[tokio::test]
async fn a_deleted_user_is_not_found() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let user = Throwaway::create(&settings, json!({})).await;

    keycloak.delete_user(REALM, &user.id).await.expect("deleted");

    let answer = keycloak.user(REALM, &user.id).await;
    assert!(matches!(answer, Err(KeycloakError::NotFound { .. })), "{answer:?}");
    let again = keycloak.delete_user(REALM, &user.id).await;
    assert!(matches!(again, Err(KeycloakError::NotFound { .. })), "{again:?}");
}

#[tokio::test]
async fn pages_and_counts_agree_for_field_and_attribute_filters() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings);
    let _alone = counting_alone().await;
    let engineering = vec![("department".to_owned(), "Engineering".to_owned())];
    let queries = [
        UserQuery { last_name: Some("er".into()), ..UserQuery::default() },
        UserQuery { attributes: engineering.clone(), ..UserQuery::default() },
        UserQuery { attributes: engineering, email_verified: Some(false), ..UserQuery::default() },
    ];
    let everyone = keycloak.count_users(REALM, &UserQuery::default()).await.expect("count");

    for query in queries {
        let total = keycloak.count_users(REALM, &query).await.expect("count");

        assert_eq!(listed(&keycloak, &query).await, total, "{query:?}");
        assert!(0 < total && total < everyone, "{query:?} filters: {total} of {everyone}");
    }
}

#[tokio::test]
async fn an_attribute_filter_matches_a_value_with_spaces_colons_and_quotes_whole() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let title = format!(r#"Lead: "Platform" Ops {}"#, unique_name());
    let attributes = json!({"attributes": {"jobTitle": [title.clone()], "department": ["Legal"]}});
    let user = Throwaway::create(&settings, attributes).await;

    let whole = UserQuery {
        attributes: vec![("jobTitle".into(), title.clone())],
        max: 10,
        ..UserQuery::default()
    };
    let part = UserQuery {
        attributes: vec![("jobTitle".into(), "Lead:".into())],
        max: 10,
        ..UserQuery::default()
    };
    let found = keycloak.list_users(REALM, &whole).await.expect("search");

    assert_eq!(found.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), [user.id.as_str()]);
    assert_eq!(keycloak.count_users(REALM, &whole).await.unwrap(), 1);
    assert_eq!(keycloak.count_users(REALM, &part).await.unwrap(), 0, "a value matches whole");
}

#[tokio::test]
async fn a_created_user_reads_back_as_it_was_given() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());

    let user = Throwaway::create(&settings, json!({"enabled": false})).await;
    let record = keycloak.user(REALM, &user.id).await.expect("read");

    assert_eq!(record.id, user.id);
    assert_eq!(record.email.as_deref(), Some(format!("{}@acme.example", user.username).as_str()));
    assert_eq!((record.first_name.as_deref(), record.enabled), (Some("Test"), false));
    assert!(record.created_timestamp.is_some_and(|t| t > 0));
    assert_eq!(record.federation_link, None);
    assert_eq!(record.raw["username"], Value::String(user.username.clone()));
}
