//! A realm held whole to be compared: read back from a backup, or from the live realm through
//! the same reads a backup makes, or from a realm export made elsewhere.
//!
//! A snapshot holds every user in memory, about a kilobyte each. TODO(#5): compare very large
//! realms user page by user page against a sorted index instead of whole.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::archive::{BackupError, BackupReader, Record};
use super::diff::{KindDiff, Named, diff_named, realm_kinds, users_by_name};
use super::keys::KeyRing;
use super::users::UserPager;
use crate::keycloak::{KeycloakAdmin, KeycloakError};

/// A realm and its users.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// The realm representation (settings, clients, roles, groups, ...).
    pub realm: Value,
    /// The user profile configuration, when known.
    pub user_profile: Option<Value>,
    /// The users, by username.
    pub users: Named,
}

/// What differs between two snapshots, per kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealmDiff {
    /// Per kind (`settings`, `clients`, `groups`, `users`, ...).
    pub kinds: BTreeMap<String, KindDiff>,
}

impl RealmDiff {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.kinds.values().all(KindDiff::is_empty)
    }
}

impl Snapshot {
    /// The snapshot a backup holds, every byte checked on the way.
    pub fn from_backup(path: &Path, ring: &KeyRing) -> Result<Snapshot, BackupError> {
        let mut reader = BackupReader::open(path, ring)?;
        let mut snapshot = Snapshot::default();
        while let Some(record) = reader.next_record()? {
            match record {
                Record::Realm(realm) => snapshot.realm = realm,
                Record::UserProfile(profile) => snapshot.user_profile = Some(profile),
                Record::Users(users) => snapshot.users.extend(users_by_name(&users)),
                Record::Manifest(_) => {}
            }
        }
        Ok(snapshot)
    }

    /// A realm of an export file, with the users it lists.
    pub fn from_export(realm: Value) -> Snapshot {
        let users = users_by_name(realm["users"].as_array().into_iter().flatten());
        Snapshot { realm, user_profile: None, users }
    }

    /// The live realm, read as a backup reads it (secrets stay masked: a diff does not need
    /// them, and a masked value is not compared).
    pub async fn live(kc: &KeycloakAdmin, realm: &str) -> Result<Snapshot, KeycloakError> {
        let export = kc.partial_export(realm).await?;
        let user_profile = Some(kc.user_profile_json(realm).await?);
        let mut users = Named::new();
        let mut pager = UserPager::new(kc, realm, UserPager::service_clients(&export));
        while let Some(batch) = pager.next_batch().await? {
            users.extend(users_by_name(&batch));
        }
        Ok(Snapshot { realm: export, user_profile, users })
    }

    /// What changed from `self` to `other`.
    pub fn diff(&self, other: &Snapshot) -> RealmDiff {
        let (before, after) = (realm_kinds(&self.realm), realm_kinds(&other.realm));
        let mut kinds: BTreeMap<String, KindDiff> = before
            .iter()
            .map(|(kind, things)| {
                let empty = Named::new();
                let theirs = after.get(kind).unwrap_or(&empty);
                ((*kind).to_owned(), diff_named(things, theirs))
            })
            .collect();
        kinds.insert("users".to_owned(), diff_named(&self.users, &other.users));
        if let (Some(mine), Some(theirs)) = (&self.user_profile, &other.user_profile) {
            // Attributes by name, and the rest of the profile (groups, the unmanaged-attribute
            // policy) as one thing.
            let split = |profile: &Value| -> Named {
                let mut parts: Named = profile["attributes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| Some((a.get("name")?.as_str()?.to_owned(), a.clone())))
                    .collect();
                let mut rest = profile.clone();
                if let Some(map) = rest.as_object_mut() {
                    map.remove("attributes");
                }
                parts.insert("(the profile's groups and policy)".to_owned(), rest);
                parts
            };
            kinds.insert("user_profile".to_owned(), diff_named(&split(mine), &split(theirs)));
        }
        RealmDiff { kinds }
    }
}
