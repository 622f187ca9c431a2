//! Server functions, grouped by domain. Each one names its [`Action`](crate::policy::Action) in
//! [`catalogue`] and asks the policy before it acts.

pub mod backups;
pub mod health;
pub mod import;
pub mod lifecycle;
pub mod membership;
pub mod requests;
pub mod restores;
pub mod rights;
pub mod templates;
pub mod tenants;
pub mod user_changes;
pub mod users;

use crate::policy::Action;

/// Every server function's endpoint (under `/api/`) and the action it runs. A test compares this
/// list with the server functions actually registered.
pub const SERVER_FNS: &[(&str, Action)] = &[
    ("rights", Action::ViewOwnRights),
    ("tenants/search", Action::SearchTenants),
    ("tenant/overview", Action::ViewTenant),
    ("tenant/settings", Action::ViewTenantSettings),
    ("users/search", Action::SearchUsers),
    ("users/get", Action::ViewUser),
    ("users/access", Action::ViewUser),
    ("users/security", Action::ViewUserSecrets),
    ("users/update", Action::UpdateUser),
    ("users/enable", Action::LockUser),
    ("users/unlock", Action::LockUser),
    ("users/reset-password", Action::ResetCredentials),
    ("users/actions-email", Action::ResetCredentials),
    ("users/sign-out", Action::EndUserSessions),
    ("users/revoke-consent", Action::EndUserSessions),
    ("users/unlink-identity", Action::UpdateUser),
    ("users/profile", Action::CreateUser),
    ("users/create", Action::CreateUser),
    ("users/offboard", Action::OffboardUser),
    ("users/delete", Action::DeleteUser),
    ("users/group", Action::ManageMembership),
    ("users/role", Action::ManageMembership),
    ("groups/search", Action::ManageMembership),
    ("clients/search", Action::ManageMembership),
    ("roles/search", Action::ManageMembership),
    ("requests/list", Action::FileRequest),
    ("requests/inbox", Action::FileRequest),
    ("requests/notices-read", Action::FileRequest),
    ("requests/get", Action::FileRequest),
    ("requests/onboard", Action::FileRequest),
    ("requests/change-access", Action::FileRequest),
    ("requests/offboard", Action::FileRequest),
    ("requests/reset", Action::FileRequest),
    ("requests/approve", Action::FileRequest),
    ("requests/reject", Action::FileRequest),
    ("requests/cancel", Action::FileRequest),
    ("requests/retry", Action::FileRequest),
    ("templates/list", Action::FileRequest),
    ("templates/save", Action::ManageWorkflowPolicy),
    ("templates/delete", Action::ManageWorkflowPolicy),
    ("workflow/policy", Action::FileRequest),
    ("workflow/policy-save", Action::ManageWorkflowPolicy),
    ("import/preview", Action::ImportUsers),
    ("import/check", Action::ImportUsers),
    ("import/submit", Action::ImportUsers),
    ("backups/list", Action::ViewBackups),
    ("backups/start", Action::ManageBackups),
    ("backups/schedule", Action::ManageBackups),
    ("backups/diff", Action::ViewBackups),
    ("restores/plan", Action::RestoreBackup),
    ("restores/start", Action::RestoreBackup),
    ("restores/resume", Action::RestoreBackup),
    ("restores/list", Action::ViewBackups),
    ("health/board", Action::ViewHealth),
    ("health/check", Action::ViewHealth),
    ("health/charts", Action::ViewHealth),
];

/// Routes outside the server functions that serve files, each with its action. The export
/// answers CSV, which a server function's JSON cannot stream.
pub const DOWNLOADS: &[(&str, Action)] = &[
    ("/export/t/{tenant}/users.csv", Action::ExportUsers),
    ("/import/t/{tenant}/users", Action::ImportUsers),
    ("/export/t/{tenant}/requests/{id}/rows.csv", Action::FileRequest),
    ("/export/t/{tenant}/health/{chart}/series.csv", Action::ViewHealth),
];

/// The action a server function endpoint runs, if the catalogue names it.
pub fn action_of_endpoint(endpoint: &str) -> Option<Action> {
    SERVER_FNS.iter().find(|(e, _)| *e == endpoint).map(|(_, a)| *a)
}
