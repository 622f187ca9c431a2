//! Keycloak failures, typed by cause.

use serde::Deserialize;

/// A field Keycloak refused, as its user-profile validation names it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct FieldError {
    /// The attribute at fault (`email`, `username`, ...).
    pub field: String,
    /// Keycloak's message key, such as `error-invalid-email`.
    #[serde(rename = "errorMessage")]
    pub message: String,
}

/// Why a call to Keycloak failed.
#[derive(Debug, thiserror::Error)]
pub enum KeycloakError {
    /// The realm, user, group or role does not exist.
    #[error("not found in keycloak: {what}")]
    NotFound {
        /// What was asked for, for the log.
        what: String,
    },
    /// The change collides with what exists (duplicate username or email, for instance).
    #[error("conflict in keycloak: {message}")]
    Conflict {
        /// Keycloak's own message (for the log, not the browser).
        message: String,
    },
    /// Keycloak refused the input; `errors` names the fields when it said which.
    #[error("keycloak refused the input: {message}")]
    InvalidInput {
        /// Keycloak's summary.
        message: String,
        /// The fields at fault.
        errors: Vec<FieldError>,
    },
    /// The service account lacks a right Keycloak requires for this call.
    #[error("keycloak denied the service account: {what}")]
    Forbidden {
        /// The call denied.
        what: String,
    },
    /// The service account could not sign in (wrong client id, secret or realm).
    #[error("keycloak refused the service account credentials: {reason}")]
    Credentials {
        /// What the token endpoint said.
        reason: String,
    },
    /// Keycloak could not be reached, or answered 5xx.
    #[error("keycloak is unavailable: {reason}")]
    Unavailable {
        /// The transport error or status.
        reason: String,
    },
    /// Keycloak did not answer within the client's timeout: overloaded, or asked for too much
    /// at once (an infix search over a large realm), so a narrower request may succeed.
    #[error("keycloak did not answer in time: {reason}")]
    Timeout {
        /// The transport error.
        reason: String,
    },
    /// Keycloak answered something this client did not expect.
    #[error("unexpected answer from keycloak: {reason}")]
    Unexpected {
        /// The status or decoding error.
        reason: String,
    },
}

impl KeycloakError {
    pub(crate) fn transport(err: reqwest::Error) -> KeycloakError {
        if err.is_decode() {
            return KeycloakError::Unexpected { reason: err.to_string() };
        }
        if err.is_timeout() {
            return KeycloakError::Timeout { reason: err.without_url().to_string() };
        }
        KeycloakError::Unavailable { reason: err.without_url().to_string() }
    }
}

/// The error body shapes Keycloak answers with, kept to turn them into [`KeycloakError`].
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default, rename = "errorMessage")]
    pub error_message: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub errors: Vec<FieldError>,
    #[serde(default)]
    pub field: Option<String>,
}

impl ErrorBody {
    pub fn message(&self) -> String {
        self.error_message.clone().or_else(|| self.error.clone()).unwrap_or_default()
    }

    /// The field errors, including the single-field form Keycloak sometimes uses.
    pub fn field_errors(&self) -> Vec<FieldError> {
        if !self.errors.is_empty() {
            return self.errors.clone();
        }
        match &self.field {
            Some(field) => vec![FieldError { field: field.clone(), message: self.message() }],
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorBody;

    #[test]
    fn field_errors_come_from_the_list_or_the_single_field_form() {
        let list: ErrorBody = serde_json::from_str(
            r#"{"errors":[{"field":"email","errorMessage":"error-invalid-email"}]}"#,
        )
        .unwrap();
        let single: ErrorBody =
            serde_json::from_str(r#"{"field":"username","errorMessage":"error-username-length"}"#)
                .unwrap();

        assert_eq!(list.field_errors()[0].field, "email");
        assert_eq!(single.field_errors()[0].field, "username");
        assert_eq!(single.field_errors()[0].message, "error-username-length");
    }
}
