//! Provisioning requests: filed, decided, claimed by one runner, and their steps and rows.
//!
//! The store knows a request's state only as text; which transitions are allowed is the
//! application's state machine. What the store guarantees is that a change of state happens
//! only from the state the caller read ([`Store::move_request`] is one conditional `UPDATE`), so
//! two approvers clicking at once move a request once, and that one runner at a time holds a
//! request ([`Store::claim_request`]).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::request_history::insert_history;
use super::request_records::{
    Move, NewRequest, NewRow, NewStep, RequestFilter, RequestRecord, StepRecord,
};
use super::{Store, StoreError, now_ms};

const REQUEST_COLUMNS: &str = "id, tenant, kind, state, requester_id, requester_username, reason, \
    summary, spec, rows_total, privileged, approval_reasons, approver_id, approver_username, \
    decision_note, created_at_ms, updated_at_ms, expires_at_ms, run_at_ms, started_at_ms, runner, \
    lease_until_ms, steps_total";

/// The columns of a list: the spec (every person of an import) is left out.
pub(super) const LIST_COLUMNS: &str = "id, tenant, kind, state, requester_id, \
    requester_username, reason, summary, '' AS spec, rows_total, privileged, approval_reasons, \
    approver_id, approver_username, decision_note, created_at_ms, updated_at_ms, expires_at_ms, \
    run_at_ms, started_at_ms, runner, lease_until_ms, steps_total";

const STEP_COLUMNS: &str = "seq, row_no, label, action, subject, state, message, user_id, \
    delay_ms, not_before_ms, attempts, finished_at_ms";

/// Rows per multi-row `INSERT`, well under PostgreSQL's 65,535 parameters.
const INSERT_CHUNK: usize = 500;

impl Store {
    /// Files a request with its steps and rows, and its first history entry, in one
    /// transaction: either all of it is stored or none.
    pub async fn insert_request(
        &self,
        request: &NewRequest,
        steps: &[NewStep],
        rows: &[NewRow],
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        insert_request_row(&mut tx, request, steps.len() as i64).await?;
        insert_steps(&mut tx, &request.id, steps).await?;
        insert_rows(&mut tx, &request.id, rows).await?;
        insert_history(
            &mut tx,
            &request.id,
            now,
            &Move {
                actor_id: &request.requester_id,
                actor_username: &request.requester_username,
                note: Some(&request.reason),
                decides: false,
            },
            None,
            &request.state,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Files a draft with the file it was made from, in one transaction.
    pub async fn insert_draft(
        &self,
        request: &NewRequest,
        file_name: &str,
        content: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_request_row(&mut tx, request, 0).await?;
        sqlx::query(
            "INSERT INTO workflow_uploads (request_id, file_name, content) VALUES ($1, $2, $3)",
        )
        .bind(&request.id)
        .bind(file_name)
        .bind(content)
        .execute(&mut *tx)
        .await?;
        let by = Move {
            actor_id: &request.requester_id,
            actor_username: &request.requester_username,
            note: Some(&request.reason),
            decides: false,
        };
        insert_history(&mut tx, &request.id, now_ms(), &by, None, &request.state).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces a draft's spec, steps and rows and moves it to `to`, when it is still a draft;
    /// returns whether it was.
    pub async fn complete_draft(
        &self,
        request: &NewRequest,
        steps: &[NewStep],
        rows: &[NewRow],
        to: &str,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let moved = sqlx::query(
            "UPDATE workflow_requests SET state = $1, summary = $2, spec = $3, rows_total = $4, \
             privileged = $5, approval_reasons = $6, expires_at_ms = $7, steps_total = $8, \
             reason = $9, updated_at_ms = $10 WHERE id = $11 AND state = 'draft'",
        )
        .bind(to)
        .bind(&request.summary)
        .bind(&request.spec)
        .bind(request.rows_total)
        .bind(i64::from(request.privileged))
        .bind(&request.approval_reasons)
        .bind(request.expires_at_ms)
        .bind(steps.len() as i64)
        .bind(&request.reason)
        .bind(now)
        .bind(&request.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            return Ok(false);
        }
        insert_steps(&mut tx, &request.id, steps).await?;
        insert_rows(&mut tx, &request.id, rows).await?;
        let by = Move {
            actor_id: &request.requester_id,
            actor_username: &request.requester_username,
            note: Some(&request.reason),
            decides: false,
        };
        insert_history(&mut tx, &request.id, now, &by, Some("draft"), to).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// One request.
    pub async fn request(&self, id: &str) -> Result<Option<RequestRecord>, StoreError> {
        let row =
            sqlx::query(&format!("SELECT {REQUEST_COLUMNS} FROM workflow_requests WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(request_from_row).transpose()
    }

    /// A page of a tenant's requests, newest first, and how many match in all.
    pub async fn list_requests(
        &self,
        filter: &RequestFilter,
    ) -> Result<(Vec<RequestRecord>, i64), StoreError> {
        let states = filter.states.join(",");
        let condition = "tenant = $1 AND ($2 IS NULL OR requester_id = $2) \
            AND ($3 = '' OR (',' || $3 || ',') LIKE ('%,' || state || ',%')) \
            AND ($4 IS NULL OR requester_id <> $4) AND ($5 < 0 OR privileged = $5)";
        let privileged = filter.privileged.map_or(-1, i64::from);
        let rows = sqlx::query(&format!(
            "SELECT {LIST_COLUMNS} FROM workflow_requests WHERE {condition} \
             ORDER BY created_at_ms DESC, id LIMIT $6 OFFSET $7"
        ))
        .bind(&filter.tenant)
        .bind(&filter.requester_id)
        .bind(&states)
        .bind(&filter.not_requester_id)
        .bind(privileged)
        .bind(filter.limit)
        .bind(filter.offset)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 =
            sqlx::query(&format!("SELECT COUNT(*) FROM workflow_requests WHERE {condition}"))
                .bind(&filter.tenant)
                .bind(&filter.requester_id)
                .bind(&states)
                .bind(&filter.not_requester_id)
                .bind(privileged)
                .fetch_one(&self.pool)
                .await?
                .try_get(0)?;
        let records = rows.iter().map(request_from_row).collect::<Result<_, _>>()?;
        Ok((records, total))
    }

    /// Moves a request from one of `from` to `to`, with a history entry, when it is still in
    /// one of `from`; returns whether it was. The decision is one conditional `UPDATE`.
    pub async fn move_request(
        &self,
        id: &str,
        from: &[&str],
        to: &str,
        by: &Move<'_>,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        // The update comes first, so that SQLite takes the write lock at once: a read first
        // would let two transactions both read, then deadlock on the upgrade.
        let mut current = None;
        for state in from {
            let moved = sqlx::query(
                "UPDATE workflow_requests SET state = $1, updated_at_ms = $2, \
                 approver_id = CASE WHEN $3 = 1 THEN $4 ELSE approver_id END, \
                 approver_username = CASE WHEN $3 = 1 THEN $5 ELSE approver_username END, \
                 decision_note = CASE WHEN $3 = 1 THEN $6 ELSE decision_note END \
                 WHERE id = $7 AND state = $8",
            )
            .bind(to)
            .bind(now)
            .bind(i64::from(by.decides))
            .bind(by.actor_id)
            .bind(by.actor_username)
            .bind(by.note)
            .bind(id)
            .bind(*state)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved == 1 {
                current = Some((*state).to_owned());
                break;
            }
        }
        let Some(current) = current else {
            return Ok(false);
        };
        insert_history(&mut tx, id, now, by, Some(&current), to).await?;
        tx.commit().await?;
        Ok(true)
    }
}

async fn insert_request_row(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    request: &NewRequest,
    steps_total: i64,
) -> Result<(), StoreError> {
    let now = now_ms();
    sqlx::query(&format!(
        "INSERT INTO workflow_requests ({REQUEST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, \
         $7, $8, $9, $10, $11, $12, NULL, NULL, NULL, $13, $13, $14, $15, NULL, NULL, 0, $16)"
    ))
    .bind(&request.id)
    .bind(&request.tenant)
    .bind(&request.kind)
    .bind(&request.state)
    .bind(&request.requester_id)
    .bind(&request.requester_username)
    .bind(&request.reason)
    .bind(&request.summary)
    .bind(&request.spec)
    .bind(request.rows_total)
    .bind(i64::from(request.privileged))
    .bind(&request.approval_reasons)
    .bind(now)
    .bind(request.expires_at_ms)
    .bind(request.run_at_ms)
    .bind(steps_total)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_steps(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    request_id: &str,
    steps: &[NewStep],
) -> Result<(), StoreError> {
    for chunk in steps.chunks(INSERT_CHUNK) {
        let values = placeholders(chunk.len(), 8);
        let sql = format!(
            "INSERT INTO workflow_steps (request_id, seq, row_no, label, action, subject, state, \
             delay_ms) VALUES {values}"
        );
        let mut query = sqlx::query(&sql);
        for step in chunk {
            query = query
                .bind(request_id)
                .bind(step.seq)
                .bind(step.row_no)
                .bind(&step.label)
                .bind(&step.action)
                .bind(&step.subject)
                .bind("pending")
                .bind(step.delay_ms);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

async fn insert_rows(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    request_id: &str,
    rows: &[NewRow],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(INSERT_CHUNK) {
        let values = placeholders(chunk.len(), 7);
        let sql = format!(
            "INSERT INTO workflow_rows (request_id, row_no, line, username, state, message, \
             user_id) VALUES {values}"
        );
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = query
                .bind(request_id)
                .bind(row.row_no)
                .bind(row.line)
                .bind(&row.username)
                .bind(&row.state)
                .bind(&row.message)
                .bind(&row.user_id);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// `($1, $2, …), (…)` for `rows` rows of `columns` values.
fn placeholders(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=columns).map(|c| format!("${}", r * columns + c)).collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn request_from_row(row: &AnyRow) -> Result<RequestRecord, StoreError> {
    Ok(RequestRecord {
        id: row.try_get("id")?,
        tenant: row.try_get("tenant")?,
        kind: row.try_get("kind")?,
        state: row.try_get("state")?,
        requester_id: row.try_get("requester_id")?,
        requester_username: row.try_get("requester_username")?,
        reason: row.try_get("reason")?,
        summary: row.try_get("summary")?,
        spec: row.try_get("spec")?,
        rows_total: row.try_get("rows_total")?,
        privileged: row.try_get::<i64, _>("privileged")? != 0,
        approval_reasons: row.try_get("approval_reasons")?,
        approver_id: row.try_get("approver_id")?,
        approver_username: row.try_get("approver_username")?,
        decision_note: row.try_get("decision_note")?,
        created_at_ms: row.try_get("created_at_ms")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
        expires_at_ms: row.try_get("expires_at_ms")?,
        run_at_ms: row.try_get("run_at_ms")?,
        started_at_ms: row.try_get("started_at_ms")?,
        runner: row.try_get("runner")?,
        lease_until_ms: row.try_get("lease_until_ms")?,
        steps_total: row.try_get("steps_total")?,
    })
}

pub(super) fn step_from_row(row: &AnyRow) -> Result<StepRecord, StoreError> {
    Ok(StepRecord {
        seq: row.try_get("seq")?,
        row_no: row.try_get("row_no")?,
        label: row.try_get("label")?,
        action: row.try_get("action")?,
        subject: row.try_get("subject")?,
        state: row.try_get("state")?,
        message: row.try_get("message")?,
        user_id: row.try_get("user_id")?,
        delay_ms: row.try_get("delay_ms")?,
        not_before_ms: row.try_get("not_before_ms")?,
        attempts: row.try_get("attempts")?,
        finished_at_ms: row.try_get("finished_at_ms")?,
    })
}

pub(super) const STEPS_SELECT: &str = STEP_COLUMNS;
