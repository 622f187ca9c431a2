//! What the request asks for, as its requester chose it: the new people and what they get, the
//! access added and taken back, the leaver's date and deletion, or the credential reset.

use leptos::prelude::*;
use rust_i18n::t;

use super::super::requests::action_words;
use crate::workflow::{AccessItem, Credential, Person, RequestSpec, ResetMethod};

#[component]
pub(super) fn SpecPanel(
    tenant: String,
    spec: RequestSpec,
    /// How many people it concerns: the server sends only the first few of a large import.
    rows: i64,
) -> impl IntoView {
    let body = match spec {
        RequestSpec::Onboard {
            template_name,
            people,
            access,
            required_actions,
            credential,
            enabled,
            file_name,
            ..
        } => {
            let template = template_name.unwrap_or_else(|| t!("requests.no_template").to_string());
            let credential = match credential {
                Credential::Email { lifespan_hours } => {
                    t!("requests.spec_email", hours = lifespan_hours)
                }
                Credential::Later => t!("requests.spec_later"),
            };
            let enabled =
                if enabled { t!("requests.spec_enabled") } else { t!("requests.spec_disabled") };
            let who = match (people.as_slice(), file_name) {
                ([one], None) => view! { <PersonFields person=one.clone() /> }.into_any(),
                (_, Some(file)) => {
                    line(t!("requests.spec_people_file", count = rows, file = file).to_string())
                        .into_any()
                }
                (_, None) => line(t!("requests.spec_people", count = rows).to_string()).into_any(),
            };
            view! {
                {line(t!("requests.spec_template", template = template).to_string())}
                {who}
                <AccessList title=t!("requests.spec_grants").to_string() items=access />
                {actions_line(&required_actions)}
                {line(credential.to_string())}
                {line(enabled.to_string())}
            }
            .into_any()
        }
        RequestSpec::ChangeAccess { user_id, username, add, remove } => view! {
            <UserLink tenant user_id username />
            <AccessList title=t!("requests.spec_add").to_string() items=add />
            <AccessList title=t!("requests.spec_remove").to_string() items=remove />
        }
        .into_any(),
        RequestSpec::Offboard { user_id, username, delete_after_days } => {
            let deletion = match delete_after_days {
                Some(days) => t!("requests.spec_delete_after", days = days),
                None => t!("requests.spec_keep"),
            };
            view! {
                <UserLink tenant user_id username />
                {line(t!("requests.spec_offboard").to_string())}
                {line(deletion.to_string())}
            }
            .into_any()
        }
        RequestSpec::CredentialReset { user_id, username, method } => {
            let how = match method {
                ResetMethod::Email { actions, lifespan_hours } => t!(
                    "requests.spec_reset_email",
                    actions = names(&actions),
                    hours = lifespan_hours
                ),
                ResetMethod::NextSignIn { actions } => {
                    t!("requests.spec_reset_next", actions = names(&actions))
                }
            };
            view! {
                <UserLink tenant user_id username />
                {line(how.to_string())}
            }
            .into_any()
        }
    };

    view! {
        <section aria-labelledby="spec-title" class="rounded border border-slate-200 bg-white p-4">
            <h2 id="spec-title" class="text-lg font-semibold">
                {t!("requests.asks").to_string()}
            </h2>
            <div class="mt-2 space-y-2">{body}</div>
        </section>
    }
}

fn line(text: String) -> impl IntoView {
    view! { <p>{text}</p> }
}

/// Required actions by their names, joined.
fn names(actions: &[String]) -> String {
    actions.iter().map(|a| action_words(a)).collect::<Vec<_>>().join(", ")
}

fn actions_line(actions: &[String]) -> Option<impl IntoView + use<>> {
    (!actions.is_empty())
        .then(|| line(t!("requests.spec_actions", actions = names(actions)).to_string()))
}

/// The user a request concerns, linked to their page.
#[component]
fn UserLink(tenant: String, user_id: String, username: String) -> impl IntoView {
    view! {
        <p>
            {t!("requests.spec_user").to_string()} " "
            <a href=format!("/t/{tenant}/users/{user_id}") class="font-medium underline">
                {username}
            </a>
        </p>
    }
}

/// Groups and roles under a title; nothing when there are none.
#[component]
fn AccessList(title: String, items: Vec<AccessItem>) -> impl IntoView {
    (!items.is_empty()).then(|| {
        let entries = items.iter().map(|item| {
            let privileged = item.is_privileged().then(|| {
                view! {
                    <span class="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-900">
                        {t!("requests.privileged").to_string()}
                    </span>
                }
            });
            view! { <li>{item.describe()} {privileged}</li> }
        });
        view! {
            <div>
                <p class="font-medium">{title}</p>
                <ul class="list-disc pl-5">{entries.collect_view()}</ul>
            </div>
        }
    })
}

/// The profile fields given for one new person.
#[component]
fn PersonFields(person: Person) -> impl IntoView {
    let fields = person.fields.into_iter().filter(|(_, v)| !v.is_empty()).map(|(name, value)| {
        view! {
            <div class="flex gap-4 py-0.5">
                <dt class="w-40 font-mono text-sm">{name}</dt>
                <dd class="break-all">{value}</dd>
            </div>
        }
    });

    view! {
        <div>
            <p class="font-medium">{t!("requests.person").to_string()}</p>
            <dl>{fields.collect_view()}</dl>
            <AccessList title=t!("requests.spec_row_grants").to_string() items=person.access />
        </div>
    }
}
