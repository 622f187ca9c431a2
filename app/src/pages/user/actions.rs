//! The actions on a user, each shown only to a role that may run it: enable or disable, clear a
//! lockout, reset the password, email the required actions, sign out everywhere, offboard,
//! delete. The destructive ones say what they do and ask to confirm.

use leptos::prelude::*;
use rust_i18n::t;

use super::UserPageState;
use crate::api::lifecycle::{DeleteUser, OffboardUser};
use crate::api::user_changes::{
    REQUIRED_ACTIONS, ResetPassword, SendActionsEmail, SetUserEnabled, SignOutUser, UnlockUser,
};
use crate::api::users::UserDetailResponse;
use crate::policy::{Action, TenantRights};

/// A button's look.
pub(crate) const BUTTON: &str =
    "rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50";
/// A destructive button's look.
pub(crate) const DANGER: &str =
    "rounded border border-rose-400 bg-rose-50 px-3 py-1.5 text-rose-900 hover:bg-rose-100";

/// The hidden fields that say which user an action is for.
pub(crate) fn target(tenant: &str, id: &str) -> impl IntoView + use<> {
    view! {
        <input type="hidden" name="tenant" value=tenant.to_owned() />
        <input type="hidden" name="id" value=id.to_owned() />
    }
}

#[component]
pub(crate) fn ActionsPanel(held: TenantRights, detail: UserDetailResponse) -> impl IntoView {
    let state = expect_context::<UserPageState>();
    let (tenant, id) = (held.tenant.clone(), detail.id.clone());

    let enable = ServerAction::<SetUserEnabled>::new();
    state.watch(enable, |_| t!("user.saved").to_string());
    let unlock = ServerAction::<UnlockUser>::new();
    state.watch(unlock, |_| t!("user.unlocked").to_string());
    let sign_out = ServerAction::<SignOutUser>::new();
    state.watch(sign_out, |_| t!("user.signed_out").to_string());

    let lock_controls = held.can(Action::LockUser).then(|| {
        let unlock_form = detail.lockout.as_ref().filter(|l| l.locked).map(|_| {
            let hidden = target(&tenant, &id);
            view! {
                <ActionForm action=unlock>
                    {hidden} <button type="submit" class=BUTTON>
                        {t!("user.unlock").to_string()}
                    </button>
                </ActionForm>
            }
        });
        let (label, next) = if detail.enabled {
            (t!("user.disable"), "false")
        } else {
            (t!("user.enable"), "true")
        };
        let hidden = target(&tenant, &id);
        view! {
            <ActionForm action=enable>
                {hidden} <input type="hidden" name="enabled" value=next />
                <button type="submit" class=BUTTON>
                    {label.to_string()}
                </button>
            </ActionForm>
            {unlock_form}
        }
    });
    let sign_out_form = held.can(Action::EndUserSessions).then(|| {
        let hidden = target(&tenant, &id);
        view! {
            <ActionForm action=sign_out>
                {hidden} <button type="submit" class=BUTTON>
                    {t!("user.sign_out").to_string()}
                </button>
            </ActionForm>
        }
    });
    let credentials = held
        .can(Action::ResetCredentials)
        .then(|| view! { <CredentialForms tenant=tenant.clone() id=id.clone() /> });
    let leaver = view! { <LeaverForms held=held.clone() detail=detail.clone() /> };

    view! {
        <section
            aria-labelledby="actions-title"
            class="rounded border border-slate-200 bg-white p-4"
        >
            <h2 id="actions-title" class="text-lg font-semibold">
                {t!("user.actions").to_string()}
            </h2>
            <div class="mt-2 flex flex-wrap gap-2">{lock_controls} {sign_out_form}</div>
            {credentials}
            {leaver}
        </section>
    }
}

#[component]
fn CredentialForms(tenant: String, id: String) -> impl IntoView {
    let state = expect_context::<UserPageState>();
    let reset = ServerAction::<ResetPassword>::new();
    state.watch(reset, |done| match &done.generated {
        Some(password) => t!("user.password_generated", password = password).to_string(),
        None => t!("user.password_set").to_string(),
    });
    let email = ServerAction::<SendActionsEmail>::new();
    state.watch(email, |_| t!("user.email_sent").to_string());
    let action_boxes = REQUIRED_ACTIONS.iter().map(|alias| {
        let id = format!("email-action-{alias}");
        let label_for = id.clone();
        view! {
            <label for=label_for class="mr-3 inline-flex items-center gap-1">
                <input id=id type="checkbox" name=format!("actions[{alias}]") value="on" />
                {t!(format!("required_action.{alias}")).to_string()}
            </label>
        }
    });

    let (hidden_reset, hidden_email) = (target(&tenant, &id), target(&tenant, &id));
    view! {
        <div class="mt-4 grid gap-4 md:grid-cols-2">
            <ActionForm action=reset>
                <fieldset class="rounded border border-slate-200 p-3">
                    <legend class="px-1 font-medium">
                        {t!("user.reset_password").to_string()}
                    </legend>
                    {hidden_reset}
                    <label for="new-password" class="block text-sm">
                        {t!("user.new_password").to_string()}
                    </label>
                    <input
                        id="new-password"
                        name="password"
                        type="password"
                        autocomplete="new-password"
                        class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
                    />
                    <label for="temporary" class="mt-2 flex items-center gap-1 text-sm">
                        <input
                            id="temporary"
                            type="checkbox"
                            name="temporary"
                            value="true"
                            checked
                        />
                        {t!("user.temporary").to_string()}
                    </label>
                    <button type="submit" class=format!("{BUTTON} mt-2")>
                        {t!("user.reset_button").to_string()}
                    </button>
                </fieldset>
            </ActionForm>
            <ActionForm action=email>
                <fieldset class="rounded border border-slate-200 p-3">
                    <legend class="px-1 font-medium">{t!("user.email_actions").to_string()}</legend>
                    {hidden_email}
                    <div class="text-sm">{action_boxes.collect_view()}</div>
                    <label for="lifespan" class="mt-2 block text-sm">
                        {t!("user.lifespan").to_string()}
                    </label>
                    <input
                        id="lifespan"
                        name="lifespan_hours"
                        type="number"
                        min="1"
                        max="720"
                        value="12"
                        class="mt-1 w-24 rounded border border-slate-300 px-2 py-1"
                    />
                    <button type="submit" class=format!("{BUTTON} ml-2")>
                        {t!("user.send_email").to_string()}
                    </button>
                </fieldset>
            </ActionForm>
        </div>
    }
}

#[component]
fn LeaverForms(held: TenantRights, detail: UserDetailResponse) -> impl IntoView {
    let state = expect_context::<UserPageState>();
    let (tenant, id) = (held.tenant.clone(), detail.id.clone());
    let offboard = ServerAction::<OffboardUser>::new();
    state.watch(offboard, |done| {
        let parts: Vec<String> = done.steps.iter().map(|s| s.describe()).collect();
        t!("user.offboarded", steps = parts.join("; ")).to_string()
    });
    let delete = ServerAction::<DeleteUser>::new();
    let navigate = leptos_router::hooks::use_navigate();
    let list = format!("/t/{}/users", held.tenant);
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate(&list, Default::default());
        }
    });
    state.watch(delete, |_| t!("user.deleted").to_string());

    let offboard_form = held.can(Action::OffboardUser).then(|| {
        let hidden = target(&tenant, &id);
        view! {
            <ActionForm action=offboard>
                <fieldset class="rounded border border-rose-200 p-3">
                    <legend class="px-1 font-medium">{t!("user.offboard").to_string()}</legend>
                    <p class="text-sm">{t!("user.offboard_explained").to_string()}</p>
                    {hidden}
                    <label for="offboard-confirm" class="mt-2 flex items-center gap-1 text-sm">
                        <input id="offboard-confirm" type="checkbox" required />
                        {t!("user.offboard_confirm").to_string()}
                    </label>
                    <button type="submit" class=format!("{DANGER} mt-2")>
                        {t!("user.offboard_button").to_string()}
                    </button>
                </fieldset>
            </ActionForm>
        }
    });
    let delete_form = held.can(Action::DeleteUser).then(|| {
        let hidden = target(&tenant, &id);
        view! {
            <ActionForm action=delete>
                <fieldset class="rounded border border-rose-200 p-3">
                    <legend class="px-1 font-medium">{t!("user.delete").to_string()}</legend>
                    <p class="text-sm">
                        {t!("user.delete_explained", username = detail.username.clone())
                            .to_string()}
                    </p>
                    {hidden}
                    <label for="confirm-username" class="mt-2 block text-sm">
                        {t!("user.delete_type").to_string()}
                    </label>
                    <input
                        id="confirm-username"
                        name="confirm_username"
                        required
                        autocomplete="off"
                        class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
                    />
                    <button type="submit" class=format!("{DANGER} mt-2")>
                        {t!("user.delete_button").to_string()}
                    </button>
                </fieldset>
            </ActionForm>
        }
    });

    view! { <div class="mt-4 grid gap-4 md:grid-cols-2">{offboard_form} {delete_form}</div> }
}
