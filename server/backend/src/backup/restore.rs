//! A backup (or a realm export) put back into Keycloak: into a new realm, or into the live realm
//! with one choice for every conflict (skip, overwrite, fail); always planned first by a dry run
//! that writes nothing, then run as steps that can each be run again without duplicating
//! anything, and checked after by a diff against the backup.
//!
//! - [`prepare`]: a backup made fit to be created as a new realm (pure);
//! - [`plan`]: the dry run: what will be created, what conflicts and what happens to it (pure);
//! - [`apply`]: the steps, against Keycloak;
//! - [`lookup`]: things of the target found by name;
//! - [`overwrite`]: updates in place, for what Keycloak's partial import would delete and
//!   re-create (a client with new ids, a group without its members, a user without its
//!   password);
//! - [`check`]: the realm after the restore, compared with what the backup says it should be.

use serde::{Deserialize, Serialize};

use super::diff::Changed;
use super::snapshot::RealmDiff;

mod apply;
pub mod check;
mod lookup;
mod overwrite;
pub mod plan;
pub mod prepare;

pub use apply::{Restorer, USERS_BATCH};
pub use check::compare;
pub use plan::{expected, make_plan, refuse_unknown_providers};

#[cfg(test)]
mod tests;

#[cfg(test)]
mod plan_tests;

/// What happens to a thing that is both in the backup and in the realm, and differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conflicts {
    /// Leave the realm's version.
    Skip,
    /// Put the backup's version in its place, keeping its id, members and password.
    Overwrite,
    /// Change nothing at all while any conflict exists.
    Fail,
}

/// Where a restore goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "into", content = "realm", rename_all = "snake_case")]
pub enum Target {
    /// A realm that does not exist yet, of this name.
    NewRealm(String),
    /// The tenant's realm as it is now.
    Live(String),
}

impl Target {
    /// The realm written to.
    pub fn realm(&self) -> &str {
        match self {
            Target::NewRealm(realm) | Target::Live(realm) => realm,
        }
    }
}

/// What a person chose before the dry run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreOptions {
    /// Where to.
    pub target: Target,
    /// What to do with conflicts (a new realm has none).
    pub conflicts: Conflicts,
    /// Whether each user brought back is emailed a link to set a password.
    pub email_users: bool,
    /// What marks a new realm as this restore's (the restore's id), so that a second run
    /// carries on in the realm the first created and never in one of the same name made since.
    #[serde(default)]
    pub stamp: String,
}

/// What a restore does with one kind of thing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindPlan {
    /// `settings`, `clients`, `groups`, `users`, ...
    pub kind: String,
    /// Only in the backup: created.
    pub create: Vec<String>,
    /// In both and different: skipped, overwritten or refused, by the choice.
    pub conflicts: Vec<Changed>,
    /// In both and the same: nothing to do.
    pub same: u64,
    /// Only in the realm: left alone (a restore never deletes).
    pub only_in_realm: u64,
    /// Whether the console restores this kind into this target; when not, the differences
    /// are listed for a person to carry over by hand.
    pub restored: bool,
}

/// The dry run's answer: what the restore will do, and whether it may run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestorePlan {
    /// The realm written to.
    pub realm: String,
    /// Whether that realm is created.
    pub new_realm: bool,
    /// Per kind, in order.
    pub kinds: Vec<KindPlan>,
    /// What a person must set again by hand afterwards (masked secrets, keys).
    pub to_set_again: Vec<String>,
    /// Known traps met, and what the console does about each.
    pub warnings: Vec<String>,
    /// Why the restore may not run as chosen; nothing is written while this is set.
    pub refused: Option<String>,
}

impl RestorePlan {
    /// How many things are created, and how many conflict.
    pub fn totals(&self) -> (usize, usize) {
        let restored = self.kinds.iter().filter(|k| k.restored);
        restored.fold((0, 0), |(c, x), k| (c + k.create.len(), x + k.conflicts.len()))
    }
}

/// One step of a restore, in the order they run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// Create the new realm with everything but its people.
    CreateRealm,
    /// Create in the live realm what only the backup holds (but users).
    CreateMissing,
    /// Merge the backup's user profile into the live realm's, before the users.
    UserProfile,
    /// Bring back users `first..first + count` of the backup, by username.
    Users {
        /// The first.
        first: usize,
        /// How many.
        count: usize,
    },
    /// Give service accounts their roles back.
    ServiceAccounts,
    /// Put the backup's version of one kind's conflicts in place.
    Overwrite {
        /// The kind.
        kind: String,
    },
}

impl Step {
    /// The step in words.
    pub fn label(&self) -> String {
        match self {
            Step::CreateRealm => {
                "create the realm with its settings, clients, roles and groups".to_owned()
            }
            Step::CreateMissing => "create the clients, scopes, roles, groups and identity \
                providers only the backup holds"
                .to_owned(),
            Step::Users { first, count } => {
                format!("users {} to {}", first + 1, first + count)
            }
            Step::ServiceAccounts => "the service accounts' roles".to_owned(),
            Step::UserProfile => "the user profile's attributes".to_owned(),
            Step::Overwrite { kind } => format!("overwrite the conflicting {kind}"),
        }
    }
}

/// What one step did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepReport {
    /// Things created.
    pub added: u64,
    /// Things that existed and were left.
    pub skipped: u64,
    /// Things updated in place.
    pub overwritten: u64,
    /// What a person should know (an email not sent, a role not found).
    pub notes: Vec<String>,
}

/// The realm after a restore, compared with the backup.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    /// Per kind: how many the backup holds and how many the realm holds now.
    pub counts: Vec<(String, u64, u64)>,
    /// What differs, per kind, from the backup (as prepared for the target) to the realm.
    pub diff: RealmDiff,
    /// Whether nothing differs but what [`CheckReport::expected`] explains.
    pub matches: bool,
    /// The differences that are expected, and why.
    pub expected: Vec<String>,
}
