//! One page per route. Pages behind sign-in read the rights the layout loaded; the server checks
//! every call again.

mod backups;
mod health;
mod home;
mod import;
mod new_request;
mod new_user;
mod not_found;
mod request;
mod request_settings;
mod requests;
mod section;
mod signin;
mod tenant;
mod user;
mod users;

pub use backups::BackupsPage;
pub use health::HealthPage;
pub use home::HomePage;
pub use import::ImportPage;
pub use new_request::NewRequestPage;
pub use new_user::NewUserPage;
pub use not_found::{ForbiddenPanel, NotFoundPage};
pub use request::RequestPage;
pub use request_settings::RequestSettingsPage;
pub use requests::RequestsPage;
pub use section::{Section, SectionPage};
pub use signin::SignInPage;
pub use tenant::TenantPage;
pub use user::UserPage;
pub use users::UsersPage;

use crate::policy::Action;

/// Who may open a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageAccess {
    /// Anyone, signed in or not.
    Public,
    /// Anyone signed in with a console role.
    SignedIn,
    /// Whoever may run the action on the tenant in the path.
    Tenant(Action),
}

/// Every page route and who may open it. A test compares it with the routes the router
/// really serves.
pub const PAGES: &[(&str, PageAccess)] = &[
    ("/signin", PageAccess::Public),
    ("/", PageAccess::SignedIn),
    ("/t/{tenant}", PageAccess::Tenant(Action::ViewTenant)),
    ("/t/{tenant}/users", PageAccess::Tenant(Action::SearchUsers)),
    ("/t/{tenant}/users/new", PageAccess::Tenant(Action::CreateUser)),
    ("/t/{tenant}/users/{id}", PageAccess::Tenant(Action::ViewUser)),
    ("/t/{tenant}/requests", PageAccess::Tenant(Action::FileRequest)),
    ("/t/{tenant}/requests/new", PageAccess::Tenant(Action::FileRequest)),
    ("/t/{tenant}/requests/import", PageAccess::Tenant(Action::ImportUsers)),
    ("/t/{tenant}/requests/settings", PageAccess::Tenant(Action::FileRequest)),
    ("/t/{tenant}/requests/{id}", PageAccess::Tenant(Action::FileRequest)),
    ("/t/{tenant}/reports", PageAccess::Tenant(Action::ViewReports)),
    ("/t/{tenant}/backups", PageAccess::Tenant(Action::ViewBackups)),
    ("/t/{tenant}/health", PageAccess::Tenant(Action::ViewHealth)),
    ("/t/{tenant}/audit", PageAccess::Tenant(Action::ViewAudit)),
];

/// Sets the HTTP status of the page being rendered on the server; does nothing in the browser.
pub fn set_page_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = axum::http::StatusCode::from_u16(status)
    {
        options.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

#[cfg(test)]
mod tests {
    use super::{PAGES, PageAccess, Section};

    #[test]
    fn each_section_page_is_catalogued_with_the_action_that_opens_it() {
        for section in Section::ALL {
            let path = format!("/t/{{tenant}}/{}", section.slug());

            let access = PAGES.iter().find(|(p, _)| *p == path).map(|(_, a)| *a);

            assert_eq!(access, Some(PageAccess::Tenant(section.action())), "{path}");
        }
    }
}
