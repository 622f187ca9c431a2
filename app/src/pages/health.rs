//! A tenant's health: the status board of every check with since when each is in its state,
//! the changes of state (when something went down and came back), checking again now, and the
//! charts of Keycloak's metrics over a chosen range, each with its numbers as CSV.

mod board;
mod charts;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use rust_i18n::t;

use super::ForbiddenPanel;
use crate::AppError;
use crate::api::health::{
    ChartRange, CheckHealthNow, HealthBoard, HealthCharts, read_health_board, read_health_charts,
};
use crate::components::current_tenant;
use crate::components::error_panel::or_error_panel;
use crate::components::reload::{reload_after, reload_every};
use crate::policy::Action;
use crate::shell::RightsResource;

/// How often the open page reads the board again, in seconds.
const BOARD_EVERY_S: u64 = 15;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
enum BoardView {
    Forbidden,
    Held { tenant: String, board: Result<HealthBoard, AppError> },
}

/// The health of the tenant in the URL.
#[component]
pub fn HealthPage() -> impl IntoView {
    let rights = expect_context::<RightsResource>();
    let tenant = current_tenant();
    let query = use_query_map();
    let range = Memo::new(move |_| {
        query.with(|q| ChartRange {
            preset: q.get("preset").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
        })
    });
    let check_now = ServerAction::<CheckHealthNow>::new();
    let tick = RwSignal::new(0_u32);
    reload_after(check_now, tick);
    reload_every(BOARD_EVERY_S, tick);
    let board = Resource::new(move || (tenant.get(), tick.get()), move |(t, _)| load(rights, t));
    let charts =
        Resource::new(move || (tenant.get(), range.get()), move |(t, r)| load_charts(rights, t, r));

    view! {
        <div class="space-y-8">
            <h1 class="text-2xl font-semibold">{t!("health.title").to_string()}</h1>
            <Transition fallback=|| view! { <p>{t!("error.loading").to_string()}</p> }>
                {move || Suspend::new(async move {
                    or_error_panel(
                        board.await,
                        |view| match view {
                            BoardView::Forbidden => view! { <ForbiddenPanel /> }.into_any(),
                            BoardView::Held { tenant, board } => {
                                or_error_panel(
                                    board,
                                    |board| view! { <board::Board tenant board check_now /> },
                                )
                            }
                        },
                    )
                })}
            </Transition>
            <Transition fallback=|| view! { <p>{t!("error.loading").to_string()}</p> }>
                {move || Suspend::new(async move {
                    or_error_panel(
                        charts.await,
                        |held| match held {
                            None => ().into_any(),
                            Some((tenant, charts)) => {
                                or_error_panel(
                                    charts,
                                    |charts| {
                                        view! { <charts::Charts tenant charts range=range.get() /> }
                                    },
                                )
                            }
                        },
                    )
                })}
            </Transition>
        </div>
    }
}

/// The tenant in the URL when the caller may see its health.
async fn watched(
    rights: RightsResource,
    tenant: Option<String>,
) -> Result<Option<String>, AppError> {
    let rights = rights.await?;
    let held = tenant.and_then(|t| rights.tenant(&t)).filter(|h| h.can(Action::ViewHealth));
    Ok(held.map(|h| h.tenant))
}

async fn load(rights: RightsResource, tenant: Option<String>) -> Result<BoardView, AppError> {
    let Some(tenant) = watched(rights, tenant).await? else {
        return Ok(BoardView::Forbidden);
    };
    let board = read_health_board(tenant.clone()).await;
    Ok(BoardView::Held { tenant, board })
}

/// The charts, or `None` where the board already says the page is not the caller's.
async fn load_charts(
    rights: RightsResource,
    tenant: Option<String>,
    range: ChartRange,
) -> Result<Option<(String, Result<HealthCharts, AppError>)>, AppError> {
    let Some(tenant) = watched(rights, tenant).await? else {
        return Ok(None);
    };
    let charts = read_health_charts(tenant.clone(), range).await;
    Ok(Some((tenant, charts)))
}
