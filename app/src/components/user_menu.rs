//! The signed-in person's menu: who they are, their roles, and sign-out.

use leptos::prelude::*;
use rust_i18n::t;

use crate::policy::EffectiveRights;

/// The account menu. Sign-out is a form POST, so it works before the WASM has loaded.
#[component]
pub fn UserMenu(rights: EffectiveRights) -> impl IntoView {
    let name = rights.display_name.clone();

    view! {
        <details class="relative">
            <summary
                class="cursor-pointer list-none rounded border border-slate-300 px-3 py-1.5"
                aria-label=t!("user_menu.label", name = name.clone()).to_string()
            >
                {name.clone()}
            </summary>
            <div class="absolute right-0 z-10 mt-1 w-64 rounded \
             border border-slate-200 bg-white p-3 shadow">
                <p class="text-sm text-slate-600">
                    {t!("user_menu.signed_in_as", name = rights.username).to_string()}
                </p>
                <form method="post" action="/auth/logout" class="mt-2">
                    <button
                        type="submit"
                        class="w-full rounded bg-slate-800 px-3 py-1.5 text-white \
                         hover:bg-slate-700"
                    >
                        {t!("user_menu.sign_out").to_string()}
                    </button>
                </form>
            </div>
        </details>
    }
}
