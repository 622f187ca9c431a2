//! The sign-in routes: `/auth/login` sends the person to Keycloak, `/auth/callback` takes them
//! back, `/auth/logout` ends both sessions.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use cloudtrust_app::policy::Rights;
use cloudtrust_app::ssr::{IDENTITY_KEY, Identity};
use cloudtrust_backend::store::{AuditEntry, Outcome};
use openidconnect::core::{CoreAuthenticationFlow, CoreIdToken};
use openidconnect::{
    AuthorizationCode, CsrfToken, LogoutRequest, Nonce, PkceCodeChallenge, PkceCodeVerifier,
    PostLogoutRedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use tracing::{error, info, warn};

use super::claims::group_paths;
use super::{ID_TOKEN_KEY, PENDING_KEY};
use crate::state::AppState;

/// A login in progress, kept in the (anonymous) session until Keycloak sends the person back.
#[derive(Serialize, Deserialize)]
struct PendingLogin {
    state: String,
    nonce: String,
    pkce_verifier: String,
    next: String,
}

/// Where to return after sign-in.
#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// What Keycloak sends back.
#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Starts a sign-in: a fresh state, nonce and PKCE verifier in the session, then Keycloak.
pub async fn login(
    State(state): State<Arc<AppState>>,
    session: Session,
    Query(query): Query<LoginQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    let provider = match state.oidc.get().await {
        Ok(provider) => provider,
        Err(err) => {
            warn!(%err, "sign-in refused: identity provider unavailable");
            return signin_redirect("idp_unreachable", &next);
        }
    };

    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = provider
        .client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();
    let pending = PendingLogin {
        state: csrf.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        next,
    };
    if let Err(err) = session.insert(PENDING_KEY, pending).await {
        error!(%err, "could not store the pending sign-in");
        return signin_redirect("idp_unreachable", "/");
    }

    Redirect::to(url.as_str()).into_response()
}

/// Finishes a sign-in: checks state, exchanges the code with the PKCE verifier, verifies the ID
/// token, reads the grants, renews the session id, and records the sign-in.
pub async fn callback(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    session: Session,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let pending: Option<PendingLogin> = session.remove(PENDING_KEY).await.unwrap_or(None);
    let Some(pending) = pending else {
        warn!("sign-in callback without a pending sign-in; refused");
        return signin_redirect("refused", "/");
    };
    if let Some(err) = query.error.as_deref() {
        warn!(error = err, "identity provider returned an error to the callback");
        return signin_redirect("refused", &pending.next);
    }
    let (Some(code), Some(returned_state)) = (query.code, query.state) else {
        warn!("sign-in callback without code or state; refused");
        return signin_redirect("refused", &pending.next);
    };
    if !constant_time_eq(returned_state.as_bytes(), pending.state.as_bytes()) {
        warn!("sign-in callback with a state that does not match; refused");
        return signin_redirect("refused", &pending.next);
    }

    let request_id = crate::request_id::of(&headers);
    match finish(&state, &session, code, &pending, &request_id).await {
        Ok(Finish::SignedIn) => Redirect::to(&pending.next).into_response(),
        Ok(Finish::NoRole { logout }) => Redirect::to(&logout).into_response(),
        Err(reason) => {
            warn!(reason, "sign-in refused");
            signin_redirect(
                if reason.starts_with("unreachable") { "idp_unreachable" } else { "refused" },
                &pending.next,
            )
        }
    }
}

enum Finish {
    SignedIn,
    NoRole { logout: String },
}

async fn finish(
    state: &AppState,
    session: &Session,
    code: String,
    pending: &PendingLogin,
    request_id: &str,
) -> Result<Finish, String> {
    let provider = state.oidc.get().await.map_err(|e| format!("unreachable: {e}"))?;
    let exchange =
        provider.client.exchange_code(AuthorizationCode::new(code)).map_err(|e| e.to_string())?;
    let tokens = exchange
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
        .request_async(state.oidc.http())
        .await
        .map_err(|e| {
            if e.to_string().contains("invalid_client") {
                error!(
                    "Keycloak refuses the console's client secret: check CTC_OIDC_CLIENT_SECRET"
                );
            }
            format!("code exchange failed: {e}")
        })?;
    let id_token = tokens.id_token().ok_or("no ID token in the token response")?;
    let claims = id_token
        .claims(&provider.client.id_token_verifier(), &Nonce::new(pending.nonce.clone()))
        .map_err(|e| format!("ID token refused: {e}"))?;

    let raw_token = id_token.to_string();
    let paths = group_paths(&raw_token, &state.config.access_claim)?;
    let rights = Rights::from_group_paths(paths.iter().map(String::as_str));
    let username = claims.preferred_username().map(|u| u.as_str().to_owned()).unwrap_or_default();
    let display_name = claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.as_str().to_owned())
        .unwrap_or_else(|| username.clone());
    let identity =
        Identity { subject: claims.subject().as_str().to_owned(), username, display_name, rights };

    if !identity.rights.has_any_role() {
        record(state, request_id, &identity, "sign_in", Outcome::Denied, "no console role").await;
        info!(user = %identity.username, "sign-in refused: no console role");
        let logout = end_session_url(&provider, &state.config, &raw_token, "no_access")
            .unwrap_or_else(|| "/signin?reason=no_access".into());
        return Ok(Finish::NoRole { logout });
    }

    session.cycle_id().await.map_err(|e| format!("session: {e}"))?;
    session.insert(IDENTITY_KEY, &identity).await.map_err(|e| format!("session: {e}"))?;
    session.insert(ID_TOKEN_KEY, raw_token).await.map_err(|e| format!("session: {e}"))?;
    record(state, request_id, &identity, "sign_in", Outcome::Success, "").await;
    info!(user = %identity.username, "signed in");
    Ok(Finish::SignedIn)
}

/// Ends the console session and then Keycloak's, returning to the sign-in page.
pub async fn logout(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    session: Session,
) -> Response {
    let identity: Option<Identity> = session.get(IDENTITY_KEY).await.unwrap_or(None);
    let id_token: Option<String> = session.get(ID_TOKEN_KEY).await.unwrap_or(None);
    if let Some(identity) = &identity {
        record(
            &state,
            &crate::request_id::of(&headers),
            identity,
            "sign_out",
            Outcome::Success,
            "",
        )
        .await;
        info!(user = %identity.username, "signed out");
    }
    if let Err(err) = session.flush().await {
        error!(%err, "could not delete the session");
    }

    let keycloak_logout = match (state.oidc.get().await, id_token) {
        (Ok(provider), Some(token)) => {
            end_session_url(&provider, &state.config, &token, "signed_out")
        }
        _ => None,
    };
    Redirect::to(&keycloak_logout.unwrap_or_else(|| "/signin?reason=signed_out".into()))
        .into_response()
}

/// Keycloak's end-session URL that comes back to the sign-in page with `reason`.
fn end_session_url(
    provider: &super::provider::Discovered,
    config: &crate::config::Config,
    id_token: &str,
    reason: &str,
) -> Option<String> {
    let endpoint = provider.end_session.clone()?;
    let token: CoreIdToken = id_token.parse().ok()?;
    let back = config.public_url.join(&format!("signin?reason={reason}")).ok()?;
    let url = LogoutRequest::from(endpoint)
        .set_id_token_hint(&token)
        .set_post_logout_redirect_uri(PostLogoutRedirectUrl::from_url(back))
        .http_get_url();
    Some(url.to_string())
}

/// Records a sign-in or sign-out in the audit trail; a failure to record is logged, not shown.
async fn record(
    state: &AppState,
    request_id: &str,
    identity: &Identity,
    action: &str,
    outcome: Outcome,
    detail: &str,
) {
    let entry = AuditEntry {
        request_id: request_id.to_owned(),
        actor_id: identity.subject.clone(),
        actor_username: identity.username.clone(),
        tenant: None,
        action: action.to_owned(),
        target: None,
        outcome,
        detail: (!detail.is_empty()).then(|| detail.to_owned()),
    };
    if let Err(err) = state.store.append_audit(&entry).await {
        error!(%err, action, "could not record in the audit trail");
    }
}

/// Only a path on this site may be returned to; anything else returns home.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.starts_with("/auth/") =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

fn signin_redirect(reason: &str, next: &str) -> Response {
    let next = cloudtrust_app::components::error_panel::encode_component(next);
    Redirect::to(&format!("/signin?reason={reason}&next={next}")).into_response()
}

/// Whether two secrets are equal, in a time that does not depend on where they differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_returned_to_after_sign_in() {
        assert_eq!(safe_next(Some("/t/acme/users?q=x")), "/t/acme/users?q=x");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/auth/logout")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
