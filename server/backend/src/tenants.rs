//! Which realms are tenants: every realm Keycloak has, less the excluded ones (`master`, the
//! console's own realm). The list is cached briefly, since a platform admin's every page asks
//! for it and Keycloak can hold hundreds of realms.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::RwLock;

use crate::keycloak::{KeycloakAdmin, KeycloakError};

/// The tenant realms, cached for a short time.
pub struct TenantDirectory {
    keycloak: KeycloakAdmin,
    excluded: Vec<String>,
    ttl: Duration,
    cache: RwLock<Option<(Instant, Arc<Vec<String>>)>>,
}

impl TenantDirectory {
    /// A directory over `keycloak`'s realms without `excluded`, kept for `ttl`.
    pub fn new(keycloak: KeycloakAdmin, excluded: Vec<String>, ttl: Duration) -> TenantDirectory {
        TenantDirectory { keycloak, excluded, ttl, cache: RwLock::new(None) }
    }

    /// Every tenant, sorted by name.
    pub async fn all(&self) -> Result<Arc<Vec<String>>, KeycloakError> {
        if let Some((at, tenants)) = self.cache.read().await.as_ref()
            && at.elapsed() < self.ttl
        {
            return Ok(tenants.clone());
        }

        let realms = self.keycloak.list_realms().await?;
        let tenants: Arc<Vec<String>> = Arc::new(
            realms.into_iter().map(|r| r.realm).filter(|r| !self.excluded.contains(r)).collect(),
        );
        *self.cache.write().await = Some((Instant::now(), tenants.clone()));
        Ok(tenants)
    }

    /// Whether `realm` is one of the excluded, non-tenant realms.
    pub fn is_excluded(&self, realm: &str) -> bool {
        self.excluded.iter().any(|r| r == realm)
    }
}

/// The names among `tenants` that contain `query` (case-insensitively), at most `limit` of them,
/// with the number of all matches.
pub fn search<'a>(
    tenants: impl IntoIterator<Item = &'a String>,
    query: &str,
    limit: usize,
) -> (Vec<String>, usize) {
    let needle = query.trim().to_lowercase();
    let matches: Vec<&String> =
        tenants.into_iter().filter(|t| t.to_lowercase().contains(&needle)).collect();
    let total = matches.len();
    (matches.into_iter().take(limit).cloned().collect(), total)
}

#[cfg(test)]
mod tests {
    use super::search;

    #[test]
    fn search_matches_anywhere_in_the_name_ignoring_case_and_reports_the_total() {
        let tenants: Vec<String> =
            ["acme", "acme-labs", "globex", "Initech"].iter().map(|s| s.to_string()).collect();

        let (first, total) = search(&tenants, " ACME", 1);
        let (tech, _) = search(&tenants, "tech", 10);

        assert_eq!(first, ["acme"]);
        assert_eq!(total, 2);
        assert_eq!(tech, ["Initech"]);
    }
}
