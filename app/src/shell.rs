//! The HTML document, the router and the layout every signed-in page shares.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};
use rust_i18n::t;

use crate::api::rights::get_rights;
use crate::components::layout::Layout;
use crate::pages::{
    BackupsPage, HealthPage, HomePage, ImportPage, NewRequestPage, NewUserPage, NotFoundPage,
    RequestPage, RequestSettingsPage, RequestsPage, Section, SectionPage, SignInPage, TenantPage,
    UserPage, UsersPage,
};

/// The document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <MetaTags />
            </head>
            <body class="bg-slate-50 text-slate-900 antialiased">
                <App />
            </body>
        </html>
    }
}

/// The signed-in person's rights, loaded once per page load and shared by every page.
pub type RightsResource = Resource<Result<crate::policy::EffectiveRights, crate::AppError>>;

/// The application: routes, with the sign-in page outside the signed-in layout.
///
/// Signed-in pages render once their data is in (`SsrMode::Async`): they are small, their data
/// comes from one or two quick calls, and a page that arrives whole hydrates without the
/// out-of-order template swaps that nested suspense boundaries need.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Marks the document once the WASM has taken over, so that browser tests (and people's
    // scripts) know the controls answer; effects run only in the browser.
    Effect::new(|_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/cloudtrust-console.css" />
        <Title text=t!("app.name").to_string() />
        <Router>
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/signin") view=SignInPage />
                <ParentRoute path=path!("") view=SignedIn ssr=SsrMode::Async>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/t/:tenant") view=TenantPage ssr=SsrMode::Async />
                    <Route ssr=SsrMode::Async path=path!("/t/:tenant/users") view=UsersPage />
                    <Route ssr=SsrMode::Async path=path!("/t/:tenant/users/new") view=NewUserPage />
                    <Route ssr=SsrMode::Async path=path!("/t/:tenant/users/:id") view=UserPage />
                    <Route ssr=SsrMode::Async path=path!("/t/:tenant/requests") view=RequestsPage />
                    <Route
                        ssr=SsrMode::Async
                        path=path!("/t/:tenant/requests/new")
                        view=NewRequestPage
                    />
                    <Route
                        ssr=SsrMode::Async
                        path=path!("/t/:tenant/requests/import")
                        view=ImportPage
                    />
                    <Route
                        ssr=SsrMode::Async
                        path=path!("/t/:tenant/requests/settings")
                        view=RequestSettingsPage
                    />
                    <Route
                        ssr=SsrMode::Async
                        path=path!("/t/:tenant/requests/:id")
                        view=RequestPage
                    />
                    <Route
                        ssr=SsrMode::Async
                        path=path!("/t/:tenant/reports")
                        view=|| view! { <SectionPage section=Section::Reports /> }
                    />
                    <Route
                        ssr=SsrMode::Async
                        path=path!("/t/:tenant/backups")
                        view=BackupsPage
                    />
                    <Route
                        ssr=SsrMode::Async
                        path=path!("/t/:tenant/health")
                        view=HealthPage
                    />
                    <Route
                        ssr=SsrMode::Async
                        path=path!("/t/:tenant/audit")
                        view=|| view! { <SectionPage section=Section::Audit /> }
                    />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The layout of every page behind sign-in; loads the rights once for all of them.
#[component]
fn SignedIn() -> impl IntoView {
    let rights: RightsResource = Resource::new(|| (), |_| get_rights());
    provide_context(rights);

    view! {
        <Layout>
            <Outlet />
        </Layout>
    }
}
