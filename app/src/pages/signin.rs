//! The sign-in page: public, never redirects by itself (so it cannot loop), and says why the
//! person is here: signed out, refused, or the identity provider is down.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use rust_i18n::t;

use crate::components::error_panel::encode_component;

/// Offers sign-in through Keycloak and explains the last outcome.
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || {
        query.with(|q| q.get("next")).filter(|n| n.starts_with('/') && !n.starts_with("//"))
    };
    let href = move || match next() {
        Some(next) => format!("/auth/login?next={}", encode_component(&next)),
        None => "/auth/login".to_owned(),
    };
    let notice = move || {
        let (text, alert) = match query.with(|q| q.get("reason")).as_deref() {
            Some("signed_out") => (t!("signin.signed_out"), false),
            Some("idp_unreachable") => (t!("signin.idp_unreachable"), true),
            Some("no_access") => (t!("signin.no_access"), true),
            Some("refused") => (t!("signin.refused"), true),
            Some("expired") => (t!("signin.expired"), false),
            _ => return None,
        };
        let class = if alert {
            "mt-4 rounded border border-amber-300 bg-amber-50 p-3"
        } else {
            "mt-4 rounded border border-sky-200 bg-sky-50 p-3"
        };
        Some(view! {
            <p role=if alert { "alert" } else { "status" } class=class>
                {text.to_string()}
            </p>
        })
    };

    view! {
        <main id="main" class="mx-auto mt-16 max-w-md rounded border border-slate-200 bg-white p-8">
            <h1 class="text-2xl font-semibold">{t!("signin.title").to_string()}</h1>
            <p class="mt-2 text-slate-600">{t!("signin.intro").to_string()}</p>
            {notice}
            <a
                href=href
                class="mt-6 inline-block rounded bg-sky-700 px-4 py-2 font-medium text-white \
                hover:bg-sky-800"
            >
                {t!("signin.button").to_string()}
            </a>
        </main>
    }
}
