//! A request turned into what it stores: one row per person, one step per Keycloak call.

use cloudtrust_backend::store::{NewRow, NewStep};
use serde_json::json;

use crate::AppError;
use crate::api::lifecycle::create::representation;
use crate::ssr::fail;
use crate::workflow::{Credential, RequestSpec, StepAction, StepSubject};

/// The steps that onboard each person of `spec` (rows in order); `lines` gives each row's line
/// in an imported file.
pub fn onboard_steps(
    spec: &RequestSpec,
    lines: &[Option<u64>],
    profile: &cloudtrust_backend::keycloak::UserProfileConfig,
) -> Result<(Vec<NewStep>, Vec<NewRow>), AppError> {
    let RequestSpec::Onboard { people, access, required_actions, credential, enabled, .. } = spec
    else {
        return Ok((Vec::new(), Vec::new()));
    };
    let mut steps = Vec::with_capacity(people.len() * (2 + access.len()));
    let mut rows = Vec::with_capacity(people.len());
    for (row, person) in people.iter().enumerate() {
        let mut user = representation(profile, &person.fields, *enabled, false).map_err(fail)?;
        if !required_actions.is_empty() {
            user["requiredActions"] = json!(required_actions);
        }
        let username = person.fields.get("username").cloned().unwrap_or_default();
        let mut actions = vec![(StepAction::CreateUser { representation: user }, None)];
        for item in access.iter().chain(&person.access) {
            actions.push((StepAction::grant(item), None));
        }
        if let Credential::Email { lifespan_hours } = credential {
            let mut emailed = vec!["UPDATE_PASSWORD".to_owned()];
            emailed.extend(required_actions.iter().filter(|a| *a != "UPDATE_PASSWORD").cloned());
            let lifespan_seconds = lifespan_hours * 3600;
            actions.push((StepAction::EmailActions { actions: emailed, lifespan_seconds }, None));
        }
        let first = steps.len() as i64;
        let mut these = steps_of_row(row as i64, &StepSubject::CreatedInRow, actions.into_iter());
        for (offset, step) in these.iter_mut().enumerate() {
            step.seq = first + offset as i64;
        }
        steps.extend(these);
        rows.push(NewRow {
            row_no: row as i64,
            line: lines.get(row).copied().flatten().map(|l| l as i64),
            username,
            state: "pending".to_owned(),
            message: None,
            user_id: None,
        });
    }
    Ok((steps, rows))
}

pub(super) fn steps_of_row(
    row_no: i64,
    subject: &StepSubject,
    actions: impl Iterator<Item = (StepAction, Option<i64>)>,
) -> Vec<NewStep> {
    let subject = serde_json::to_string(subject).unwrap_or_default();
    actions
        .enumerate()
        .map(|(seq, (action, delay_ms))| NewStep {
            row_no,
            seq: seq as i64,
            label: action.describe(),
            action: serde_json::to_string(&action).unwrap_or_default(),
            subject: subject.clone(),
            delay_ms,
        })
        .collect()
}

pub(super) fn existing_row(username: &str, user_id: &str) -> NewRow {
    NewRow {
        row_no: 0,
        line: None,
        username: username.to_owned(),
        state: "pending".to_owned(),
        message: None,
        user_id: Some(user_id.to_owned()),
    }
}
