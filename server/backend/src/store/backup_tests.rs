//! The backups table on SQLite and, when `CTC_TEST_POSTGRES_URL` is set, PostgreSQL: a backup
//! completes or fails once, and one whose instance stopped renewing is failed by the sweep.

use super::tests::each_store;

fn fresh_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[tokio::test]
async fn a_backup_moves_from_running_to_complete_once_and_keeps_its_manifest() {
    each_store(async |store| {
        let (id, tenant) = (fresh_id(), fresh_id());
        store.start_backup(&id, &tenant, "alice.admin", "instance-a", 60_000).await.unwrap();
        assert!(store.backup_progress(&id, 100, 300, 60_000).await.unwrap());
        let running = store.backup(&id).await.unwrap().expect("stored");
        assert_eq!(
            (running.state.as_str(), running.users_done, running.users_total),
            ("running", 100, 300)
        );

        assert!(store.complete_backup(&id, "{\"id\":\"m\"}", 4096, 300).await.unwrap());
        assert!(!store.complete_backup(&id, "{}", 1, 1).await.unwrap(), "completes once");
        store.fail_backup(&id, "late failure").await.unwrap();
        let done = store.backup(&id).await.unwrap().unwrap();
        assert_eq!(done.state, "complete");
        assert_eq!(done.manifest.as_deref(), Some("{\"id\":\"m\"}"));
        assert_eq!((done.size_bytes, done.users_done, done.error), (Some(4096), 300, None));
        assert!(!store.backup_progress(&id, 1, 1, 60_000).await.unwrap(), "no progress after");
    })
    .await;
}

#[tokio::test]
async fn a_backup_whose_lease_ran_out_is_failed_by_the_sweep_and_only_that_one() {
    each_store(async |store| {
        let (tenant, other) = (fresh_id(), fresh_id());
        let (stale, alive) = (fresh_id(), fresh_id());
        store.start_backup(&stale, &tenant, "schedule", "gone", -1).await.unwrap();
        store.start_backup(&alive, &other, "schedule", "here", 60_000).await.unwrap();

        let failed = store.fail_abandoned_backups().await.unwrap();
        assert!(failed.contains(&stale) && !failed.contains(&alive), "{failed:?}");
        let record = store.backup(&stale).await.unwrap().unwrap();
        assert_eq!(record.state, "failed");
        assert!(record.error.unwrap().contains("stopped"));
        assert!(!store.complete_backup(&stale, "{}", 1, 1).await.unwrap(), "never complete after");

        assert_eq!(store.backup(&alive).await.unwrap().unwrap().state, "running");
        let listed = store.backups(&tenant, 10).await.unwrap();
        assert_eq!(listed.len(), 1);
        store.delete_backup(&stale).await.unwrap();
        assert!(store.backups(&tenant, 10).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_tenant_has_at_most_one_running_backup() {
    each_store(async |store| {
        let tenant = fresh_id();
        let (first, second) = (fresh_id(), fresh_id());
        store.start_backup(&first, &tenant, "a", "x", 60_000).await.unwrap();
        assert!(store.start_backup(&second, &tenant, "b", "y", 60_000).await.is_err());
        store.fail_backup(&first, "stopped").await.unwrap();
        store.start_backup(&second, &tenant, "b", "y", 60_000).await.unwrap();
    })
    .await;
}
