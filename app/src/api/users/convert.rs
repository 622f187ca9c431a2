//! From Keycloak's representations to what the pages show, on the server only.

use std::collections::BTreeMap;

use cloudtrust_backend::keycloak::{
    BruteForceStatus, Consent, CredentialBrief, EventBrief, FederatedIdentity, GroupBrief,
    KeycloakAdmin, KeycloakError, ProfileAttribute, RoleBrief, RoleMappings, SessionBrief,
    UserBrief, UserProfileConfig, UserRecord,
};
use cloudtrust_backend::realm_facts::RealmFacts;
use futures::future::join_all;

use super::{
    ConsentRow, CredentialRow, EventRow, GroupRow, LinkedIdentity, LockoutStatus, ProfileField,
    RoleRow, SessionRow, UserDetailResponse, UserRow,
};
use crate::ssr::{explain_keycloak, from_keycloak};
use crate::{AppError, ErrorKind};

/// The client whose roles administer the realm itself: every one of them is privileged.
pub const REALM_MANAGEMENT: &str = "realm-management";

/// A search failure: a timeout says to narrow the search, never "no users".
pub fn search_error(err: KeycloakError) -> AppError {
    match err {
        KeycloakError::Timeout { .. } => {
            explain_keycloak(err);
            crate::ssr::fail(AppError::new(
                ErrorKind::Unavailable,
                "The search took too long; narrow it (a longer prefix, a field filter) and try \
                 again.",
            ))
        }
        other => from_keycloak(other),
    }
}

/// For each user, the lockout and the last sign-in, looked up together, each only when the
/// realm keeps what it needs. `None` where unknown: the list then says "unknown", not "no".
pub async fn row_extras(
    kc: &KeycloakAdmin,
    realm: &str,
    users: &[UserBrief],
    facts: RealmFacts,
) -> Vec<(Option<bool>, Option<i64>)> {
    let lookups = users.iter().map(|user| async move {
        let locked = async {
            if !facts.brute_force_protected {
                return None;
            }
            kc.brute_force_status(realm, &user.id).await.ok().map(|s| s.disabled)
        };
        let signed_in = async {
            if !facts.events_enabled {
                return None;
            }
            kc.last_sign_in(realm, &user.id).await.ok().flatten()
        };
        futures::join!(locked, signed_in)
    });
    join_all(lookups).await
}

/// A list row.
pub fn row(user: UserBrief, locked: Option<bool>, last_sign_in_ms: Option<i64>) -> UserRow {
    UserRow {
        name: full_name(user.first_name.as_deref(), user.last_name.as_deref()),
        id: user.id,
        username: user.username,
        email: user.email.filter(|e| !e.is_empty()),
        email_verified: user.email_verified,
        enabled: user.enabled,
        locked,
        created_ms: user.created_timestamp,
        last_sign_in_ms,
    }
}

fn full_name(first: Option<&str>, last: Option<&str>) -> String {
    [first, last].into_iter().flatten().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The user's page: the profile's fields with the user's values, then what the profile does
/// not declare.
pub fn detail(
    user: UserRecord,
    profile: &UserProfileConfig,
    lockout: Option<BruteForceStatus>,
) -> UserDetailResponse {
    let mut attributes = user.attributes.clone();
    let fields = profile
        .attributes
        .iter()
        .map(|attribute| {
            let values = match attribute.name.as_str() {
                "username" => vec![user.username.clone()],
                "email" => user.email.clone().into_iter().collect(),
                "firstName" => user.first_name.clone().into_iter().collect(),
                "lastName" => user.last_name.clone().into_iter().collect(),
                name => attributes.remove(name).unwrap_or_default(),
            };
            field(attribute, values)
        })
        .collect();
    for builtin in ["username", "email", "firstName", "lastName"] {
        attributes.remove(builtin);
    }

    UserDetailResponse {
        id: user.id,
        username: user.username,
        enabled: user.enabled,
        email_verified: user.email_verified,
        created_ms: user.created_timestamp,
        federation_link: user.federation_link,
        fields,
        other_attributes: attributes,
        required_actions: user.required_actions,
        lockout: lockout.map(|s| LockoutStatus {
            locked: s.disabled,
            failures: s.num_failures,
            last_failure_ms: s.last_failure,
            last_ip: s.last_ip_failure.filter(|ip| !ip.is_empty()),
        }),
    }
}

/// One profile field as the form shows it.
pub fn field(attribute: &ProfileAttribute, values: Vec<String>) -> ProfileField {
    let admin = |roles: &[String]| roles.iter().any(|r| r == "admin");
    let length = attribute.validations.get("length");
    let bound = |key: &str| {
        length.and_then(|l| l.get(key)).and_then(|v| {
            v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).map(|n| n as u32)
        })
    };
    let options = attribute
        .validations
        .get("options")
        .and_then(|o| o.get("options"))
        .and_then(|o| o.as_array())
        .map(|o| o.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let input_type = attribute
        .annotations
        .get("inputType")
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| if attribute.name == "email" { "email" } else { "text" }.to_owned());

    ProfileField {
        label: label(attribute),
        name: attribute.name.clone(),
        values,
        required: attribute
            .required
            .as_ref()
            .is_some_and(|r| r.roles.is_empty() || admin(&r.roles)),
        editable: attribute.permissions.as_ref().is_none_or(|p| admin(&p.edit)),
        multivalued: attribute.multivalued,
        input_type,
        min_length: bound("min"),
        max_length: bound("max"),
        options,
    }
}

/// The profile's display name, unless it is a `${key}` message reference, which only
/// Keycloak's own themes resolve.
fn label(attribute: &ProfileAttribute) -> String {
    match attribute.display_name.as_deref() {
        Some(name) if !name.is_empty() && !name.starts_with("${") => name.to_owned(),
        _ => match attribute.name.as_str() {
            "username" => "Username".to_owned(),
            "email" => "Email".to_owned(),
            "firstName" => "First name".to_owned(),
            "lastName" => "Last name".to_owned(),
            other => other.to_owned(),
        },
    }
}

/// A group row.
pub fn group(group: GroupBrief) -> GroupRow {
    GroupRow { id: group.id, path: group.path }
}

/// Whether a role is privileged: a role of the realm-management client, or one whose
/// attribute `privileged` is `true`.
pub fn is_privileged(role: &RoleBrief, client_id: Option<&str>) -> bool {
    client_id == Some(REALM_MANAGEMENT) || role.is_privileged()
}

/// Whether holding the role hands out a privileged one: the role itself, or any role it
/// contains however deep (a composite that bundles `realm-management`'s roles included).
pub async fn role_grants_privileged(
    kc: &KeycloakAdmin,
    realm: &str,
    role: &RoleBrief,
    client_id: Option<&str>,
) -> Result<bool, KeycloakError> {
    if is_privileged(role, client_id) {
        return Ok(true);
    }
    let within = kc.roles_within(realm, role).await?;
    if within.iter().any(RoleBrief::is_privileged) {
        return Ok(true);
    }
    if !within.iter().any(|r| r.client_role) {
        return Ok(false);
    }
    let clients = kc.search_clients(realm, Some(REALM_MANAGEMENT), 0, 10).await?;
    let management = clients.iter().find(|c| c.client_id == REALM_MANAGEMENT).map(|c| &c.id);
    Ok(within.iter().any(|r| r.client_role && r.container_id.as_ref() == management))
}

/// Whether joining the group hands out a privileged role: any role the group or one of its
/// ancestors maps, composites expanded, realm-management's included.
pub async fn group_is_privileged(
    kc: &KeycloakAdmin,
    realm: &str,
    group: &str,
) -> Result<bool, KeycloakError> {
    let clients = kc.search_clients(realm, Some(REALM_MANAGEMENT), 0, 10).await?;
    let management: Vec<(&str, &str)> = clients
        .iter()
        .filter(|c| c.client_id == REALM_MANAGEMENT)
        .map(|c| (c.id.as_str(), c.client_id.as_str()))
        .collect();
    let held = kc.group_held_roles(realm, group, &management).await?;
    Ok(held.iter().any(|h| is_privileged(&h.role, h.client_id.as_deref())))
}

/// A role row.
pub fn role(role: RoleBrief, client: Option<(&str, &str)>, direct: bool) -> RoleRow {
    RoleRow {
        privileged: is_privileged(&role, client.map(|(id, _)| id)),
        name: role.name,
        client_id: client.map(|(id, _)| id.to_owned()),
        client_uuid: client.map(|(_, uuid)| uuid.to_owned()),
        description: role.description.filter(|d| !d.is_empty()),
        direct,
    }
}

/// The realm roles: the direct ones, then those inherited through groups and composites.
pub fn realm_roles(direct: &RoleMappings, effective: Vec<RoleBrief>) -> Vec<RoleRow> {
    let mut rows: Vec<RoleRow> =
        direct.realm.iter().cloned().map(|r| role(r, None, true)).collect();
    let held: Vec<&str> = direct.realm.iter().map(|r| r.name.as_str()).collect();
    let mut inherited: Vec<RoleRow> = effective
        .into_iter()
        .filter(|r| !held.contains(&r.name.as_str()))
        .map(|r| role(r, None, false))
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    inherited.sort_by(|a, b| a.name.cmp(&b.name));
    rows.extend(inherited);
    rows
}

/// The client roles held directly, by client.
pub fn client_roles(direct: &RoleMappings) -> Vec<RoleRow> {
    let mut rows = Vec::new();
    for mapping in &direct.clients {
        let client = (mapping.client.client_id.as_str(), mapping.client.id.as_str());
        rows.extend(mapping.roles.iter().cloned().map(|r| role(r, Some(client), true)));
    }
    rows.sort_by(|a, b| (&a.client_id, &a.name).cmp(&(&b.client_id, &b.name)));
    rows
}

/// The offline sessions of every client the user's consents show an offline token for.
pub async fn offline_sessions(
    kc: &KeycloakAdmin,
    realm: &str,
    user: &str,
    consents: &[Consent],
) -> Result<Vec<SessionBrief>, AppError> {
    let mut sessions = Vec::new();
    for consent in consents.iter().filter(|c| has_offline_token(c)) {
        let clients = kc
            .search_clients(realm, Some(&consent.client_id), 0, 20)
            .await
            .map_err(from_keycloak)?;
        let Some(client) = clients.into_iter().find(|c| c.client_id == consent.client_id) else {
            continue;
        };
        let found =
            kc.user_offline_sessions(realm, user, &client.id).await.map_err(from_keycloak)?;
        sessions.extend(found);
    }
    Ok(sessions)
}

fn has_offline_token(consent: &Consent) -> bool {
    consent.additional_grants.iter().any(|g| {
        g.get("key")
            .and_then(|k| k.as_str())
            .is_some_and(|k| k.eq_ignore_ascii_case("offline token"))
    })
}

/// A credential row: type, label and date only.
pub fn credential(credential: CredentialBrief) -> CredentialRow {
    CredentialRow {
        id: credential.id,
        kind: credential.credential_type,
        label: credential.user_label.filter(|l| !l.is_empty()),
        created_ms: credential.created_date,
    }
}

/// A session row.
pub fn session(session: SessionBrief, offline: bool) -> SessionRow {
    let clients: BTreeMap<String, String> = session.clients;
    SessionRow {
        id: session.id,
        offline,
        ip_address: session.ip_address,
        started_ms: session.start,
        last_access_ms: session.last_access,
        clients: clients.into_values().collect(),
    }
}

/// A linked identity.
pub fn identity(identity: FederatedIdentity) -> LinkedIdentity {
    LinkedIdentity { provider: identity.identity_provider, user_name: identity.user_name }
}

/// A consent row.
pub fn consent(consent: Consent) -> ConsentRow {
    ConsentRow {
        offline: has_offline_token(&consent),
        client_id: consent.client_id,
        scopes: consent.granted_client_scopes,
    }
}

/// An event row.
pub fn event(event: EventBrief) -> EventRow {
    EventRow {
        time_ms: event.time,
        kind: event.event_type,
        client_id: event.client_id,
        ip_address: event.ip_address,
        error: event.error,
    }
}
