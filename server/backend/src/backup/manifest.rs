//! What a backup says about itself: where and when it was taken, by whom, from which Keycloak,
//! how many of each kind it holds, what it could not hold, and the checksum of its content.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The manifest, written as the backup's last record (sealed with the rest) and kept beside
/// it in the console's database for the listing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The manifest's format.
    pub format: u32,
    /// The backup's id.
    pub id: String,
    /// The tenant, which is the realm's name.
    pub tenant: String,
    /// The Keycloak version the realm was read from.
    pub keycloak_version: String,
    /// When the reads began and ended, in ms since the epoch.
    pub started_at_ms: i64,
    /// When the last record was written.
    pub finished_at_ms: i64,
    /// Who asked for it: a username, or `schedule`.
    pub started_by: String,
    /// How many of each kind it holds (`users`, `clients`, `groups`, `realm_roles`, ...).
    pub counts: BTreeMap<String, u64>,
    /// What it does not hold, each in a sentence a person reads.
    pub not_included: Vec<String>,
    /// SHA-256 (hex) of every record before the manifest, as written.
    pub content_sha256: String,
    /// The id of the key it was sealed with.
    pub key_id: String,
}

/// The format of manifests written now.
pub const MANIFEST_FORMAT: u32 = 1;
