//! Provisioning requests as both sides see them: what a request asks for ([`spec`]), the states
//! it goes through ([`state`]), the Keycloak calls it runs ([`steps`]), and each tenant's rules
//! for when a person must approve it ([`rules`]). Pure types and decisions; storing and running requests is the server's part
//! (`api::requests`).

pub mod rules;
pub mod spec;
pub mod state;
pub mod steps;

pub use rules::{ApprovalNeed, RequestFacts, WorkflowPolicy};
pub use spec::{AccessItem, Credential, Person, RequestKind, RequestSpec, ResetMethod, Template};
pub use state::{RequestState, StepState, Transition, TransitionError};
pub use steps::{StepAction, StepSubject};
