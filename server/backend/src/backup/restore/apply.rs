//! The steps of a restore against Keycloak. Each step can be run again after a fault and does
//! not duplicate anything: a realm that exists is not created twice, and every creation goes
//! through the partial import with `SKIP`, which leaves what exists alone and names what it
//! added.

use reqwest::Method;
use serde_json::{Map, Value, json};

use super::overwrite::{self, Lookup};
use super::prepare::{drop_ids, prepare_realm, prepare_user};
use super::{Conflicts, RestoreOptions, RestorePlan, Step, StepReport};
use crate::backup::diff::realm_kinds;
use crate::backup::snapshot::Snapshot;
use crate::keycloak::{IfExists, ImportAnswer, KeycloakAdmin, KeycloakError};

/// The realm attribute that names the restore that created a realm.
pub const STAMP: &str = "cloudtrust.restore";

/// Users brought back by one partial import.
pub const USERS_BATCH: usize = 500;

/// Runs the steps of one restore.
pub struct Restorer<'a> {
    pub(super) kc: &'a KeycloakAdmin,
    pub(super) source: &'a Snapshot,
    pub(super) options: &'a RestoreOptions,
}

impl<'a> Restorer<'a> {
    /// A restore of `source` as `options` say.
    pub fn new(
        kc: &'a KeycloakAdmin,
        source: &'a Snapshot,
        options: &'a RestoreOptions,
    ) -> Restorer<'a> {
        Restorer { kc, source, options }
    }

    fn realm(&self) -> &str {
        self.options.target.realm()
    }

    /// The users that sign in (service accounts come with their clients), by username.
    fn people(&self) -> Vec<&Value> {
        self.source.users.values().filter(|u| !is_service_account(u)).collect()
    }

    /// The steps `plan` needs, in order.
    pub fn steps(&self, plan: &RestorePlan) -> Vec<Step> {
        let mut steps = vec![if plan.new_realm { Step::CreateRealm } else { Step::CreateMissing }];
        let profile = plan.kinds.iter().find(|k| k.kind == "user_profile");
        let overwrite = self.options.conflicts == Conflicts::Overwrite;
        if !plan.new_realm
            && profile
                .is_some_and(|k| !k.create.is_empty() || (overwrite && !k.conflicts.is_empty()))
        {
            steps.push(Step::UserProfile);
        }
        let people = self.people().len();
        for first in (0..people).step_by(USERS_BATCH) {
            steps.push(Step::Users { first, count: USERS_BATCH.min(people - first) });
        }
        if !plan.new_realm && self.source.users.values().any(is_service_account) {
            steps.push(Step::ServiceAccounts);
        }
        if self.options.conflicts == Conflicts::Overwrite {
            let overwritten = |k: &&super::KindPlan| {
                k.restored && !k.conflicts.is_empty() && k.kind != "user_profile"
            };
            for kind in plan.kinds.iter().filter(overwritten) {
                steps.push(Step::Overwrite { kind: kind.kind.clone() });
            }
        }
        steps
    }

    /// Runs one step of `plan`.
    pub async fn run(&self, step: &Step, plan: &RestorePlan) -> Result<StepReport, KeycloakError> {
        match step {
            Step::CreateRealm => self.create_realm().await,
            Step::CreateMissing => self.create_missing(plan).await,
            Step::Users { first, count } => self.users(*first, *count).await,
            Step::ServiceAccounts => self.service_accounts().await,
            Step::UserProfile => {
                let overwrite = self.options.conflicts == Conflicts::Overwrite;
                overwrite::profile(self.kc, self.realm(), self.source, overwrite).await
            }
            Step::Overwrite { kind } => {
                let names: Vec<String> = plan
                    .kinds
                    .iter()
                    .find(|k| &k.kind == kind)
                    .map(|k| k.conflicts.iter().map(|c| c.name.clone()).collect())
                    .unwrap_or_default();
                overwrite::kind(self.kc, self.realm(), self.source, kind, &names).await
            }
        }
    }

    /// The new realm with everything but the people; a realm of that name that exists was
    /// created by an earlier run of this restore (the dry run refuses a name in use).
    async fn create_realm(&self) -> Result<StepReport, KeycloakError> {
        let realm = self.realm();
        let mut report = StepReport::default();
        if self.kc.realm_exists(realm).await? {
            let there = self.kc.read_json(realm, &[], &[]).await?;
            let stamp = &self.options.stamp;
            if stamp.is_empty() || there["attributes"][STAMP].as_str() != Some(stamp) {
                let message = format!("a realm named {realm} exists, not made by this restore");
                return Err(KeycloakError::Conflict { message });
            }
            report.skipped = 1;
            report.notes.push(format!("The realm {realm} was created by an earlier run."));
            self.put_profile().await?;
            return Ok(report);
        }
        let mut representation = prepare_realm(&self.source.realm, realm).realm;
        if representation["attributes"].as_object().is_none() {
            representation["attributes"] = json!({});
        }
        representation["attributes"][STAMP] = Value::String(self.options.stamp.clone());
        let services: Vec<Value> = self
            .source
            .users
            .values()
            .filter(|u| is_service_account(u))
            .map(prepare_user)
            .collect();
        representation["users"] = Value::Array(services);
        self.kc.create_realm(&representation).await.map_err(|err| match err {
            // Keycloak answers a representation it cannot take with a bare 500.
            KeycloakError::Unavailable { reason } if reason.contains("500") => {
                KeycloakError::Unexpected {
                    reason: format!(
                        "Keycloak could not create the realm from this backup ({reason}; its \
                         log names the cause): most often a certificate, an LDAP connection or \
                         a provider in it that this Keycloak cannot check or does not have"
                    ),
                }
            }
            other => other,
        })?;
        self.put_profile().await?;
        report.added = 1;
        Ok(report)
    }

    /// The backup's user profile, whole, in the new realm (again on a second run: it is the
    /// same write).
    async fn put_profile(&self) -> Result<(), KeycloakError> {
        if let Some(profile) = &self.source.user_profile {
            let at = ["users", "profile"];
            self.kc.write_json(Method::PUT, self.realm(), &at, profile).await?;
        }
        Ok(())
    }

    /// What only the backup holds, created in the live realm: one partial import for the
    /// clients, roles, identity providers and whole top-level groups, then client scopes and
    /// the sub-groups of groups that exist (which the import would skip with their parent).
    async fn create_missing(&self, plan: &RestorePlan) -> Result<StepReport, KeycloakError> {
        let create = |kind: &str| -> Vec<String> {
            plan.kinds.iter().find(|k| k.kind == kind).map(|k| k.create.clone()).unwrap_or_default()
        };
        let realm = &self.source.realm;
        let pick = |list: &Value, key: &str, names: &[String]| -> Vec<Value> {
            let items = list.as_array().into_iter().flatten();
            let wanted =
                |item: &&Value| item[key].as_str().is_some_and(|n| names.iter().any(|w| w == n));
            items.filter(wanted).cloned().collect()
        };
        let mut client_roles = Map::new();
        for name in create("client_roles") {
            let Some((client, role)) = name.split_once('/') else { continue };
            let Some(found) = realm["roles"]["client"][client]
                .as_array()
                .and_then(|roles| roles.iter().find(|r| r["name"] == role))
            else {
                continue;
            };
            let roles = client_roles.entry(client.to_owned()).or_insert_with(|| json!([]));
            roles.as_array_mut().into_iter().for_each(|r| r.push(found.clone()));
        }
        let groups = create("groups");
        let top_groups: Vec<String> = groups
            .iter()
            .filter(|path| path.matches('/').count() == 1)
            .map(|path| path.trim_start_matches('/').to_owned())
            .collect();
        let mut body = json!({
            "clients": pick(&realm["clients"], "clientId", &create("clients")),
            "roles": {
                "realm": pick(&realm["roles"]["realm"], "name", &create("realm_roles")),
                "client": client_roles,
            },
            "identityProviders":
                pick(&realm["identityProviders"], "alias", &create("identity_providers")),
            "groups": pick(&realm["groups"], "name", &top_groups),
        });
        drop_ids(&mut body);
        let mut report = StepReport::default();
        // Scopes first: Keycloak leaves out of a new client any scope that does not exist yet.
        let mut lookup = Lookup::new(self.kc, self.realm());

        for scope in pick(&realm["clientScopes"], "name", &create("client_scopes")) {
            let name = scope["name"].as_str().unwrap_or_default().to_owned();
            if lookup.client_scope(&name).await?.is_some() {
                report.skipped += 1;
                continue;
            }
            let mut scope = scope;
            drop_ids(&mut scope);
            self.kc.write_json(Method::POST, self.realm(), &["client-scopes"], &scope).await?;
            report.added += 1;
        }
        count(&mut report, &self.kc.partial_import(self.realm(), &body, IfExists::Skip).await?);

        // Deeper groups whose parent existed: parents first, so each finds its own.
        let all_groups = realm_kinds(realm).remove("groups").unwrap_or_default();
        let mut deeper: Vec<&String> =
            groups.iter().filter(|p| p.matches('/').count() > 1).collect();
        deeper.sort_by_key(|p| p.matches('/').count());
        for path in deeper {
            let notes = &mut report.notes;
            let added = overwrite::create_sub_group(&mut lookup, &all_groups, path, notes).await?;
            if added { report.added += 1 } else { report.skipped += 1 }
        }
        Ok(report)
    }

    /// One batch of users; with email chosen, those added are sent a link to set a password.
    async fn users(&self, first: usize, count_of: usize) -> Result<StepReport, KeycloakError> {
        let people = self.people();
        let batch: Vec<Value> =
            people.iter().skip(first).take(count_of).map(|u| prepare_user(u)).collect();
        let answer = self
            .kc
            .partial_import(self.realm(), &json!({ "users": batch }), IfExists::Skip)
            .await?;
        let mut report = StepReport::default();
        count(&mut report, &answer);
        if self.options.email_users {
            self.email(&answer, &mut report).await;
        }
        Ok(report)
    }

    async fn email(&self, answer: &ImportAnswer, report: &mut StepReport) {
        let actions = ["UPDATE_PASSWORD".to_owned()];
        let (mut sent, mut failed, mut no_address, mut reason) = (0, 0, 0, None);
        for added in answer.results.iter().filter(|r| r.action == "ADDED") {
            let (Some(id), Some(user)) = (&added.id, self.source.users.get(&added.resource_name))
            else {
                continue;
            };
            if user["email"].as_str().is_none_or(str::is_empty) || user["enabled"] == false {
                no_address += 1;
                continue;
            }
            match self.kc.execute_actions_email(self.realm(), id, &actions, None, None, None).await
            {
                Ok(()) => sent += 1,
                Err(err) => {
                    failed += 1;
                    reason.get_or_insert(err.to_string());
                }
            }
        }
        if sent > 0 {
            report.notes.push(format!("{sent} users were emailed a link to set a password."));
        }
        if no_address > 0 {
            report.notes.push(format!(
                "{no_address} users were not emailed (no address, or disabled): they set a \
                 password when an administrator resets it."
            ));
        }
        if let Some(reason) = reason {
            report.notes.push(format!("{failed} emails could not be sent: {reason}."));
        }
    }

    /// Each service account's roles, added where its client exists; nothing is taken away.
    async fn service_accounts(&self) -> Result<StepReport, KeycloakError> {
        let mut report = StepReport::default();
        let mut lookup = Lookup::new(self.kc, self.realm());
        for user in self.source.users.values().filter(|u| is_service_account(u)) {
            let client = user["serviceAccountClientId"].as_str().unwrap_or_default();
            let Some(uuid) = lookup.client(client).await? else {
                report.notes.push(format!(
                    "The client {client} is missing: its service \
                    account's roles were not restored."
                ));
                continue;
            };
            let at = ["clients", uuid.as_str(), "service-account-user"];
            let account = self.kc.read_json(self.realm(), &at, &[]).await?;
            let id = account["id"].as_str().unwrap_or_default().to_owned();
            let owner = ["users", id.as_str()];
            if overwrite::roles(&mut lookup, &owner, user, true, &mut report.notes).await? {
                report.overwritten += 1;
            } else {
                report.skipped += 1;
            }
        }
        Ok(report)
    }
}

fn count(report: &mut StepReport, answer: &ImportAnswer) {
    report.added += answer.added;
    report.skipped += answer.skipped;
    report.overwritten += answer.overwritten;
}

fn is_service_account(user: &Value) -> bool {
    user.get("serviceAccountClientId").is_some_and(|c| !c.is_null())
}
