//! Running the steps of a multi-step change in order on the server: a step that fails stops the
//! run, and the answer lists every step with how it ended.

use cloudtrust_backend::keycloak::KeycloakError;
use cloudtrust_backend::store::Outcome;

use super::{StepOutcome, StepResult};
use crate::ssr::explain_keycloak;

/// A step to run: its label and the call.
pub(super) type Step<'a> =
    (String, std::pin::Pin<Box<dyn Future<Output = Result<(), KeycloakError>> + Send + 'a>>);

/// Runs `steps` in order until one fails; the rest are reported as not run.
pub(super) async fn run(steps: Vec<Step<'_>>) -> Vec<StepResult> {
    let mut results = Vec::with_capacity(steps.len());
    let mut failed = false;
    for (label, call) in steps {
        if failed {
            results.push(StepResult { step: label, outcome: StepOutcome::NotRun, message: None });
            continue;
        }
        match call.await {
            Ok(()) => {
                results.push(StepResult { step: label, outcome: StepOutcome::Done, message: None })
            }
            Err(err) => {
                failed = true;
                // The call still answers, with every step: the status stays a success.
                let message = explain_keycloak(err).message;
                results.push(StepResult {
                    step: label,
                    outcome: StepOutcome::Failed,
                    message: Some(message),
                });
            }
        }
    }
    results
}

pub(super) fn outcome_of(steps: &[StepResult]) -> Outcome {
    if steps.iter().all(|s| s.outcome == StepOutcome::Done) {
        Outcome::Success
    } else {
        Outcome::Failed
    }
}

/// Each step and how it ended, as the audit trail keeps them.
pub(super) fn audited_steps(steps: &[StepResult]) -> Vec<serde_json::Value> {
    let entry = |s: &StepResult| {
        let outcome = format!("{:?}", s.outcome);
        serde_json::json!({ "step": s.step, "outcome": outcome })
    };
    steps.iter().map(entry).collect()
}

#[cfg(test)]
mod tests {
    use cloudtrust_backend::keycloak::KeycloakError;

    use super::{Step, StepOutcome, run};

    #[tokio::test]
    async fn a_failed_step_stops_the_run_and_the_steps_after_it_are_reported_not_run() {
        let steps: Vec<Step> = vec![
            ("Disable".to_owned(), Box::pin(async { Ok(()) })),
            (
                "Sign out".to_owned(),
                Box::pin(async { Err(KeycloakError::Unavailable { reason: "down".to_owned() }) }),
            ),
            ("Leave group".to_owned(), Box::pin(async { panic!("a step after a failure ran") })),
        ];

        let results = run(steps).await;

        let outcomes: Vec<StepOutcome> = results.iter().map(|s| s.outcome).collect();
        assert_eq!(outcomes, [StepOutcome::Done, StepOutcome::Failed, StepOutcome::NotRun]);
        let message = results[1].message.as_deref().unwrap_or_default();
        assert!(message.contains("cannot be reached"), "{message}");
        assert_eq!(results[2].step, "Leave group");
    }
}
