//! Realm backups: taken while Keycloak runs, compressed and sealed with a key the tenant holds,
//! written so that memory stays flat however large the realm, and read back record by record
//! with every byte authenticated and the content checked against its manifest.
//!
//! - [`keys`]: a tenant's key ring (the sealing key, then earlier ones) and its ids;
//! - [`sealed`]: the encrypted, authenticated container;
//! - [`archive`]: the records inside it and the manifest's checksum;
//! - [`collect`]: the reads from Keycloak a backup is made of;
//! - [`diff`]: what differs between two snapshots, per kind and field;
//! - [`export_file`]: realm exports made elsewhere, read and checked;
//! - [`restore`]: a backup put back, into a new realm or the live one, after a dry run;
//! - [`users`]: every user once, service accounts included, while Keycloak runs;
//! - [`snapshot`]: a realm held whole to be compared (from a backup, live, or an export);
//! - [`vault`]: where backups and keys are kept.

pub mod archive;
pub mod collect;
pub mod diff;
pub mod export_file;
pub mod keys;
pub mod manifest;
pub mod restore;
pub mod retention;
pub mod sealed;
pub mod snapshot;
pub mod users;
pub mod vault;

pub use archive::{BackupError, BackupReader, BackupWriter, Record};
pub use collect::{Progress, TakeError, TakeRequest, take_backup};
pub use keys::{BackupKey, KeyError, KeyRing};
pub use manifest::Manifest;
pub use retention::Retention;
pub use sealed::SealError;
pub use vault::{Vault, VaultError};

#[cfg(test)]
mod tests;

#[cfg(test)]
mod diff_tests;
