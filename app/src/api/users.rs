//! Finding users and reading one: the search with its exact total, and the user's page.
//!
//! Lists use Keycloak's brief representations; the total comes from `/users/count` with the same
//! filters as the page, so the two never disagree about what they count.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

#[cfg(feature = "ssr")]
pub(crate) mod convert;
#[cfg(feature = "ssr")]
mod created;
mod search;

pub use search::{SearchFilter, UserSearch};

/// Whether a user was created within a range, both ends included (the export filters with it).
#[cfg(feature = "ssr")]
pub use created::in_range as in_created_range;

/// How many users one page of the list shows.
pub const PAGE_SIZE: u32 = 20;

/// One user in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    /// Keycloak's id of the user.
    pub id: String,
    /// The sign-in name.
    pub username: String,
    /// First and last name, as Keycloak holds them.
    pub name: String,
    /// Email address, when set.
    pub email: Option<String>,
    /// Whether the email address was verified.
    pub email_verified: bool,
    /// Whether the user may sign in.
    pub enabled: bool,
    /// Whether brute-force protection has locked the user out; `None` when the realm does not
    /// protect against brute force.
    pub locked: Option<bool>,
    /// When the user was created, epoch milliseconds.
    pub created_ms: Option<i64>,
    /// When the user last signed in, from the realm's stored events; `None` when unknown.
    pub last_sign_in_ms: Option<i64>,
}

/// A page of users and how many match in all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPageResponse {
    /// The users of this page.
    pub users: Vec<UserRow>,
    /// How many users match the filters, counted by Keycloak with the same filters.
    pub total: u64,
    /// The page shown, from 0.
    pub page: u32,
    /// The page size.
    pub page_size: u32,
}

/// One field of the realm's user profile with the user's value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileField {
    /// The attribute's name (`username`, `email`, `firstName`, `department`...).
    pub name: String,
    /// The label to show: the profile's display name, or the name itself.
    pub label: String,
    /// The values; one for a single-valued attribute.
    pub values: Vec<String>,
    /// Whether an administrator must fill it in.
    pub required: bool,
    /// Whether an administrator may change it.
    pub editable: bool,
    /// Whether it takes several values (one a line in the form).
    pub multivalued: bool,
    /// The HTML input type that fits (`text`, `email`, `tel`, `url`, `textarea`...).
    pub input_type: String,
    /// Length limits from the profile's `length` validator.
    pub min_length: Option<u32>,
    /// Length limits from the profile's `length` validator.
    pub max_length: Option<u32>,
    /// The choices, when the profile's `options` validator gives them.
    pub options: Vec<String>,
}

/// Whether and why a user is locked out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutStatus {
    /// Whether brute-force protection currently refuses the user.
    pub locked: bool,
    /// Failed sign-ins counted.
    pub failures: u32,
    /// When the last failure happened, epoch milliseconds (0 when never).
    pub last_failure_ms: i64,
    /// From where, when Keycloak knows.
    pub last_ip: Option<String>,
}

/// What the user's page shows of the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetailResponse {
    /// Keycloak's id.
    pub id: String,
    /// The sign-in name.
    pub username: String,
    /// Whether the user may sign in.
    pub enabled: bool,
    /// Whether the email address was verified.
    pub email_verified: bool,
    /// When the user was created, epoch milliseconds.
    pub created_ms: Option<i64>,
    /// The user federation provider the user comes from (LDAP...), when any.
    pub federation_link: Option<String>,
    /// The fields the realm's user profile declares, in its order.
    pub fields: Vec<ProfileField>,
    /// Attributes the profile does not declare, as Keycloak returned them.
    pub other_attributes: BTreeMap<String, Vec<String>>,
    /// The actions the user must take at next sign-in.
    pub required_actions: Vec<String>,
    /// The lockout, when the realm protects against brute force.
    pub lockout: Option<LockoutStatus>,
}

/// A group, as pickers and the user's page list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRow {
    /// Keycloak's id.
    pub id: String,
    /// The full path, such as `/Engineering/Platform`.
    pub path: String,
}

/// A role, realm-wide or of one client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRow {
    /// The role's name.
    pub name: String,
    /// The client's `clientId` for a client role, `None` for a realm role.
    pub client_id: Option<String>,
    /// The client's internal id for a client role.
    pub client_uuid: Option<String>,
    /// Its description, when set.
    pub description: Option<String>,
    /// Whether only a tenant admin may grant it.
    pub privileged: bool,
    /// Whether the user holds it directly (`false`: through a group or a composite role).
    pub direct: bool,
}

/// A user's groups and roles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAccessResponse {
    /// One page of the user's groups.
    pub groups: Vec<GroupRow>,
    /// How many groups the user is in, with the group filter.
    pub groups_total: u64,
    /// The realm roles, direct and inherited, marked apart.
    pub realm_roles: Vec<RoleRow>,
    /// The client roles held directly.
    pub client_roles: Vec<RoleRow>,
}

/// One credential, without anything secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialRow {
    /// Keycloak's id of the credential.
    pub id: String,
    /// `password`, `otp`, `webauthn`...
    pub kind: String,
    /// The label the user gave it.
    pub label: Option<String>,
    /// When it was created, epoch milliseconds.
    pub created_ms: Option<i64>,
}

/// One session, regular or offline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    /// Keycloak's id.
    pub id: String,
    /// Whether it is an offline session (a refresh token that outlives sign-out).
    pub offline: bool,
    /// Where from.
    pub ip_address: Option<String>,
    /// Started, epoch milliseconds.
    pub started_ms: i64,
    /// Last used, epoch milliseconds.
    pub last_access_ms: i64,
    /// The clients it serves.
    pub clients: Vec<String>,
}

/// An identity provider account linked to the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedIdentity {
    /// The provider's alias.
    pub provider: String,
    /// The user's name there.
    pub user_name: String,
}

/// A consent the user gave a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRow {
    /// The client's `clientId`.
    pub client_id: String,
    /// The scopes granted.
    pub scopes: Vec<String>,
    /// Whether it includes an offline token.
    pub offline: bool,
}

/// A recent Keycloak event of the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRow {
    /// When, epoch milliseconds.
    pub time_ms: i64,
    /// `LOGIN`, `LOGIN_ERROR`, `UPDATE_PASSWORD`...
    pub kind: String,
    /// Through which client.
    pub client_id: Option<String>,
    /// From where.
    pub ip_address: Option<String>,
    /// The error, for a failure.
    pub error: Option<String>,
}

/// A user's credentials, sessions, links and consents: the privileged view, audited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSecurityResponse {
    /// The credentials, never their secrets.
    pub credentials: Vec<CredentialRow>,
    /// Regular sessions, then offline ones.
    pub sessions: Vec<SessionRow>,
    /// Linked identity provider accounts.
    pub identities: Vec<LinkedIdentity>,
    /// Consents given to clients.
    pub consents: Vec<ConsentRow>,
    /// The user's most recent events, newest first.
    pub events: Vec<EventRow>,
}

/// One page of users matching `search`, with the total under the same filters.
#[server(endpoint = "users/search")]
pub async fn search_users(
    tenant: String,
    search: UserSearch,
) -> Result<UserPageResponse, AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, fail};

    authorize(Action::SearchUsers, Some(&tenant)).await?;
    let filter = search.filter().map_err(fail)?;
    let query = filter.to_query(search.page.saturating_mul(PAGE_SIZE), PAGE_SIZE);

    let services = context();
    let kc = &services.keycloak;
    let ((users, total), facts) = tokio::try_join!(
        async {
            match filter.created {
                Some(range) => created::search(kc, &tenant, &query, range).await,
                None => tokio::try_join!(
                    kc.list_users(&tenant, &query),
                    kc.count_users(&tenant, &query)
                )
                .map_err(convert::search_error),
            }
        },
        async { services.realm_facts.get(&tenant).await.map_err(convert::search_error) },
    )?;
    let extras = convert::row_extras(kc, &tenant, &users, facts).await;

    Ok(UserPageResponse {
        users: users.into_iter().zip(extras).map(|(u, (l, s))| convert::row(u, l, s)).collect(),
        total,
        page: search.page,
        page_size: PAGE_SIZE,
    })
}

/// The user's profile, attributes, required actions and lockout.
#[server(endpoint = "users/get")]
pub async fn get_user(tenant: String, id: String) -> Result<UserDetailResponse, AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak};

    authorize(Action::ViewUser, Some(&tenant)).await?;

    let services = context();
    let kc = &services.keycloak;
    let (user, profile, facts) = tokio::try_join!(
        kc.user(&tenant, &id),
        kc.user_profile(&tenant),
        services.realm_facts.get(&tenant),
    )
    .map_err(from_keycloak)?;
    let lockout = if facts.brute_force_protected {
        Some(kc.brute_force_status(&tenant, &id).await.map_err(from_keycloak)?)
    } else {
        None
    };

    Ok(convert::detail(user, &profile, lockout))
}

/// The user's groups (one page, filtered by `group_search`) and roles, direct and inherited.
#[server(endpoint = "users/access")]
pub async fn get_user_access(
    tenant: String,
    id: String,
    group_search: String,
    group_page: u32,
) -> Result<UserAccessResponse, AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak};

    authorize(Action::ViewUser, Some(&tenant)).await?;
    let search = Some(group_search.trim()).filter(|s| !s.is_empty());
    let first = group_page.saturating_mul(PAGE_SIZE);

    let kc = &context().keycloak;
    let (groups, groups_total, (direct, effective)) = tokio::try_join!(
        kc.user_groups(&tenant, &id, search, first, PAGE_SIZE),
        kc.count_user_groups(&tenant, &id, search),
        kc.user_roles(&tenant, &id),
    )
    .map_err(from_keycloak)?;

    Ok(UserAccessResponse {
        groups: groups.into_iter().map(convert::group).collect(),
        groups_total,
        realm_roles: convert::realm_roles(&direct, effective),
        client_roles: convert::client_roles(&direct),
    })
}

/// The user's credentials, sessions, linked identities, consents and recent events. Each
/// reading is recorded in the audit trail.
#[server(endpoint = "users/security")]
pub async fn get_user_security(
    tenant: String,
    id: String,
) -> Result<UserSecurityResponse, AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak, record};
    use cloudtrust_backend::store::Outcome;

    let caller = authorize(Action::ViewUserSecrets, Some(&tenant)).await?;

    let kc = &context().keycloak;
    let (credentials, sessions, identities, consents, events) = tokio::try_join!(
        kc.user_credentials(&tenant, &id),
        kc.user_sessions(&tenant, &id),
        kc.federated_identities(&tenant, &id),
        kc.user_consents(&tenant, &id),
        kc.user_events(&tenant, &id, 20),
    )
    .map_err(from_keycloak)?;
    let offline = convert::offline_sessions(kc, &tenant, &id, &consents).await?;
    record(&caller, &tenant, "user.view_security", Some(&id), Outcome::Success, None).await;

    Ok(UserSecurityResponse {
        credentials: credentials.into_iter().map(convert::credential).collect(),
        sessions: sessions
            .into_iter()
            .map(|s| convert::session(s, false))
            .chain(offline.into_iter().map(|s| convert::session(s, true)))
            .collect(),
        identities: identities.into_iter().map(convert::identity).collect(),
        consents: consents.into_iter().map(convert::consent).collect(),
        events: events.into_iter().map(convert::event).collect(),
    })
}

/// The fields of the realm's user profile, for the form that creates a user.
#[server(endpoint = "users/profile")]
pub async fn get_user_profile(tenant: String) -> Result<Vec<ProfileField>, AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak};

    authorize(Action::CreateUser, Some(&tenant)).await?;

    let profile = context().keycloak.user_profile(&tenant).await.map_err(from_keycloak)?;

    Ok(profile.attributes.iter().map(|a| convert::field(a, Vec::new())).collect())
}
