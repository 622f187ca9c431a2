//! What the restore pages read, made from what the backup module and the store hold: the
//! dry run with its lists cut to the first hundred, and a stored restore with its steps and
//! its check.

use cloudtrust_backend::backup::diff::{Changed, KindDiff};
use cloudtrust_backend::backup::restore::{CheckReport, RestoreOptions, RestorePlan, Target};
use cloudtrust_backend::store::RestoreRecord;

use super::run::StoredStep;
use super::{CheckView, KindPlanView, RestorePlanView, RestoreRow, StepRow};
use crate::api::backups::compare::summary;
use crate::api::backups::{ChangedThing, FieldChange};

/// How many things of each list the dry run shows.
const LISTED: usize = 100;

pub(super) fn view(plan: &RestorePlan) -> RestorePlanView {
    RestorePlanView {
        choice: Default::default(),
        realm: plan.realm.clone(),
        new_realm: plan.new_realm,
        kinds: plan
            .kinds
            .iter()
            .map(|k| KindPlanView {
                kind: k.kind.clone(),
                create: k.create.iter().take(LISTED).cloned().collect(),
                create_total: k.create.len() as u64,
                conflicts: k.conflicts.iter().take(LISTED).map(changed).collect(),
                conflicts_total: k.conflicts.len() as u64,
                same: k.same,
                only_in_realm: k.only_in_realm,
                restored: k.restored,
            })
            .collect(),
        to_set_again: plan.to_set_again.clone(),
        warnings: plan.warnings.clone(),
        refused: plan.refused.clone(),
    }
}

fn changed(c: &Changed) -> ChangedThing {
    ChangedThing {
        name: c.name.clone(),
        fields: c
            .fields
            .iter()
            .map(|f| FieldChange {
                field: f.field.clone(),
                before: f.before.clone(),
                after: f.after.clone(),
            })
            .collect(),
    }
}

pub(super) fn row(record: RestoreRecord) -> RestoreRow {
    let options: Option<RestoreOptions> = serde_json::from_str(&record.options).ok();
    let steps: Vec<StoredStep> = serde_json::from_str(&record.steps).unwrap_or_default();
    let check: Option<CheckReport> =
        record.check_report.as_deref().and_then(|c| serde_json::from_str(c).ok());
    RestoreRow {
        id: record.id,
        source: record.source,
        realm: options.as_ref().map(|o| o.target.realm().to_owned()).unwrap_or_default(),
        new_realm: matches!(options.as_ref().map(|o| &o.target), Some(Target::NewRealm(_))),
        conflicts: options.map(|o| format!("{:?}", o.conflicts).to_lowercase()).unwrap_or_default(),
        state: record.state,
        started_by: record.started_by,
        started_at_ms: record.started_at_ms,
        finished_at_ms: record.finished_at_ms,
        steps: steps
            .into_iter()
            .map(|s| StepRow {
                label: s.step.label(),
                state: s.state,
                added: s.report.added,
                skipped: s.report.skipped,
                overwritten: s.report.overwritten,
                notes: s.report.notes,
                error: s.error,
            })
            .collect(),
        check: check.map(|c| CheckView {
            matches: c.matches,
            counts: c.counts,
            expected: c.expected,
            differences: c
                .diff
                .kinds
                .into_iter()
                .filter(|(_, d): &(String, KindDiff)| !d.is_empty())
                .map(|(kind, d)| summary(kind, d))
                .collect(),
        }),
        error: record.error,
    }
}
