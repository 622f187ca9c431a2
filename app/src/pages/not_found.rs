//! The 404 page and the 403 panel.

use leptos::prelude::*;
use rust_i18n::t;

use super::set_page_status;

/// Any address the console does not serve.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_page_status(404);

    view! {
        <main id="main" class="mx-auto max-w-xl p-8">
            <h1 class="text-2xl font-semibold">{t!("error.not_found_title").to_string()}</h1>
            <p class="mt-2">{t!("error.not_found").to_string()}</p>
            <p class="mt-4">
                <a href="/" class="font-medium text-sky-700 underline">
                    {t!("error.back_home").to_string()}
                </a>
            </p>
        </main>
    }
}

/// Shown in place of a page the person's role does not open. It says nothing about whether the
/// tenant exists.
#[component]
pub fn ForbiddenPanel() -> impl IntoView {
    set_page_status(403);

    view! {
        <section role="alert" class="rounded-md border border-amber-300 bg-amber-50 p-4">
            <h1 class="text-xl font-semibold">{t!("error.forbidden_title").to_string()}</h1>
            <p class="mt-1">{t!("error.forbidden").to_string()}</p>
            <p class="mt-2">
                <a href="/" class="font-medium text-sky-700 underline">
                    {t!("error.back_home").to_string()}
                </a>
            </p>
        </section>
    }
}
