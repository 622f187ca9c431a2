use super::{AccessItem, Credential, Person, RequestSpec};
use crate::workflow::StepAction;

fn group(path: &str, privileged: bool) -> AccessItem {
    AccessItem::Group { id: format!("id-{path}"), path: path.to_owned(), privileged }
}

fn onboard(people: usize, access: Vec<AccessItem>) -> RequestSpec {
    RequestSpec::Onboard {
        template: None,
        template_name: None,
        people: vec![Person::default(); people],
        access,
        required_actions: Vec::new(),
        credential: Credential::Later,
        enabled: true,
        file_name: Some("staff.csv".to_owned()),
    }
}

#[test]
fn a_request_touches_privileged_access_when_any_item_of_it_is_privileged() {
    assert!(!onboard(2, vec![group("/Sales", false)]).touches_privileged());
    assert!(onboard(2, vec![group("/Admins", true)]).touches_privileged());

    let mut spec = onboard(1, Vec::new());
    if let RequestSpec::Onboard { people, .. } = &mut spec {
        people[0].access.push(group("/Admins", true));
    }
    assert!(spec.touches_privileged(), "a row's own privileged group counts too");
}

#[test]
fn taking_back_a_privileged_role_touches_privileged_access_too() {
    let spec = RequestSpec::ChangeAccess {
        user_id: "u".to_owned(),
        username: "ann".to_owned(),
        add: Vec::new(),
        remove: vec![AccessItem::RealmRole { name: "admin".to_owned(), privileged: true }],
    };

    assert!(spec.touches_privileged());
}

#[test]
fn a_bulk_request_is_summarised_by_its_count_and_file() {
    assert_eq!(onboard(2400, Vec::new()).summary(), "Onboard 2400 people from staff.csv");
    assert_eq!(onboard(2400, Vec::new()).rows(), 2400);
}

#[test]
fn granting_and_taking_back_an_item_are_each_others_opposite_steps() {
    let item = AccessItem::ClientRole {
        client_uuid: "c1".to_owned(),
        client_id: "crm".to_owned(),
        name: "editor".to_owned(),
        privileged: false,
    };

    assert_eq!(StepAction::grant(&item).describe(), "Grant the role editor of crm");
    assert_eq!(StepAction::revoke(&item).describe(), "Take back the role editor of crm");
}

#[test]
fn a_spec_reads_back_from_its_stored_json() {
    let spec = onboard(1, vec![group("/Sales", false)]);

    let json = serde_json::to_string(&spec).expect("json");
    let back: RequestSpec = serde_json::from_str(&json).expect("read");

    assert_eq!(back, spec);
    assert!(json.contains("\"kind\":\"onboard\""), "{json}");
}

#[test]
fn an_emailed_first_credential_needs_an_address_and_an_enabled_user() {
    let email = Credential::Email { lifespan_hours: 24 };
    assert_eq!(email.undeliverable(Some("a@example.org"), true), None);
    assert!(email.undeliverable(None, true).unwrap().contains("No email"));
    assert!(email.undeliverable(Some("  "), true).unwrap().contains("No email"));
    assert!(email.undeliverable(Some("a@example.org"), false).unwrap().contains("disabled"));
    assert_eq!(Credential::Later.undeliverable(None, false), None);
}
