//! The panel that says what failed and what to do, shared by every page.

use leptos::prelude::*;
use rust_i18n::t;

use crate::{AppError, ErrorKind};

/// Shows `error` with the step the person can take: sign in again, go back, or retry later.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let title = match error.kind {
        ErrorKind::Forbidden => t!("error.forbidden_title"),
        ErrorKind::NotFound => t!("error.not_found_title"),
        _ => t!("error.title"),
    };
    let action = match error.kind {
        ErrorKind::Unauthenticated => view! { <SignInAgainLink /> }.into_any(),
        _ => view! {
            <a href="/" class="font-medium text-sky-700 underline">
                {t!("error.back_home").to_string()}
            </a>
        }
        .into_any(),
    };

    view! {
        <section
            role="alert"
            class="rounded-md border border-rose-300 bg-rose-50 p-4 text-rose-900"
        >
            <h2 class="font-semibold">{title.to_string()}</h2>
            <p class="mt-1">{error.message}</p>
            <p class="mt-2">{action}</p>
        </section>
    }
}

/// A link back through sign-in that returns to the page the person was on. In the browser it
/// is followed at once, so an expired session comes back to the same page.
#[component]
fn SignInAgainLink() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let href = move || {
        let here = format!("{}{}", location.pathname.get(), location.search.get());
        format!("/auth/login?next={}", encode_component(&here))
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let _ = window().location().set_href(&href());
    });

    view! {
        <a href=href class="font-medium text-sky-700 underline">
            {t!("error.sign_in_again").to_string()}
        </a>
    }
}

/// Percent-encodes a query parameter value.
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Renders `result`: its value through `render`, or the error panel. Pages use it on every
/// awaited resource, so that a failure shows where the panel would be.
pub fn or_error_panel<T, V: IntoView + 'static>(
    result: Result<T, AppError>,
    render: impl FnOnce(T) -> V,
) -> AnyView {
    match result {
        Ok(value) => render(value).into_any(),
        Err(error) => view! { <ErrorPanel error /> }.into_any(),
    }
}
