//! After a restore: the realm read again as a backup reads it, counted and compared with the
//! backup as the target should hold it. A difference the restore explains (a conflict skipped
//! by choice, a thing only the realm has, the new realm's own keys, a kind not restored into a
//! live realm) is named as expected; any other means the restore did not do what it said.

use std::collections::BTreeMap;

use super::plan::expected;
use super::prepare::prepare_user;
use super::{CheckReport, Conflicts, RestoreOptions, RestorePlan, Restorer, Target};
use crate::backup::diff::realm_kinds;
use crate::backup::snapshot::Snapshot;
use crate::keycloak::KeycloakError;

/// The key providers' type among a realm's components.
const KEY_PROVIDERS: &str = "org.keycloak.keys.KeyProvider";

impl Restorer<'_> {
    /// Reads the target realm and compares it with the backup.
    pub async fn check(&self, plan: &RestorePlan) -> Result<CheckReport, KeycloakError> {
        let after = Snapshot::live(self.kc, self.options.target.realm()).await?;
        Ok(compare(self.source, &after, self.options, plan))
    }
}

/// The check, pure: `source` as restored by `options` after `plan`, against `after`.
pub fn compare(
    source: &Snapshot,
    after: &Snapshot,
    options: &RestoreOptions,
    plan: &RestorePlan,
) -> CheckReport {
    let mut wanted = expected(source, &options.target);
    let mut after = after.clone();
    let mut explained = Vec::new();
    if matches!(options.target, Target::NewRealm(_)) {
        for side in [&mut wanted.realm, &mut after.realm] {
            if let Some(components) = side["components"].as_object_mut() {
                components.remove(KEY_PROVIDERS);
            }
        }
        explained.push("The new realm's keys are its own; they are not compared.".to_owned());
    } else {
        // The users the restore created were made to set a password.
        let created = plan.kinds.iter().find(|k| k.kind == "users");
        for name in created.map(|k| k.create.as_slice()).unwrap_or_default() {
            if let Some(user) = wanted.users.get_mut(name) {
                *user = prepare_user(user);
            }
        }
    }
    let diff = wanted.diff(&after);
    let mut unexplained = diff.clone();
    let mut defaults = 0;
    for (kind, changes) in unexplained.kinds.iter_mut() {
        // A field the backup does not hold cannot have been carried wrong: Keycloak filled it
        // in with its default when it created the thing.
        for thing in changes.changed.iter_mut() {
            let before = thing.fields.len();
            thing.fields.retain(|f| f.before.is_some());
            defaults += before - thing.fields.len();
        }
        changes.changed.retain(|c| !c.fields.is_empty());
        let planned = plan.kinds.iter().find(|k| &k.kind == kind);
        if !changes.added.is_empty() {
            explained.push(format!(
                "{} {} are only in the realm: a restore never deletes.",
                changes.added.len(),
                kind.replace('_', " ")
            ));
            changes.added.clear();
        }
        let Some(planned) = planned else { continue };
        if !planned.restored {
            if !changes.is_empty() {
                explained.push(format!(
                    "{} are not restored into a live realm; their differences stay.",
                    kind.replace('_', " ")
                ));
            }
            *changes = Default::default();
            continue;
        }
        if options.conflicts == Conflicts::Skip {
            let skipped: Vec<&String> = planned.conflicts.iter().map(|c| &c.name).collect();
            let before = changes.changed.len();
            changes.changed.retain(|c| !skipped.contains(&&c.name));
            if before > changes.changed.len() {
                explained.push(format!(
                    "{} {} in conflict were skipped, as chosen.",
                    before - changes.changed.len(),
                    kind.replace('_', " ")
                ));
            }
        }
    }
    if defaults > 0 {
        explained.push(format!(
            "{defaults} fields the backup does not hold were given Keycloak's defaults."
        ));
    }
    CheckReport {
        counts: counts(&wanted, &after),
        matches: unexplained.is_empty(),
        diff,
        expected: explained,
    }
}

/// How many of each kind the backup holds and the realm holds.
fn counts(wanted: &Snapshot, after: &Snapshot) -> Vec<(String, u64, u64)> {
    let (mine, theirs) = (realm_kinds(&wanted.realm), realm_kinds(&after.realm));
    let mut counts: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (kind, things) in &mine {
        counts.entry((*kind).to_owned()).or_default().0 = things.len() as u64;
    }
    for (kind, things) in &theirs {
        counts.entry((*kind).to_owned()).or_default().1 = things.len() as u64;
    }
    counts.insert("users".to_owned(), (wanted.users.len() as u64, after.users.len() as u64));
    counts.into_iter().filter(|(kind, _)| kind != "settings").map(|(k, (a, b))| (k, a, b)).collect()
}
