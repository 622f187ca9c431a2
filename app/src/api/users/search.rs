//! A user search as the URL keeps it, and its checks. The same struct travels from the page's
//! query string to the server function and on to Keycloak, so a link reproduces a search.

use serde::{Deserialize, Serialize};

use crate::AppError;

/// The longest value one filter takes; Keycloak's own columns hold 255 characters.
const MAX_FILTER_LEN: usize = 255;

/// The last page a search may ask for: Keycloak counts its offset in a signed 32-bit number.
pub const MAX_PAGE: u32 = 1_000_000;

/// A user search: a free-text term, or field filters, and a page.
///
/// Keycloak ignores field filters when a free-text term is set, so the two are not combined:
/// such a search is refused rather than answered with a list that ignores half of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSearch {
    /// Free text over username, email, first and last name: a prefix by default, `*x*`
    /// anywhere, `"x"` exact.
    #[serde(default)]
    pub q: String,
    /// Username contains.
    #[serde(default)]
    pub username: String,
    /// Email contains.
    #[serde(default)]
    pub email: String,
    /// First name contains.
    #[serde(default)]
    pub first_name: String,
    /// Last name contains.
    #[serde(default)]
    pub last_name: String,
    /// Custom attributes, `key:value` separated by spaces (Keycloak's `q` syntax).
    #[serde(default)]
    pub attribute: String,
    /// `enabled`, `disabled`, or empty for both.
    #[serde(default)]
    pub status: String,
    /// Created on or after this day, `YYYY-MM-DD` (UTC).
    #[serde(default)]
    pub created_from: String,
    /// Created on or before this day, `YYYY-MM-DD` (UTC).
    #[serde(default)]
    pub created_to: String,
    /// The page, from 0.
    #[serde(default)]
    pub page: u32,
}

/// The filters of a search, checked, before they become Keycloak's query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchFilter {
    /// The free-text term.
    pub search: Option<String>,
    /// Field filters: username, email, first name, last name.
    pub fields: [Option<String>; 4],
    /// Attribute filters.
    pub attributes: Vec<(String, String)>,
    /// Enabled or disabled only.
    pub enabled: Option<bool>,
    /// Created within these epoch milliseconds, both ends included.
    pub created: Option<(i64, i64)>,
}

impl UserSearch {
    /// The query-string names, in the order the form shows them.
    pub const KEYS: [&'static str; 10] = [
        "q",
        "username",
        "email",
        "first_name",
        "last_name",
        "attribute",
        "status",
        "created_from",
        "created_to",
        "page",
    ];

    /// Builds the search from query-string pairs; unknown keys are ignored and a page that is
    /// not a number is the first.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> UserSearch {
        let mut search = UserSearch::default();
        for (key, value) in pairs {
            let value = value.to_owned();
            match key {
                "q" => search.q = value,
                "username" => search.username = value,
                "email" => search.email = value,
                "first_name" => search.first_name = value,
                "last_name" => search.last_name = value,
                "attribute" => search.attribute = value,
                "status" => search.status = value,
                "created_from" => search.created_from = value,
                "created_to" => search.created_to = value,
                "page" => search.page = value.parse().unwrap_or(0),
                _ => {}
            }
        }
        search
    }

    /// The query string that reproduces this search (without `?`), `page` replaced.
    pub fn to_query_string(&self, page: u32) -> String {
        let values = [
            &self.q,
            &self.username,
            &self.email,
            &self.first_name,
            &self.last_name,
            &self.attribute,
            &self.status,
            &self.created_from,
            &self.created_to,
        ];
        let mut parts: Vec<String> = Self::KEYS
            .iter()
            .zip(values)
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", crate::components::error_panel::encode_component(v)))
            .collect();
        if page > 0 {
            parts.push(format!("page={page}"));
        }
        parts.join("&")
    }

    /// Whether any filter is set.
    pub fn is_filtered(&self) -> bool {
        !self.to_query_string(0).is_empty()
    }

    /// Checks the search; the error names the field at fault.
    pub fn filter(&self) -> Result<SearchFilter, AppError> {
        let fields = [
            ("username", &self.username),
            ("email", &self.email),
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("attribute", &self.attribute),
            ("q", &self.q),
        ];
        for (name, value) in fields {
            if value.chars().count() > MAX_FILTER_LEN {
                let message = format!("A filter takes at most {MAX_FILTER_LEN} characters.");
                return Err(AppError::invalid(name, message));
            }
        }
        if self.page > MAX_PAGE {
            return Err(AppError::invalid(
                "page",
                format!("A search has at most {MAX_PAGE} pages."),
            ));
        }
        let term = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        let filter = SearchFilter {
            search: term(&self.q),
            fields: [
                term(&self.username),
                term(&self.email),
                term(&self.first_name),
                term(&self.last_name),
            ],
            attributes: parse_attributes(&self.attribute)?,
            enabled: match self.status.as_str() {
                "" => None,
                "enabled" => Some(true),
                "disabled" => Some(false),
                _ => {
                    let message = "The status is enabled, disabled, or empty for both.";
                    return Err(AppError::invalid("status", message));
                }
            },
            created: created_range(&self.created_from, &self.created_to)?,
        };
        let by_field = filter.fields.iter().any(Option::is_some) || !filter.attributes.is_empty();
        if filter.search.is_some() && by_field {
            return Err(AppError::invalid(
                "q",
                "Search either by free text or by fields, not both: Keycloak would ignore the \
                 fields.",
            ));
        }
        Ok(filter)
    }
}

impl SearchFilter {
    /// Keycloak's query for these filters, `max` users from `first` (the creation range is the
    /// console's own, and stays out of it).
    #[cfg(feature = "ssr")]
    pub fn to_query(&self, first: u32, max: u32) -> cloudtrust_backend::keycloak::UserQuery {
        let [username, email, first_name, last_name] = self.fields.clone();
        cloudtrust_backend::keycloak::UserQuery {
            search: self.search.clone(),
            username,
            email,
            first_name,
            last_name,
            attributes: self.attributes.clone(),
            enabled: self.enabled,
            email_verified: None,
            first,
            max,
        }
    }
}

/// The creation range of the two dates, either end open; `to` includes its whole day.
fn created_range(from: &str, to: &str) -> Result<Option<(i64, i64)>, AppError> {
    let day = |name: &str, text: &str| -> Result<Option<i64>, AppError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        match crate::components::format::parse_date(text) {
            Some(ms) => Ok(Some(ms)),
            None => Err(AppError::invalid(
                name,
                format!("{text:?} is not a date: write it as YYYY-MM-DD, for instance 2026-03-31."),
            )),
        }
    };
    let (start, end) = (day("created_from", from)?, day("created_to", to)?);
    if let (Some(start), Some(end)) = (start, end)
        && start > end
    {
        let message = "The range ends before it starts: swap the two dates.";
        return Err(AppError::invalid("created_to", message));
    }
    if start.is_none() && end.is_none() {
        return Ok(None);
    }
    Ok(Some((start.unwrap_or(i64::MIN), end.map_or(i64::MAX, |e| e + 86_400_000 - 1))))
}

/// Reads `key:value key2:value2`. A value with a space cannot be expressed in Keycloak's `q`
/// syntax, which splits on spaces; a token without `:` or with an empty key is refused.
fn parse_attributes(text: &str) -> Result<Vec<(String, String)>, AppError> {
    text.split_whitespace()
        .map(|token| match token.split_once(':') {
            Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
            _ => Err(AppError::invalid(
                "attribute",
                format!("{token:?} is not key:value (for instance department:Sales)."),
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::UserSearch;
    use crate::ErrorKind;

    #[test]
    fn a_search_survives_the_round_trip_through_its_query_string() {
        let search = UserSearch {
            email: "ann+test@example.org".into(),
            attribute: "department:Sales".into(),
            status: "disabled".into(),
            page: 3,
            ..UserSearch::default()
        };

        let query = search.to_query_string(search.page);
        let pairs: Vec<(String, String)> = query
            .split('&')
            .map(|p| p.split_once('=').unwrap())
            .map(|(k, v)| (k.to_owned(), percent_decode(v)))
            .collect();
        let back = UserSearch::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));

        assert_eq!(back, search);
    }

    #[test]
    fn free_text_and_field_filters_together_are_refused_on_the_free_text() {
        let search = UserSearch { q: "ann".into(), email: "x".into(), ..UserSearch::default() };

        let err = search.filter().unwrap_err();

        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert_eq!(err.field.as_deref(), Some("q"));
    }

    #[test]
    fn attribute_filters_are_key_value_pairs_and_a_bare_word_is_named_in_the_error() {
        let good = UserSearch { attribute: "dept:Sales cc:1200".into(), ..UserSearch::default() };
        let bad = UserSearch { attribute: "dept:Sales oops".into(), ..UserSearch::default() };

        assert_eq!(
            good.filter().unwrap().attributes,
            [("dept".to_owned(), "Sales".to_owned()), ("cc".to_owned(), "1200".to_owned())]
        );
        let err = bad.filter().unwrap_err();
        assert_eq!(err.field.as_deref(), Some("attribute"));
        assert!(err.message.contains("oops"), "{}", err.message);
    }

    #[test]
    fn a_creation_range_includes_both_days_and_a_reversed_or_malformed_one_is_refused() {
        let range = UserSearch {
            created_from: "2026-03-01".into(),
            created_to: "2026-03-31".into(),
            ..UserSearch::default()
        };
        let reversed = UserSearch {
            created_from: "2026-04-01".into(),
            created_to: "2026-03-31".into(),
            ..UserSearch::default()
        };
        let malformed = UserSearch { created_from: "31/03/2026".into(), ..UserSearch::default() };

        let (start, end) = range.filter().unwrap().created.unwrap();
        assert_eq!(crate::components::format::date(start), "2026-03-01");
        assert_eq!(crate::components::format::date_time(end), "2026-03-31 23:59 UTC");
        assert_eq!(reversed.filter().unwrap_err().field.as_deref(), Some("created_to"));
        assert_eq!(malformed.filter().unwrap_err().field.as_deref(), Some("created_from"));
    }

    #[test]
    fn an_unknown_status_and_an_overlong_filter_are_refused_by_name() {
        let status = UserSearch { status: "locked".into(), ..UserSearch::default() };
        let long = UserSearch { username: "x".repeat(256), ..UserSearch::default() };

        assert_eq!(status.filter().unwrap_err().field.as_deref(), Some("status"));
        assert_eq!(long.filter().unwrap_err().field.as_deref(), Some("username"));
    }

    fn percent_decode(value: &str) -> String {
        let bytes = value.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&value[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }
}
