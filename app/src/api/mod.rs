//! Server functions, grouped by domain. Each one names its [`Action`](crate::policy::Action) in
//! [`catalogue`] and asks the policy before it acts.

pub mod rights;
pub mod tenants;

use crate::policy::Action;

/// Every server function's endpoint (under `/api/`) and the action it runs. A test compares this
/// list with the server functions actually registered.
pub const SERVER_FNS: &[(&str, Action)] = &[
    ("rights", Action::ViewOwnRights),
    ("tenants/search", Action::SearchTenants),
    ("tenant/overview", Action::ViewTenant),
    ("tenant/settings", Action::ViewTenantSettings),
];

/// The action a server function endpoint runs, if the catalogue names it.
pub fn action_of_endpoint(endpoint: &str) -> Option<Action> {
    SERVER_FNS.iter().find(|(e, _)| *e == endpoint).map(|(_, a)| *a)
}
