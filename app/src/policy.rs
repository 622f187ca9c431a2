//! Who may do what in which tenant: the one place that decides.
//!
//! A person holds [`Grant`]s (a [`Role`] over one tenant, or over all of them) that come from
//! Keycloak claims. Every capability of the console is an [`Action`]; the catalogue below says
//! which roles may run it. Server functions and routes ask [`Rights::allows`] before they act,
//! and the front end receives the same answer through [`EffectiveRights`] to hide what a person
//! may not do. The front end only hides; the server is what refuses.

use serde::{Deserialize, Serialize};

/// A console role. Roles are granted per tenant, except that a platform admin holds every
/// tenant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    /// Runs the console itself; every action on every tenant.
    PlatformAdmin,
    /// Owns one tenant: approves, manages access, backs up and restores, watches health.
    TenantAdmin,
    /// Provisions the users of a tenant.
    Helpdesk,
    /// Reads reports, events and the audit trail of a tenant; never writes.
    Auditor,
}

impl Role {
    /// Every role, in the order menus and tests list them.
    pub const ALL: [Role; 4] =
        [Role::PlatformAdmin, Role::TenantAdmin, Role::Helpdesk, Role::Auditor];

    /// The stable name used in claims, logs and the translation keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::PlatformAdmin => "platform-admin",
            Role::TenantAdmin => "tenant-admin",
            Role::Helpdesk => "helpdesk",
            Role::Auditor => "auditor",
        }
    }
}

/// Which tenants a grant covers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Scope {
    /// Every tenant realm, present and future.
    AllTenants,
    /// One tenant, named by its realm.
    Tenant(String),
}

/// One role over one scope.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Grant {
    /// The role granted.
    pub role: Role,
    /// Where it applies.
    pub scope: Scope,
}

impl Grant {
    /// Reads one entry of the access claim: a Keycloak group path such as
    /// `/tenants/acme/helpdesk` or `/platform-admins`. Paths that name no console role give
    /// `None`, so unrelated groups in the claim are ignored.
    pub fn from_group_path(path: &str) -> Option<Grant> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        match parts.as_slice() {
            ["platform-admins"] => {
                Some(Grant { role: Role::PlatformAdmin, scope: Scope::AllTenants })
            }
            ["tenants", tenant, group] if is_realm_name(tenant) => {
                let role = match *group {
                    "tenant-admins" => Role::TenantAdmin,
                    "helpdesk" => Role::Helpdesk,
                    "auditors" => Role::Auditor,
                    _ => return None,
                };
                Some(Grant { role, scope: Scope::Tenant((*tenant).to_owned()) })
            }
            _ => None,
        }
    }
}

/// Whether a string can name a realm. Keycloak accepts more, but a tenant name that reaches a URL
/// path or a log line must stay plain.
pub fn is_realm_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && !name.starts_with('.')
}

/// Every capability of the console. Adding a server function or a route means adding its action
/// here first; a test fails otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Action {
    /// See one's own identity and rights.
    ViewOwnRights,
    /// Look for a tenant by name among those one holds.
    SearchTenants,
    /// See a tenant's overview.
    ViewTenant,
    /// See how a tenant is configured (event storage, sessions, brute-force protection).
    ViewTenantSettings,
    /// Search and list the users of a tenant.
    SearchUsers,
    /// See one user's details.
    ViewUser,
    /// See a user's credentials, sessions, consents and linked identities (a privileged view,
    /// recorded in the audit trail each time).
    ViewUserSecrets,
    /// Create a user.
    CreateUser,
    /// Change a user's profile, attributes and required actions.
    UpdateUser,
    /// Enable, disable, or clear a brute-force lockout.
    LockUser,
    /// Reset a password or send the required-actions email.
    ResetCredentials,
    /// Sign a user out of every session, revoke a consent or unlink an identity provider.
    EndUserSessions,
    /// Add a user to groups and remove them, grant and take back roles not marked privileged.
    ManageMembership,
    /// Grant or take back a role marked privileged (Keycloak role attribute `privileged=true`,
    /// and every role of the realm-management client).
    GrantPrivilegedRole,
    /// Offboard a leaver: disable, end sessions, remove roles and groups, in one step.
    OffboardUser,
    /// Delete a user for good.
    DeleteUser,
    /// Export the users of a search as CSV.
    ExportUsers,
    /// File a joiner, mover, leaver or reset request.
    FileRequest,
    /// Approve or reject someone else's request.
    ApproveRequest,
    /// Set a tenant's approval policy and onboarding templates.
    ManageWorkflowPolicy,
    /// Import users in bulk from a file.
    ImportUsers,
    /// See the list of a tenant's backups.
    ViewBackups,
    /// Start a backup, set its schedule and key.
    ManageBackups,
    /// Restore a backup into a realm.
    RestoreBackup,
    /// See a tenant's health board.
    ViewHealth,
    /// See licence and shadow-IT reports.
    ViewReports,
    /// Set seats, prices and review states behind the reports.
    ManageReports,
    /// Browse the console's audit trail and Keycloak's events.
    ViewAudit,
    /// Export signed evidence of a period.
    ExportEvidence,
}

use Role::{Auditor, Helpdesk, PlatformAdmin, TenantAdmin};

impl Action {
    /// The whole catalogue, for tests and the rights view.
    pub const ALL: [Action; 29] = [
        Action::ViewOwnRights,
        Action::SearchTenants,
        Action::ViewTenant,
        Action::ViewTenantSettings,
        Action::SearchUsers,
        Action::ViewUser,
        Action::ViewUserSecrets,
        Action::CreateUser,
        Action::UpdateUser,
        Action::LockUser,
        Action::ResetCredentials,
        Action::EndUserSessions,
        Action::ManageMembership,
        Action::GrantPrivilegedRole,
        Action::OffboardUser,
        Action::DeleteUser,
        Action::ExportUsers,
        Action::FileRequest,
        Action::ApproveRequest,
        Action::ManageWorkflowPolicy,
        Action::ImportUsers,
        Action::ViewBackups,
        Action::ManageBackups,
        Action::RestoreBackup,
        Action::ViewHealth,
        Action::ViewReports,
        Action::ManageReports,
        Action::ViewAudit,
        Action::ExportEvidence,
    ];

    /// The roles that may run this action (on the tenants they hold).
    pub fn roles(self) -> &'static [Role] {
        const EVERY: &[Role] = &[PlatformAdmin, TenantAdmin, Helpdesk, Auditor];
        const PROVISIONERS: &[Role] = &[PlatformAdmin, TenantAdmin, Helpdesk];
        const OWNERS: &[Role] = &[PlatformAdmin, TenantAdmin];
        const OVERSEERS: &[Role] = &[PlatformAdmin, TenantAdmin, Auditor];
        match self {
            Action::ViewOwnRights
            | Action::SearchTenants
            | Action::ViewTenant
            | Action::SearchUsers
            | Action::ViewUser
            | Action::ExportUsers => EVERY,
            Action::CreateUser
            | Action::UpdateUser
            | Action::LockUser
            | Action::ResetCredentials
            | Action::EndUserSessions
            | Action::ManageMembership
            | Action::OffboardUser
            | Action::ViewUserSecrets
            | Action::FileRequest
            | Action::ImportUsers => PROVISIONERS,
            Action::GrantPrivilegedRole
            | Action::DeleteUser
            | Action::ViewTenantSettings
            | Action::ApproveRequest
            | Action::ManageWorkflowPolicy
            | Action::ViewBackups
            | Action::ManageBackups
            | Action::RestoreBackup
            | Action::ViewHealth
            | Action::ManageReports => OWNERS,
            Action::ViewReports | Action::ViewAudit | Action::ExportEvidence => OVERSEERS,
        }
    }

    /// Whether the action acts on one tenant (and so needs the tenant to be named).
    pub fn is_tenant_scoped(self) -> bool {
        !matches!(self, Action::ViewOwnRights | Action::SearchTenants)
    }
}

/// The grants of one signed-in person, and the questions asked of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rights {
    /// Every grant the person holds, deduplicated and sorted.
    pub grants: Vec<Grant>,
}

impl Rights {
    /// Builds the rights from the group paths of the access claim.
    pub fn from_group_paths<'a>(paths: impl IntoIterator<Item = &'a str>) -> Rights {
        let mut grants: Vec<Grant> = paths.into_iter().filter_map(Grant::from_group_path).collect();
        grants.sort();
        grants.dedup();
        Rights { grants }
    }

    /// Whether the person holds any console role at all.
    pub fn has_any_role(&self) -> bool {
        !self.grants.is_empty()
    }

    /// Whether the person holds every tenant.
    pub fn is_platform_admin(&self) -> bool {
        self.grants.iter().any(|g| g.scope == Scope::AllTenants)
    }

    /// The roles the person holds on `tenant`.
    pub fn roles_in(&self, tenant: &str) -> Vec<Role> {
        let mut roles: Vec<Role> = self
            .grants
            .iter()
            .filter(|g| match &g.scope {
                Scope::AllTenants => true,
                Scope::Tenant(t) => t == tenant,
            })
            .map(|g| g.role)
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }

    /// The tenants named in the grants (a platform admin's "all" is not expanded here).
    pub fn named_tenants(&self) -> Vec<String> {
        let mut tenants: Vec<String> = self
            .grants
            .iter()
            .filter_map(|g| match &g.scope {
                Scope::Tenant(t) => Some(t.clone()),
                Scope::AllTenants => None,
            })
            .collect();
        tenants.sort();
        tenants.dedup();
        tenants
    }

    /// The decision: may this person run `action`, on `tenant` when the action is
    /// tenant-scoped? A tenant-scoped action without a tenant is refused.
    pub fn allows(&self, action: Action, tenant: Option<&str>) -> bool {
        let allowed = action.roles();
        if !action.is_tenant_scoped() {
            return self.grants.iter().any(|g| allowed.contains(&g.role));
        }
        match tenant {
            Some(t) if is_realm_name(t) => self.roles_in(t).iter().any(|r| allowed.contains(r)),
            _ => false,
        }
    }

    /// The actions allowed on `tenant`, in catalogue order.
    pub fn actions_in(&self, tenant: &str) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| a.is_tenant_scoped() && self.allows(*a, Some(tenant)))
            .collect()
    }
}

/// What the front end needs to gate its pages and buttons, in one answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveRights {
    /// The person, as Keycloak names them.
    pub username: String,
    /// The name to show.
    pub display_name: String,
    /// Whether the person holds every tenant.
    pub platform_admin: bool,
    /// The tenants the person holds, each with roles and allowed actions. For a platform admin
    /// this lists the first page of realms; the tenant search finds the rest.
    pub tenants: Vec<TenantRights>,
    /// Whether `tenants` is only the first page of a longer list.
    pub tenants_truncated: bool,
}

impl EffectiveRights {
    /// The rights on one tenant, when the person holds it. A platform admin holds every
    /// tenant, including those past the first page that `tenants` lists; whether the realm
    /// exists is for the server to say.
    pub fn tenant(&self, tenant: &str) -> Option<TenantRights> {
        if let Some(held) = self.tenants.iter().find(|t| t.tenant == tenant) {
            return Some(held.clone());
        }
        (self.platform_admin && is_realm_name(tenant)).then(|| {
            let platform = Rights {
                grants: vec![Grant { role: Role::PlatformAdmin, scope: Scope::AllTenants }],
            };
            TenantRights::new(&platform, tenant)
        })
    }
}

/// A person's rights on one tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantRights {
    /// The tenant's realm name.
    pub tenant: String,
    /// The roles held there.
    pub roles: Vec<Role>,
    /// The actions allowed there.
    pub actions: Vec<Action>,
}

impl TenantRights {
    /// Builds the rights on `tenant` from the person's grants.
    pub fn new(rights: &Rights, tenant: &str) -> TenantRights {
        TenantRights {
            tenant: tenant.to_owned(),
            roles: rights.roles_in(tenant),
            actions: rights.actions_in(tenant),
        }
    }

    /// Whether `action` is allowed here.
    pub fn can(&self, action: Action) -> bool {
        self.actions.contains(&action)
    }
}

#[cfg(test)]
mod tests;
