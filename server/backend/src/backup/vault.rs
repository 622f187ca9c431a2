//! Where backups and their keys are: backups under `<directory>/<tenant>/<id>.ctb`, a tenant's
//! keys in `<key directory>/<tenant>.key` or the variable `CTC_BACKUP_KEY_<TENANT>` (upper case,
//! `-` as `_`), read again at each use so that a rotated key takes effect without a restart.
//! The key directory may not lie inside the backup directory.

use std::path::{Path, PathBuf};

use super::keys::{KeyError, KeyRing};

/// The backup directory and where the keys come from.
#[derive(Clone, Debug)]
pub struct Vault {
    directory: PathBuf,
    key_directory: Option<PathBuf>,
}

/// Why a tenant has no usable key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VaultError {
    /// No key is set for the tenant.
    #[error("no backup key is set for {tenant}: put one in {where_to}")]
    NoKey {
        /// The tenant.
        tenant: String,
        /// Where a key would be read from.
        where_to: String,
    },
    /// The key that is set cannot be used.
    #[error(transparent)]
    Key(#[from] KeyError),
}

impl Vault {
    /// Backups under `directory`, keys from `key_directory` (or only from the environment).
    /// Refuses a key directory inside the backup directory.
    pub fn new(directory: PathBuf, key_directory: Option<PathBuf>) -> Result<Vault, KeyError> {
        if let Some(keys) = &key_directory
            && inside(keys, &directory)
        {
            return Err(KeyError::BesideBackups {
                origin: keys.display().to_string(),
                directory: directory.display().to_string(),
            });
        }
        Ok(Vault { directory, key_directory })
    }

    /// The backup directory.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// The file of a tenant's backup. The tenant's folder keeps letters, digits, `-`, `_` and
    /// `.` and writes any other byte as `%XX`, so that no realm name reaches outside the backup
    /// directory and two names never share a folder.
    pub fn path(&self, tenant: &str, id: &str) -> PathBuf {
        self.directory.join(folder(tenant)).join(format!("{}.ctb", folder(id)))
    }

    /// The environment variable that may hold a tenant's keys.
    pub fn variable(tenant: &str) -> String {
        let name: String = tenant
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' })
            .collect();
        format!("CTC_BACKUP_KEY_{name}")
    }

    /// Where a tenant's key is looked for, in a sentence's words.
    pub fn where_to(&self, tenant: &str) -> String {
        match &self.key_directory {
            Some(dir) => format!(
                "{} or {}",
                dir.join(format!("{tenant}.key")).display(),
                Vault::variable(tenant)
            ),
            None => Vault::variable(tenant),
        }
    }

    /// A tenant's keys as they are set now: the file first, then the variable.
    pub fn keys(&self, tenant: &str) -> Result<KeyRing, VaultError> {
        if let Some(dir) = &self.key_directory {
            let file = dir.join(format!("{tenant}.key"));
            if file.exists() {
                return Ok(KeyRing::from_file(&file, &self.directory)?);
            }
        }
        let variable = Vault::variable(tenant);
        match std::env::var(&variable) {
            Ok(text) => Ok(KeyRing::parse(&text.replace(',', "\n"), &variable)?),
            Err(_) => Err(VaultError::NoKey {
                tenant: tenant.to_owned(),
                where_to: self.where_to(tenant),
            }),
        }
    }
}

/// Whether `path` lies inside `directory`, by their resolved forms where they exist.
fn inside(path: &Path, directory: &Path) -> bool {
    let resolve = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_owned());
    resolve(path).starts_with(resolve(directory))
}

/// A name made safe as one path segment.
fn folder(name: &str) -> String {
    let mut safe = String::with_capacity(name.len());
    for byte in name.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' => safe.push(byte as char),
            b'.' if !name.chars().all(|c| c == '.') => safe.push('.'),
            other => safe.push_str(&format!("%{other:02X}")),
        }
    }
    if safe.is_empty() { "%".to_owned() } else { safe }
}

#[cfg(test)]
mod tests {
    use super::{Vault, folder};

    #[test]
    fn no_realm_name_reaches_outside_the_backup_directory() {
        let vault = Vault::new("/backups".into(), None).unwrap();
        assert_eq!(vault.path("acme", "b1").to_str(), Some("/backups/acme/b1.ctb"));
        for name in ["..", ".", "../etc", "a/b", "a\\b", ""] {
            let path = vault.path(name, "b1");
            assert!(
                path.starts_with("/backups") && path.components().count() == 4,
                "{name}: {path:?}"
            );
            assert!(!path.to_string_lossy().contains("/../"), "{name}: {path:?}");
        }
        assert_ne!(folder("a/b"), folder("a%2Fb"), "two names never share a folder");
        assert_eq!(folder("acme.eu"), "acme.eu");
    }

    #[test]
    fn a_key_directory_inside_the_backup_directory_is_refused() {
        assert!(Vault::new("/backups".into(), Some("/backups/keys".into())).is_err());
        assert!(Vault::new("/backups".into(), Some("/keys".into())).is_ok());
    }
}
