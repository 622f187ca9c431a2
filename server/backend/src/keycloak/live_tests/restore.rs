//! A backup of the demo tenant restored on the real Keycloak: into a new realm, whose check
//! finds nothing but what the manifest says cannot be carried; run a second time, it adds
//! nobody; then that realm changed by hand and restored into as a live realm, where the dry
//! run names each conflict, "fail" changes nothing, "skip" leaves the conflicts and
//! "overwrite" puts the backup's version back in place, ids kept.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::fixtures::{REALM, client, counting_alone, settings, unique_name};
use crate::backup::restore::{
    CheckReport, Conflicts, RestoreOptions, RestorePlan, Restorer, Target, make_plan,
    refuse_unknown_providers,
};
use crate::backup::snapshot::Snapshot;
use crate::backup::{BackupKey, KeyRing, TakeRequest, take_backup};
use crate::keycloak::{KeycloakAdmin, KeycloakSettings};

/// Deletes the realm when dropped, even when the test panics, with a client of its own: one
/// whose connections belong to the test's runtime would wait for that runtime, blocked here.
struct RealmGone(KeycloakSettings, String);

impl Drop for RealmGone {
    fn drop(&mut self) {
        let (settings, realm) = (self.0.clone(), self.1.clone());
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            let kc = KeycloakAdmin::new(settings).unwrap();
            let _ = runtime.block_on(kc.delete_realm(&realm));
        })
        .join();
    }
}

/// Runs every step of `plan`; answers the check.
async fn restore(
    kc: &KeycloakAdmin,
    source: &Snapshot,
    options: &RestoreOptions,
    plan: &RestorePlan,
) -> (Vec<(String, u64, u64)>, CheckReport) {
    let restorer = Restorer::new(kc, source, options);
    let mut done = Vec::new();
    for step in restorer.steps(plan) {
        let report = restorer.run(&step, plan).await.unwrap_or_else(|e| panic!("{step:?}: {e}"));
        done.push((step.label(), report.added, report.overwritten));
    }
    (done, restorer.check(plan).await.expect("check"))
}

async fn live(kc: &KeycloakAdmin, realm: &str) -> Snapshot {
    Snapshot::live(kc, realm).await.expect("the realm reads")
}

#[tokio::test]
async fn a_backup_comes_back_whole_into_a_new_realm_and_conflicts_go_as_chosen() {
    let Some(mut settings) = settings() else { return };
    settings.timeout = Duration::from_secs(120);
    let kc = client(settings.clone());
    let dir = std::env::temp_dir().join(unique_name());
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("acme.ctcbackup");
    let key = BackupKey::from_bytes([7; 32]);
    let request = TakeRequest { id: unique_name(), tenant: REALM.into(), started_by: "t".into() };
    {
        let _alone = counting_alone().await;
        take_backup(&kc, &request, &key, &path, |_| {}, &AtomicBool::new(false))
            .await
            .expect("backup");
    }
    let source =
        Snapshot::from_backup(&path, &KeyRing::new(vec![key]).unwrap()).expect("reads back");
    assert!(source.users.len() >= 250, "the demo users are in the backup");

    // Into a new realm.
    let name = unique_name();
    let _gone = RealmGone(settings.clone(), name.clone());
    let options = RestoreOptions {
        target: Target::NewRealm(name.clone()),
        conflicts: Conflicts::Fail,
        email_users: false,
        stamp: unique_name(),
    };
    let plan = make_plan(&source, None, &options);
    assert_eq!(plan.refused, None);
    let users = plan.kinds.iter().find(|k| k.kind == "users").unwrap();
    assert_eq!(users.create.len(), source.users.len());
    let (steps, check) = restore(&kc, &source, &options, &plan).await;
    assert!(check.matches, "the new realm differs: {:#?}", check.diff);
    let users_count = check.counts.iter().find(|(k, _, _)| k == "users").unwrap();
    assert_eq!(users_count.1, users_count.2, "{:?}", check.counts);
    let added: u64 = steps.iter().map(|(_, added, _)| added).sum();
    assert!(added as usize > source.users.len(), "{steps:?}");

    // Run again (as after a fault): nothing is added twice.
    let (again, check) = restore(&kc, &source, &options, &plan).await;
    assert!(again.iter().all(|(_, added, _)| *added == 0), "{again:?}");
    assert!(check.matches);
    let refused = make_plan(&source, Some(&live(&kc, &name).await), &options).refused;
    assert!(refused.unwrap().contains("exists already"));

    // That realm changed by hand: a user edited, one deleted, a group deleted.
    let changed = source.users.keys().nth(3).unwrap().clone();
    let deleted = source.users.keys().nth(4).unwrap().clone();
    let id_of = |found: Value| found[0]["id"].as_str().unwrap().to_owned();
    let query = |u: &str| [("username", u.to_owned()), ("exact", "true".to_owned())];
    let read = |u: String| {
        let kc = kc.clone();
        let name = name.clone();
        async move {
            let q = query(&u);
            let q: Vec<(&str, &str)> = q.iter().map(|(k, v)| (*k, v.as_str())).collect();
            kc.read_json(&name, &["users"], &q).await.unwrap()
        }
    };
    let changed_id = id_of(read(changed.clone()).await);
    let body = json!({ "lastName": "Changed-By-Hand" });
    kc.write_json(Method::PUT, &name, &["users", &changed_id], &body).await.unwrap();
    let deleted_id = id_of(read(deleted.clone()).await);
    kc.delete_user(&name, &deleted_id).await.unwrap();
    let group = kc.read_json(&name, &["group-by-path", "Sales", "EMEA"], &[]).await.unwrap();
    let group_id = group["id"].as_str().unwrap();
    kc.write_json(Method::DELETE, &name, &["groups", group_id], &Value::Null).await.unwrap();

    let into = |conflicts| RestoreOptions {
        target: Target::Live(name.clone()),
        conflicts,
        email_users: false,
        stamp: String::new(),
    };
    let now = live(&kc, &name).await;
    let failing = make_plan(&source, Some(&now), &into(Conflicts::Fail));
    assert!(failing.refused.as_deref().unwrap_or_default().contains("nothing will be changed"));
    let skip = into(Conflicts::Skip);
    let plan = make_plan(&source, Some(&now), &skip);
    assert_eq!(plan.refused, None);
    let users = plan.kinds.iter().find(|k| k.kind == "users").unwrap();
    assert_eq!(users.create, vec![deleted.clone()]);
    assert!(users.conflicts.iter().any(|c| c.name == changed), "{:?}", users.conflicts);

    let (_, check) = restore(&kc, &source, &skip, &plan).await;
    assert!(check.matches, "skip: {:#?}", check.diff);
    let groups = plan.kinds.iter().find(|k| k.kind == "groups").unwrap();
    assert_eq!(groups.create, vec!["/Sales/EMEA".to_owned()]);
    kc.read_json(&name, &["group-by-path", "Sales", "EMEA"], &[]).await.expect("the group is back");
    let back = read(deleted.clone()).await;
    assert_eq!(back.as_array().unwrap().len(), 1, "the deleted user is back");
    let still = read(changed.clone()).await;
    assert_eq!(still[0]["lastName"], "Changed-By-Hand", "skipped");

    let overwrite = into(Conflicts::Overwrite);
    let plan = make_plan(&source, Some(&live(&kc, &name).await), &overwrite);
    let (_, check) = restore(&kc, &source, &overwrite, &plan).await;
    assert!(check.matches, "overwrite: {:#?}", check.diff);
    let now = read(changed.clone()).await;
    assert_eq!(now[0]["lastName"], source.users[&changed]["lastName"]);
    assert_eq!(id_of(now), changed_id, "overwritten in place");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn every_shared_realm_export_restores_into_a_new_realm_or_fails_saying_why() {
    let Some(mut settings) = settings() else { return };
    let Some(dir) = crate::shared_data::folder("keycloak-realms") else { return };
    settings.timeout = Duration::from_secs(120);
    let kc = client(settings.clone());
    let known = kc.component_providers().await.expect("server info");
    assert!(known.iter().any(|(_, id)| id == "ldap"), "{known:?}");
    let mut outcomes = Vec::new();
    for file in crate::shared_data::json_files(&dir) {
        let shown = file.file_name().unwrap().to_string_lossy().into_owned();
        let realms = match crate::backup::export_file::realms_in(&std::fs::read(&file).unwrap()) {
            Ok(realms) => realms,
            Err(err) => {
                let reason = err.to_string();
                assert!(!reason.is_empty());
                outcomes.push(format!("{shown}: refused: {reason}"));
                continue;
            }
        };
        for realm in realms {
            let source = Snapshot::from_export(realm);
            let name = unique_name();
            let _gone = RealmGone(settings.clone(), name.clone());
            let options = RestoreOptions {
                target: Target::NewRealm(name.clone()),
                conflicts: Conflicts::Fail,
                email_users: false,
                stamp: unique_name(),
            };
            let mut plan = make_plan(&source, None, &options);
            refuse_unknown_providers(&mut plan, &source, &known);
            if let Some(reason) = plan.refused {
                outcomes.push(format!("{shown}: refused by the dry run: {reason}"));
                continue;
            }
            let restorer = Restorer::new(&kc, &source, &options);
            let mut failed = None;
            for step in restorer.steps(&plan) {
                if let Err(err) = restorer.run(&step, &plan).await {
                    failed = Some((step.clone(), err.to_string()));
                    break;
                }
            }
            match failed {
                None => {
                    let check = restorer.check(&plan).await.expect("the check reads");
                    let differ: usize = check
                        .diff
                        .kinds
                        .values()
                        .map(|d| d.added.len() + d.removed.len() + d.changed.len())
                        .sum();
                    outcomes.push(format!(
                        "{shown}: restored ({} users), check {} ({differ} differences)",
                        source.users.len(),
                        if check.matches { "matches" } else { "differs" }
                    ));
                }
                Some((step, reason)) => {
                    assert!(reason.len() > 20, "{shown}: a reason that says something: {reason}");
                    if step == crate::backup::restore::Step::CreateRealm {
                        let made = kc.realm_exists(&name).await.unwrap();
                        assert!(!made, "{shown}: a realm refused is not left half made");
                    }
                    outcomes.push(format!("{shown}: failed at {}: {reason}", step.label()));
                }
            }
        }
    }
    eprintln!("{}", outcomes.join("\n"));
    assert!(!outcomes.is_empty());
}
