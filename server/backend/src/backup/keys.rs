//! The keys a tenant holds for its backups.
//!
//! A key file holds one key per line, 32 bytes in base64 (`openssl rand -base64 32`); blank
//! lines and lines starting with `#` are ignored. The first key seals new backups; the others
//! are earlier keys, kept so that backups sealed with them still open (rotation: put the new
//! key first, keep the old one below it, and re-seal the old backups when convenient). A key is
//! named by its id, the first 8 bytes of SHA-256 over a fixed label and the key, so a backup can
//! say which key it needs without giving the key away.

use std::fmt;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// A key's length in bytes.
pub const KEY_BYTES: usize = 32;

/// One key and its id.
#[derive(Clone)]
pub struct BackupKey {
    id: String,
    secret: Zeroizing<[u8; KEY_BYTES]>,
}

impl BackupKey {
    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> BackupKey {
        let mut digest = Sha256::new();
        digest.update(b"cloudtrust-console backup key v1\0");
        digest.update(bytes);
        let id = digest.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect();
        BackupKey { id, secret: Zeroizing::new(bytes) }
    }

    /// The key's public name: 16 hex digits.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub(super) fn secret(&self) -> &[u8; KEY_BYTES] {
        &self.secret
    }
}

impl fmt::Debug for BackupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackupKey").field("id", &self.id).finish_non_exhaustive()
    }
}

/// A tenant's keys: the one that seals, then the earlier ones that still open.
#[derive(Clone, Debug)]
pub struct KeyRing {
    keys: Vec<BackupKey>,
}

/// Why a tenant's keys could not be read. `origin` names the file or variable, `line` the
/// line of a key file (from 1).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// The file could not be read.
    #[error("{origin}: cannot be read: {reason}")]
    Unreadable {
        /// The file.
        origin: String,
        /// What the system said.
        reason: String,
    },
    /// It holds no key.
    #[error("{origin}: holds no key")]
    Empty {
        /// The file or variable.
        origin: String,
    },
    /// A line is not 32 bytes of base64.
    #[error("{origin}, line {line}: not a key: {reason}")]
    Malformed {
        /// The file or variable.
        origin: String,
        /// Its line, from 1.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The key file lies inside the backup directory, where a thief of the backups would take
    /// the key with them.
    #[error("{origin}: lies inside the backup directory {directory}; keep the key elsewhere")]
    BesideBackups {
        /// The key file.
        origin: String,
        /// The backup directory.
        directory: String,
    },
}

impl KeyRing {
    /// A ring of the given keys, the first one sealing.
    pub fn new(keys: Vec<BackupKey>) -> Option<KeyRing> {
        (!keys.is_empty()).then_some(KeyRing { keys })
    }

    /// Reads keys written one per line; `source` names where they came from in errors.
    pub fn parse(text: &str, source: &str) -> Result<KeyRing, KeyError> {
        let mut keys = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let malformed = |reason: String| KeyError::Malformed {
                origin: source.to_owned(),
                line: index + 1,
                reason,
            };
            let bytes = STANDARD.decode(line).map_err(|err| malformed(err.to_string()))?;
            let bytes: [u8; KEY_BYTES] = bytes.try_into().map_err(|bytes: Vec<u8>| {
                malformed(format!("{} bytes, where a key has {KEY_BYTES}", bytes.len()))
            })?;
            keys.push(BackupKey::from_bytes(bytes));
        }
        KeyRing::new(keys).ok_or_else(|| KeyError::Empty { origin: source.to_owned() })
    }

    /// Reads a key file, refusing one kept inside `backups` (the directory the backups go to).
    pub fn from_file(path: &Path, backups: &Path) -> Result<KeyRing, KeyError> {
        let source = path.display().to_string();
        let resolved = path.canonicalize().map_err(|err| KeyError::Unreadable {
            origin: source.clone(),
            reason: err.to_string(),
        })?;
        if let Ok(directory) = backups.canonicalize()
            && resolved.starts_with(&directory)
        {
            let directory = directory.display().to_string();
            return Err(KeyError::BesideBackups { origin: source, directory });
        }
        let text = std::fs::read_to_string(&resolved).map_err(|err| KeyError::Unreadable {
            origin: source.clone(),
            reason: err.to_string(),
        })?;
        KeyRing::parse(&text, &source)
    }

    /// The key that seals new backups.
    pub fn sealing(&self) -> &BackupKey {
        &self.keys[0]
    }

    /// The key with this id, if the ring holds it.
    pub fn find(&self, id: &str) -> Option<&BackupKey> {
        self.keys.iter().find(|k| k.id == id)
    }

    /// Every key's id, the sealing one first.
    pub fn ids(&self) -> Vec<&str> {
        self.keys.iter().map(|k| k.id.as_str()).collect()
    }
}
