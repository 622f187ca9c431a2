//! What every handler shares: the settings, the database, the identity provider, and the
//! services server functions receive as context.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use cloudtrust_app::ssr::ServerContext;
use cloudtrust_backend::backup::Vault;
use cloudtrust_backend::health::{HealthChecker, HealthSettings};
use cloudtrust_backend::keycloak::{KeycloakAdmin, KeycloakSettings};
use cloudtrust_backend::metrics::{MetricsStore, Prometheus};
use cloudtrust_backend::realm_facts::RealmFactsCache;
use cloudtrust_backend::store::Store;
use cloudtrust_backend::tenants::TenantDirectory;
use leptos::config::LeptosOptions;

use crate::auth::OidcProvider;
use crate::config::Config;

/// How long the list of tenant realms is trusted before Keycloak is asked again.
const TENANT_LIST_TTL: Duration = Duration::from_secs(30);

/// How long a tenant's brute-force and event settings are trusted by the user list.
const REALM_FACTS_TTL: Duration = Duration::from_secs(30);

/// A health check that answers but takes longer than this is degraded.
const SLOW_CHECK: Duration = Duration::from_secs(2);

/// The server's shared state.
pub struct AppState {
    /// The settings read at start.
    pub config: Config,
    /// The console's database.
    pub store: Store,
    /// The identity provider people sign in with.
    pub oidc: OidcProvider,
    /// Leptos' own settings (site address, package names).
    pub leptos: LeptosOptions,
    /// What server functions and pages receive as context.
    pub services: ServerContext,
    /// The rate shared by `/health` and `/metrics` on this instance.
    pub probes: governor::DefaultDirectRateLimiter,
}

impl AppState {
    /// Opens the database (applying migrations) and builds the clients. Nothing is asked of
    /// Keycloak yet, so a Keycloak that is down does not stop the start.
    pub async fn new(config: Config, leptos: LeptosOptions) -> anyhow::Result<Arc<AppState>> {
        // The recorder first, so that the first calls to Keycloak are counted too.
        crate::telemetry::handle();
        let store = Store::open(config.database_url.expose()).await.context("CTC_DATABASE_URL")?;
        let keycloak = KeycloakAdmin::new(KeycloakSettings {
            base_url: config.keycloak_url.clone(),
            realm: config.admin_realm.clone(),
            client_id: config.admin_client_id.clone(),
            client_secret: config.admin_client_secret.clone(),
            timeout: config.keycloak_timeout(),
        })?;
        let oidc = OidcProvider::new(&config)?;
        let tenants =
            TenantDirectory::new(keycloak.clone(), config.never_tenants(), TENANT_LIST_TTL);
        let realm_facts = RealmFactsCache::new(keycloak.clone(), REALM_FACTS_TTL);
        let vault = Vault::new(config.backup_dir.clone(), config.backup_key_dir.clone())
            .context("CTC_BACKUP_KEY_DIR")?;
        let tenants = Arc::new(tenants);
        let metrics = match &config.metrics_url {
            Some(url) => {
                let store = Prometheus::new(url.0.clone(), config.health_timeout())
                    .context("CTC_METRICS_URL")?;
                Some(Arc::new(store) as Arc<dyn MetricsStore>)
            }
            None => None,
        };
        let health = HealthChecker::new(
            keycloak.clone(),
            store.clone(),
            tenants.clone(),
            metrics.clone(),
            HealthSettings {
                management_url: config.keycloak_management_url.clone(),
                timeout: config.health_timeout(),
                interval: config.health_interval(),
                slow: SLOW_CHECK,
            },
        );
        let services = ServerContext {
            keycloak,
            store: store.clone(),
            tenants,
            realm_facts: Arc::new(realm_facts),
            console_realm: config.oidc_realm.clone(),
            instance: uuid::Uuid::new_v4().to_string(),
            vault,
            health: Arc::new(health),
            metrics,
            keycloak_metrics_job: config.keycloak_metrics_job.clone(),
        };

        let probes = crate::health::probe_limiter();
        Ok(Arc::new(AppState { config, store, oidc, leptos, services, probes }))
    }
}
