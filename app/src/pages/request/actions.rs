//! What the person may do with the request, each shown only when the server says they may:
//! approve or reject it (or why they may not), cancel it, run its failed steps again.

use leptos::prelude::*;
use rust_i18n::t;

use super::RequestActions;
use crate::api::requests::RequestChoices;

/// A button's look.
const BUTTON: &str = "rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50";
/// A destructive button's look.
const DANGER: &str =
    "rounded border border-rose-400 bg-rose-50 px-3 py-1.5 text-rose-900 hover:bg-rose-100";
/// A note's look.
const NOTE: &str = "mt-1 w-full rounded border border-slate-300 px-2 py-1";

/// The hidden fields that say which request an action is for.
fn target(tenant: &str, id: &str) -> impl IntoView + use<> {
    view! {
        <input type="hidden" name="tenant" value=tenant.to_owned() />
        <input type="hidden" name="id" value=id.to_owned() />
    }
}

#[component]
pub(super) fn ActionsPanel(tenant: String, id: String, choices: RequestChoices) -> impl IntoView {
    let actions = expect_context::<RequestActions>();

    let decide = if choices.decide {
        Some(view! { <DecideForms tenant=tenant.clone() id=id.clone() /> }.into_any())
    } else {
        choices.decide_refusal.clone().map(|refusal| {
            view! {
                <p data-testid="decide-refusal" class="text-slate-700">
                    {refusal}
                </p>
            }
            .into_any()
        })
    };
    let cancel = choices.cancel.then(|| {
        let hidden = target(&tenant, &id);
        view! {
            <ActionForm action=actions.cancel>
                <fieldset class="rounded border border-rose-200 p-3">
                    <legend class="px-1 font-medium">{t!("requests.cancel").to_string()}</legend>
                    <p class="text-sm">{t!("requests.cancel_explained").to_string()}</p>
                    {hidden}
                    <label for="cancel-note" class="mt-2 block text-sm">
                        {t!("requests.note_optional").to_string()}
                    </label>
                    <textarea id="cancel-note" name="note" rows="2" class=NOTE></textarea>
                    <label for="cancel-confirm" class="mt-2 flex items-center gap-1 text-sm">
                        <input id="cancel-confirm" type="checkbox" required />
                        {t!("requests.cancel_confirm").to_string()}
                    </label>
                    <button
                        type="submit"
                        data-testid="cancel-button"
                        class=format!("{DANGER} mt-2")
                    >
                        {t!("requests.cancel_button").to_string()}
                    </button>
                </fieldset>
            </ActionForm>
        }
    });
    let retry = choices.retry.then(|| {
        let hidden = target(&tenant, &id);
        view! {
            <ActionForm action=actions.retry>
                <fieldset class="rounded border border-slate-200 p-3">
                    <legend class="px-1 font-medium">{t!("requests.retry").to_string()}</legend>
                    <p class="text-sm">{t!("requests.retry_explained").to_string()}</p>
                    {hidden}
                    <button type="submit" data-testid="retry-button" class=format!("{BUTTON} mt-2")>
                        {t!("requests.retry_button").to_string()}
                    </button>
                </fieldset>
            </ActionForm>
        }
    });
    if decide.is_none() && cancel.is_none() && retry.is_none() {
        return ().into_any();
    }

    view! {
        <section
            aria-labelledby="request-actions-title"
            class="rounded border border-slate-200 bg-white p-4"
        >
            <h2 id="request-actions-title" class="text-lg font-semibold">
                {t!("requests.actions").to_string()}
            </h2>
            <div class="mt-2">{decide}</div>
            <div class="mt-4 grid gap-4 md:grid-cols-2">{cancel} {retry}</div>
        </section>
    }
    .into_any()
}

/// Approve with an optional note, or reject with a required one.
#[component]
fn DecideForms(tenant: String, id: String) -> impl IntoView {
    let actions = expect_context::<RequestActions>();
    let (approve_target, reject_target) = (target(&tenant, &id), target(&tenant, &id));

    view! {
        <div class="grid gap-4 md:grid-cols-2">
            <ActionForm action=actions.approve>
                <fieldset class="rounded border border-emerald-200 p-3">
                    <legend class="px-1 font-medium">{t!("requests.approve").to_string()}</legend>
                    {approve_target}
                    <label for="approve-note" class="block text-sm">
                        {t!("requests.note_optional").to_string()}
                    </label>
                    <textarea id="approve-note" name="note" rows="2" class=NOTE></textarea>
                    <button
                        type="submit"
                        data-testid="approve-button"
                        class="mt-2 rounded bg-emerald-700 px-3 py-1.5 font-medium text-white"
                    >
                        {t!("requests.approve_button").to_string()}
                    </button>
                </fieldset>
            </ActionForm>
            <ActionForm action=actions.reject>
                <fieldset class="rounded border border-rose-200 p-3">
                    <legend class="px-1 font-medium">{t!("requests.reject").to_string()}</legend>
                    {reject_target}
                    <label for="reject-note" class="block text-sm">
                        {t!("requests.note_required").to_string()}
                    </label>
                    <textarea id="reject-note" name="note" rows="2" required class=NOTE></textarea>
                    <button
                        type="submit"
                        data-testid="reject-button"
                        class=format!("{DANGER} mt-2")
                    >
                        {t!("requests.reject_button").to_string()}
                    </button>
                </fieldset>
            </ActionForm>
        </div>
    }
}
