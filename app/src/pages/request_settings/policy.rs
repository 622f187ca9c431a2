//! The approval rules: in words for whoever files requests, and as a form for those who set
//! them. Each yes-or-no rule is a choice of two, so that the form always sends it: a box left
//! unticked sends nothing, and the server would read the rule's default instead.

use leptos::prelude::*;
use rust_i18n::t;

use super::{BUTTON, SettingsActions};
use crate::components::error_panel::ErrorPanel;
use crate::workflow::WorkflowPolicy;

/// One yes-or-no rule: its field, what it is about, and what each answer means.
struct Rule {
    field: &'static str,
    label: String,
    yes: String,
    no: String,
    value: bool,
}

/// The yes-or-no rules of `policy`, in the order the page shows them.
fn rules(policy: &WorkflowPolicy) -> [Rule; 6] {
    let needs = || t!("request_settings.needs_approval").to_string();
    let only_if = || t!("request_settings.approval_if_other_rule").to_string();
    let kind =
        |field, label: String, value| Rule { field, label, yes: needs(), no: only_if(), value };
    [
        kind(
            "approve_onboarding",
            t!("request_settings.rule_onboarding").to_string(),
            policy.approve_onboarding,
        ),
        kind(
            "approve_change_access",
            t!("request_settings.rule_change_access").to_string(),
            policy.approve_change_access,
        ),
        kind(
            "approve_offboarding",
            t!("request_settings.rule_offboarding").to_string(),
            policy.approve_offboarding,
        ),
        kind(
            "approve_credential_reset",
            t!("request_settings.rule_credential_reset").to_string(),
            policy.approve_credential_reset,
        ),
        kind(
            "approve_privileged",
            t!("request_settings.rule_privileged").to_string(),
            policy.approve_privileged,
        ),
        Rule {
            field: "helpdesk_approves",
            label: t!("request_settings.rule_helpdesk").to_string(),
            yes: t!("request_settings.helpdesk_yes").to_string(),
            no: t!("request_settings.helpdesk_no").to_string(),
            value: policy.helpdesk_approves,
        },
    ]
}

/// The rules in words, and for those who set them the form that changes them.
#[component]
pub(super) fn PolicyPanel(tenant: String, policy: WorkflowPolicy, manage: bool) -> impl IntoView {
    let terms = rules(&policy).into_iter().map(|rule| {
        view! {
            <dt class="font-medium">{rule.label}</dt>
            <dd class="mb-2 text-slate-700">{if rule.value { rule.yes } else { rule.no }}</dd>
        }
    });
    let bulk = match policy.bulk_threshold {
        0 => t!("request_settings.bulk_off").to_string(),
        count => t!("request_settings.bulk_on", count = count).to_string(),
    };
    let expiry = t!("request_settings.expiry_days", count = policy.expiry_days).to_string();
    let form = manage.then(|| view! { <PolicyForm tenant policy=policy.clone() /> });

    view! {
        <section
            aria-labelledby="policy-title"
            class="rounded border border-slate-200 bg-white p-4"
        >
            <h2 id="policy-title" class="text-lg font-semibold">
                {t!("request_settings.policy").to_string()}
            </h2>
            <p class="text-sm text-slate-600">{t!("request_settings.four_eyes").to_string()}</p>
            <dl class="mt-3">
                {terms.collect_view()}
                <dt class="font-medium">{t!("request_settings.rule_bulk").to_string()}</dt>
                <dd class="mb-2 text-slate-700">{bulk}</dd>
                <dt class="font-medium">{t!("request_settings.rule_expiry").to_string()}</dt>
                <dd class="mb-2 text-slate-700">{expiry}</dd>
            </dl>
            {form}
        </section>
    }
}

#[component]
fn PolicyForm(tenant: String, policy: WorkflowPolicy) -> impl IntoView {
    let save = expect_context::<SettingsActions>().policy;
    let result = move || {
        save.value().get().map(|result| match result {
            Ok(_) => view! {
                <p
                    role="status"
                    class="rounded border border-emerald-300 bg-emerald-50 p-3 text-emerald-900"
                >
                    {t!("request_settings.policy_saved").to_string()}
                </p>
            }
            .into_any(),
            Err(error) => view! { <ErrorPanel error /> }.into_any(),
        })
    };
    let choices = rules(&policy).into_iter().map(|rule| {
        let id = format!("policy-{}", rule.field);
        view! {
            <div>
                <label for=id.clone() class="block text-sm font-medium">
                    {rule.label}
                </label>
                <select
                    id=id
                    name=format!("policy[{}]", rule.field)
                    class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
                >
                    <option value="true" selected=rule.value>
                        {rule.yes}
                    </option>
                    <option value="false" selected=!rule.value>
                        {rule.no}
                    </option>
                </select>
            </div>
        }
    });

    view! {
        <div class="mt-4 border-t border-slate-200 pt-4">
            <h3 class="font-medium">{t!("request_settings.change_rules").to_string()}</h3>
            <div aria-live="polite" class="mt-2">
                {result}
            </div>
            <ActionForm action=save attr:data-testid="policy-form">
                <input type="hidden" name="tenant" value=tenant />
                <div class="mt-2 grid gap-3 sm:grid-cols-2">
                    {choices.collect_view()}
                    <NumberField
                        field="bulk_threshold"
                        label=t!("request_settings.bulk_label").to_string()
                        help=t!("request_settings.bulk_help").to_string()
                        value=policy.bulk_threshold
                        min=0
                        max=100_000
                    />
                    <NumberField
                        field="expiry_days"
                        label=t!("request_settings.expiry_label").to_string()
                        help=t!("request_settings.expiry_help").to_string()
                        value=policy.expiry_days
                        min=1
                        max=90
                    />
                </div>
                <button type="submit" class=format!("{BUTTON} mt-3")>
                    {t!("request_settings.save_rules").to_string()}
                </button>
            </ActionForm>
        </div>
    }
}

/// A number of the policy, with its help and the refusal that names it, if any.
#[component]
fn NumberField(
    field: &'static str,
    label: String,
    help: String,
    value: u32,
    min: u32,
    max: u32,
) -> impl IntoView {
    let save = expect_context::<SettingsActions>().policy;
    let refusal = Memo::new(move |_| {
        save.value().with(|result| match result {
            Some(Err(error)) if error.field.as_deref().is_some_and(|f| names(f, field)) => {
                Some(error.message.clone())
            }
            Some(_) | None => None,
        })
    });
    let id = format!("policy-{field}");
    let (help_id, error_id) = (format!("{id}-help"), format!("{id}-error"));
    let described = {
        let (help_id, error_id) = (help_id.clone(), error_id.clone());
        move || match refusal.get() {
            Some(_) => format!("{help_id} {error_id}"),
            None => help_id.clone(),
        }
    };

    view! {
        <div>
            <label for=id.clone() class="block text-sm font-medium">
                {label}
            </label>
            <input
                id=id
                name=format!("policy[{field}]")
                type="number"
                required
                min=min
                max=max
                value=value
                aria-describedby=described
                aria-invalid=move || refusal.get().map(|_| "true")
                class="mt-1 w-32 rounded border border-slate-300 px-2 py-1"
            />
            <p id=help_id class="text-sm text-slate-600">
                {help}
            </p>
            <p id=error_id class="text-sm font-medium text-rose-800">
                {move || refusal.get()}
            </p>
        </div>
    }
}

/// Whether the field the server names, bare or as sent (`policy[expiry_days]`), is `field`.
fn names(named: &str, field: &str) -> bool {
    named == field || named.strip_prefix("policy[").and_then(|f| f.strip_suffix(']')) == Some(field)
}

#[cfg(test)]
mod tests {
    use super::names;

    #[test]
    fn a_refusal_names_a_field_bare_or_as_the_form_sent_it() {
        assert!(names("expiry_days", "expiry_days"));
        assert!(names("policy[expiry_days]", "expiry_days"));
        assert!(!names("bulk_threshold", "expiry_days"));
    }
}
