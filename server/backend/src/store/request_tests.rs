//! The request tables on SQLite and, when `CTC_TEST_POSTGRES_URL` is set, PostgreSQL: filing
//! stores everything or nothing, a state moves once however many try, one runner holds a request.

use super::tests::each_store;
use super::{AuditEntry, Move, NewRequest, NewRow, NewStep, Outcome, RequestFilter, RowEnding};

fn request(id: &str, state: &str) -> NewRequest {
    NewRequest {
        id: id.to_owned(),
        tenant: "acme".to_owned(),
        kind: "onboard".to_owned(),
        state: state.to_owned(),
        requester_id: "hugo".to_owned(),
        requester_username: "hugo.helpdesk".to_owned(),
        reason: "joins sales".to_owned(),
        summary: "Onboard ann".to_owned(),
        spec: "{}".to_owned(),
        rows_total: 2,
        ..NewRequest::default()
    }
}

fn steps(rows: i64, per_row: i64) -> Vec<NewStep> {
    (0..rows * per_row)
        .map(|seq| NewStep {
            row_no: seq / per_row,
            seq,
            label: format!("step {seq}"),
            action: "{}".to_owned(),
            subject: "{}".to_owned(),
            delay_ms: None,
        })
        .collect()
}

fn rows(n: i64) -> Vec<NewRow> {
    (0..n)
        .map(|row_no| NewRow {
            row_no,
            username: format!("user{row_no}"),
            state: "pending".to_owned(),
            ..NewRow::default()
        })
        .collect()
}

fn by(actor: &str) -> Move<'_> {
    Move { actor_id: actor, actor_username: actor, note: None, decides: true }
}

#[tokio::test]
async fn a_filed_request_keeps_its_steps_rows_and_first_history_entry() {
    each_store(async |store| {
        let id = uuid::Uuid::new_v4().to_string();
        store
            .insert_request(&request(&id, "submitted"), &steps(1200, 3), &rows(1200))
            .await
            .unwrap();

        let stored = store.request(&id).await.unwrap().expect("stored");
        assert_eq!(stored.steps_total, 3600);
        assert_eq!(store.step_counts(&id).await.unwrap().pending, 3600);
        assert_eq!(store.last_row(&id).await.unwrap(), 1199);
        let history = store.request_history(&id).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].to_state, "submitted");
        assert_eq!(history[0].note.as_deref(), Some("joins sales"));
    })
    .await;
}

#[tokio::test]
async fn a_request_whose_steps_cannot_be_stored_is_not_stored_at_all() {
    each_store(async |store| {
        let id = uuid::Uuid::new_v4().to_string();
        let mut twice = steps(1, 2);
        twice[1].seq = 0;

        assert!(store.insert_request(&request(&id, "submitted"), &twice, &rows(1)).await.is_err());

        assert_eq!(store.request(&id).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn of_two_approvers_at_once_one_moves_the_request_and_the_other_is_told_no() {
    each_store(async |store| {
        let id = uuid::Uuid::new_v4().to_string();
        store.insert_request(&request(&id, "submitted"), &steps(1, 1), &rows(1)).await.unwrap();

        let (by_alice, by_gina) = (by("alice"), by("gina"));
        let (alice, gina) = tokio::join!(
            store.move_request(&id, &["submitted"], "approved", &by_alice),
            store.move_request(&id, &["submitted"], "approved", &by_gina),
        );

        let wins = [alice.unwrap(), gina.unwrap()].iter().filter(|w| **w).count();
        assert_eq!(wins, 1);
        let stored = store.request(&id).await.unwrap().unwrap();
        assert_eq!(stored.state, "approved");
        assert_eq!(store.request_history(&id).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn one_runner_holds_a_request_until_its_claim_runs_out() {
    each_store(async |store| {
        let id = uuid::Uuid::new_v4().to_string();
        store.insert_request(&request(&id, "approved"), &steps(1, 1), &rows(1)).await.unwrap();

        assert!(store.claim_request(&id, "one", 60_000).await.unwrap());
        assert!(!store.claim_request(&id, "two", 60_000).await.unwrap());
        assert!(store.due_requests(10).await.unwrap().iter().all(|d| *d != id));

        // A runner that died stops renewing: once its claim ran out, another takes it up.
        assert!(store.renew_claim(&id, "one", -1).await.unwrap());
        assert!(store.due_requests(100).await.unwrap().contains(&id));
        assert!(store.claim_request(&id, "two", 60_000).await.unwrap());
        assert!(!store.renew_claim(&id, "one", 60_000).await.unwrap(), "the old runner lost it");
    })
    .await;
}

#[tokio::test]
async fn a_scheduled_request_is_not_claimed_before_its_date() {
    each_store(async |store| {
        let id = uuid::Uuid::new_v4().to_string();
        let mut later = request(&id, "approved");
        later.run_at_ms = Some(super::now_ms() + 86_400_000);
        store.insert_request(&later, &steps(1, 1), &rows(1)).await.unwrap();

        assert!(!store.claim_request(&id, "one", 60_000).await.unwrap());
        assert!(!store.due_requests(100).await.unwrap().contains(&id));
    })
    .await;
}

#[tokio::test]
async fn a_draft_is_completed_once_with_its_steps() {
    each_store(async |store| {
        let id = uuid::Uuid::new_v4().to_string();
        store.insert_request(&request(&id, "draft"), &[], &[]).await.unwrap();
        let filed = request(&id, "submitted");

        assert!(store.complete_draft(&filed, &steps(2, 2), &rows(2), "submitted").await.unwrap());
        assert!(!store.complete_draft(&filed, &steps(2, 2), &rows(2), "submitted").await.unwrap());

        assert_eq!(store.step_counts(&id).await.unwrap().pending, 4);
        assert_eq!(store.request(&id).await.unwrap().unwrap().state, "submitted");
    })
    .await;
}

#[tokio::test]
async fn the_inboxes_filter_by_requester_state_and_privilege() {
    each_store(async |store| {
        let tenant = format!("t{}", uuid::Uuid::new_v4().simple());
        for (n, (requester, state, privileged)) in
            [("hugo", "submitted", false), ("hugo", "done", false), ("ann", "submitted", true)]
                .into_iter()
                .enumerate()
        {
            let mut r = request(&format!("{tenant}-{n}"), state);
            r.tenant = tenant.clone();
            r.requester_id = requester.to_owned();
            r.privileged = privileged;
            store.insert_request(&r, &[], &[]).await.unwrap();
        }
        let filter = |f: RequestFilter| RequestFilter { tenant: tenant.clone(), limit: 10, ..f };

        let mine = store
            .list_requests(&filter(RequestFilter {
                requester_id: Some("hugo".into()),
                ..Default::default()
            }))
            .await
            .unwrap();
        let waiting_for_hugo = store
            .list_requests(&filter(RequestFilter {
                not_requester_id: Some("hugo".into()),
                states: vec!["submitted".into()],
                ..Default::default()
            }))
            .await
            .unwrap();
        let plain = store
            .list_requests(&filter(RequestFilter { privileged: Some(false), ..Default::default() }))
            .await
            .unwrap();

        assert_eq!(mine.1, 2);
        assert_eq!(waiting_for_hugo.1, 1);
        assert_eq!(waiting_for_hugo.0[0].requester_id, "ann");
        assert_eq!(plain.1, 2);
    })
    .await;
}

#[tokio::test]
async fn a_retry_makes_the_failed_steps_and_rows_pending_again() {
    each_store(async |store| {
        let id = uuid::Uuid::new_v4().to_string();
        store.insert_request(&request(&id, "running"), &steps(2, 1), &rows(2)).await.unwrap();
        store.finish_step(&id, 0, "done", None, Some("u0")).await.unwrap();
        store.finish_step(&id, 1, "failed", Some("down"), None).await.unwrap();
        store.finish_row(&id, 1, "failed", Some("down"), None).await.unwrap();

        assert_eq!(store.reset_failed_steps(&id).await.unwrap(), 1);

        let counts = store.step_counts(&id).await.unwrap();
        assert_eq!((counts.done, counts.pending, counts.failed), (1, 1, 0));
        let unfinished = store.unfinished_steps(&id, 0, 10).await.unwrap();
        assert_eq!(unfinished.len(), 1);
        assert_eq!(unfinished[0].attempts, 1, "the attempt is remembered");
    })
    .await;
}

#[tokio::test]
async fn a_row_closes_with_its_last_step_and_its_audit_record_in_one_go() {
    each_store(async |store| {
        let id = uuid::Uuid::new_v4().to_string();
        store.insert_request(&request(&id, "approved"), &steps(2, 2), &rows(2)).await.unwrap();
        store.finish_step(&id, 0, "done", None, Some("u-1")).await.unwrap();
        let audit = AuditEntry {
            request_id: format!("request:{id}"),
            actor_id: "system".into(),
            actor_username: "system".into(),
            action: "request.onboard.run".into(),
            target: Some("u-1".into()),
            outcome: Outcome::Success,
            tenant: Some("acme".into()),
            detail: None,
        };
        let ending = RowEnding {
            request_id: &id,
            row_no: 0,
            step: Some(1),
            step_state: "done",
            row_state: "done",
            message: None,
            user_id: Some("u-1"),
            audit: Some(&audit),
        };
        store.close_row(&ending).await.unwrap();

        let counts = store.step_counts(&id).await.unwrap();
        assert_eq!((counts.done, counts.pending), (2, 2), "{counts:?}");
        let rows = store.rows_page(&id, None, 0, 10).await.unwrap();
        assert_eq!((rows[0].state.as_str(), rows[0].user_id.as_deref()), ("done", Some("u-1")));
        assert_eq!(rows[1].state, "pending");
        let trail = store.recent_audit(Some("system"), 50).await.unwrap();
        assert!(trail.iter().any(|r| r.entry.request_id == format!("request:{id}")));
    })
    .await;
}
