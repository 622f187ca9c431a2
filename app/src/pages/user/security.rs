//! The privileged view of a user: credentials (never their secrets), sessions regular and
//! offline, linked identity providers, consents, and the user's recent events.

use leptos::prelude::*;
use rust_i18n::t;

use super::UserPageState;
use super::actions::target;
use crate::api::user_changes::{RevokeConsent, UnlinkIdentity};
use crate::api::users::UserSecurityResponse;
use crate::components::format::date_time;
use crate::policy::{Action, TenantRights};

/// A small table with a caption and headers.
fn table(caption: String, headers: Vec<String>, rows: AnyView, empty: bool) -> impl IntoView {
    let body = if empty {
        view! { <p class="text-sm text-slate-600">{t!("user.none").to_string()}</p> }.into_any()
    } else {
        view! {
            <table class="w-full text-left text-sm">
                <thead>
                    <tr>
                        {headers
                            .into_iter()
                            .map(|h| {
                                view! {
                                    <th scope="col" class="py-1 pr-3">
                                        {h}
                                    </th>
                                }
                            })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <div class="overflow-x-auto">
            <h3 class="mt-3 font-medium">{caption}</h3>
            {body}
        </div>
    }
}

#[component]
pub(crate) fn SecurityPanel(
    held: TenantRights,
    id: String,
    security: UserSecurityResponse,
) -> impl IntoView {
    let state = expect_context::<UserPageState>();
    let revoke = ServerAction::<RevokeConsent>::new();
    state.watch(revoke, |_| t!("user.consent_revoked").to_string());
    let unlink = ServerAction::<UnlinkIdentity>::new();
    state.watch(unlink, |_| t!("user.identity_unlinked").to_string());
    let may_end = held.can(Action::EndUserSessions);
    let may_unlink = held.can(Action::UpdateUser);
    let when = |ms: Option<i64>| ms.filter(|ms| *ms > 0).map(date_time).unwrap_or_default();

    let credentials = security
        .credentials
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <td class="py-1 pr-3">{c.kind.clone()}</td>
                    <td class="pr-3">{c.label.clone().unwrap_or_default()}</td>
                    <td>{when(c.created_ms)}</td>
                </tr>
            }
        })
        .collect_view()
        .into_any();
    let sessions = security
        .sessions
        .iter()
        .map(|s| {
            let kind = if s.offline { t!("user.offline") } else { t!("user.regular") };
            view! {
                <tr>
                    <td class="py-1 pr-3">{kind.to_string()}</td>
                    <td class="pr-3">{s.ip_address.clone().unwrap_or_default()}</td>
                    <td class="pr-3">{when(Some(s.started_ms))}</td>
                    <td class="pr-3">{when(Some(s.last_access_ms))}</td>
                    <td>{s.clients.join(", ")}</td>
                </tr>
            }
        })
        .collect_view()
        .into_any();
    let identities = security
        .identities
        .iter()
        .map(|i| {
            let hidden = target(&held.tenant, &id);
            let provider = i.provider.clone();
            let form = may_unlink.then(|| {
                view! {
                    <ActionForm action=unlink>
                        {hidden} <input type="hidden" name="provider" value=provider />
                        <button type="submit" class="underline">
                            {t!("user.unlink").to_string()}
                        </button>
                    </ActionForm>
                }
            });
            view! {
                <tr>
                    <td class="py-1 pr-3">{i.provider.clone()}</td>
                    <td class="pr-3">{i.user_name.clone()}</td>
                    <td>{form}</td>
                </tr>
            }
        })
        .collect_view()
        .into_any();
    let consents = security
        .consents
        .iter()
        .map(|c| {
            let hidden = target(&held.tenant, &id);
            let client_id = c.client_id.clone();
            let form = may_end.then(|| {
                view! {
                    <ActionForm action=revoke>
                        {hidden} <input type="hidden" name="client_id" value=client_id />
                        <button type="submit" class="underline">
                            {t!("user.revoke").to_string()}
                        </button>
                    </ActionForm>
                }
            });
            let offline = if c.offline { t!("tenant.yes") } else { t!("tenant.no") };
            view! {
                <tr>
                    <td class="py-1 pr-3">{c.client_id.clone()}</td>
                    <td class="pr-3">{c.scopes.join(", ")}</td>
                    <td class="pr-3">{offline.to_string()}</td>
                    <td>{form}</td>
                </tr>
            }
        })
        .collect_view()
        .into_any();
    let events = security
        .events
        .iter()
        .map(|e| {
            view! {
                <tr>
                    <td class="py-1 pr-3">{date_time(e.time_ms)}</td>
                    <td class="pr-3">{e.kind.clone()}</td>
                    <td class="pr-3">{e.client_id.clone().unwrap_or_default()}</td>
                    <td class="pr-3">{e.ip_address.clone().unwrap_or_default()}</td>
                    <td>{e.error.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view()
        .into_any();

    view! {
        <section
            aria-labelledby="security-title"
            class="rounded border border-slate-200 bg-white p-4"
        >
            <h2 id="security-title" class="text-lg font-semibold">
                {t!("user.security").to_string()}
            </h2>
            <p class="text-sm text-slate-600">{t!("user.security_audited").to_string()}</p>
            {table(
                t!("user.credentials").to_string(),
                vec![
                    t!("user.type").to_string(),
                    t!("user.label").to_string(),
                    t!("users.created").to_string(),
                ],
                credentials,
                security.credentials.is_empty(),
            )}
            {table(
                t!("user.sessions").to_string(),
                vec![
                    t!("user.type").to_string(),
                    t!("user.ip").to_string(),
                    t!("user.started").to_string(),
                    t!("user.last_access").to_string(),
                    t!("user.clients").to_string(),
                ],
                sessions,
                security.sessions.is_empty(),
            )}
            {table(
                t!("user.identities").to_string(),
                vec![
                    t!("user.provider").to_string(),
                    t!("users.username").to_string(),
                    String::new(),
                ],
                identities,
                security.identities.is_empty(),
            )}
            {table(
                t!("user.consents").to_string(),
                vec![
                    t!("user.client").to_string(),
                    t!("user.scopes").to_string(),
                    t!("user.offline").to_string(),
                    String::new(),
                ],
                consents,
                security.consents.is_empty(),
            )}
            {table(
                t!("user.events").to_string(),
                vec![
                    t!("user.when").to_string(),
                    t!("user.type").to_string(),
                    t!("user.client").to_string(),
                    t!("user.ip").to_string(),
                    t!("user.error").to_string(),
                ],
                events,
                security.events.is_empty(),
            )}
        </section>
    }
}
