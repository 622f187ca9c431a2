//! Store tests on a fresh SQLite file each, and on PostgreSQL when `CTC_TEST_POSTGRES_URL`
//! names a database the test may fill.

use std::time::Duration;

use super::{AuditEntry, Outcome, Store, StoreError};

async fn sqlite_store() -> (Store, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("ctc-store-{}", uuid::Uuid::new_v4()));
    let url = format!("sqlite://{}/console.db", dir.display());
    (Store::open(&url).await.expect("open sqlite store"), dir)
}

fn entry(action: &str) -> AuditEntry {
    AuditEntry {
        request_id: "req-1".into(),
        actor_id: "subject-1".into(),
        actor_username: "alice.admin".into(),
        tenant: Some("acme".into()),
        action: action.into(),
        target: None,
        outcome: Outcome::Success,
        detail: None,
    }
}

pub(super) async fn each_store(check: impl AsyncFn(Store)) {
    let (store, dir) = sqlite_store().await;
    check(store).await;
    let _ = std::fs::remove_dir_all(dir);

    match std::env::var("CTC_TEST_POSTGRES_URL") {
        Ok(url) => check(Store::open(&url).await.expect("open postgres store")).await,
        Err(_) => eprintln!("CTC_TEST_POSTGRES_URL not set: PostgreSQL half of this test skipped"),
    }
}

#[tokio::test]
async fn opening_creates_the_sqlite_file_and_its_folder() {
    let (store, dir) = sqlite_store().await;

    store.ping().await.expect("ping");

    assert!(dir.join("console.db").exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn an_unknown_database_scheme_is_refused_with_its_name() {
    let err = Store::open("mysql://localhost/console").await.err().expect("refused");

    assert!(matches!(err, StoreError::UnsupportedUrl { ref scheme } if scheme == "mysql"), "{err}");
}

#[tokio::test]
async fn appended_audit_records_read_back_newest_first() {
    each_store(async |store| {
        let actor = format!("subject-{}", uuid::Uuid::new_v4());
        let mut first = entry("sign_in");
        first.actor_id = actor.clone();
        let mut second = entry("sign_out");
        second.actor_id = actor.clone();

        store.append_audit(&first).await.unwrap();
        store.append_audit(&second).await.unwrap();
        let records = store.recent_audit(Some(&actor), 10).await.unwrap();

        let actions: Vec<&str> = records.iter().map(|r| r.entry.action.as_str()).collect();
        assert_eq!(actions, ["sign_out", "sign_in"]);
        assert_eq!(records[0].entry, second);
    })
    .await;
}

#[tokio::test]
async fn the_database_refuses_to_rewrite_an_audit_record() {
    each_store(async |store| {
        let id = store.append_audit(&entry("sign_in")).await.unwrap();

        let result = store.try_rewrite_audit(id).await;

        assert!(matches!(result, Err(StoreError::AppendOnly)), "{result:?}");
    })
    .await;
}

#[tokio::test]
async fn a_held_lease_is_refused_to_others_until_it_expires() {
    each_store(async |store| {
        let job = format!("job-{}", uuid::Uuid::new_v4());

        let a_takes = store.try_lease(&job, "a", Duration::from_millis(300)).await.unwrap();
        let b_refused = store.try_lease(&job, "b", Duration::from_secs(60)).await.unwrap();
        let a_renews = store.try_lease(&job, "a", Duration::from_millis(300)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        let b_takes_over = store.try_lease(&job, "b", Duration::from_secs(60)).await.unwrap();

        assert!(a_takes && !b_refused && a_renews && b_takes_over);
    })
    .await;
}

#[tokio::test]
async fn a_released_lease_can_be_taken_at_once() {
    each_store(async |store| {
        let job = format!("job-{}", uuid::Uuid::new_v4());
        assert!(store.try_lease(&job, "a", Duration::from_secs(60)).await.unwrap());

        store.release_lease(&job, "a").await.unwrap();

        assert!(store.try_lease(&job, "b", Duration::from_secs(60)).await.unwrap());
    })
    .await;
}

#[tokio::test]
async fn sqlite_commits_sync_at_checkpoints_in_wal_mode() {
    let (store, dir) = sqlite_store().await;
    let row = sqlx::query("PRAGMA synchronous").fetch_one(&store.pool).await.unwrap();
    let level: i64 = sqlx::Row::try_get(&row, 0).unwrap();
    assert_eq!(level, 1, "NORMAL");
    let row = sqlx::query("PRAGMA journal_mode").fetch_one(&store.pool).await.unwrap();
    let mode: String = sqlx::Row::try_get(&row, 0).unwrap();
    assert_eq!(mode, "wal");
    let _ = std::fs::remove_dir_all(dir);
}
