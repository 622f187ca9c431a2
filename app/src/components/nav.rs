//! The sections of the current tenant, each shown only to those whose role allows it.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use rust_i18n::t;

use super::current_tenant;
use crate::pages::Section;
use crate::policy::EffectiveRights;

/// A section link; the current one is marked for the eye and for screen readers alike.
const LINK: &str = concat!(
    "block rounded px-3 py-2 hover:bg-sky-50 ",
    "aria-[current=page]:bg-sky-100 aria-[current=page]:font-semibold",
);

/// The navigation of the tenant in the URL; nothing outside a tenant.
#[component]
pub fn SectionNav(rights: EffectiveRights) -> impl IntoView {
    let tenant = current_tenant();
    let location = use_location();

    move || {
        let tenant = tenant.get()?;
        let held = rights.tenant(&tenant)?;
        let base = format!("/t/{tenant}");
        let path = location.pathname.get();
        let mut links = vec![(base.clone(), t!("nav.overview").to_string())];
        links.extend(
            Section::ALL
                .into_iter()
                .filter(|s| held.can(s.action()))
                .map(|s| (format!("{base}/{}", s.slug()), s.label())),
        );
        let list = move || {
            links
                .iter()
                .map(|(href, label)| {
                    let current = path == *href;
                    view! {
                        <li>
                            <a
                                href=href.clone()
                                aria-current=if current { Some("page") } else { None }
                                class=LINK
                            >
                                {label.clone()}
                            </a>
                        </li>
                    }
                })
                .collect_view()
        };

        Some(view! {
            <nav aria-label=t!("nav.label").to_string() class="md:w-56">
                <details class="md:hidden" open=false>
                    <summary
                        class="cursor-pointer rounded border border-slate-300 bg-white px-3 py-2"
                    >
                        {t!("nav.menu").to_string()}
                    </summary>
                    <ul class="mt-2 rounded border border-slate-200 bg-white">{list.clone()}</ul>
                </details>
                <ul class="hidden rounded border border-slate-200 bg-white md:block">{list}</ul>
            </nav>
        })
    }
}
