//! The server's settings: defaults, then a TOML file, then `CTC_*` environment variables.
//!
//! Secrets can also come from files: `CTC_OIDC_CLIENT_SECRET_FILE` and the like name a file whose
//! content is the secret, for container secrets. Start-up reads everything once and stops with one
//! error naming the setting at fault. `Debug` never shows a secret.

use std::path::PathBuf;
use std::time::Duration;

use cloudtrust_backend::Secret;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use url::Url;

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Readable lines, for a terminal.
    Pretty,
    /// One JSON object per line, for a log pipeline.
    Json,
}

/// Every setting of the server.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The address people reach the console at; sign-in redirects come back here. `https`
    /// makes cookies `Secure`.
    pub public_url: Url,
    /// The console's database: `sqlite://path/console.db` (the default, created when missing) or
    /// `postgres://user@host/db`.
    pub database_url: Secret,
    /// Keycloak's base URL, as the server reaches it.
    pub keycloak_url: Url,
    /// The realm people sign in to the console with.
    pub oidc_realm: String,
    /// The console's OIDC client in that realm.
    pub oidc_client_id: String,
    /// That client's secret.
    pub oidc_client_secret: Secret,
    /// The ID-token claim listing the person's console groups.
    pub access_claim: String,
    /// The realm of the service account the server administers tenants with.
    pub admin_realm: String,
    /// The service account's client id.
    pub admin_client_id: String,
    /// The service account's client secret.
    pub admin_client_secret: Secret,
    /// Realms that are never tenants. `master` and the console's own realm are always added.
    pub excluded_realms: Vec<String>,
    /// How long one call to Keycloak may take, in seconds.
    pub keycloak_timeout_secs: u64,
    /// A session ends after this many minutes without a request.
    pub session_idle_minutes: i64,
    /// How logs are written.
    pub log_format: LogFormat,
    /// Where backups are written, one folder per tenant (local or mounted).
    pub backup_dir: PathBuf,
    /// Where each tenant's backup key is read from (`<tenant>.key`); outside `backup_dir`.
    /// Without it, keys come only from `CTC_BACKUP_KEY_<TENANT>`.
    pub backup_key_dir: Option<PathBuf>,
    /// The metrics store the health charts read, speaking the Prometheus HTTP API
    /// (Prometheus, VictoriaMetrics, Thanos, Mimir; a path prefix and basic credentials may be
    /// part of it). Without it, the charts say they are off.
    pub metrics_url: Option<CredentialedUrl>,
    /// Keycloak's management port (`http://host:9000`), where its own health probes answer.
    /// Without it, Keycloak is judged by its Admin API alone.
    pub keycloak_management_url: Option<Url>,
    /// The `job` label Prometheus gives Keycloak's own metrics, so that the charts of the
    /// shared Keycloak read Keycloak's and no other Java service's.
    pub keycloak_metrics_job: String,
    /// When set, `/metrics` answers only a request carrying `Authorization: Bearer <token>`:
    /// its series name tenants and clients.
    pub metrics_token: Secret,
    /// Seconds between two scheduled runs of the health checks; a result holds that long.
    pub health_interval_secs: u64,
    /// Seconds one health check may take before it counts as down.
    pub health_timeout_secs: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            public_url: Url::parse("http://127.0.0.1:3000").expect("a valid default URL"),
            database_url: Secret::new("sqlite://data/console.db"),
            keycloak_url: Url::parse("http://127.0.0.1:8180").expect("a valid default URL"),
            oidc_realm: "console".into(),
            oidc_client_id: "cloudtrust-console".into(),
            oidc_client_secret: Secret::default(),
            access_claim: "console_access".into(),
            admin_realm: "master".into(),
            admin_client_id: "cloudtrust-console-service".into(),
            admin_client_secret: Secret::default(),
            excluded_realms: Vec::new(),
            keycloak_timeout_secs: 10,
            session_idle_minutes: 60,
            log_format: LogFormat::Pretty,
            backup_dir: PathBuf::from("data/backups"),
            backup_key_dir: None,
            metrics_url: None,
            keycloak_management_url: None,
            keycloak_metrics_job: "keycloak".into(),
            metrics_token: Secret::default(),
            health_interval_secs: 30,
            health_timeout_secs: 5,
        }
    }
}

// Figment starts from the defaults serialised; secrets serialise as their value only here.
impl Serialize for Config {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Config", 22)?;
        st.serialize_field("public_url", &self.public_url)?;
        st.serialize_field("database_url", self.database_url.expose())?;
        st.serialize_field("keycloak_url", &self.keycloak_url)?;
        st.serialize_field("oidc_realm", &self.oidc_realm)?;
        st.serialize_field("oidc_client_id", &self.oidc_client_id)?;
        st.serialize_field("oidc_client_secret", self.oidc_client_secret.expose())?;
        st.serialize_field("access_claim", &self.access_claim)?;
        st.serialize_field("admin_realm", &self.admin_realm)?;
        st.serialize_field("admin_client_id", &self.admin_client_id)?;
        st.serialize_field("admin_client_secret", self.admin_client_secret.expose())?;
        st.serialize_field("excluded_realms", &self.excluded_realms)?;
        st.serialize_field("keycloak_timeout_secs", &self.keycloak_timeout_secs)?;
        st.serialize_field("session_idle_minutes", &self.session_idle_minutes)?;
        st.serialize_field("log_format", &self.log_format)?;
        st.serialize_field("backup_dir", &self.backup_dir)?;
        st.serialize_field("backup_key_dir", &self.backup_key_dir)?;
        st.serialize_field("metrics_url", &self.metrics_url)?;
        st.serialize_field("keycloak_management_url", &self.keycloak_management_url)?;
        st.serialize_field("keycloak_metrics_job", &self.keycloak_metrics_job)?;
        st.serialize_field("metrics_token", self.metrics_token.expose())?;
        st.serialize_field("health_interval_secs", &self.health_interval_secs)?;
        st.serialize_field("health_timeout_secs", &self.health_timeout_secs)?;
        st.end()
    }
}

/// The settings that may come from a `*_FILE` variable instead.
const SECRET_SETTINGS: [&str; 4] =
    ["oidc_client_secret", "admin_client_secret", "database_url", "metrics_token"];

/// A URL that may carry credentials (`https://user:password@host/`); `Debug` shows it with
/// the password replaced, so that the settings logged at start hold no secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CredentialedUrl(pub Url);

impl std::fmt::Debug for CredentialedUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut shown = self.0.clone();
        if shown.password().is_some() {
            let _ = shown.set_password(Some("redacted"));
        }
        write!(f, "{:?}", shown.as_str())
    }
}

/// A setting that is missing or wrong, named.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file or the environment could not be read as settings.
    #[error("configuration: {0}")]
    Parse(#[from] Box<figment::Error>),
    /// A `*_FILE` variable names a file that cannot be read.
    #[error("configuration: {variable} names {path:?}, which cannot be read: {source}")]
    SecretFile {
        /// The variable.
        variable: String,
        /// The file it names.
        path: PathBuf,
        /// Why it cannot be read.
        source: std::io::Error,
    },
    /// A setting has a value the server cannot use.
    #[error("configuration: {setting} {problem}")]
    Invalid {
        /// The setting (as its environment variable).
        setting: &'static str,
        /// What is wrong with it.
        problem: String,
    },
}

impl Config {
    /// Reads the settings: defaults, then the file named by `CTC_CONFIG` (or
    /// `cloudtrust-console.toml` when present), then `CTC_*` variables, then `CTC_*_FILE` secrets.
    pub fn load() -> Result<Config, ConfigError> {
        let file = std::env::var("CTC_CONFIG").unwrap_or_else(|_| "cloudtrust-console.toml".into());
        let figment = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(&file))
            .merge(Env::prefixed("CTC_").only(&KNOWN));
        let mut config: Config = figment.extract().map_err(Box::new)?;

        config.read_secret_files()?;
        config.validate()?;
        Ok(config)
    }

    /// How long one call to Keycloak may take.
    pub fn keycloak_timeout(&self) -> Duration {
        Duration::from_secs(self.keycloak_timeout_secs)
    }

    /// How long one health check may take.
    pub fn health_timeout(&self) -> Duration {
        Duration::from_secs(self.health_timeout_secs)
    }

    /// How often the health checks run, and how long a result holds.
    pub fn health_interval(&self) -> Duration {
        Duration::from_secs(self.health_interval_secs)
    }

    /// Whether cookies must be `Secure` (anywhere but plain-HTTP development).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// The realms that are never tenants.
    pub fn never_tenants(&self) -> Vec<String> {
        let mut realms = self.excluded_realms.clone();
        realms.extend(["master".to_owned(), self.oidc_realm.clone(), self.admin_realm.clone()]);
        realms.sort();
        realms.dedup();
        realms
    }

    fn read_secret_files(&mut self) -> Result<(), ConfigError> {
        for setting in SECRET_SETTINGS {
            let variable = format!("CTC_{}_FILE", setting.to_uppercase());
            let Ok(path) = std::env::var(&variable) else { continue };
            let path = PathBuf::from(path);
            let value = std::fs::read_to_string(&path).map_err(|source| {
                ConfigError::SecretFile { variable: variable.clone(), path, source }
            })?;
            let secret = Secret::new(value.trim_end_matches(['\n', '\r']));
            match setting {
                "oidc_client_secret" => self.oidc_client_secret = secret,
                "admin_client_secret" => self.admin_client_secret = secret,
                "metrics_token" => self.metrics_token = secret,
                _ => self.database_url = secret,
            }
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid =
            |setting, problem: &str| ConfigError::Invalid { setting, problem: problem.into() };
        for (setting, url) in
            [("CTC_PUBLIC_URL", &self.public_url), ("CTC_KEYCLOAK_URL", &self.keycloak_url)]
        {
            if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
                return Err(invalid(setting, "must be an http:// or https:// URL"));
            }
        }
        if self.oidc_client_secret.is_empty() {
            return Err(invalid(
                "CTC_OIDC_CLIENT_SECRET",
                "is required (or CTC_OIDC_CLIENT_SECRET_FILE)",
            ));
        }
        if self.admin_client_secret.is_empty() {
            return Err(invalid(
                "CTC_ADMIN_CLIENT_SECRET",
                "is required (or CTC_ADMIN_CLIENT_SECRET_FILE)",
            ));
        }
        if self.session_idle_minutes < 1 {
            return Err(invalid("CTC_SESSION_IDLE_MINUTES", "must be at least 1"));
        }
        if self.keycloak_timeout_secs == 0 {
            return Err(invalid("CTC_KEYCLOAK_TIMEOUT_SECS", "must be at least 1"));
        }
        for (setting, url) in [
            ("CTC_METRICS_URL", &self.metrics_url.as_ref().map(|u| u.0.clone())),
            ("CTC_KEYCLOAK_MANAGEMENT_URL", &self.keycloak_management_url),
        ] {
            if let Some(url) = url
                && (!matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base())
            {
                return Err(invalid(setting, "must be an http:// or https:// URL"));
            }
        }
        let job = &self.keycloak_metrics_job;
        if job.is_empty() || job.contains(['"', '\\', '\n']) {
            return Err(invalid(
                "CTC_KEYCLOAK_METRICS_JOB",
                "must be a Prometheus job name (not empty, no quotes or backslashes)",
            ));
        }
        if self.health_interval_secs < 5 {
            return Err(invalid("CTC_HEALTH_INTERVAL_SECS", "must be at least 5"));
        }
        if self.health_timeout_secs == 0 || self.health_timeout_secs >= self.health_interval_secs {
            return Err(invalid(
                "CTC_HEALTH_TIMEOUT_SECS",
                "must be at least 1 and shorter than CTC_HEALTH_INTERVAL_SECS",
            ));
        }
        Ok(())
    }
}

/// The setting names the environment may carry (without `CTC_`, lowercase).
const KNOWN: [&str; 22] = [
    "public_url",
    "database_url",
    "keycloak_url",
    "oidc_realm",
    "oidc_client_id",
    "oidc_client_secret",
    "access_claim",
    "admin_realm",
    "admin_client_id",
    "admin_client_secret",
    "excluded_realms",
    "keycloak_timeout_secs",
    "session_idle_minutes",
    "log_format",
    "backup_dir",
    "backup_key_dir",
    "metrics_url",
    "keycloak_management_url",
    "keycloak_metrics_job",
    "metrics_token",
    "health_interval_secs",
    "health_timeout_secs",
];

/// `CTC_*` variables that name no setting (a typo, most often), for a warning at start.
/// Variables of the test scripts, not settings: the console leaves them alone without a word.
const TEST_VARIABLES: [&str; 3] =
    ["CTC_REQUIRE_SHARED_DATA", "CTC_SHARED_DATA", "CTC_REQUIRE_SCALE"];

pub fn unknown_variables() -> Vec<String> {
    std::env::vars()
        .map(|(k, _)| k)
        .filter(|k| k.starts_with("CTC_") && k != "CTC_CONFIG" && !k.starts_with("CTC_TEST_"))
        .filter(|k| !TEST_VARIABLES.contains(&k.as_str()))
        // A tenant's backup keys, read by the vault when a backup is sealed or opened.
        .filter(|k| !k.starts_with("CTC_BACKUP_KEY_"))
        .filter(|k| {
            let name = k["CTC_".len()..].to_lowercase();
            let name =
                name.strip_suffix("_file").filter(|n| SECRET_SETTINGS.contains(n)).unwrap_or(&name);
            !KNOWN.contains(&name)
        })
        .collect()
}

#[cfg(test)]
mod tests;
