//! The policy matrix, written out as the product defines it, checked against the catalogue.

use super::*;

/// The expected matrix: for each action, whether a platform admin, a tenant admin, a helpdesk
/// agent and an auditor may run it on a tenant they hold. Written independently of
/// [`Action::roles`], so a change to either shows here.
const MATRIX: &[(Action, [bool; 4])] = &[
    //                                   platform tenant  helpdesk auditor
    (Action::ViewOwnRights, [true, true, true, true]),
    (Action::SearchTenants, [true, true, true, true]),
    (Action::ViewTenant, [true, true, true, true]),
    (Action::ViewTenantSettings, [true, true, false, false]),
    (Action::SearchUsers, [true, true, true, true]),
    (Action::ViewUser, [true, true, true, true]),
    (Action::ViewUserSecrets, [true, true, true, false]),
    (Action::CreateUser, [true, true, true, false]),
    (Action::UpdateUser, [true, true, true, false]),
    (Action::LockUser, [true, true, true, false]),
    (Action::ResetCredentials, [true, true, true, false]),
    (Action::EndUserSessions, [true, true, true, false]),
    (Action::ManageMembership, [true, true, true, false]),
    (Action::GrantPrivilegedRole, [true, true, false, false]),
    (Action::OffboardUser, [true, true, true, false]),
    (Action::DeleteUser, [true, true, false, false]),
    (Action::ExportUsers, [true, true, true, true]),
    (Action::FileRequest, [true, true, true, false]),
    (Action::ApproveRequest, [true, true, false, false]),
    (Action::ManageWorkflowPolicy, [true, true, false, false]),
    (Action::ImportUsers, [true, true, true, false]),
    (Action::ViewBackups, [true, true, false, false]),
    (Action::ManageBackups, [true, true, false, false]),
    (Action::RestoreBackup, [true, true, false, false]),
    (Action::ViewHealth, [true, true, false, false]),
    (Action::ViewReports, [true, true, false, true]),
    (Action::ManageReports, [true, true, false, false]),
    (Action::ViewAudit, [true, true, false, true]),
    (Action::ExportEvidence, [true, true, false, true]),
];

fn holder(role: Role, tenant: &str) -> Rights {
    let scope = match role {
        Role::PlatformAdmin => Scope::AllTenants,
        _ => Scope::Tenant(tenant.to_owned()),
    };
    Rights { grants: vec![Grant { role, scope }] }
}

#[test]
fn the_matrix_names_every_action_once() {
    let named: Vec<Action> = MATRIX.iter().map(|(a, _)| *a).collect();

    assert_eq!(named, Action::ALL.to_vec());
}

#[test]
fn each_role_may_run_exactly_the_actions_of_the_matrix_on_its_own_tenant() {
    for (action, expected) in MATRIX {
        for (role, allowed) in Role::ALL.into_iter().zip(expected) {
            let rights = holder(role, "acme");

            assert_eq!(
                rights.allows(*action, Some("acme")),
                *allowed,
                "{role:?} {action:?} on acme"
            );
        }
    }
}

#[test]
fn no_tenant_role_reaches_another_tenant() {
    for role in [Role::TenantAdmin, Role::Helpdesk, Role::Auditor] {
        let rights = holder(role, "acme");

        for action in Action::ALL.into_iter().filter(|a| a.is_tenant_scoped()) {
            assert!(!rights.allows(action, Some("globex")), "{role:?} {action:?} on globex");
        }
    }
}

#[test]
fn a_platform_admin_may_act_on_any_tenant() {
    let rights = holder(Role::PlatformAdmin, "");

    assert!(rights.allows(Action::RestoreBackup, Some("globex")));
    assert!(rights.allows(Action::ApproveRequest, Some("a-tenant-created-later")));
}

#[test]
fn a_tenant_scoped_action_without_a_tenant_or_with_a_malformed_one_is_refused() {
    let rights = holder(Role::PlatformAdmin, "");

    assert!(!rights.allows(Action::ViewTenant, None));
    assert!(!rights.allows(Action::ViewTenant, Some("")));
    assert!(!rights.allows(Action::ViewTenant, Some("../master")));
}

#[test]
fn no_grant_allows_nothing() {
    let rights = Rights::default();

    for action in Action::ALL {
        assert!(!rights.allows(action, Some("acme")), "{action:?}");
    }
    assert!(!rights.has_any_role());
}

#[test]
fn roles_on_several_tenants_add_up_per_tenant() {
    let rights = Rights::from_group_paths([
        "/tenants/acme/auditors",
        "/tenants/globex/auditors",
        "/tenants/globex/helpdesk",
    ]);

    assert_eq!(rights.roles_in("acme"), [Role::Auditor]);
    assert_eq!(rights.roles_in("globex"), [Role::Helpdesk, Role::Auditor]);
    assert!(rights.allows(Action::CreateUser, Some("globex")));
    assert!(!rights.allows(Action::CreateUser, Some("acme")));
    assert_eq!(rights.named_tenants(), ["acme", "globex"]);
}

#[test]
fn group_paths_map_to_grants_and_other_groups_are_ignored() {
    let rights = Rights::from_group_paths([
        "/platform-admins",
        "/tenants/acme/tenant-admins",
        "/tenants/acme/helpdesk/",
        "/tenants/acme/unknown-role",
        "/tenants/../auditors",
        "/staff",
        "/tenants/acme/tenant-admins",
    ]);

    assert_eq!(
        rights.grants,
        [
            Grant { role: Role::PlatformAdmin, scope: Scope::AllTenants },
            Grant { role: Role::TenantAdmin, scope: Scope::Tenant("acme".into()) },
            Grant { role: Role::Helpdesk, scope: Scope::Tenant("acme".into()) },
        ]
    );
}

#[test]
fn tenant_rights_list_the_allowed_actions_in_catalogue_order() {
    let rights = holder(Role::Auditor, "acme");

    let held = TenantRights::new(&rights, "acme");

    assert_eq!(
        held.actions,
        [
            Action::ViewTenant,
            Action::SearchUsers,
            Action::ViewUser,
            Action::ExportUsers,
            Action::ViewReports,
            Action::ViewAudit,
            Action::ExportEvidence,
        ]
    );
    assert!(held.can(Action::ViewAudit) && !held.can(Action::CreateUser));
}

#[test]
fn effective_rights_answer_for_a_tenant_past_the_listed_page_only_for_a_platform_admin() {
    let listed = |platform_admin| EffectiveRights {
        username: "someone".into(),
        display_name: "Someone".into(),
        platform_admin,
        tenants: vec![TenantRights::new(&holder(Role::TenantAdmin, "acme"), "acme")],
        tenants_truncated: platform_admin,
    };

    let platform = listed(true).tenant("tenant-0420").expect("a platform admin holds every tenant");
    assert_eq!(platform.roles, [Role::PlatformAdmin]);
    assert!(platform.can(Action::RestoreBackup));
    assert_eq!(listed(true).tenant("not a realm"), None);
    assert_eq!(listed(false).tenant("tenant-0420"), None);
    assert_eq!(listed(false).tenant("acme").map(|t| t.roles), Some(vec![Role::TenantAdmin]));
}
