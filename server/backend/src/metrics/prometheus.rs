//! The Prometheus HTTP query API (`/api/v1/query_range`), as Prometheus, VictoriaMetrics,
//! Thanos and Mimir serve it. The base URL may carry a path prefix (`…/prometheus`) and basic
//! credentials; neither reaches an error message.
//!
//! TODO(#6): a tenant header (Mimir's `X-Scope-OrgID`), a bearer token and a CA of one's own;
//! basic credentials in the URL are all a store can be given for now.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde::Deserialize;
use url::Url;

use super::{MetricsError, MetricsStore, Series, TimeRange};

/// A store that speaks the Prometheus HTTP query API.
#[derive(Clone)]
pub struct Prometheus {
    http: reqwest::Client,
    base_url: Url,
    timeout: Duration,
}

impl std::fmt::Debug for Prometheus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut shown = self.base_url.clone();
        let _ = shown.set_password(None);
        let _ = shown.set_username("");
        f.debug_struct("Prometheus").field("base_url", &shown.as_str()).finish()
    }
}

impl Prometheus {
    /// A client of the store at `base_url`; each query may take `timeout`.
    pub fn new(base_url: Url, timeout: Duration) -> Result<Prometheus, MetricsError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(3)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| MetricsError::Unexpected { reason: e.without_url().to_string() })?;
        Ok(Prometheus { http, base_url, timeout })
    }

    fn endpoint(&self, path: &[&str]) -> Url {
        let mut url = self.base_url.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().extend(path);
        }
        url
    }

    async fn get(&self, path: &[&str], query: &[(&str, String)]) -> Result<Data, MetricsError> {
        let started = Instant::now();
        let answer = self.http.get(self.endpoint(path)).query(query).send().await;
        let outcome = match &answer {
            Ok(response) if response.status().is_success() => "ok",
            Ok(_) => "refused",
            Err(_) => "unreachable",
        };
        metrics::histogram!("ctc_upstream_request_duration_seconds", "upstream" => "metrics-store")
            .record(started.elapsed().as_secs_f64());
        metrics::counter!(
            "ctc_upstream_requests_total", "upstream" => "metrics-store", "outcome" => outcome
        )
        .increment(1);

        let response = answer.map_err(|e| self.transport(e))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| self.transport(e))?;
        let parsed: Answer = serde_json::from_slice(&body).map_err(|e| {
            if status.is_success() {
                MetricsError::Unexpected { reason: format!("not the query API's JSON ({e})") }
            } else {
                MetricsError::Refused { status: status.as_u16(), message: format!("{status}") }
            }
        })?;
        match parsed {
            Answer { status: s, data: Some(data), .. } if s == "success" => Ok(data),
            Answer { error_type, error, .. } => Err(MetricsError::Refused {
                status: status.as_u16(),
                message: format!(
                    "{}: {}",
                    error_type.unwrap_or_else(|| "error".into()),
                    error.unwrap_or_default()
                ),
            }),
        }
    }

    fn transport(&self, err: reqwest::Error) -> MetricsError {
        if err.is_timeout() {
            return MetricsError::Timeout { seconds: self.timeout.as_secs().max(1) };
        }
        let reason = if err.is_connect() {
            "connection refused or no route".to_owned()
        } else {
            err.without_url().to_string()
        };
        MetricsError::Unreachable { reason }
    }
}

#[async_trait]
impl MetricsStore for Prometheus {
    fn kind(&self) -> &'static str {
        "prometheus"
    }

    async fn query_range(
        &self,
        query: &str,
        range: &TimeRange,
    ) -> Result<Vec<Series>, MetricsError> {
        let params = [
            ("query", query.to_owned()),
            ("start", range.start_s.to_string()),
            ("end", range.end_s.to_string()),
            ("step", format!("{}s", range.step_s)),
        ];

        let data = self.get(&["api", "v1", "query_range"], &params).await?;

        series_of(data, range)
    }

    async fn check(&self) -> Result<String, MetricsError> {
        let started = Instant::now();
        let data = self.get(&["api", "v1", "query"], &[("query", "vector(1)".into())]).await?;
        if data.result_type != "vector" {
            return Err(MetricsError::Unexpected {
                reason: format!("a {} where a vector was expected", data.result_type),
            });
        }
        Ok(format!("answers queries ({} ms)", started.elapsed().as_millis()))
    }
}

/// The answer's envelope: `success` with data, or `error` with its type and message.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    status: String,
    data: Option<Data>,
    error_type: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    result_type: String,
    #[serde(default)]
    result: Vec<serde_json::Value>,
}

/// One series of a matrix: labels and `[instant, "value"]` pairs.
#[derive(Deserialize)]
struct Matrix {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<(f64, String)>,
}

/// The matrix answer as series on the range's grid. A value Prometheus writes as `NaN`,
/// `+Inf` or `-Inf` becomes a gap.
fn series_of(data: Data, range: &TimeRange) -> Result<Vec<Series>, MetricsError> {
    if data.result_type != "matrix" {
        return Err(MetricsError::Unexpected {
            reason: format!("a {} where a matrix was expected", data.result_type),
        });
    }
    data.result
        .into_iter()
        .map(|raw| {
            let matrix: Matrix = serde_json::from_value(raw)
                .map_err(|e| MetricsError::Unexpected { reason: format!("a series: {e}") })?;
            let values = matrix.values.into_iter().map(|(t, v)| (t, parse_value(&v)));
            Ok(Series::on_grid(matrix.metric, values, range))
        })
        .collect()
}

fn parse_value(text: &str) -> f64 {
    match text {
        "NaN" | "+Inf" | "-Inf" | "Inf" => f64::NAN,
        other => other.parse().unwrap_or(f64::NAN),
    }
}

#[cfg(test)]
mod tests {
    use super::{Answer, TimeRange, series_of};

    fn answer(json: &str) -> Answer {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_matrix_becomes_series_on_the_grid_with_nan_and_holes_as_gaps() {
        let range = TimeRange { start_s: 0, end_s: 45, step_s: 15 };
        let parsed = answer(
            r#"{"status":"success","data":{"resultType":"matrix","result":[
              {"metric":{"client_id":"web"},"values":[[0,"3"],[15,"NaN"],[45,"0"]]},
              {"metric":{"client_id":"app"},"values":[]}]}}"#,
        );

        let series = series_of(parsed.data.unwrap(), &range).unwrap();

        let web: Vec<Option<f64>> = series[0].points.iter().map(|p| p.v).collect();
        assert_eq!(web, [Some(3.0), None, None, Some(0.0)]);
        assert_eq!(series[0].labels["client_id"], "web");
        assert!(!series[1].has_values(), "a series without values is kept, empty");
    }

    #[test]
    fn an_answer_that_is_not_a_matrix_is_refused_by_name() {
        let range = TimeRange { start_s: 0, end_s: 45, step_s: 15 };
        let parsed =
            answer(r#"{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}"#);

        let err = series_of(parsed.data.unwrap(), &range).unwrap_err();

        assert!(err.to_string().contains("a scalar where a matrix was expected"), "{err}");
    }

    #[test]
    fn an_error_answer_keeps_its_type_and_message() {
        let parsed =
            answer(r#"{"status":"error","errorType":"bad_data","error":"parse error at char 4"}"#);

        assert_eq!(parsed.status, "error");
        assert_eq!(parsed.error_type.as_deref(), Some("bad_data"));
        assert!(parsed.data.is_none());
    }
}
