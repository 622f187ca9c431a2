//! The numbers behind a health chart, as CSV: `time` (UTC, RFC 3339), `series`, `value`, one
//! row per point, a gap written as an empty value (never as zero), for the same range and
//! queries the chart drew. A series is named after a client, which a tenant admin names: a
//! name a spreadsheet would run as a formula is prefixed with `'`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cloudtrust_app::api::health::ChartRange;
use cloudtrust_app::api::health::charts::{chart_def, chart_lines, time_range};
use cloudtrust_app::policy::Action;
use cloudtrust_backend::import::neutralise_formula;
use time::format_description::well_known::Rfc3339;
use tower_sessions::Session;
use tracing::warn;

use crate::import::allowed;
use crate::state::AppState;

/// `GET /export/t/{tenant}/health/{chart}/series.csv?preset=…&from=…&to=…`.
pub async fn series_csv(
    State(state): State<Arc<AppState>>,
    session: Session,
    headers: HeaderMap,
    Path((tenant, chart)): Path<(String, String)>,
    Query(range): Query<ChartRange>,
) -> Response {
    if allowed(&state, &session, &headers, &tenant, Action::ViewHealth).await.is_none() {
        return (StatusCode::FORBIDDEN, "You do not have access to this.").into_response();
    }
    let Some(def) = chart_def(&chart) else {
        return (StatusCode::NOT_FOUND, format!("There is no chart {chart:?}.")).into_response();
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let grid = match time_range(&range, now) {
        Ok(grid) => grid,
        Err(err) => {
            let field = err.field.unwrap_or_default();
            return (StatusCode::BAD_REQUEST, format!("{} ({field})", err.message)).into_response();
        }
    };
    let Some(store) = state.services.metrics.clone() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "No metrics store is set: charts are off.")
            .into_response();
    };

    let job = &state.services.keycloak_metrics_job;
    let lines = match chart_lines(store.as_ref(), def, &tenant, job, &grid).await {
        Ok(lines) => lines,
        Err(err) => {
            warn!(%err, chart, "chart download: metrics store failed");
            return (StatusCode::BAD_GATEWAY, err.to_string()).into_response();
        }
    };

    let Some(bytes) = csv_of(&lines) else {
        warn!(chart, "chart download could not be written");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };

    let name = format!("attachment; filename=\"{tenant}-{chart}.csv\"");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The lines' points as CSV rows under their header.
fn csv_of(lines: &[cloudtrust_app::charts::Line]) -> Option<Vec<u8>> {
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(["time", "series", "value"]).ok()?;
    for line in lines {
        let name = neutralise_formula(&line.name);
        for point in &line.points {
            let at = time::OffsetDateTime::from_unix_timestamp(point.t).ok()?;
            let value = point.v.map(|v| v.to_string()).unwrap_or_default();
            csv.write_record([at.format(&Rfc3339).ok()?.as_str(), &name, &value]).ok()?;
        }
    }
    csv.into_inner().ok()
}
