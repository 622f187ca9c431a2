//! The dry run on hand-made snapshots: what a new realm gets, what conflicts in a live one and
//! what each choice does with it, and the check after that tells expected differences from
//! the others.

use serde_json::{Value, json};

use super::check::compare;
use super::{Conflicts, RestoreOptions, Target, make_plan};
use crate::backup::diff::users_by_name;
use crate::backup::snapshot::Snapshot;

fn snapshot(realm: Value, users: Value) -> Snapshot {
    let users = users_by_name(users.as_array().unwrap());
    Snapshot { realm, user_profile: None, users }
}

fn backup() -> Snapshot {
    snapshot(
        json!({ "realm": "acme", "displayName": "Acme",
                "clients": [{ "clientId": "crm", "redirectUris": ["https://crm/*"] }],
                "groups": [{ "name": "Sales", "path": "/Sales",
                             "subGroups": [{ "name": "EMEA", "path": "/Sales/EMEA" }] }],
                "authenticationFlows": [{ "alias": "browser", "description": "mine" }] }),
        json!([{ "username": "ann", "lastName": "A" }, { "username": "bob", "lastName": "B" }]),
    )
}

fn options(target: Target, conflicts: Conflicts) -> RestoreOptions {
    RestoreOptions { target, conflicts, email_users: false, stamp: String::new() }
}

fn kind<'a>(plan: &'a super::RestorePlan, name: &str) -> &'a super::KindPlan {
    plan.kinds.iter().find(|k| k.kind == name).unwrap_or_else(|| panic!("{name}"))
}

#[test]
fn a_new_realm_gets_everything_and_a_name_in_use_is_refused() {
    let new = options(Target::NewRealm("acme-2".into()), Conflicts::Fail);
    let plan = make_plan(&backup(), None, &new);
    assert_eq!(plan.refused, None);
    assert!(plan.new_realm);
    assert_eq!(kind(&plan, "users").create, ["ann", "bob"]);
    assert_eq!(kind(&plan, "groups").create, ["/Sales", "/Sales/EMEA"]);
    assert!(
        plan.kinds.iter().all(|k| k.restored && k.conflicts.is_empty() && k.only_in_realm == 0)
    );

    let taken = make_plan(&backup(), Some(&backup()), &new);
    assert!(taken.refused.unwrap().contains("acme-2 exists already"));
    let empty = make_plan(&Snapshot::default(), None, &new);
    assert_eq!(empty.refused.as_deref(), Some("The backup holds no realm."));
}

#[test]
fn a_live_realm_shows_what_is_created_what_conflicts_and_what_is_left_alone() {
    let mut live = backup();
    live.users.remove("bob");
    live.users.insert("carl".into(), json!({ "username": "carl" }));
    live.users.get_mut("ann").unwrap()["lastName"] = json!("Changed");
    // A field only the realm holds (a default Keycloak added) is no conflict.
    live.realm["clients"][0]["attributes"] = json!({ "post.logout.redirect.uris": "+" });
    live.realm["authenticationFlows"][0]["description"] = json!("theirs");

    let plan =
        make_plan(&backup(), Some(&live), &options(Target::Live("acme".into()), Conflicts::Skip));
    assert_eq!(plan.refused, None);
    let users = kind(&plan, "users");
    assert_eq!(users.create, ["bob"]);
    assert_eq!(users.conflicts.len(), 1);
    assert_eq!(users.conflicts[0].name, "ann");
    assert_eq!(users.conflicts[0].fields[0].field, "lastName");
    assert_eq!(users.only_in_realm, 1, "carl stays");
    assert!(kind(&plan, "clients").conflicts.is_empty(), "{:?}", kind(&plan, "clients"));
    let flows = kind(&plan, "authentication_flows");
    assert!(!flows.restored);
    assert!(
        plan.warnings.iter().any(|w| w.contains("authentication flows differ")),
        "{:?}",
        plan.warnings
    );

    let fail =
        make_plan(&backup(), Some(&live), &options(Target::Live("acme".into()), Conflicts::Fail));
    assert!(fail.refused.unwrap().contains("1 things differ"));
    let missing =
        make_plan(&backup(), None, &options(Target::Live("acme".into()), Conflicts::Skip));
    assert!(missing.refused.unwrap().contains("does not exist"));
}

#[test]
fn the_check_explains_what_the_choice_left_and_names_anything_else() {
    let live_target = options(Target::Live("acme".into()), Conflicts::Skip);
    let mut live = backup();
    live.users.get_mut("ann").unwrap()["lastName"] = json!("Changed");
    live.users.remove("bob");
    let plan = make_plan(&backup(), Some(&live), &live_target);

    // After: bob created (made to set a password), ann skipped, carl only in the realm.
    let mut after = live.clone();
    after.users.insert(
        "bob".into(),
        json!({ "username": "bob", "lastName": "B",
        "requiredActions": ["UPDATE_PASSWORD"] }),
    );
    after.users.insert("carl".into(), json!({ "username": "carl" }));
    let check = compare(&backup(), &after, &live_target, &plan);
    assert!(check.matches, "{:#?} {:?}", check.diff, check.expected);
    let said = check.expected.join(" ");
    assert!(
        said.contains("1 users in conflict were skipped") && said.contains("only in the realm"),
        "{said}"
    );
    assert!(check.counts.contains(&("users".to_owned(), 2, 3)), "{:?}", check.counts);

    // bob came back without his last name: that is no expected difference.
    after.users.insert(
        "bob".into(),
        json!({ "username": "bob", "lastName": "Other",
        "requiredActions": ["UPDATE_PASSWORD"] }),
    );
    let check = compare(&backup(), &after, &live_target, &plan);
    assert!(!check.matches);
    assert_eq!(
        check.diff.kinds["users"].changed.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["ann", "bob"]
    );
}
