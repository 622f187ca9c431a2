//! A tenant's backups: the list with each one's progress, counts and manifest, whether a key is
//! set, the schedule with its retention, taking a backup now, and comparing two backups or a
//! backup with the live realm.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

#[cfg(feature = "ssr")]
pub(crate) mod compare;
#[cfg(feature = "ssr")]
pub mod take;

/// How many backups the list shows.
pub const BACKUPS_SHOWN: i64 = 100;

/// One backup as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupRow {
    /// Its id.
    pub id: String,
    /// `running`, `complete` or `failed`.
    pub state: String,
    /// A username, or `schedule`.
    pub started_by: String,
    /// When it began, in ms since the epoch.
    pub started_at_ms: i64,
    /// When it ended.
    pub finished_at_ms: Option<i64>,
    /// Users written so far, and how many the realm held.
    pub users_done: i64,
    /// How many users the realm held at the start.
    pub users_total: i64,
    /// The file's size once complete.
    pub size_bytes: Option<i64>,
    /// Counts per kind, once complete.
    pub counts: BTreeMap<String, u64>,
    /// What it does not hold, once complete.
    pub not_included: Vec<String>,
    /// The Keycloak version it was read from.
    pub keycloak_version: Option<String>,
    /// The key it was sealed with.
    pub key_id: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// Whether it is a realm export uploaded, not taken from Keycloak.
    pub uploaded: bool,
}

/// Whether a key is set for the tenant, and where it is read from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyState {
    /// The sealing key's id, when one is set and readable.
    pub sealing_key: Option<String>,
    /// Earlier keys kept to open older backups.
    pub earlier_keys: Vec<String>,
    /// Where the console reads the key from.
    pub read_from: String,
    /// Why the key that is set cannot be used, or that none is.
    pub problem: Option<String>,
}

/// When backups are taken on their own, and how many are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupSchedule {
    /// Hours between two scheduled backups; 0 for none.
    pub every_hours: u32,
    /// The newest this many, whatever their age.
    pub keep_last: u32,
    /// The newest of each of this many days.
    pub keep_daily: u32,
    /// The newest of each of this many weeks.
    pub keep_weekly: u32,
}

impl Default for BackupSchedule {
    fn default() -> BackupSchedule {
        BackupSchedule { every_hours: 0, keep_last: 7, keep_daily: 14, keep_weekly: 8 }
    }
}

/// The backups page in one answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupOverview {
    /// Newest first.
    pub backups: Vec<BackupRow>,
    /// The key.
    pub key: KeyState,
    /// The schedule.
    pub schedule: BackupSchedule,
    /// Whether the caller may take backups and set the schedule.
    pub can_manage: bool,
}

/// The tenant's backups, key and schedule.
#[server(endpoint = "backups/list")]
pub async fn list_backups(tenant: String) -> Result<BackupOverview, AppError> {
    take::overview(&tenant).await
}

/// Takes a backup now; answers its id. It runs on the server; the list shows its progress.
#[server(endpoint = "backups/start")]
pub async fn start_backup(tenant: String) -> Result<String, AppError> {
    take::start_now(&tenant).await
}

/// Sets when backups are taken on their own and how many are kept.
#[server(endpoint = "backups/schedule")]
pub async fn save_backup_schedule(
    tenant: String,
    every_hours: u32,
    keep_last: u32,
    keep_daily: u32,
    keep_weekly: u32,
) -> Result<BackupSchedule, AppError> {
    let schedule = BackupSchedule { every_hours, keep_last, keep_daily, keep_weekly };
    take::save_schedule(&tenant, schedule).await
}

/// The side of a comparison that is the realm as it is now.
pub const LIVE: &str = "live";

/// What differs between two sides, per kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupDiff {
    /// The first side: a backup's id, or `live`.
    pub from: String,
    /// The second side.
    pub to: String,
    /// Whether nothing differs.
    pub identical: bool,
    /// Each kind, in order.
    pub kinds: Vec<KindChanges>,
}

/// The differences of one kind; the lists hold the first hundred, the totals count them all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindChanges {
    /// `settings`, `clients`, `groups`, `users`, ...
    pub kind: String,
    /// Only on the second side.
    pub added: Vec<String>,
    /// Only on the first.
    pub removed: Vec<String>,
    /// On both, changed.
    pub changed: Vec<ChangedThing>,
    /// How many were added.
    pub added_total: u64,
    /// How many were removed.
    pub removed_total: u64,
    /// How many changed.
    pub changed_total: u64,
    /// How many are the same.
    pub same: u64,
}

/// A thing on both sides that changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedThing {
    /// What names it: a clientId, a group's path, a username.
    pub name: String,
    /// Its changed fields.
    pub fields: Vec<FieldChange>,
}

/// One changed field, its values as JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Such as `redirectUris` or `attributes.department`.
    pub field: String,
    /// Before; `None` when it was not there.
    pub before: Option<String>,
    /// After; `None` when it is gone.
    pub after: Option<String>,
}

/// Compares two backups of the tenant, or one with the live realm (`live`).
#[server(endpoint = "backups/diff")]
pub async fn diff_backups(
    tenant: String,
    from: String,
    to: String,
) -> Result<BackupDiff, AppError> {
    compare::diff(&tenant, &from, &to).await
}
