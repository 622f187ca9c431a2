//! The life of a request, as a state machine: which transitions each state allows. The store
//! applies a transition only from the state it was computed from, so two people acting at once
//! cannot both move a request.

use serde::{Deserialize, Serialize};

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// Being prepared (a bulk import before its rows are checked); not yet asked for.
    Draft,
    /// Waiting for an approver.
    Submitted,
    /// Approved, or needing no approval; runs at once or at its date.
    Approved,
    /// Refused by an approver; nothing ran.
    Rejected,
    /// Its steps are being run, or wait for their date.
    Running,
    /// Every step is done.
    Done,
    /// A step failed; the steps before it are done and it can be retried.
    Failed,
    /// Nobody decided before the policy's expiry.
    Expired,
    /// Withdrawn by the requester or an admin: before it ran, or abandoned after a failure or
    /// while it waited for a delayed step (the steps not run stay not run).
    Cancelled,
}

/// Something that moves a request from one state to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Transition {
    /// The requester asks for it and it needs approval.
    Submit,
    /// The requester asks for it and it needs none, or an approver agrees.
    Approve,
    /// An approver refuses it.
    Reject,
    /// A runner takes it up.
    Start,
    /// Its last step is done.
    Finish,
    /// A step failed.
    Fail,
    /// Someone asks to run the failed steps again.
    Retry,
    /// The policy's expiry passed while it waited.
    Expire,
    /// The requester or an admin withdraws it.
    Cancel,
}

/// A transition the current state does not allow.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a request that is {from} cannot be {}", transition.past_tense())]
pub struct TransitionError {
    /// The state the request was in.
    pub from: RequestState,
    /// What was tried.
    pub transition: Transition,
}

impl Transition {
    fn past_tense(self) -> &'static str {
        match self {
            Transition::Submit => "submitted",
            Transition::Approve => "approved",
            Transition::Reject => "rejected",
            Transition::Start => "started",
            Transition::Finish => "finished",
            Transition::Fail => "marked failed",
            Transition::Retry => "retried",
            Transition::Expire => "expired",
            Transition::Cancel => "cancelled",
        }
    }
}

impl RequestState {
    /// Every state, in the order a request goes through them.
    pub const ALL: [RequestState; 9] = [
        RequestState::Draft,
        RequestState::Submitted,
        RequestState::Approved,
        RequestState::Rejected,
        RequestState::Running,
        RequestState::Done,
        RequestState::Failed,
        RequestState::Expired,
        RequestState::Cancelled,
    ];

    /// The state after `transition`, or why it is not allowed.
    pub fn apply(self, transition: Transition) -> Result<RequestState, TransitionError> {
        use RequestState::*;
        use Transition as T;
        let next = match (self, transition) {
            (Draft, T::Submit) => Submitted,
            (Draft | Submitted, T::Approve) => Approved,
            (Submitted, T::Reject) => Rejected,
            (Approved, T::Start) | (Running, T::Start) => Running,
            (Running, T::Finish) => Done,
            (Running, T::Fail) => Failed,
            (Failed, T::Retry) => Running,
            (Submitted, T::Expire) => Expired,
            // A running request is cancelled only while it waits for a delayed step (the
            // deletion after an offboarding): the store checks that no runner holds it.
            (Draft | Submitted | Approved | Running | Failed, T::Cancel) => Cancelled,
            (from, transition) => return Err(TransitionError { from, transition }),
        };
        Ok(next)
    }

    /// Whether nothing more will happen to the request.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            RequestState::Rejected
                | RequestState::Done
                | RequestState::Expired
                | RequestState::Cancelled
        )
    }

    /// Whether the request still waits for someone: a draft to finish or an approval.
    pub fn is_open(self) -> bool {
        matches!(self, RequestState::Draft | RequestState::Submitted)
    }

    /// The stable name stored in the database and used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Draft => "draft",
            RequestState::Submitted => "submitted",
            RequestState::Approved => "approved",
            RequestState::Rejected => "rejected",
            RequestState::Running => "running",
            RequestState::Done => "done",
            RequestState::Failed => "failed",
            RequestState::Expired => "expired",
            RequestState::Cancelled => "cancelled",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<RequestState> {
        RequestState::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl std::fmt::Display for RequestState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where one step of a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// Not run yet (or not run because an earlier step failed).
    Pending,
    /// Being run; found so after a restart, it is run again (every step is idempotent).
    Running,
    /// Done.
    Done,
    /// Tried and failed; the message says why.
    Failed,
}

impl StepState {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Pending => "pending",
            StepState::Running => "running",
            StepState::Done => "done",
            StepState::Failed => "failed",
        }
    }

    /// Reads a stored name; an unknown one reads as pending, so that it is run again.
    pub fn parse(name: &str) -> StepState {
        match name {
            "running" => StepState::Running,
            "done" => StepState::Done,
            "failed" => StepState::Failed,
            _ => StepState::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RequestState::*;
    use super::{RequestState, Transition};

    #[test]
    fn a_request_goes_from_submitted_through_approval_and_running_to_done() {
        let mut state = Draft;
        for t in [Transition::Submit, Transition::Approve, Transition::Start, Transition::Finish] {
            state = state.apply(t).expect("allowed");
        }

        assert_eq!(state, Done);
        assert!(state.is_final());
    }

    #[test]
    fn a_decided_request_cannot_be_approved_or_rejected_again() {
        for from in [Approved, Rejected, Running, Done, Failed, Expired, Cancelled] {
            assert!(from.apply(Transition::Approve).is_err(), "{from} approved");
            assert!(from.apply(Transition::Reject).is_err(), "{from} rejected");
        }
    }

    #[test]
    fn only_a_failed_request_is_retried_and_it_runs_again() {
        for from in RequestState::ALL {
            let result = from.apply(Transition::Retry);
            if from == Failed {
                assert_eq!(result, Ok(Running));
            } else {
                assert!(result.is_err(), "{from} retried");
            }
        }
    }

    #[test]
    fn a_done_request_cannot_be_cancelled_but_a_failed_or_waiting_one_can_be_abandoned() {
        assert!(Done.apply(Transition::Cancel).is_err());
        assert!(Rejected.apply(Transition::Cancel).is_err());
        assert_eq!(Running.apply(Transition::Cancel), Ok(Cancelled));
        assert_eq!(Failed.apply(Transition::Cancel), Ok(Cancelled));
        assert_eq!(Approved.apply(Transition::Cancel), Ok(Cancelled));
    }

    #[test]
    fn only_a_waiting_request_expires() {
        let expiring: Vec<RequestState> =
            RequestState::ALL.into_iter().filter(|s| s.apply(Transition::Expire).is_ok()).collect();

        assert_eq!(expiring, [Submitted]);
    }

    #[test]
    fn the_refusal_names_the_state_and_what_was_tried() {
        let err = Done.apply(Transition::Approve).expect_err("refused");

        assert_eq!(err.to_string(), "a request that is done cannot be approved");
    }

    #[test]
    fn every_state_reads_back_from_its_stored_name() {
        for state in RequestState::ALL {
            assert_eq!(RequestState::parse(state.as_str()), Some(state));
        }
        assert_eq!(RequestState::parse("lost"), None);
    }
}
