//! Every request gets an id (`x-request-id`, kept when a trusted proxy set one): it is in the
//! request's log span, in the response, and in the audit records the request writes.

use axum::http::HeaderMap;

/// The header that carries the id.
pub const HEADER: &str = "x-request-id";

/// The request's id, as the middleware set it.
pub fn of(headers: &HeaderMap) -> String {
    headers.get(HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}
