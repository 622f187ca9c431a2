//! What the console may know about a user's credentials and sign-in failures: never a secret.

use serde::{Deserialize, Deserializer, Serialize};

/// One credential of a user (password, OTP, WebAuthn, ...), without its data.
///
/// Keycloak also sends `credentialData` (algorithm, iterations, OTP settings, ...); it is
/// deliberately not read, so that no credential material is ever held, logged or forwarded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialBrief {
    /// The credential's id, to delete it.
    pub id: String,
    /// `password`, `otp`, `webauthn`, ...
    #[serde(rename = "type")]
    pub credential_type: String,
    /// The name the user gave it (an OTP device's label), when set.
    #[serde(default)]
    pub user_label: Option<String>,
    /// When it was created, in epoch milliseconds.
    #[serde(default)]
    pub created_date: Option<i64>,
}

/// A user's standing with the realm's brute-force detection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BruteForceStatus {
    /// Whether the user is locked out right now (temporarily or permanently).
    #[serde(default)]
    pub disabled: bool,
    /// Failed sign-ins counted since the last success or reset.
    #[serde(default)]
    pub num_failures: u32,
    /// When the last failure happened, in epoch milliseconds; 0 when none.
    #[serde(default)]
    pub last_failure: i64,
    /// The address of the last failure; Keycloak's `n/a` reads as `None`.
    #[serde(default, rename = "lastIPFailure", deserialize_with = "known_address")]
    pub last_ip_failure: Option<String>,
}

fn known_address<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let address = Option::<String>::deserialize(d)?;
    Ok(address.filter(|a| !a.is_empty() && a != "n/a"))
}

#[cfg(test)]
mod tests {
    use super::{BruteForceStatus, CredentialBrief};

    #[test]
    fn a_status_without_failures_has_no_address() {
        let status: BruteForceStatus = serde_json::from_str(
            r#"{"numFailures":0,"disabled":false,"lastIPFailure":"n/a","lastFailure":0}"#,
        )
        .unwrap();

        assert_eq!(status.last_ip_failure, None);
        assert_eq!(status.num_failures, 0);
    }

    #[test]
    fn a_credential_reads_without_its_data_and_writes_none_back() {
        let credential: CredentialBrief = serde_json::from_str(
            r#"{"id":"c1","type":"password","createdDate":1,"priority":10,
                "credentialData":"{\"hashIterations\":5,\"algorithm\":\"argon2\"}"}"#,
        )
        .unwrap();

        let written = serde_json::to_string(&credential).unwrap();

        assert_eq!(credential.credential_type, "password");
        assert!(!written.contains("credentialData") && !written.contains("argon2"), "{written}");
    }
}
