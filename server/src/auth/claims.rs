//! Reading the console's access claim out of a verified ID token.
//!
//! The token's signature, issuer, audience, expiry and nonce are checked by openidconnect first;
//! only then is its payload read again here as JSON, to find the claim whose name is configured.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The group paths in `claim` of the (already verified) JWT `id_token`. A missing claim means no
/// groups; a claim that is not a list of strings is an error.
pub fn group_paths(id_token: &str, claim: &str) -> Result<Vec<String>, String> {
    let payload = id_token.split('.').nth(1).ok_or("the ID token is not a JWT")?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).map_err(|e| format!("ID token payload: {e}"))?;
    let json: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("ID token payload: {e}"))?;

    match json.get(claim) {
        None | Some(serde_json::Value::Null) => Ok(Vec::new()),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str().map(str::to_owned).ok_or(format!("claim {claim} holds a non-string"))
            })
            .collect(),
        Some(serde_json::Value::String(one)) => Ok(vec![one.clone()]),
        Some(_) => Err(format!("claim {claim} is not a list of group paths")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(payload))
    }

    #[test]
    fn the_group_paths_are_read_from_the_named_claim() {
        let token = jwt(r#"{"console_access":["/tenants/acme/helpdesk","/other"]}"#);

        let paths = group_paths(&token, "console_access").unwrap();

        assert_eq!(paths, ["/tenants/acme/helpdesk", "/other"]);
    }

    #[test]
    fn a_missing_claim_means_no_groups() {
        assert!(group_paths(&jwt(r#"{"sub":"x"}"#), "console_access").unwrap().is_empty());
    }

    #[test]
    fn a_claim_of_the_wrong_shape_is_an_error_naming_it() {
        let err = group_paths(&jwt(r#"{"console_access":{"a":1}}"#), "console_access").unwrap_err();

        assert!(err.contains("console_access"), "{err}");
    }
}
