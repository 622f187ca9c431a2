//! The sections of the current tenant, each shown only to those whose role allows it.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use rust_i18n::t;

use super::current_tenant;
use crate::api::requests::{InboxCounts, get_inbox};
use crate::pages::Section;
use crate::policy::{Action, EffectiveRights};
use crate::shell::RightsResource;

/// The counts beside "Requests", when the person files requests in the tenant in the URL.
pub type InboxResource = Resource<Option<InboxCounts>>;

/// Loads the counts for the tenant in the URL. The layout makes it, outside any suspense
/// boundary: the navigation renders once the rights are in, which the browser has at once and
/// the server only later, so a resource made there would come before the page's own in the
/// browser and after it on the server, and each would read the other's data.
pub fn inbox_resource(rights: RightsResource) -> InboxResource {
    let tenant = current_tenant();
    Resource::new(
        move || tenant.get(),
        move |tenant| async move {
            let tenant = tenant?;
            let rights = rights.await.ok()?;
            rights.tenant(&tenant).filter(|held| held.can(Action::FileRequest))?;
            get_inbox(tenant).await.ok()
        },
    )
}

/// A section link; the current one is marked for the eye and for screen readers alike.
const LINK: &str = concat!(
    "block rounded px-3 py-2 hover:bg-sky-50 ",
    "aria-[current=page]:bg-sky-100 aria-[current=page]:font-semibold",
);

/// The navigation of the tenant in the URL, with the counts of `inbox` beside "Requests";
/// nothing outside a tenant.
#[component]
pub fn SectionNav(rights: EffectiveRights, inbox: InboxResource) -> impl IntoView {
    let tenant = current_tenant();
    let location = use_location();

    move || {
        let tenant = tenant.get()?;
        let held = rights.tenant(&tenant)?;
        let base = format!("/t/{tenant}");
        let requests = format!("{base}/{}", Section::Requests.slug());
        let approver = held.can(Action::ApproveRequest);
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
                    let badge =
                        (*href == requests).then(|| view! { <RequestsBadge inbox approver /> });
                    view! {
                        <li>
                            <a
                                href=href.clone()
                                aria-current=if current { Some("page") } else { None }
                                class=LINK
                            >
                                {label.clone()}
                                {badge}
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

/// How many requests wait for the person (an approver) or are theirs and open; nothing when
/// none, or until the counts are in.
#[component]
fn RequestsBadge(inbox: InboxResource, approver: bool) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let counts = inbox.await?;
                let count = if approver { counts.waiting_for_me } else { counts.mine_open };
                let words = if approver {
                    t!("user_requests.badge_waiting", count = count)
                } else {
                    t!("user_requests.badge_mine", count = count)
                };
                (count > 0)
                    .then(|| {
                        view! {
                            <span
                                data-testid="requests-badge"
                                role="img"
                                aria-label=words.to_string()
                                title=words.to_string()
                                class="ml-1 text-sm font-normal"
                            >
                                {format!("({count})")}
                            </span>
                        }
                    })
            })}
        </Suspense>
    }
}
