//! Health results on SQLite and, when `CTC_TEST_POSTGRES_URL` is set, PostgreSQL: a change of
//! state is recorded once, with the state it left, and a check keeps since when it is in its
//! state while it stays there.

use super::Prune;
use super::tests::each_store;
use crate::health::{CheckResult, CheckState};

fn result(name: &str, tenant: &str, state: CheckState, at_ms: i64) -> CheckResult {
    CheckResult {
        name: name.to_owned(),
        kind: "realm".into(),
        tenant: Some(tenant.to_owned()),
        required: false,
        state,
        duration_ms: 3,
        message: format!("{} at {at_ms}", state.as_str()),
        checked_at_ms: at_ms,
        valid_until_ms: at_ms + 30_000,
    }
}

#[tokio::test]
async fn a_check_that_goes_down_and_comes_back_leaves_both_moments_in_the_history() {
    each_store(async |store| {
        let tenant = uuid::Uuid::new_v4().to_string();
        let name = format!("tenant.{tenant}.realm");
        let now = super::now_ms();

        for (state, at) in [
            (CheckState::Up, now - 4000),
            (CheckState::Up, now - 3000),
            (CheckState::Down, now - 2000),
            (CheckState::Down, now - 1000),
            (CheckState::Up, now),
        ] {
            store
                .record_health(&[result(&name, &tenant, state, at)], Prune::Tenant(&tenant))
                .await
                .unwrap();
        }

        let changes = store.health_changes(Some(&tenant), 0, 100).await.unwrap();
        let ours: Vec<_> = changes
            .iter()
            .filter(|c| c.name == name)
            .map(|c| (c.previous, c.state, c.at_ms))
            .collect();
        assert_eq!(
            ours,
            [
                (Some(CheckState::Down), CheckState::Up, now),
                (Some(CheckState::Up), CheckState::Down, now - 2000),
                (None, CheckState::Up, now - 4000),
            ]
        );
        let latest = store.health_checks(Some(&tenant)).await.unwrap();
        let check = latest.iter().find(|c| c.result.name == name).expect("stored");
        assert_eq!((check.result.state, check.since_ms), (CheckState::Up, now));
    })
    .await;
}

#[tokio::test]
async fn a_check_that_stays_in_its_state_keeps_since_when() {
    each_store(async |store| {
        let tenant = uuid::Uuid::new_v4().to_string();
        let name = format!("tenant.{tenant}.mail");
        let now = super::now_ms();

        let first = [result(&name, &tenant, CheckState::Degraded, now - 500)];
        store.record_health(&first, Prune::Tenant(&tenant)).await.unwrap();
        let second = [result(&name, &tenant, CheckState::Degraded, now)];
        store.record_health(&second, Prune::Tenant(&tenant)).await.unwrap();

        let latest = store.health_checks(Some(&tenant)).await.unwrap();
        let check = latest.iter().find(|c| c.result.name == name).unwrap();
        assert_eq!(check.since_ms, now - 500);
        assert_eq!(check.result.checked_at_ms, now);
        assert_eq!(check.result.message, format!("degraded at {now}"));
        let other_tenant = store.health_checks(Some("another-tenant")).await.unwrap();
        assert!(other_tenant.iter().all(|c| c.result.name != name), "a tenant sees only its own");
    })
    .await;
}

#[tokio::test]
async fn a_check_a_run_no_longer_makes_is_let_go_and_other_tenants_are_left_alone() {
    each_store(async |store| {
        let (tenant, other) = (uuid::Uuid::new_v4().to_string(), uuid::Uuid::new_v4().to_string());
        let (realm, mail) = (format!("tenant.{tenant}.realm"), format!("tenant.{tenant}.mail"));
        let elsewhere = format!("tenant.{other}.realm");
        let now = super::now_ms();
        let both = [
            result(&realm, &tenant, CheckState::Up, now - 1000),
            result(&mail, &tenant, CheckState::Down, now - 1000),
        ];
        store.record_health(&both, Prune::Tenant(&tenant)).await.unwrap();
        let theirs = [result(&elsewhere, &other, CheckState::Up, now - 1000)];
        store.record_health(&theirs, Prune::Tenant(&other)).await.unwrap();

        let realm_only = [result(&realm, &tenant, CheckState::Up, now)];
        store.record_health(&realm_only, Prune::Tenant(&tenant)).await.unwrap();

        let ours: Vec<String> = store
            .health_checks(Some(&tenant))
            .await
            .unwrap()
            .into_iter()
            .filter(|c| c.result.tenant.is_some())
            .map(|c| c.result.name)
            .collect();
        assert_eq!(ours, [realm]);
        let kept = store.health_checks(Some(&other)).await.unwrap();
        assert!(kept.iter().any(|c| c.result.name == elsewhere), "another tenant's check stays");
        assert!(store.health_tenants().await.unwrap().contains(&other));
    })
    .await;
}
