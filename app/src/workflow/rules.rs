//! A tenant's rules for requests: which need a person's approval, who may give it, and how long
//! a request waits. Four eyes always holds: nobody approves a request they filed.

use serde::{Deserialize, Serialize};

use super::spec::{RequestKind, RequestSpec};
use crate::policy::{Action, Rights, Role};

/// A tenant's approval rules. The defaults ask for approval of anything privileged, every
/// offboarding and large imports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkflowPolicy {
    /// Every onboarding needs approval.
    pub approve_onboarding: bool,
    /// Every change of access needs approval.
    pub approve_change_access: bool,
    /// Every offboarding needs approval.
    pub approve_offboarding: bool,
    /// Every credential reset needs approval.
    pub approve_credential_reset: bool,
    /// Any request that grants or takes back a privileged group or role needs approval.
    pub approve_privileged: bool,
    /// A request of more rows than this (a bulk import) needs approval; 0 turns it off.
    pub bulk_threshold: u32,
    /// Helpdesk agents may approve requests that touch nothing privileged (tenant admins may
    /// approve any).
    pub helpdesk_approves: bool,
    /// Days a submitted request waits for a decision before it expires (1 to 90).
    pub expiry_days: u32,
}

impl Default for WorkflowPolicy {
    fn default() -> Self {
        WorkflowPolicy {
            approve_onboarding: false,
            approve_change_access: false,
            approve_offboarding: true,
            approve_credential_reset: false,
            approve_privileged: true,
            bulk_threshold: 50,
            helpdesk_approves: false,
            expiry_days: 7,
        }
    }
}

/// What the rules need to know of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestFacts {
    /// Its kind.
    pub kind: RequestKind,
    /// How many people it concerns.
    pub rows: usize,
    /// Whether it grants or takes back anything privileged.
    pub privileged: bool,
}

impl RequestFacts {
    /// The facts of `spec`.
    pub fn of(spec: &RequestSpec) -> RequestFacts {
        RequestFacts { kind: spec.kind(), rows: spec.rows(), privileged: spec.touches_privileged() }
    }
}

/// Whether a request needs approval, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApprovalNeed {
    /// It runs at once (still recorded).
    None,
    /// It waits for an approver; the reasons say which rules asked for it.
    Required {
        /// Each rule that applies, in words.
        reasons: Vec<String>,
    },
}

/// Why a person may not approve a request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApproverRefusal {
    /// They filed it.
    #[error("You filed this request: someone else must approve it.")]
    OwnRequest,
    /// Their role does not approve requests, or not this one.
    #[error("Your role does not approve this request{}.", privileged_note(*privileged))]
    NotAnApprover {
        /// Whether it was refused because the request is privileged.
        privileged: bool,
    },
}

fn privileged_note(privileged: bool) -> &'static str {
    if privileged {
        ": it touches privileged access, which only a tenant admin approves"
    } else {
        ""
    }
}

impl WorkflowPolicy {
    /// Checks the values a tenant admin set.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if !(1..=90).contains(&self.expiry_days) {
            let message = "Requests expire after 1 to 90 days.".to_owned();
            return Err(("expiry_days", message));
        }
        if self.bulk_threshold > 100_000 {
            return Err(("bulk_threshold", "The bulk threshold is at most 100,000 rows.".into()));
        }
        Ok(())
    }

    /// Whether a request with these facts needs approval.
    pub fn approval(&self, facts: RequestFacts) -> ApprovalNeed {
        let mut reasons = Vec::new();
        let by_kind = match facts.kind {
            RequestKind::Onboard => self.approve_onboarding,
            RequestKind::ChangeAccess => self.approve_change_access,
            RequestKind::Offboard => self.approve_offboarding,
            RequestKind::CredentialReset => self.approve_credential_reset,
        };
        if by_kind {
            reasons.push(format!("every {} request needs approval", kind_words(facts.kind)));
        }
        if self.approve_privileged && facts.privileged {
            reasons.push("it grants or takes back privileged access".to_owned());
        }
        if self.bulk_threshold > 0 && facts.rows > self.bulk_threshold as usize {
            reasons.push(format!(
                "it concerns {} people, more than the {} allowed without approval",
                facts.rows, self.bulk_threshold
            ));
        }
        if reasons.is_empty() { ApprovalNeed::None } else { ApprovalNeed::Required { reasons } }
    }

    /// Whether the person with `rights` (read afresh when they approve), known by `subject`,
    /// may approve a request in `tenant` with these facts that `requester` filed.
    pub fn may_approve(
        &self,
        rights: &Rights,
        subject: &str,
        tenant: &str,
        requester: &str,
        facts: RequestFacts,
    ) -> Result<(), ApproverRefusal> {
        if subject == requester {
            return Err(ApproverRefusal::OwnRequest);
        }
        if rights.allows(Action::ApproveRequest, Some(tenant)) {
            return Ok(());
        }
        let helpdesk = rights.roles_in(tenant).contains(&Role::Helpdesk);
        if self.helpdesk_approves && helpdesk && !facts.privileged {
            return Ok(());
        }
        Err(ApproverRefusal::NotAnApprover { privileged: helpdesk && self.helpdesk_approves })
    }
}

fn kind_words(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Onboard => "onboarding",
        RequestKind::ChangeAccess => "change of access",
        RequestKind::Offboard => "offboarding",
        RequestKind::CredentialReset => "credential reset",
    }
}

#[cfg(test)]
mod tests {
    use super::{ApprovalNeed, ApproverRefusal, RequestFacts, WorkflowPolicy};
    use crate::policy::Rights;
    use crate::workflow::RequestKind;

    fn facts(kind: RequestKind, rows: usize, privileged: bool) -> RequestFacts {
        RequestFacts { kind, rows, privileged }
    }

    fn rights(paths: &[&str]) -> Rights {
        Rights::from_group_paths(paths.iter().copied())
    }

    #[test]
    fn by_default_a_plain_onboarding_runs_at_once_and_an_offboarding_waits() {
        let policy = WorkflowPolicy::default();

        assert_eq!(policy.approval(facts(RequestKind::Onboard, 1, false)), ApprovalNeed::None);
        assert!(matches!(
            policy.approval(facts(RequestKind::Offboard, 1, false)),
            ApprovalNeed::Required { .. }
        ));
    }

    #[test]
    fn every_rule_that_applies_is_given_as_a_reason() {
        let policy = WorkflowPolicy { approve_onboarding: true, ..WorkflowPolicy::default() };

        let ApprovalNeed::Required { reasons } =
            policy.approval(facts(RequestKind::Onboard, 51, true))
        else {
            panic!("approval expected");
        };

        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons[2].contains("51 people"), "{reasons:?}");
    }

    #[test]
    fn a_bulk_request_at_the_threshold_runs_and_one_row_above_it_waits() {
        let policy = WorkflowPolicy { bulk_threshold: 100, ..WorkflowPolicy::default() };

        assert_eq!(policy.approval(facts(RequestKind::Onboard, 100, false)), ApprovalNeed::None);
        assert_ne!(policy.approval(facts(RequestKind::Onboard, 101, false)), ApprovalNeed::None);
        let off = WorkflowPolicy { bulk_threshold: 0, ..policy };
        assert_eq!(off.approval(facts(RequestKind::Onboard, 10_000, false)), ApprovalNeed::None);
    }

    #[test]
    fn nobody_approves_their_own_request_not_even_a_platform_admin() {
        let policy = WorkflowPolicy::default();
        let admin = rights(&["/platform-admins"]);

        let result =
            policy.may_approve(&admin, "me", "acme", "me", facts(RequestKind::Offboard, 1, false));

        assert_eq!(result, Err(ApproverRefusal::OwnRequest));
    }

    #[test]
    fn a_tenant_admin_approves_in_their_tenant_only() {
        let policy = WorkflowPolicy::default();
        let admin = rights(&["/tenants/acme/tenant-admins"]);
        let f = facts(RequestKind::Offboard, 1, true);

        assert_eq!(policy.may_approve(&admin, "a", "acme", "h", f), Ok(()));
        assert!(policy.may_approve(&admin, "a", "globex", "h", f).is_err());
    }

    #[test]
    fn a_helpdesk_agent_approves_only_when_allowed_and_never_privileged_access() {
        let agent = rights(&["/tenants/acme/helpdesk"]);
        let plain = facts(RequestKind::Offboard, 1, false);
        let privileged = facts(RequestKind::ChangeAccess, 1, true);

        let strict = WorkflowPolicy::default();
        assert!(strict.may_approve(&agent, "a", "acme", "h", plain).is_err());

        let lenient = WorkflowPolicy { helpdesk_approves: true, ..strict };
        assert_eq!(lenient.may_approve(&agent, "a", "acme", "h", plain), Ok(()));
        assert_eq!(
            lenient.may_approve(&agent, "a", "acme", "h", privileged),
            Err(ApproverRefusal::NotAnApprover { privileged: true })
        );
    }

    #[test]
    fn an_auditor_never_approves() {
        let lenient = WorkflowPolicy { helpdesk_approves: true, ..WorkflowPolicy::default() };
        let auditor = rights(&["/tenants/acme/auditors"]);

        let result =
            lenient.may_approve(&auditor, "a", "acme", "h", facts(RequestKind::Onboard, 1, false));

        assert!(result.is_err());
    }

    #[test]
    fn an_expiry_outside_one_to_ninety_days_is_refused_by_name() {
        let policy = WorkflowPolicy { expiry_days: 0, ..WorkflowPolicy::default() };

        assert_eq!(policy.validate().map_err(|(field, _)| field), Err("expiry_days"));
    }

    #[test]
    fn a_stored_policy_missing_newer_fields_reads_with_their_defaults() {
        let policy: WorkflowPolicy =
            serde_json::from_str(r#"{"approve_onboarding":true}"#).expect("json");

        assert!(policy.approve_onboarding);
        assert_eq!(policy.expiry_days, 7);
    }
}
