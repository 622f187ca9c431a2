//! The Prometheus client against the real Prometheus that `server/dev/test` starts
//! (`CTC_TEST_PROMETHEUS_URL`), which scrapes the demo Keycloak.

use std::time::Duration;

use url::Url;

use super::{MetricsError, MetricsStore, Prometheus, TimeRange};

fn prometheus() -> Option<Prometheus> {
    let Ok(url) = std::env::var("CTC_TEST_PROMETHEUS_URL") else {
        eprintln!("CTC_TEST_PROMETHEUS_URL not set: test against the real Prometheus skipped");
        return None;
    };
    Some(Prometheus::new(Url::parse(&url).unwrap(), Duration::from_secs(5)).unwrap())
}

#[tokio::test]
async fn a_range_query_gives_keycloaks_series_on_the_grid_of_the_range() {
    let Some(store) = prometheus() else { return };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let range = TimeRange::with_points(now - 600, now, 40, 15);

    let series = store.query_range("up", &range).await.unwrap();

    let keycloak =
        series.iter().find(|s| s.labels.get("job").map(String::as_str) == Some("keycloak"));
    assert!(keycloak.expect("Prometheus scrapes Keycloak").has_values(), "{series:?}");
    assert!(series.iter().all(|s| s.points.len() == range.steps()));
}

#[tokio::test]
async fn a_bad_query_is_refused_in_the_stores_own_words() {
    let Some(store) = prometheus() else { return };
    let range = TimeRange { start_s: 1_700_000_000, end_s: 1_700_000_600, step_s: 60 };

    let err = store.query_range("sum(", &range).await.unwrap_err();

    assert!(matches!(err, MetricsError::Refused { status: 400, .. }), "{err:?}");
    assert!(err.to_string().contains("bad_data"), "{err}");
}

#[tokio::test]
async fn a_store_that_is_not_there_is_unreachable_and_its_address_is_not_in_the_error() {
    let store = Prometheus::new(
        Url::parse("http://user:hunter2@127.0.0.1:9/prometheus").unwrap(),
        Duration::from_secs(2),
    )
    .unwrap();

    let err = store.check().await.unwrap_err();

    assert!(matches!(err, MetricsError::Unreachable { .. }), "{err:?}");
    assert!(!err.to_string().contains("hunter2") && !err.to_string().contains("127.0.0.1"));
    assert!(!format!("{store:?}").contains("hunter2"), "Debug hides the password");
}
