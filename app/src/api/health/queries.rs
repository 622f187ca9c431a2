//! What each health chart asks of the metrics store: its title, unit and PromQL. Keycloak's
//! own series are read under the job `keycloak_metrics_job` names, so that a Prometheus shared
//! with other Java services charts Keycloak alone.

/// What a chart's queries are made of.
pub struct QueryArgs<'a> {
    /// The tenant's realm, escaped for a label matcher.
    pub tenant: &'a str,
    /// The window of a rate (`60s`).
    pub window: &'a str,
    /// The `job` label of Keycloak's own metrics, escaped.
    pub job: &'a str,
}

/// One chart of the board: its title, unit, and one or more queries whose series it draws.
pub struct ChartDef {
    /// The id, in URLs.
    pub id: &'static str,
    /// The title.
    pub title: &'static str,
    /// The unit of its values.
    pub unit: &'static str,
    /// Whether it shows the tenant alone.
    pub per_tenant: bool,
    /// The name of a series without labels.
    pub fallback: &'static str,
    /// Its PromQL, each query with the name of its series (empty: named by their labels).
    pub query: fn(&QueryArgs) -> Vec<(&'static str, String)>,
}

/// Every chart, in the order the board shows them. Keycloak counts a failed sign-in as the
/// event `login` with its `error` label set (`invalid_user_credentials`, …), a good one with
/// `error` empty.
pub const CHARTS: &[ChartDef] = &[
    ChartDef {
        id: "sign-ins",
        title: "Sign-ins per client",
        unit: "sign-ins per minute",
        per_tenant: true,
        fallback: "every client",
        query: |a| logins(a, "error=\"\""),
    },
    ChartDef {
        id: "sign-in-failures",
        title: "Failed sign-ins per client",
        unit: "failures per minute",
        per_tenant: true,
        fallback: "every client",
        query: |a| logins(a, "error!=\"\""),
    },
    ChartDef {
        id: "sessions",
        title: "Active sessions per client",
        unit: "sessions",
        per_tenant: true,
        fallback: "every client",
        // The console counts them (Keycloak's metrics do not); several instances may each
        // report the same count, hence the max.
        query: |a| {
            let q = format!(
                "max by (client) (ctc_keycloak_sessions{{realm=\"{}\",kind=\"active\"}})",
                a.tenant
            );
            vec![("", q)]
        },
    },
    ChartDef {
        id: "keycloak-latency",
        title: "Keycloak's request latency",
        unit: "ms (mean)",
        per_tenant: false,
        fallback: "mean",
        query: |a| {
            let (job, w) = (a.job, a.window);
            let q = format!(
                "1000 * sum(rate(http_server_requests_seconds_sum{{job=\"{job}\"}}[{w}])) \
                 / sum(rate(http_server_requests_seconds_count{{job=\"{job}\"}}[{w}]))"
            );
            vec![("mean", q)]
        },
    },
    ChartDef {
        id: "keycloak-errors",
        title: "Keycloak's error rate",
        unit: "% of requests",
        per_tenant: false,
        fallback: "errors",
        query: |a| {
            let (job, w) = (a.job, a.window);
            let q = format!(
                "100 * sum by (outcome) (rate(http_server_requests_seconds_count\
                 {{job=\"{job}\",outcome=~\"CLIENT_ERROR|SERVER_ERROR\"}}[{w}])) \
                 / scalar(sum(rate(http_server_requests_seconds_count{{job=\"{job}\"}}[{w}])))"
            );
            vec![("", q)]
        },
    },
    ChartDef {
        id: "jvm-memory",
        title: "Keycloak's JVM memory in use",
        unit: "MiB",
        per_tenant: false,
        fallback: "memory",
        query: |a| {
            let q = format!("sum by (area) (jvm_memory_used_bytes{{job=\"{}\"}}) / 1048576", a.job);
            vec![("", q)]
        },
    },
    ChartDef {
        id: "jvm-gc",
        title: "Keycloak's garbage collection",
        unit: "ms of pause per second",
        per_tenant: false,
        fallback: "pauses",
        query: |a| {
            let q = format!(
                "1000 * sum(rate(jvm_gc_pause_seconds_sum{{job=\"{}\"}}[{}]))",
                a.job, a.window
            );
            vec![("pauses", q)]
        },
    },
    ChartDef {
        id: "database-pool",
        title: "Keycloak's database pool",
        unit: "connections",
        per_tenant: false,
        fallback: "connections",
        query: |a| {
            let of = |metric: &str| format!("sum({metric}{{job=\"{}\"}})", a.job);
            vec![
                ("in use", of("agroal_active_count")),
                ("free", of("agroal_available_count")),
                ("waited for", of("agroal_awaiting_count")),
            ]
        },
    },
];

/// Sign-ins to the tenant per client per minute, good ones or failed ones as `error` matches.
fn logins(a: &QueryArgs, error: &str) -> Vec<(&'static str, String)> {
    let q = format!(
        "60 * sum by (client_id) (rate(keycloak_user_events_total\
         {{job=\"{}\",realm=\"{}\",event=\"login\",{error}}}[{}]))",
        a.job, a.tenant, a.window
    );
    vec![("", q)]
}
