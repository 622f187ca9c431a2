//! The dry run: the backup as the target should hold it, compared with the target as it is.
//! Pure: the live realm is read by the caller, so the plan can be tested on any pair of
//! snapshots and shown before anything is written.

use serde_json::Value;

use super::prepare::{prepare_realm, prepare_user};
use super::{Conflicts, KindPlan, RestoreOptions, RestorePlan, Target};
use crate::backup::diff::Named;
use crate::backup::snapshot::Snapshot;

/// The kinds a restore into a live realm writes; the others (flows, required actions,
/// authenticator configs, identity-provider mappers, components) are listed for a person.
pub const RESTORED_LIVE: [&str; 9] = [
    "settings",
    "clients",
    "client_scopes",
    "realm_roles",
    "client_roles",
    "groups",
    "identity_providers",
    "users",
    "user_profile",
];

/// The backup as the target realm should hold it after the restore: renamed, and for a new
/// realm without ids or masked values, its users made to set a password.
pub fn expected(source: &Snapshot, target: &Target) -> Snapshot {
    match target {
        Target::NewRealm(name) => Snapshot {
            realm: prepare_realm(&source.realm, name).realm,
            user_profile: source.user_profile.clone(),
            users: source.users.iter().map(|(n, u)| (n.clone(), prepare_user(u))).collect(),
        },
        Target::Live(name) => {
            let mut realm = source.realm.clone();
            if let Some(map) = realm.as_object_mut() {
                map.insert("realm".into(), Value::String(name.clone()));
            }
            Snapshot { realm, ..source.clone() }
        }
    }
}

/// Plans restoring `source` as `options` say. `live` is the target realm as it is now, or
/// `None` when it does not exist.
pub fn make_plan(
    source: &Snapshot,
    live: Option<&Snapshot>,
    options: &RestoreOptions,
) -> RestorePlan {
    let realm = options.target.realm().to_owned();
    let new_realm = matches!(options.target, Target::NewRealm(_));
    let mut plan = RestorePlan { realm: realm.clone(), new_realm, ..RestorePlan::default() };
    if source.realm.get("realm").is_none() {
        plan.refused = Some("The backup holds no realm.".to_owned());
        return plan;
    }
    let wanted = expected(source, &options.target);
    let empty = Snapshot::default();
    match (&options.target, live) {
        (Target::NewRealm(_), Some(_)) => {
            plan.refused =
                Some(format!("A realm named {realm} exists already; choose another name."));
        }
        (Target::Live(_), None) => {
            plan.refused = Some(format!("The realm {realm} does not exist."));
        }
        _ => {}
    }
    let now = live.unwrap_or(&empty);
    let diff = now.diff(&wanted);
    for (kind, mut changes) in diff.kinds {
        // A field only the realm holds is left as it is by any restore: no conflict.
        for thing in changes.changed.iter_mut() {
            thing.fields.retain(|f| f.after.is_some());
        }
        changes.changed.retain(|c| !c.fields.is_empty());
        let restored = new_realm || RESTORED_LIVE.contains(&kind.as_str());
        plan.kinds.push(KindPlan {
            restored,
            create: changes.added,
            conflicts: changes.changed,
            same: changes.same,
            // With no realm there, what the diff sees removed is the empty side's default.
            only_in_realm: if live.is_some() { changes.removed.len() as u64 } else { 0 },
            kind,
        });
    }
    if new_realm {
        plan.to_set_again = prepare_realm(&source.realm, &realm).to_set_again;
        let federated = source.users.values().filter(|u| u.get("federationLink").is_some());
        let federated = federated.count();
        if federated > 0 {
            plan.warnings.push(format!(
                "{federated} users came from a user federation (LDAP or Kerberos): they come \
                 back as users of the new realm, not linked to it."
            ));
        }
    } else {
        live_warnings(source, &mut plan, options.conflicts);
    }
    let (_, conflicts) = plan.totals();
    if plan.refused.is_none() && options.conflicts == Conflicts::Fail && conflicts > 0 {
        plan.refused = Some(format!(
            "{conflicts} things differ between the backup and the realm, and a conflict was \
             chosen to fail the restore: nothing will be changed."
        ));
    }
    plan
}

/// What a person should know before restoring into a live realm.
fn live_warnings(source: &Snapshot, plan: &mut RestorePlan, conflicts: Conflicts) {
    let kinds: Vec<&KindPlan> = plan.kinds.iter().collect();
    let mut warnings = Vec::new();
    for kind in kinds.iter().filter(|k| !k.restored) {
        let differ = kind.create.len() + kind.conflicts.len();
        if differ > 0 {
            warnings.push(format!(
                "{differ} {} differ from the backup and are not restored into a live realm \
                 (Keycloak offers no safe way to): carry them over by hand, or restore into \
                 a new realm and compare.",
                kind.kind.replace('_', " ")
            ));
        }
    }
    let by_client: Named =
        crate::backup::diff::realm_kinds(&source.realm).remove("clients").unwrap_or_default();
    let touched = |kind: &KindPlan| -> Vec<String> {
        let names = kind.create.iter().chain(kind.conflicts.iter().map(|c| &c.name));
        names.cloned().collect()
    };
    if let Some(clients) = kinds.iter().find(|k| k.kind == "clients") {
        let with_authz: Vec<String> = touched(clients)
            .into_iter()
            .filter(|name| {
                by_client.get(name).is_some_and(|c| c.get("authorizationSettings").is_some())
            })
            .collect();
        if !with_authz.is_empty() {
            warnings.push(format!(
                "Clients with authorization settings (resources, policies, permissions): {}. \
                 A new client gets them with it; an overwritten one keeps the realm's, since \
                 Keycloak replaces them only by deleting the client.",
                with_authz.join(", ")
            ));
        }
    }
    if conflicts == Conflicts::Overwrite {
        // TODO(#5): overwrite composites, client scope mappers and scope mappings too.
        warnings.push(
            "Overwriting puts back a role's description and attributes, not which roles it is \
             made of, nor a client scope's mappers or the realm's scope mappings: the check \
             after the restore lists what still differs."
                .to_owned(),
        );
        warnings.push(
            "Conflicting clients, groups and users are updated in place, never deleted and \
             re-created: clients keep their ids and service accounts, groups their members, \
             users their passwords and second factors."
                .to_owned(),
        );
    }
    plan.warnings = warnings;
}

/// Refuses the plan when the backup holds components (user storage, key providers, ...) whose
/// provider this Keycloak does not have (`known`, `(type, id)` from its server info): Keycloak
/// would fail to create the realm with no more than a 500, so the dry run names each one.
pub fn refuse_unknown_providers(
    plan: &mut RestorePlan,
    source: &Snapshot,
    known: &[(String, String)],
) {
    let mut missing = Vec::new();
    for (kind, list) in source.realm["components"].as_object().into_iter().flatten() {
        for component in list.as_array().into_iter().flatten() {
            let Some(id) = component["providerId"].as_str() else { continue };
            if !known.iter().any(|(k, p)| k == kind && p == id) {
                let name = component["name"].as_str().unwrap_or(id);
                let short = kind.rsplit('.').next().unwrap_or(kind);
                missing.push(format!("{id} ({short} {name})"));
            }
        }
    }
    if !missing.is_empty() && plan.refused.is_none() {
        plan.refused = Some(format!(
            "The backup holds components whose provider this Keycloak does not have: {}. \
             Install the extension that provides them, or remove them from the export first.",
            missing.join(", ")
        ));
    }
}
