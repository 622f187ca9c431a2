//! Components shared by the pages: the layout and its parts, and the panels every page uses.

pub mod access_picker;
pub mod error_panel;
pub mod format;
pub mod layout;
pub mod nav;
pub mod reload;
pub mod role_picker;
pub mod tenant_switcher;
pub mod user_menu;

use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The tenant in the current URL (`/t/{tenant}/...`), if any.
pub fn current_tenant() -> Memo<Option<String>> {
    let location = use_location();
    Memo::new(move |_| tenant_of_path(&location.pathname.get()))
}

/// The tenant segment of a console path.
pub fn tenant_of_path(path: &str) -> Option<String> {
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next()) {
        (Some("t"), Some(tenant)) if !tenant.is_empty() => Some(tenant.to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::tenant_of_path;

    #[test]
    fn the_tenant_is_the_segment_after_t() {
        assert_eq!(tenant_of_path("/t/acme/users").as_deref(), Some("acme"));
        assert_eq!(tenant_of_path("/t/globex").as_deref(), Some("globex"));
        assert_eq!(tenant_of_path("/t/"), None);
        assert_eq!(tenant_of_path("/signin"), None);
    }
}
