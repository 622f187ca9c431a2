//! Uploading a CSV file of people to onboard. The form is plain HTML, posted to the server's
//! upload route, which keeps the file as a draft request and answers with a redirect: to the
//! draft's page, where the columns are mapped and the rows checked, or back here with the
//! reason it refused the file in `?error=`.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use rust_i18n::t;

use super::ForbiddenPanel;
use crate::components::current_tenant;
use crate::components::error_panel::or_error_panel;
use crate::policy::Action;
use crate::shell::RightsResource;

/// The upload form for the tenant in the URL.
#[component]
pub fn ImportPage() -> impl IntoView {
    let rights = expect_context::<RightsResource>();
    let tenant = current_tenant();
    let query = use_query_map();
    let error = Memo::new(move |_| query.with(|q| q.get("error")).filter(|e| !e.is_empty()));

    view! {
        <Transition fallback=|| {
            view! { <p>{t!("error.loading").to_string()}</p> }
        }>
            {move || {
                let tenant = tenant.get();
                Suspend::new(async move {
                    let held = rights
                        .await
                        .map(|r| {
                            tenant.and_then(|t| r.tenant(&t)).filter(|h| h.can(Action::ImportUsers))
                        });
                    or_error_panel(
                        held,
                        move |held| match held {
                            None => view! { <ForbiddenPanel /> }.into_any(),
                            Some(held) => {
                                view! { <UploadForm tenant=held.tenant error /> }.into_any()
                            }
                        },
                    )
                })
            }}
        </Transition>
    }
}

#[component]
fn UploadForm(tenant: String, error: Memo<Option<String>>) -> impl IntoView {
    let refused = move || {
        error.get().map(|message| {
            view! {
                <section
                    role="alert"
                    class="mt-3 rounded-md border border-rose-300 bg-rose-50 p-4 text-rose-900"
                >
                    <h2 class="font-semibold">{t!("requests.upload_refused").to_string()}</h2>
                    <p class="mt-1">{message}</p>
                </section>
            }
        })
    };
    let rules = [
        t!("requests.upload_rule_format"),
        t!("requests.upload_rule_header"),
        t!("requests.upload_rule_size"),
        t!("requests.upload_rule_formulas"),
    ]
    .map(|rule| view! { <li>{rule.to_string()}</li> });

    view! {
        <div>
            <a href=format!("/t/{tenant}/requests") class="text-sm underline">
                {t!("requests.back").to_string()}
            </a>
            <h1 class="mt-1 text-2xl font-semibold">{t!("requests.upload_title").to_string()}</h1>
            {refused}
            // A plain form: the file goes to the server's upload route, not to a server
            // function, and the browser follows the redirect it answers with.
            <form
                method="post"
                action=format!("/import/t/{tenant}/users")
                enctype="multipart/form-data"
                class="mt-3 rounded border border-slate-200 bg-white p-4"
            >
                <label for="import-file" class="block font-medium">
                    {t!("requests.upload_file").to_string()}
                </label>
                <input
                    id="import-file"
                    name="file"
                    type="file"
                    accept=".csv,text/csv"
                    required
                    aria-describedby="import-help"
                    class="mt-1 block"
                />
                <ul id="import-help" class="mt-2 list-disc pl-5 text-sm text-slate-700">
                    {rules.into_iter().collect_view()}
                </ul>
                <button
                    type="submit"
                    class="mt-3 rounded bg-sky-700 px-3 py-1.5 font-medium text-white"
                >
                    {t!("requests.upload_button").to_string()}
                </button>
            </form>
        </div>
    }
}
