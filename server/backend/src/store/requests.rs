//! Provisioning requests: filed, decided, claimed by one runner, and their steps and rows.
//!
//! The store knows a request's state only as text; which transitions are allowed is the
//! application's state machine. What the store guarantees is that a change of state happens
//! only from the state the caller read ([`Store::move_request`] is one conditional `UPDATE`), so
//! two approvers clicking at once move a request once, and that one runner at a time holds a
//! request ([`Store::claim_request`]).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError, now_ms};

/// A request to file, with its steps and rows.
#[derive(Clone, Debug, Default)]
pub struct NewRequest {
    /// Its id (a UUID).
    pub id: String,
    /// The tenant.
    pub tenant: String,
    /// Its kind's stable name.
    pub kind: String,
    /// The state it starts in.
    pub state: String,
    /// Who filed it: Keycloak subject and username.
    pub requester_id: String,
    /// Who filed it, readable.
    pub requester_username: String,
    /// Why, in the requester's words.
    pub reason: String,
    /// One line for lists.
    pub summary: String,
    /// What it asks for, as JSON.
    pub spec: String,
    /// How many people it concerns.
    pub rows_total: i64,
    /// Whether it touches privileged access.
    pub privileged: bool,
    /// Why it needs approval (JSON list of reasons), when it does.
    pub approval_reasons: Option<String>,
    /// When it expires if nobody decides.
    pub expires_at_ms: Option<i64>,
    /// Not to run before then (a scheduled leaver).
    pub run_at_ms: Option<i64>,
}

/// One step to store.
#[derive(Clone, Debug, Default)]
pub struct NewStep {
    /// The row (person) it belongs to.
    pub row_no: i64,
    /// Its place in the request.
    pub seq: i64,
    /// What it does, for people.
    pub label: String,
    /// The call, as JSON.
    pub action: String,
    /// Whom it acts on, as JSON.
    pub subject: String,
    /// Wait this long after the step before it finished.
    pub delay_ms: Option<i64>,
}

/// One row (person) to store.
#[derive(Clone, Debug, Default)]
pub struct NewRow {
    /// Its number in the request, from 0.
    pub row_no: i64,
    /// The line of the imported file, when one.
    pub line: Option<i64>,
    /// The username it concerns.
    pub username: String,
    /// `pending`, or `skipped` with the reason in `message`.
    pub state: String,
    /// Why it was skipped.
    pub message: Option<String>,
    /// The user, when it exists already.
    pub user_id: Option<String>,
}

/// A stored request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    /// Its id.
    pub id: String,
    /// The tenant.
    pub tenant: String,
    /// Its kind's stable name.
    pub kind: String,
    /// Its state's stable name.
    pub state: String,
    /// Who filed it.
    pub requester_id: String,
    /// Who filed it, readable.
    pub requester_username: String,
    /// Why.
    pub reason: String,
    /// One line for lists.
    pub summary: String,
    /// What it asks for, as JSON.
    pub spec: String,
    /// How many people it concerns.
    pub rows_total: i64,
    /// Whether it touches privileged access.
    pub privileged: bool,
    /// Why it needs approval (JSON), when it does.
    pub approval_reasons: Option<String>,
    /// Who decided it.
    pub approver_id: Option<String>,
    /// Who decided it, readable.
    pub approver_username: Option<String>,
    /// What the approver said.
    pub decision_note: Option<String>,
    /// When it was filed.
    pub created_at_ms: i64,
    /// When it last changed.
    pub updated_at_ms: i64,
    /// When it expires if undecided.
    pub expires_at_ms: Option<i64>,
    /// Not to run before then.
    pub run_at_ms: Option<i64>,
    /// When a runner first took it up.
    pub started_at_ms: Option<i64>,
    /// The runner holding it.
    pub runner: Option<String>,
    /// Until when the runner holds it.
    pub lease_until_ms: i64,
    /// How many steps it has.
    pub steps_total: i64,
}

/// A stored step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepRecord {
    /// Its place in the request.
    pub seq: i64,
    /// Its row.
    pub row_no: i64,
    /// What it does, for people.
    pub label: String,
    /// The call, as JSON.
    pub action: String,
    /// Whom it acts on, as JSON.
    pub subject: String,
    /// `pending`, `running`, `done` or `failed`.
    pub state: String,
    /// Why it failed.
    pub message: Option<String>,
    /// The user it acted on (or created).
    pub user_id: Option<String>,
    /// Wait this long after the step before it.
    pub delay_ms: Option<i64>,
    /// Not to run before then, once the wait started.
    pub not_before_ms: Option<i64>,
    /// How many times it was tried.
    pub attempts: i64,
    /// When it last finished.
    pub finished_at_ms: Option<i64>,
}

/// A stored row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowRecord {
    /// Its number.
    pub row_no: i64,
    /// The imported file's line.
    pub line: Option<i64>,
    /// The username.
    pub username: String,
    /// `pending`, `done`, `skipped` or `failed`.
    pub state: String,
    /// Why it was skipped or failed.
    pub message: Option<String>,
    /// The user.
    pub user_id: Option<String>,
}

/// One entry of a request's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryRecord {
    /// When.
    pub at_ms: i64,
    /// Who: a subject, or `system`.
    pub actor_id: String,
    /// Who, readable.
    pub actor_username: String,
    /// The state before, when it changed.
    pub from_state: Option<String>,
    /// The state after.
    pub to_state: String,
    /// What was said or done.
    pub note: Option<String>,
}

/// Who moves a request, and what they say.
#[derive(Clone, Debug, Default)]
pub struct Move<'a> {
    /// Who: a subject, or `system`.
    pub actor_id: &'a str,
    /// Who, readable.
    pub actor_username: &'a str,
    /// A note for the history.
    pub note: Option<&'a str>,
    /// Record the actor as the request's approver (an approval or a rejection).
    pub decides: bool,
}

/// Which requests to list.
#[derive(Clone, Debug, Default)]
pub struct RequestFilter {
    /// The tenant.
    pub tenant: String,
    /// Only those filed by this subject.
    pub requester_id: Option<String>,
    /// Only those not filed by this subject.
    pub not_requester_id: Option<String>,
    /// Only those that touch privileged access (`Some(true)`) or that do not.
    pub privileged: Option<bool>,
    /// Only those in one of these states (all when empty).
    pub states: Vec<String>,
    /// Skip this many, newest first.
    pub offset: i64,
    /// At most this many.
    pub limit: i64,
}

/// How many steps of a request are in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepCounts {
    /// Not run yet.
    pub pending: i64,
    /// Being run.
    pub running: i64,
    /// Done.
    pub done: i64,
    /// Failed.
    pub failed: i64,
}

const REQUEST_COLUMNS: &str = "id, tenant, kind, state, requester_id, requester_username, reason, \
    summary, spec, rows_total, privileged, approval_reasons, approver_id, approver_username, \
    decision_note, created_at_ms, updated_at_ms, expires_at_ms, run_at_ms, started_at_ms, runner, \
    lease_until_ms, steps_total";

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
        .bind(steps.len() as i64)
        .execute(&mut *tx)
        .await?;
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
            "SELECT {REQUEST_COLUMNS} FROM workflow_requests WHERE {condition} \
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

    /// Takes up a request to run it: an approved one that is due, or a running one whose runner
    /// stopped renewing (a restart) and that is due. Returns whether `holder` now holds it; the
    /// state becomes `running`.
    pub async fn claim_request(
        &self,
        id: &str,
        holder: &str,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let claimed = sqlx::query(
            "UPDATE workflow_requests SET state = 'running', runner = $1, lease_until_ms = $2, \
             started_at_ms = COALESCE(started_at_ms, $3), updated_at_ms = $3 \
             WHERE id = $4 AND (run_at_ms IS NULL OR run_at_ms <= $3) \
             AND (state = 'approved' OR (state = 'running' AND lease_until_ms < $3))",
        )
        .bind(holder)
        .bind(now + lease_ms)
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(claimed == 1)
    }

    /// Renews `holder`'s hold on a running request; false when someone else holds it now.
    pub async fn renew_claim(
        &self,
        id: &str,
        holder: &str,
        lease_ms: i64,
    ) -> Result<bool, StoreError> {
        let renewed = sqlx::query(
            "UPDATE workflow_requests SET lease_until_ms = $1 \
             WHERE id = $2 AND runner = $3 AND state = 'running'",
        )
        .bind(now_ms() + lease_ms)
        .bind(id)
        .bind(holder)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(renewed == 1)
    }

    /// Lets go of a running request that waits for a later step, to be taken up again at
    /// `resume_at_ms`.
    pub async fn park_request(
        &self,
        id: &str,
        holder: &str,
        resume_at_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE workflow_requests SET runner = NULL, lease_until_ms = 0, run_at_ms = $1, \
             updated_at_ms = $2 WHERE id = $3 AND runner = $4",
        )
        .bind(resume_at_ms)
        .bind(now_ms())
        .bind(id)
        .bind(holder)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The requests a runner should take up now: approved and due, or running, due, and
    /// held by nobody alive. At most `limit`, oldest first.
    pub async fn due_requests(&self, limit: i64) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT id FROM workflow_requests WHERE (run_at_ms IS NULL OR run_at_ms <= $1) \
             AND (state = 'approved' OR (state = 'running' AND lease_until_ms < $1)) \
             ORDER BY updated_at_ms LIMIT $2",
        )
        .bind(now_ms())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| r.try_get(0).map_err(StoreError::from)).collect()
    }

    /// The submitted requests whose expiry has passed.
    pub async fn expired_requests(&self) -> Result<Vec<RequestRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS} FROM workflow_requests \
             WHERE state = 'submitted' AND expires_at_ms IS NOT NULL AND expires_at_ms < $1"
        ))
        .bind(now_ms())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(request_from_row).collect()
    }

    /// A request's history, oldest first.
    pub async fn request_history(&self, id: &str) -> Result<Vec<HistoryRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT at_ms, actor_id, actor_username, from_state, to_state, note \
             FROM workflow_history WHERE request_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(HistoryRecord {
                    at_ms: r.try_get("at_ms")?,
                    actor_id: r.try_get("actor_id")?,
                    actor_username: r.try_get("actor_username")?,
                    from_state: r.try_get("from_state")?,
                    to_state: r.try_get("to_state")?,
                    note: r.try_get("note")?,
                })
            })
            .collect()
    }

    /// Adds a note to a request's history without changing its state.
    pub async fn note_request(
        &self,
        id: &str,
        state: &str,
        by: &Move<'_>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_history(&mut tx, id, now_ms(), by, Some(state), state).await?;
        tx.commit().await?;
        Ok(())
    }
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

async fn insert_history(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    request_id: &str,
    at_ms: i64,
    by: &Move<'_>,
    from: Option<&str>,
    to: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO workflow_history (request_id, at_ms, actor_id, actor_username, from_state, \
         to_state, note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(request_id)
    .bind(at_ms)
    .bind(by.actor_id)
    .bind(by.actor_username)
    .bind(from)
    .bind(to)
    .bind(by.note)
    .execute(&mut **tx)
    .await?;
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

fn request_from_row(row: &AnyRow) -> Result<RequestRecord, StoreError> {
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
