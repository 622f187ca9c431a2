//! The audit records of what a run carried out, a row at a time, with who asked and who
//! approved.

use cloudtrust_backend::store::{AuditEntry, Outcome, RequestRecord, Store};
use serde_json::{Value, json};
use tracing::error;

use super::run::SYSTEM;

/// One audit record per row run: who asked, who approved, and what ran.
pub(super) async fn record_row(
    store: &Store,
    request: &RequestRecord,
    row: i64,
    user: Option<&str>,
    ran: &[Value],
    outcome: Outcome,
) {
    let Some(entry) = row_audit(request, row, user, ran, outcome) else { return };
    if let Err(err) = store.append_audit(&entry).await {
        error!(%err, request = request.id, "could not record a request's steps in the audit trail");
    }
}

/// The audit record of what a row ran, with who asked and who approved; none when nothing ran.
pub(super) fn row_audit(
    request: &RequestRecord,
    row: i64,
    user: Option<&str>,
    ran: &[Value],
    outcome: Outcome,
) -> Option<AuditEntry> {
    if ran.is_empty() {
        return None;
    }
    Some(AuditEntry {
        request_id: format!("request:{}", request.id),
        actor_id: SYSTEM.to_owned(),
        actor_username: SYSTEM.to_owned(),
        tenant: Some(request.tenant.clone()),
        action: format!("request.{}.run", request.kind),
        target: user.map(str::to_owned),
        outcome,
        detail: Some(
            json!({
                "request": request.id,
                "row": row,
                "requester": request.requester_username,
                "approver": request.approver_username,
                "steps": ran,
            })
            .to_string(),
        ),
    })
}
