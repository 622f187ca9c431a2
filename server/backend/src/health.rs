//! Health checks of what the console depends on: Keycloak (its own probes on the management
//! port, the Admin API with the service account, each tenant realm), the console's database
//! and session store, the metrics store, and each tenant's mail server where one is set.
//!
//! Each check ends in a [`CheckResult`]: a [`CheckState`], how long it took, a message for a
//! person (never a secret, never an upstream body), when it was taken and until when it holds.
//! [`HealthChecker`] runs them all at once, each under its own timeout, so a dependency that
//! hangs costs one timeout, not the sum.

mod checker;
mod probes;

use serde::{Deserialize, Serialize};

pub use checker::{HealthChecker, HealthSettings, Scope};

/// How a dependency is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckState {
    /// It answers as it should.
    Up,
    /// It answers, but not fully (some tenants out of reach, slow, optional part missing).
    Degraded,
    /// It does not answer.
    Down,
}

impl CheckState {
    /// The stable name stored and shown (`up`, `degraded`, `down`).
    pub fn as_str(self) -> &'static str {
        match self {
            CheckState::Up => "up",
            CheckState::Degraded => "degraded",
            CheckState::Down => "down",
        }
    }

    /// Reads a stored name back.
    pub fn parse(text: &str) -> Option<CheckState> {
        match text {
            "up" => Some(CheckState::Up),
            "degraded" => Some(CheckState::Degraded),
            "down" => Some(CheckState::Down),
            _ => None,
        }
    }
}

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Its stable name: `keycloak.ready`, `database`, `tenant.acme.realm`, ….
    pub name: String,
    /// What kind of dependency it checks: `keycloak`, `database`, `sessions`, `metrics`,
    /// `realm`, `mail`.
    pub kind: String,
    /// The tenant it belongs to, for a tenant's own checks.
    pub tenant: Option<String>,
    /// Whether the console cannot work without it: a required check that is down makes the
    /// whole console down; an optional one only degraded.
    pub required: bool,
    /// How it went.
    pub state: CheckState,
    /// How long it took.
    pub duration_ms: i64,
    /// What a person should read.
    pub message: String,
    /// When it was taken, in ms since the epoch.
    pub checked_at_ms: i64,
    /// Until when it is trusted without checking again.
    pub valid_until_ms: i64,
}

/// The state of everything together: down when a required check is down, degraded when an
/// optional one is down or any is degraded, up otherwise (and up when there is nothing).
pub fn overall<'a>(results: impl IntoIterator<Item = &'a CheckResult>) -> CheckState {
    let mut state = CheckState::Up;
    for result in results {
        let this = match (result.state, result.required) {
            (CheckState::Down, true) => CheckState::Down,
            (CheckState::Down, false) | (CheckState::Degraded, _) => CheckState::Degraded,
            (CheckState::Up, _) => CheckState::Up,
        };
        state = state.max(this);
    }
    state
}

#[cfg(test)]
mod tests {
    use super::{CheckResult, CheckState, overall};

    fn check(required: bool, state: CheckState) -> CheckResult {
        CheckResult {
            name: "x".into(),
            kind: "keycloak".into(),
            tenant: None,
            required,
            state,
            duration_ms: 1,
            message: String::new(),
            checked_at_ms: 0,
            valid_until_ms: 0,
        }
    }

    #[test]
    fn a_required_dependency_down_makes_everything_down() {
        let checks = [check(true, CheckState::Up), check(true, CheckState::Down)];

        assert_eq!(overall(&checks), CheckState::Down);
    }

    #[test]
    fn an_optional_dependency_down_only_degrades() {
        let checks = [check(true, CheckState::Up), check(false, CheckState::Down)];

        assert_eq!(overall(&checks), CheckState::Degraded);
    }

    #[test]
    fn a_degraded_check_degrades_and_nothing_at_all_is_up() {
        assert_eq!(overall(&[check(true, CheckState::Degraded)]), CheckState::Degraded);
        assert_eq!(overall(&[]), CheckState::Up);
    }

    #[test]
    fn states_read_back_what_they_store() {
        for state in [CheckState::Up, CheckState::Degraded, CheckState::Down] {
            assert_eq!(CheckState::parse(state.as_str()), Some(state));
        }
        assert_eq!(CheckState::parse("sideways"), None);
    }
}
