//! A [`UserQuery`] as query parameters, shared by `GET /users` and `GET /users/count` so that the
//! two always filter alike.

use url::Url;

use super::{FieldError, KeycloakError, UserQuery};

/// Appends `query`'s filters (not its page) to `url`.
pub(crate) fn apply_filters(url: &mut Url, query: &UserQuery) -> Result<(), KeycloakError> {
    let q = attribute_query(&query.attributes)?;

    let mut pairs = url.query_pairs_mut();
    let fields = [
        ("search", &query.search),
        ("username", &query.username),
        ("email", &query.email),
        ("firstName", &query.first_name),
        ("lastName", &query.last_name),
    ];
    for (name, value) in fields {
        if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            pairs.append_pair(name, value);
        }
    }
    if let Some(enabled) = query.enabled {
        pairs.append_pair("enabled", bool_text(enabled));
    }
    if let Some(verified) = query.email_verified {
        pairs.append_pair("emailVerified", bool_text(verified));
    }
    if let Some(q) = q {
        pairs.append_pair("q", &q);
    }
    Ok(())
}

fn bool_text(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

/// Keycloak's `q` for attribute filters: `"name":"value"` pairs separated by a space, or `None`
/// when there are none.
///
/// Keycloak 26 reads `q` with a hand-written scanner (`SearchQueryUtils.getFields`): a pair is
/// a name up to the first `:`, quoted or not, then a value up to the next space outside
/// quotes; `\"` stands for a quote, `\\` is dropped, and any other `\` is kept. So every name
/// and value is sent quoted with its quotes escaped, which carries spaces, colons and quotes.
/// What the scanner cannot carry is refused here rather than sent and misread: a colon in a
/// name (it always ends the name), a backslash (it cannot be written so that it survives in
/// every position), an empty name or value, and a name given twice (Keycloak keeps the last,
/// so the filter would silently match more).
pub(crate) fn attribute_query(
    attributes: &[(String, String)],
) -> Result<Option<String>, KeycloakError> {
    if attributes.is_empty() {
        return Ok(None);
    }

    let mut parts = Vec::with_capacity(attributes.len());
    for (index, (name, value)) in attributes.iter().enumerate() {
        if name.is_empty() || value.is_empty() {
            return Err(refused(name, "an attribute filter needs a name and a value"));
        }
        if name.contains(':') {
            return Err(refused(name, "an attribute filter's name cannot hold a colon"));
        }
        if name.contains('\\') || value.contains('\\') {
            return Err(refused(name, "an attribute filter cannot hold a backslash"));
        }
        if attributes[..index].iter().any(|(earlier, _)| earlier == name) {
            return Err(refused(name, "an attribute can be filtered on once"));
        }
        parts.push(format!("{}:{}", quoted(name), quoted(value)));
    }
    Ok(Some(parts.join(" ")))
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\\\""))
}

fn refused(name: &str, message: &str) -> KeycloakError {
    let field = if name.is_empty() { "attributes".to_owned() } else { name.to_owned() };
    KeycloakError::InvalidInput {
        message: message.to_owned(),
        errors: vec![FieldError { field, message: "error-invalid-attribute-filter".to_owned() }],
    }
}

#[cfg(test)]
mod tests {
    use super::{KeycloakError, UserQuery, apply_filters, attribute_query};

    fn pairs(attributes: &[(&str, &str)]) -> Vec<(String, String)> {
        attributes.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn attribute_filters_are_quoted_pairs_separated_by_a_space() {
        let q = attribute_query(&pairs(&[("department", "Legal"), ("costCenter", "CC-1700")]));

        assert_eq!(q.unwrap().as_deref(), Some(r#""department":"Legal" "costCenter":"CC-1700""#));
    }

    #[test]
    fn spaces_colons_and_quotes_in_a_value_survive_quoting() {
        let q = attribute_query(&pairs(&[("jobTitle", r#"Lead: "QA" Ops"#)])).unwrap();

        assert_eq!(q.as_deref(), Some(r#""jobTitle":"Lead: \"QA\" Ops""#));
    }

    #[test]
    fn a_colon_in_a_name_or_a_backslash_anywhere_is_refused() {
        for (name, value) in [("team:lead", "x"), ("jobTitle", r"C:\ops"), (r"a\b", "x")] {
            let err = attribute_query(&pairs(&[(name, value)]));

            assert!(matches!(err, Err(KeycloakError::InvalidInput { .. })), "{name} {value}");
        }
    }

    #[test]
    fn no_attribute_filter_sends_no_q() {
        assert_eq!(attribute_query(&[]).unwrap(), None);
    }

    #[test]
    fn an_empty_value_or_name_is_refused_naming_the_attribute() {
        let empty_value = attribute_query(&pairs(&[("department", "")])).unwrap_err();
        let empty_name = attribute_query(&pairs(&[("", "x")])).unwrap_err();

        let KeycloakError::InvalidInput { errors, .. } = empty_value else { panic!() };
        assert_eq!(errors[0].field, "department");
        let KeycloakError::InvalidInput { errors, .. } = empty_name else { panic!() };
        assert_eq!(errors[0].field, "attributes");
    }

    #[test]
    fn an_attribute_given_twice_is_refused() {
        let err = attribute_query(&pairs(&[("department", "Legal"), ("department", "Sales")]));

        assert!(matches!(err, Err(KeycloakError::InvalidInput { .. })), "{err:?}");
    }

    #[test]
    fn every_filter_is_sent_and_the_page_is_not() {
        let mut url = url::Url::parse("http://kc/admin/realms/acme/users/count").unwrap();
        let query = UserQuery {
            username: Some(" ada ".into()),
            email: Some("example".into()),
            first_name: Some("Ada".into()),
            last_name: Some(String::new()),
            attributes: pairs(&[("department", "Legal")]),
            enabled: Some(true),
            email_verified: Some(false),
            first: 20,
            max: 10,
            ..UserQuery::default()
        };

        apply_filters(&mut url, &query).unwrap();

        let sent: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let expected = pairs(&[
            ("username", "ada"),
            ("email", "example"),
            ("firstName", "Ada"),
            ("enabled", "true"),
            ("emailVerified", "false"),
            ("q", r#""department":"Legal""#),
        ]);
        assert_eq!(sent, expected);
    }
}
