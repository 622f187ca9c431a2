//! The signed-in layout: a header with the tenant switcher and the account menu, the sections
//! of the current tenant, and the page.

use leptos::prelude::*;
use rust_i18n::t;

use super::nav::{SectionNav, inbox_resource};
use super::tenant_switcher::TenantSwitcher;
use super::user_menu::UserMenu;
use crate::shell::RightsResource;

/// Hidden until focused: the first stop of the Tab key.
const SKIP_LINK: &str =
    "sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2";

/// Frames every signed-in page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let rights = expect_context::<RightsResource>();
    let inbox = inbox_resource(rights);

    view! {
        <a href="#main" class=SKIP_LINK>
            {t!("app.skip_to_content").to_string()}
        </a>
        <header class="border-b border-slate-200 bg-white">
            <div class="mx-auto flex max-w-7xl flex-wrap items-center gap-3 px-4 py-2">
                <a href="/" class="mr-auto text-lg font-semibold text-sky-800">
                    {t!("app.name").to_string()}
                </a>
                <TenantSwitcher />
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        rights.await.ok().map(|r| view! { <UserMenu rights=r /> })
                    })}
                </Transition>
            </div>
        </header>
        <div class="mx-auto flex max-w-7xl flex-col gap-4 px-4 py-4 md:flex-row">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    rights.await.ok().map(|r| view! { <SectionNav rights=r inbox /> })
                })}
            </Transition>
            <main id="main" class="min-w-0 flex-1">
                {children()}
            </main>
        </div>
    }
}
