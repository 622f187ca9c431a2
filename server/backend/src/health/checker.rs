//! Runs the checks: every one at once, each under its own timeout, and the tenants' checks a
//! few tenants at a time so that hundreds of realms do not flood Keycloak.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use tower_sessions::session::Id;
use tower_sessions::session_store::SessionStore;
use url::Url;

use super::probes::{keycloak_probe, mail_greeting};
use super::{CheckResult, CheckState};
use crate::keycloak::{KeycloakAdmin, KeycloakError};
use crate::metrics::MetricsStore;
use crate::store::{Prune, Store, StoreError};
use crate::tenants::TenantDirectory;

mod sessions;

/// How many tenants are checked at once.
const TENANTS_AT_ONCE: usize = 8;

/// A run asked for within this long of the last one of the same scope is not run: the
/// stored results are that fresh. Pages and `/health` cannot make the console hammer what it
/// depends on, however often they ask.
const MIN_GAP: Duration = Duration::from_secs(5);

/// Which checks a run covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Keycloak, the database, the session store, the metrics store.
    Global,
    /// The global checks and one tenant's own.
    Tenant(&'a str),
    /// The global checks and every tenant's.
    All,
}

impl Scope<'_> {
    fn key(&self) -> String {
        match self {
            Scope::Global => "global".to_owned(),
            Scope::Tenant(tenant) => format!("tenant:{tenant}"),
            Scope::All => "all".to_owned(),
        }
    }
}

/// How the checks run.
#[derive(Clone, Debug)]
pub struct HealthSettings {
    /// Keycloak's management port (`http://host:9000`), where its own probes answer; without
    /// it, Keycloak is judged by its Admin API alone.
    pub management_url: Option<Url>,
    /// How long one check may take before it counts as down.
    pub timeout: Duration,
    /// How long a result holds; the schedule checks again at this interval.
    pub interval: Duration,
    /// A check that answers but takes longer than this is degraded.
    pub slow: Duration,
}

/// Runs the checks of the console's dependencies.
pub struct HealthChecker {
    keycloak: KeycloakAdmin,
    store: Store,
    tenants: Arc<TenantDirectory>,
    metrics: Option<Arc<dyn MetricsStore>>,
    http: reqwest::Client,
    settings: HealthSettings,
    /// When each scope (all tenants: `None`; one tenant) was last run. Held during a run, so
    /// runs happen one at a time and a caller that waited finds the run it waited for.
    last_runs: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Instant>>>>>,
    /// The clients each tenant had sessions with at the last count, to zero those that no
    /// longer have any.
    session_clients: std::sync::Mutex<HashMap<String, Vec<String>>>,
}

impl HealthChecker {
    /// A checker of these dependencies; `metrics` is `None` when no metrics store is set.
    pub fn new(
        keycloak: KeycloakAdmin,
        store: Store,
        tenants: Arc<TenantDirectory>,
        metrics: Option<Arc<dyn MetricsStore>>,
        settings: HealthSettings,
    ) -> HealthChecker {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        HealthChecker {
            keycloak,
            store,
            tenants,
            metrics,
            http,
            settings,
            last_runs: std::sync::Mutex::new(HashMap::new()),
            session_clients: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Runs the checks of `scope` and stores the results, unless that scope (or every check)
    /// ran less than a few seconds ago. A caller waits only for a run of the same scope that
    /// is under way (and then finds its results), never for another scope's. Answers whether
    /// it ran.
    pub async fn refresh(&self, scope: Scope<'_>) -> Result<bool, StoreError> {
        let fresh = |at: &Option<Instant>| at.is_some_and(|at| at.elapsed() < MIN_GAP);
        if let Ok(all) = self.slot(&Scope::All.key()).try_lock()
            && fresh(&all)
        {
            return Ok(false);
        }
        let slot = self.slot(&scope.key());
        let mut last = slot.lock().await;
        if fresh(&last) {
            return Ok(false);
        }

        let (results, prune) = match scope {
            Scope::Global => (self.run_global().await, Prune::Global),
            Scope::Tenant(tenant) => {
                let (mut global, own) =
                    futures::join!(self.run_global(), self.run_tenant(tenant, false));
                global.extend(own);
                (global, Prune::Tenant(tenant))
            }
            Scope::All => self.run_all().await,
        };

        publish(&results);
        self.store.record_health(&results, prune).await?;
        *last = Some(Instant::now());
        Ok(true)
    }

    /// The lock and last run of one scope.
    fn slot(&self, key: &str) -> Arc<tokio::sync::Mutex<Option<Instant>>> {
        let mut slots = self.last_runs.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        slots.entry(key.to_owned()).or_default().clone()
    }

    /// How long a result holds.
    pub fn interval(&self) -> Duration {
        self.settings.interval
    }

    /// The checks that are not a tenant's own: Keycloak, the database, the session store, the
    /// metrics store.
    pub async fn run_global(&self) -> Vec<CheckResult> {
        let probes = async {
            let Some(management) = &self.settings.management_url else { return Vec::new() };
            let probes = ["ready", "live", "started"].map(|probe| async move {
                let name = format!("keycloak.{probe}");
                let work = keycloak_probe(&self.http, management, probe);
                self.timed(&name, "keycloak", None, true, work).await
            });
            futures::future::join_all(probes).await
        };

        let (admin, database, sessions, metrics, probes) = futures::join!(
            self.timed("keycloak.admin-api", "keycloak", None, true, self.admin_api()),
            self.timed("database", "database", None, true, self.database()),
            self.timed("sessions", "sessions", None, true, self.sessions()),
            self.timed("metrics-store", "metrics", None, false, self.metrics_store()),
            probes,
        );

        let mut checks = vec![admin, database, sessions, metrics];
        checks.extend(probes);
        checks
    }

    /// One tenant's checks: its realm answers the Admin API, then (at once) its mail server
    /// greets, when the realm has one set, and, when `count` asks, its sessions are counted.
    pub async fn run_tenant(&self, tenant: &str, count: bool) -> Vec<CheckResult> {
        let started = Instant::now();
        let mail =
            tokio::time::timeout(self.settings.timeout, self.keycloak.realm_mail_server(tenant));
        let (state, message, server) = match mail.await {
            Ok(Ok(server)) => (CheckState::Up, "the realm answers".to_owned(), server),
            Ok(Err(KeycloakError::NotFound { .. })) => {
                (CheckState::Down, "the realm no longer exists".to_owned(), None)
            }
            Ok(Err(err)) => (CheckState::Down, keycloak_words(&err), None),
            Err(_) => (CheckState::Down, self.too_slow(), None),
        };
        let name = format!("tenant.{tenant}.realm");
        let realm = self.result(&name, "realm", Some(tenant), false, state, message, started);

        let realm_up = realm.state != CheckState::Down;
        let sessions = async {
            if count {
                self.count_sessions(tenant, realm_up).await;
            }
        };
        let greeting = async {
            let server = server?;
            // Connecting and reading the greeting share the check's time.
            let half = self.settings.timeout / 2;
            let work = mail_greeting(&server.host, server.port, server.ssl, half);
            let name = format!("tenant.{tenant}.mail");
            Some(self.timed(&name, "mail", Some(tenant), false, work).await)
        };
        let ((), mail) = futures::join!(sessions, greeting);

        let mut checks = vec![realm];
        checks.extend(mail);
        checks
    }

    /// Every check: the global ones and each tenant's (a few tenants at a time, their
    /// sessions counted). When Keycloak cannot list its realms in time, the tenants checked
    /// are those checked before, and no tenant's results are let go.
    pub async fn run_all(&self) -> (Vec<CheckResult>, Prune<'static>) {
        let listed = tokio::time::timeout(self.settings.timeout, self.tenants.all()).await;
        let (tenants, prune) = match listed {
            Ok(Ok(tenants)) => {
                self.forget_sessions_except(&tenants);
                (tenants.to_vec(), Prune::All)
            }
            _ => (self.store.health_tenants().await.unwrap_or_default(), Prune::Global),
        };
        let checked = futures::stream::iter(tenants)
            .map(|tenant| async move { self.run_tenant(&tenant, true).await })
            .buffer_unordered(TENANTS_AT_ONCE)
            .concat();

        let (mut global, tenants) = futures::join!(self.run_global(), checked);

        global.extend(tenants);
        (global, prune)
    }

    async fn admin_api(&self) -> (CheckState, String) {
        match self.keycloak.list_realms().await {
            Ok(_) => (CheckState::Up, "the service account signs in and reads".to_owned()),
            Err(err) => (CheckState::Down, keycloak_words(&err)),
        }
    }

    async fn database(&self) -> (CheckState, String) {
        match self.store.ping().await {
            Ok(()) => (CheckState::Up, format!("{:?} answers", self.store.dialect())),
            Err(err) => (CheckState::Down, format!("does not answer: {}", store_words(&err))),
        }
    }

    async fn sessions(&self) -> (CheckState, String) {
        // Reading a session that does not exist goes through the session table itself.
        match self.store.sessions().load(&Id::default()).await {
            Ok(_) => (CheckState::Up, "the session table answers".to_owned()),
            Err(err) => (CheckState::Down, format!("the session table does not answer: {err}")),
        }
    }

    async fn metrics_store(&self) -> (CheckState, String) {
        let Some(metrics) = &self.metrics else {
            return (CheckState::Degraded, "no metrics store is set: charts are off".to_owned());
        };
        match metrics.check().await {
            Ok(words) => (CheckState::Up, format!("{} {words}", metrics.kind())),
            Err(err) => (CheckState::Down, err.to_string()),
        }
    }

    /// Runs `work` under the timeout and makes its result; a slow success is degraded.
    async fn timed(
        &self,
        name: &str,
        kind: &str,
        tenant: Option<&str>,
        required: bool,
        work: impl Future<Output = (CheckState, String)>,
    ) -> CheckResult {
        let started = Instant::now();
        let (state, message) = match tokio::time::timeout(self.settings.timeout, work).await {
            Ok(outcome) => outcome,
            Err(_) => (CheckState::Down, self.too_slow()),
        };
        self.result(name, kind, tenant, required, state, message, started)
    }

    #[allow(clippy::too_many_arguments)]
    fn result(
        &self,
        name: &str,
        kind: &str,
        tenant: Option<&str>,
        required: bool,
        mut state: CheckState,
        mut message: String,
        started: Instant,
    ) -> CheckResult {
        let took = started.elapsed();
        if state == CheckState::Up && took > self.settings.slow {
            state = CheckState::Degraded;
            message = format!("{message}; slow: {} ms", took.as_millis());
        }
        let now = crate::store::now_ms();
        CheckResult {
            name: name.to_owned(),
            kind: kind.to_owned(),
            tenant: tenant.map(str::to_owned),
            required,
            state,
            duration_ms: took.as_millis() as i64,
            message,
            checked_at_ms: now,
            valid_until_ms: now + self.settings.interval.as_millis() as i64,
        }
    }

    fn too_slow(&self) -> String {
        format!("no answer within {} s", self.settings.timeout.as_secs_f32())
    }
}

/// Each check's state as `ctc_health_check_up` (1 up or degraded, 0 down) and its duration.
fn publish(results: &[CheckResult]) {
    for result in results {
        let up = if result.state == CheckState::Down { 0.0 } else { 1.0 };
        metrics::gauge!("ctc_health_check_up", "check" => result.name.clone()).set(up);
        metrics::gauge!("ctc_health_check_duration_seconds", "check" => result.name.clone())
            .set(result.duration_ms as f64 / 1000.0);
    }
}

/// A Keycloak failure in words for the board: the kind of failure, never a body.
fn keycloak_words(err: &KeycloakError) -> String {
    match err {
        KeycloakError::Credentials { .. } => "the service account cannot sign in".to_owned(),
        KeycloakError::Forbidden { .. } => "the service account is not allowed to read".to_owned(),
        KeycloakError::Timeout { .. } => "Keycloak did not answer in time".to_owned(),
        KeycloakError::Unavailable { .. } => "Keycloak cannot be reached".to_owned(),
        KeycloakError::NotFound { .. } => "not found".to_owned(),
        KeycloakError::Conflict { .. }
        | KeycloakError::InvalidInput { .. }
        | KeycloakError::Unexpected { .. } => "Keycloak gave an unexpected answer".to_owned(),
    }
}

/// A database failure in words, without its connection string.
fn store_words(err: &StoreError) -> String {
    match err {
        StoreError::Database(sqlx::Error::PoolTimedOut) => "no connection free in time".to_owned(),
        StoreError::Database(sqlx::Error::Io(e)) => format!("connection failed ({})", e.kind()),
        StoreError::Database(sqlx::Error::Database(_)) => "refused the query".to_owned(),
        StoreError::Database(_) => "the database failed".to_owned(),
        StoreError::UnsupportedUrl { .. } => "an unsupported database".to_owned(),
        StoreError::Migration(_) => "a migration failed".to_owned(),
        StoreError::AppendOnly => "refused a change".to_owned(),
    }
}
