//! Each tenant's sessions per client, published as the gauge `ctc_keycloak_sessions` by the
//! scheduled run: Keycloak's own metrics count sign-ins, not the sessions that stay open.

use super::HealthChecker;

impl HealthChecker {
    /// Publishes the realm's sessions per client as `ctc_keycloak_sessions`, which Keycloak's
    /// own metrics lack. A client whose sessions all ended is set to zero; when the realm
    /// cannot be counted, its clients are set to NaN, which charts draw as a gap, not as the
    /// last count.
    pub(super) async fn count_sessions(&self, tenant: &str, reachable: bool) {
        let count = self.keycloak.session_stats(tenant);
        let stats = match reachable {
            true => {
                tokio::time::timeout(self.settings.timeout, count).await.ok().and_then(Result::ok)
            }
            false => None,
        };
        let seen: Option<Vec<String>> =
            stats.as_ref().map(|stats| stats.iter().map(|s| s.client_id.clone()).collect());
        let before = self
            .session_clients
            .lock()
            .map(|mut known| match &seen {
                Some(seen) => known.insert(tenant.to_owned(), seen.clone()).unwrap_or_default(),
                None => known.get(tenant).cloned().unwrap_or_default(),
            })
            .unwrap_or_default();

        let gone = |client: &String| seen.as_ref().is_none_or(|seen| !seen.contains(client));
        let value_gone = if seen.is_some() { 0.0 } else { f64::NAN };
        for client in before.iter().filter(|c| gone(c)) {
            session_gauge(tenant, client, "active", value_gone);
            session_gauge(tenant, client, "offline", value_gone);
        }
        for stat in stats.into_iter().flatten() {
            session_gauge(tenant, &stat.client_id, "active", stat.active as f64);
            session_gauge(tenant, &stat.client_id, "offline", stat.offline as f64);
        }
    }

    /// Sets the sessions of tenants that are no longer tenants to NaN, and forgets them.
    pub(super) fn forget_sessions_except(&self, tenants: &[String]) {
        let Ok(mut known) = self.session_clients.lock() else { return };
        known.retain(|tenant, clients| {
            let kept = tenants.contains(tenant);
            if !kept {
                for client in clients.iter() {
                    session_gauge(tenant, client, "active", f64::NAN);
                    session_gauge(tenant, client, "offline", f64::NAN);
                }
            }
            kept
        });
    }
}

fn session_gauge(tenant: &str, client: &str, kind: &'static str, value: f64) {
    metrics::gauge!(
        "ctc_keycloak_sessions",
        "realm" => tenant.to_owned(), "client" => client.to_owned(), "kind" => kind
    )
    .set(value);
}
