//! Settings tests, each in a figment `Jail` (its own folder and environment).

// figment's `Jail` closures return its own large error type; that is its API, not ours.
#![allow(clippy::result_large_err)]

use figment::Jail;

use super::{Config, ConfigError, LogFormat};

fn with_secrets(jail: &mut Jail) {
    jail.set_env("CTC_OIDC_CLIENT_SECRET", "oidc-secret");
    jail.set_env("CTC_ADMIN_CLIENT_SECRET", "admin-secret");
}

#[test]
fn environment_overrides_the_file_which_overrides_the_defaults() {
    Jail::expect_with(|jail| {
        with_secrets(jail);
        jail.create_file(
            "cloudtrust-console.toml",
            "oidc_realm = \"from-file\"\nkeycloak_timeout_secs = 3\nlog_format = \"json\"",
        )?;
        jail.set_env("CTC_OIDC_REALM", "from-env");

        let config = Config::load().expect("valid settings");

        assert_eq!(config.oidc_realm, "from-env");
        assert_eq!(config.keycloak_timeout_secs, 3);
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.admin_realm, "master");
        Ok(())
    });
}

#[test]
fn a_secret_can_come_from_a_file_named_by_a_file_variable() {
    Jail::expect_with(|jail| {
        with_secrets(jail);
        jail.create_file("admin.secret", "from-file\n")?;
        jail.set_env("CTC_ADMIN_CLIENT_SECRET_FILE", "admin.secret");

        let config = Config::load().expect("valid settings");

        assert_eq!(config.admin_client_secret.expose(), "from-file");
        Ok(())
    });
}

#[test]
fn an_unreadable_secret_file_is_an_error_naming_the_variable() {
    Jail::expect_with(|jail| {
        with_secrets(jail);
        jail.set_env("CTC_OIDC_CLIENT_SECRET_FILE", "missing.secret");

        let err = Config::load().expect_err("refused");

        assert!(matches!(err, ConfigError::SecretFile { .. }));
        assert!(err.to_string().contains("CTC_OIDC_CLIENT_SECRET_FILE"), "{err}");
        Ok(())
    });
}

#[test]
fn a_missing_client_secret_is_an_error_naming_the_setting() {
    Jail::expect_with(|jail| {
        jail.set_env("CTC_OIDC_CLIENT_SECRET", "oidc-secret");

        let err = Config::load().expect_err("refused");

        assert!(err.to_string().contains("CTC_ADMIN_CLIENT_SECRET"), "{err}");
        Ok(())
    });
}

#[test]
fn a_url_that_is_not_http_is_an_error_naming_the_setting() {
    Jail::expect_with(|jail| {
        with_secrets(jail);
        jail.set_env("CTC_KEYCLOAK_URL", "ftp://sso.example.test");

        let err = Config::load().expect_err("refused");

        assert!(err.to_string().contains("CTC_KEYCLOAK_URL"), "{err}");
        Ok(())
    });
}

#[test]
fn an_unknown_key_in_the_file_is_an_error_naming_it() {
    Jail::expect_with(|jail| {
        with_secrets(jail);
        jail.create_file("cloudtrust-console.toml", "keycloak_ulr = \"http://x\"")?;

        let err = Config::load().expect_err("refused");

        assert!(err.to_string().contains("keycloak_ulr"), "{err}");
        Ok(())
    });
}

#[test]
fn debug_output_never_shows_a_secret() {
    Jail::expect_with(|jail| {
        with_secrets(jail);
        jail.set_env("CTC_DATABASE_URL", "postgres://console:db-password@db/console");

        let shown = format!("{:?}", Config::load().expect("valid settings"));

        for secret in ["oidc-secret", "admin-secret", "db-password"] {
            assert!(!shown.contains(secret), "{secret} shown in {shown}");
        }
        Ok(())
    });
}

#[test]
fn a_misspelt_variable_is_reported_and_file_variants_are_not() {
    Jail::expect_with(|jail| {
        jail.set_env("CTC_KEYCLOAK_ULR", "http://x");
        jail.set_env("CTC_ADMIN_CLIENT_SECRET_FILE", "x");

        let unknown = super::unknown_variables();

        assert!(unknown.contains(&"CTC_KEYCLOAK_ULR".to_owned()), "{unknown:?}");
        assert!(!unknown.iter().any(|v| v == "CTC_ADMIN_CLIENT_SECRET_FILE"), "{unknown:?}");
        Ok(())
    });
}
