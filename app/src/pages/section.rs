//! The sections of a tenant, each gated by the action that opens it. Their content arrives with
//! the issues that build them.

use leptos::prelude::*;
use rust_i18n::t;

use super::ForbiddenPanel;
use crate::components::current_tenant;
use crate::components::error_panel::ErrorPanel;
use crate::policy::Action;
use crate::shell::RightsResource;

/// A section of a tenant's navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// Finding and changing users.
    Users,
    /// Provisioning requests and approvals.
    Requests,
    /// Licence and shadow-IT reports.
    Reports,
    /// Realm backups.
    Backups,
    /// The health board.
    Health,
    /// The audit trail and Keycloak's events.
    Audit,
}

impl Section {
    /// In navigation order.
    pub const ALL: [Section; 6] = [
        Section::Users,
        Section::Requests,
        Section::Reports,
        Section::Backups,
        Section::Health,
        Section::Audit,
    ];

    /// The action that opens the section.
    pub fn action(self) -> Action {
        match self {
            Section::Users => Action::SearchUsers,
            Section::Requests => Action::FileRequest,
            Section::Reports => Action::ViewReports,
            Section::Backups => Action::ViewBackups,
            Section::Health => Action::ViewHealth,
            Section::Audit => Action::ViewAudit,
        }
    }

    /// The path segment under `/t/{tenant}/`.
    pub fn slug(self) -> &'static str {
        match self {
            Section::Users => "users",
            Section::Requests => "requests",
            Section::Reports => "reports",
            Section::Backups => "backups",
            Section::Health => "health",
            Section::Audit => "audit",
        }
    }

    /// The section's name in the navigation.
    pub fn label(self) -> String {
        t!(format!("nav.{}", self.slug())).to_string()
    }
}

/// A section's page: refused with 403 to a role that may not open it.
#[component]
pub fn SectionPage(section: Section) -> impl IntoView {
    let rights = expect_context::<RightsResource>();
    let tenant = current_tenant();

    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let rights = match rights.await {
                    Ok(rights) => rights,
                    Err(error) => return view! { <ErrorPanel error /> }.into_any(),
                };
                let allowed = tenant
                    .get()
                    .and_then(|t| rights.tenant(&t))
                    .is_some_and(|held| held.can(section.action()));
                if allowed {
                    // TODO(#7) and TODO(#8) reports; TODO(#9) audit.
                    view! {
                        <div>
                            <h1 class="text-2xl font-semibold">{section.label()}</h1>
                            <p class="mt-4 rounded border border-dashed border-slate-300 p-6 \
                            text-slate-600">{t!("section.not_yet").to_string()}</p>
                        </div>
                    }
                        .into_any()
                } else {
                    view! { <ForbiddenPanel /> }.into_any()
                }
            })}
        </Transition>
    }
}
