//! The console's own metrics, in Prometheus' text format at `/metrics`: requests by route,
//! method and status with their latencies, calls to Keycloak and the metrics store with
//! theirs, job runs, the health checks, the database pool, and the sessions per client of each
//! tenant that Keycloak's own metrics lack.
//!
//! Metrics go through the `metrics` facade (the backend records its upstream calls with it);
//! `metrics-exporter-prometheus` keeps and renders them. Labels never hold a URL, a user or a
//! query: routes are the router's patterns (`/t/{tenant}/users`), so their number is bounded.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing::warn;

/// Latency buckets, in seconds: 5 ms to 30 s.
const BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's recorder, installed the first time it is asked for (once per process, however
/// many routers the tests build); `None` if another recorder was installed first.
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &BUCKETS)
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => {
                    let upkeep = handle.clone();
                    // Histograms are folded in by the upkeep; without a runtime (a unit
                    // test), rendering does it.
                    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                        runtime.spawn(async move {
                            let mut every = tokio::time::interval(Duration::from_secs(5));
                            loop {
                                every.tick().await;
                                upkeep.run_upkeep();
                            }
                        });
                    }
                    Some(handle)
                }
                Err(err) => {
                    warn!(%err, "metrics recorder not installed; /metrics will be empty");
                    None
                }
            }
        })
        .as_ref()
}

/// Counts every request and its latency by route pattern, method and status.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = match request.extensions().get::<MatchedPath>() {
        Some(path) => path.as_str().to_owned(),
        None if request.uri().path().starts_with("/pkg/") => "/pkg/*".to_owned(),
        None => "unmatched".to_owned(),
    };
    let method: &'static str = match request.method().as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    };

    let response = next.run(request).await;

    let status = response.status().as_u16().to_string();
    metrics::counter!(
        "ctc_http_requests_total", "route" => route.clone(), "method" => method, "status" => status
    )
    .increment(1);
    metrics::histogram!("ctc_http_request_duration_seconds", "route" => route, "method" => method)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Counts a job's run and its duration, by outcome.
pub fn job_ran(job: &'static str, started: Instant, ok: bool) {
    let outcome = if ok { "ok" } else { "failed" };
    metrics::counter!("ctc_job_runs_total", "job" => job, "outcome" => outcome).increment(1);
    metrics::histogram!("ctc_job_duration_seconds", "job" => job)
        .record(started.elapsed().as_secs_f64());
}
