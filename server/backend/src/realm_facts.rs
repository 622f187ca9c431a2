//! What the user list needs to know of a tenant's settings, cached briefly: whether brute-force
//! detection is on (else no one is ever locked out, and the lockout look-ups are skipped) and
//! whether sign-in events are stored (else no last sign-in is known). Every page of users asks,
//! and these settings change seldom.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tokio::sync::RwLock;

use crate::keycloak::{KeycloakAdmin, KeycloakError};

/// A realm's settings that decide which look-ups a list of users makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RealmFacts {
    /// Whether brute-force detection is on.
    pub brute_force_protected: bool,
    /// Whether sign-in events are stored.
    pub events_enabled: bool,
}

/// [`RealmFacts`] per realm, each kept for a short time.
pub struct RealmFactsCache {
    keycloak: KeycloakAdmin,
    ttl: Duration,
    cache: RwLock<HashMap<String, (Instant, RealmFacts)>>,
}

impl RealmFactsCache {
    /// A cache over `keycloak` whose entries last `ttl`.
    pub fn new(keycloak: KeycloakAdmin, ttl: Duration) -> RealmFactsCache {
        RealmFactsCache { keycloak, ttl, cache: RwLock::new(HashMap::new()) }
    }

    /// The facts of `realm`, from the cache while they are fresh.
    pub async fn get(&self, realm: &str) -> Result<RealmFacts, KeycloakError> {
        if let Some((at, facts)) = self.cache.read().await.get(realm)
            && at.elapsed() < self.ttl
        {
            return Ok(*facts);
        }

        let (brute_force_protected, events) = tokio::try_join!(
            self.keycloak.realm_brute_force_protected(realm),
            self.keycloak.events_config(realm),
        )?;
        let facts = RealmFacts { brute_force_protected, events_enabled: events.events_enabled };
        self.cache.write().await.insert(realm.to_owned(), (Instant::now(), facts));
        Ok(facts)
    }
}
