//! Realm exports made elsewhere (Keycloak's own export, `kc.sh export`, the admin console's
//! partial export, other tools), read to diff against or to restore from: one realm, or an
//! array of realms, from Keycloak 1.2 on. Anything else is refused saying what it is.

use serde_json::Value;

/// Why a file is not a realm export the console can use.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExportFileError {
    /// Not JSON.
    #[error("the file is not JSON: {reason} (line {line}, column {column})")]
    NotJson {
        /// What the parser said.
        reason: String,
        /// Where.
        line: usize,
        /// Where.
        column: usize,
    },
    /// JSON, but not a realm.
    #[error("the file is JSON but not a realm export: {0}")]
    NotARealm(String),
    /// A realm from a version the console does not read.
    #[error("realm {realm}: {reason}")]
    Unsupported {
        /// The realm's name.
        realm: String,
        /// Why.
        reason: String,
    },
}

/// The realms of an export file, each as Keycloak wrote it.
pub fn realms_in(bytes: &[u8]) -> Result<Vec<Value>, ExportFileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(bytes).map_err(|err| ExportFileError::NotJson {
        reason: err.to_string().split(" at line").next().unwrap_or_default().to_owned(),
        line: err.line(),
        column: err.column(),
    })?;
    let realms = match value {
        Value::Array(items) if items.is_empty() => {
            return Err(ExportFileError::NotARealm("it is an empty list".into()));
        }
        Value::Array(items) => items,
        Value::Object(_) => vec![value],
        other => {
            let kind = match other {
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "true or false",
                _ => "null",
            };
            return Err(ExportFileError::NotARealm(format!("it is {kind}")));
        }
    };
    for (index, realm) in realms.iter().enumerate() {
        check_realm(realm, index)?;
    }
    Ok(realms)
}

fn check_realm(realm: &Value, index: usize) -> Result<(), ExportFileError> {
    let Some(name) = realm.get("realm").and_then(Value::as_str).filter(|n| !n.is_empty()) else {
        let what = if realm.is_object() { "has no `realm` name" } else { "is not an object" };
        return Err(ExportFileError::NotARealm(format!("item {} {what}", index + 1)));
    };
    if realm.get("applications").is_some() || realm.get("oauthClients").is_some() {
        return Err(ExportFileError::Unsupported {
            realm: name.to_owned(),
            reason: "it comes from Keycloak before 1.2 (`applications` and `oauthClients`), \
                     whose format the console does not read; import it into a newer Keycloak \
                     and export it again"
                .to_owned(),
        });
    }
    for list in ["clients", "users", "groups", "clientScopes", "identityProviders"] {
        if let Some(value) = realm.get(list)
            && !value.is_array()
        {
            return Err(ExportFileError::NotARealm(format!(
                "realm {name}: `{list}` is not a list"
            )));
        }
    }
    Ok(())
}

/// Users written per record when an export is sealed.
const USERS_PER_RECORD: usize = 500;

/// Seals one realm of an uploaded export as a backup at `path`, so that it is kept encrypted
/// like the others and can be compared and restored the same way. `manifest` says who
/// uploaded what; its counts, checksum and key id are filled here.
pub fn seal_export(
    realm: &Value,
    path: &std::path::Path,
    key: &super::BackupKey,
    mut manifest: super::Manifest,
) -> Result<(super::Manifest, u64), super::BackupError> {
    use super::{BackupWriter, Record};
    let mut config = realm.clone();
    let users = config.as_object_mut().and_then(|m| m.remove("users")).unwrap_or_default();
    let users = match users {
        Value::Array(users) => users,
        _ => Vec::new(),
    };
    let mut counts = super::collect::configuration_counts(&config);
    counts.insert("users".to_owned(), users.len() as u64);
    manifest.counts = counts;
    let mut writer = BackupWriter::create(path, key)?;
    let written = (|| {
        writer.write(&Record::Realm(config))?;
        for chunk in users.chunks(USERS_PER_RECORD) {
            writer.write(&Record::Users(chunk.to_vec()))?;
        }
        Ok::<(), super::BackupError>(())
    })();
    match written {
        Ok(()) => writer.finish(manifest),
        Err(err) => {
            writer.abandon();
            Err(err)
        }
    }
}
