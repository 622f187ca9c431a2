//! The creation-date filter, which Keycloak's user search lacks: the console reads every user
//! the other filters match and keeps those created in the range, so that the page and its
//! total stay exact. Reading is bounded; a search that matches more is refused with the count,
//! to be narrowed first.

use cloudtrust_backend::keycloak::{KeycloakAdmin, UserBrief, UserQuery};

use super::convert::search_error;
use crate::AppError;
use crate::ssr::fail;

/// The most users a creation-date filter reads.
pub const SCAN_LIMIT: u64 = 10_000;

/// How many users one call reads while scanning.
const SCAN_PAGE: u32 = 500;

/// The page `query` asks for among the users it matches that were created within `range`,
/// and how many those are.
pub async fn search(
    kc: &KeycloakAdmin,
    tenant: &str,
    query: &UserQuery,
    range: (i64, i64),
) -> Result<(Vec<UserBrief>, u64), AppError> {
    let matching = kc.count_users(tenant, query).await.map_err(search_error)?;
    if matching > SCAN_LIMIT {
        return Err(fail(AppError::invalid(
            "created_from",
            format!(
                "Filtering by creation date reads every user the other filters match, and they \
                 match {matching}: narrow the search to at most {SCAN_LIMIT} users first."
            ),
        )));
    }

    let mut created = Vec::new();
    let mut scan = UserQuery { first: 0, max: SCAN_PAGE, ..query.clone() };
    loop {
        let page = kc.list_users(tenant, &scan).await.map_err(search_error)?;
        let done = page.len() < SCAN_PAGE as usize;
        created.extend(page.into_iter().filter(|u| in_range(u, range)));
        if done {
            break;
        }
        scan.first += SCAN_PAGE;
    }

    let total = created.len() as u64;
    let users = created.into_iter().skip(query.first as usize).take(query.max as usize).collect();
    Ok((users, total))
}

/// Whether the user was created within `range`; a user without a creation time is not.
pub fn in_range(user: &UserBrief, (start, end): (i64, i64)) -> bool {
    user.created_timestamp.is_some_and(|t| t >= start && t <= end)
}
