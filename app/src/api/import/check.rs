//! The checks of a bulk import: the draft made from an upload, the preview, the dry run that
//! checks every row before anything is written, and filing the good rows as one request.
//!
//! A row is skipped, with its reason, when a required field is missing or refused by the realm's
//! user profile, when its username or email repeats an earlier row's or belongs to a user of
//! Keycloak, or when it names a group or role that does not exist. Skipped rows stay listed in
//! the request's per-row result.

use std::collections::{BTreeMap, HashMap};

use cloudtrust_backend::import::{Limits, Table, read_table};
use cloudtrust_backend::keycloak::{KeycloakAdmin, UserProfileConfig};
use cloudtrust_backend::store::{NewRequest, NewRow, Outcome};
use futures::StreamExt;
use serde_json::json;

use super::mapping::{guess_mapping, mapped_columns, targets, username_from_names};
use super::{FileFacts, ImportPreview, ImportReport, PREVIEW_ROWS, PROBLEMS_SHOWN, RowProblem};
use crate::api::lifecycle::create::representation;
use crate::api::requests::Filed;
use crate::api::requests::decide::{load, unavailable};
use crate::api::requests::file::{store_request, template_access};
use crate::api::requests::lookups::{approval_of, load_policy, resolve_access, taken};
use crate::api::requests::plan::onboard_steps;
use crate::policy::Action;
use crate::ssr::{Caller, Identity, ServerContext, authorize, context, fail, from_keycloak};
use crate::workflow::{AccessItem, Credential, Person, RequestSpec, RequestState};
use crate::{AppError, ErrorKind};

/// Duplicate look-ups in Keycloak run this many at once.
const LOOKUPS_AT_ONCE: usize = 8;

/// Makes a draft onboarding request from an uploaded file, once the file reads as CSV; returns
/// its id. Called by the upload route, which has checked the caller's right to import.
pub async fn create_draft(
    ctx: &ServerContext,
    identity: &Identity,
    tenant: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<String, AppError> {
    let table = read_table(bytes, &Limits::default())
        .map_err(|err| AppError::invalid("file", err.message))?;
    // `read_table` accepted it, so it is UTF-8.
    let text = std::str::from_utf8(bytes).unwrap_or_default();
    let file_name: String = file_name.chars().filter(|c| !c.is_control()).take(200).collect();
    let spec = RequestSpec::Onboard {
        template: None,
        template_name: None,
        people: Vec::new(),
        access: Vec::new(),
        required_actions: Vec::new(),
        credential: Credential::Later,
        enabled: true,
        file_name: Some(file_name.clone()),
    };
    let id = uuid::Uuid::new_v4().to_string();
    let request = NewRequest {
        id: id.clone(),
        tenant: tenant.to_owned(),
        kind: spec.kind().as_str().to_owned(),
        state: RequestState::Draft.as_str().to_owned(),
        requester_id: identity.subject.clone(),
        requester_username: identity.username.clone(),
        reason: format!("uploaded {file_name}: {} rows", table.rows.len()),
        summary: format!("Import of {} rows from {file_name} (draft)", table.rows.len()),
        spec: serde_json::to_string(&spec).unwrap_or_default(),
        rows_total: table.rows.len() as i64,
        ..NewRequest::default()
    };
    ctx.store.insert_draft(&request, &file_name, text).await.map_err(|err| {
        tracing::error!(%err, "could not store an upload");
        AppError::new(ErrorKind::Unavailable, "The file could not be kept; try again.")
    })?;
    Ok(id)
}

/// The file's facts, a few rows, and a first mapping.
pub async fn preview(tenant: &str, id: &str) -> Result<ImportPreview, AppError> {
    authorize(Action::ImportUsers, Some(tenant)).await?;
    let (file_name, table) = draft_table(tenant, id).await?;
    let profile = context().keycloak.user_profile(tenant).await.map_err(from_keycloak)?;
    let targets = targets(&profile);
    let mapping = guess_mapping(&targets, &table.headers);
    Ok(ImportPreview {
        facts: facts(&file_name, &table),
        headers: table.headers.clone(),
        sample: table.rows.iter().take(PREVIEW_ROWS).map(|r| r.values.clone()).collect(),
        targets,
        mapping,
    })
}

/// What the dry run found: the report, the people to import with their lines, and the rows
/// skipped.
pub struct Checked {
    report: ImportReport,
    spec: RequestSpec,
    lines: Vec<Option<u64>>,
    indexes: Vec<i64>,
    skipped: Vec<NewRow>,
    profile: UserProfileConfig,
}

/// Checks every row; writes nothing.
pub async fn dry_run(
    tenant: &str,
    id: &str,
    mapping: &BTreeMap<String, String>,
    template: &str,
) -> Result<(ImportReport, Checked), AppError> {
    let caller = authorize(Action::ImportUsers, Some(tenant)).await?;
    let checked = check(&caller, tenant, id, mapping, template, Credential::Later, true).await?;
    Ok((checked.report.clone(), checked))
}

/// Checks every row again and files the good ones.
pub async fn submit(
    tenant: &str,
    id: &str,
    mapping: &BTreeMap<String, String>,
    template: &str,
    credential: Credential,
    enabled: bool,
    reason: &str,
) -> Result<Filed, AppError> {
    let caller = authorize(Action::ImportUsers, Some(tenant)).await?;
    let reason = crate::api::requests::file::check_reason(reason)?;
    // The uploader stays the requester: someone else filing it could then approve it.
    if load(tenant, id).await?.requester_id != caller.identity.subject {
        let message = "Only the person who uploaded this file may file it.";
        return Err(fail(AppError::new(ErrorKind::Forbidden, message)));
    }
    let checked = check(&caller, tenant, id, mapping, template, credential, enabled).await?;
    if checked.report.good == 0 {
        let message = "No row can be imported: see the reasons in the check.";
        return Err(fail(AppError::invalid("file", message)));
    }
    let (mut steps, mut rows) = onboard_steps(&checked.spec, &checked.lines, &checked.profile)?;
    for step in &mut steps {
        step.row_no = checked.indexes[step.row_no as usize];
    }
    for row in &mut rows {
        row.row_no = checked.indexes[row.row_no as usize];
    }
    rows.extend(checked.skipped);
    rows.sort_by_key(|r| r.row_no);
    let filed =
        store_request(&caller, tenant, Some(id), checked.spec, &reason, None, steps, rows).await?;
    let detail = json!({ "good": checked.report.good, "skipped": checked.report.skipped });
    crate::ssr::record(&caller, tenant, "import.submit", Some(id), Outcome::Success, Some(detail))
        .await;
    Ok(filed)
}

#[allow(clippy::too_many_lines, reason = "one pass over the rows, in the order of the checks")]
async fn check(
    caller: &Caller,
    tenant: &str,
    id: &str,
    mapping: &BTreeMap<String, String>,
    template: &str,
    credential: Credential,
    enabled: bool,
) -> Result<Checked, AppError> {
    let (file_name, table) = draft_table(tenant, id).await?;
    let kc = &context().keycloak;
    let profile = kc.user_profile(tenant).await.map_err(from_keycloak)?;
    let targets = targets(&profile);
    let template = crate::api::templates::store::find(tenant, template).await?;
    let template_fields = template.as_ref().map(|t| t.fields.clone()).unwrap_or_default();
    let columns = mapped_columns(&targets, &table.headers, mapping, &template_fields)?;

    let mut access_cache: HashMap<String, Result<AccessItem, String>> = HashMap::new();
    let mut problems: Vec<(usize, RowProblem)> = Vec::new();
    let mut good: Vec<(usize, Person)> = Vec::new();
    let mut seen_usernames: HashMap<String, u64> = HashMap::new();
    let mut seen_emails: HashMap<String, u64> = HashMap::new();
    for (index, row) in table.rows.iter().enumerate() {
        let mut fields: BTreeMap<String, String> = template_fields.clone();
        let mut access_keys: Vec<String> = Vec::new();
        for (target, column) in &columns {
            let value = row.values.get(*column).map(|v| v.trim()).unwrap_or_default();
            match target.as_str() {
                "groups" | "roles" => access_keys.extend(
                    value.split('|').map(str::trim).filter(|v| !v.is_empty()).map(|v| {
                        if target == "groups" { format!("group:{v}") } else { format!("role:{v}") }
                    }),
                ),
                name if !value.is_empty() => {
                    fields.insert(name.to_owned(), value.to_owned());
                }
                _ => {}
            }
        }
        let username = match fields.get("username").map(|u| u.to_lowercase()) {
            Some(name) => name,
            None => username_from_names(&fields),
        };
        let problem =
            |reason: String| RowProblem { line: row.line, username: username.clone(), reason };
        if username.is_empty() {
            problems.push((
                index,
                problem("No username, and no first or last name to make one.".into()),
            ));
            continue;
        }
        fields.insert("username".to_owned(), username.clone());
        if let Err(err) = representation(&profile, &fields, enabled, false) {
            problems.push((index, problem(err.message)));
            continue;
        }
        if let Some(line) = seen_usernames.get(&username) {
            problems.push((index, problem(format!("The same username as line {line}."))));
            continue;
        }
        let email = fields.get("email").map(|e| e.to_lowercase());
        if let Some(reason) = credential.undeliverable(email.as_deref(), enabled) {
            problems.push((index, problem(reason.to_owned())));
            continue;
        }
        if let Some(line) = email.as_ref().and_then(|e| seen_emails.get(e)) {
            problems.push((index, problem(format!("The same email as line {line}."))));
            continue;
        }
        let mut person_access = Vec::new();
        let mut unknown = None;
        for key in access_keys {
            if !access_cache.contains_key(&key) {
                let found = resolve_named(kc, tenant, &key).await?;
                access_cache.insert(key.clone(), found);
            }
            match &access_cache[&key] {
                Ok(item) => person_access.push(item.clone()),
                Err(message) => {
                    unknown = Some(message.clone());
                    break;
                }
            }
        }
        if let Some(message) = unknown {
            problems.push((index, problem(message)));
            continue;
        }
        seen_usernames.insert(username.clone(), row.line);
        if let Some(email) = email {
            seen_emails.insert(email, row.line);
        }
        good.push((index, Person { fields, access: person_access }));
    }

    // Duplicates in Keycloak, a few look-ups at once.
    let lookups: Vec<(usize, String, Option<String>)> = good
        .iter()
        .map(|(index, p)| {
            let username = p.fields.get("username").cloned().unwrap_or_default();
            (*index, username, p.fields.get("email").cloned())
        })
        .collect();
    let found = lookups_in_keycloak(kc.clone(), tenant.to_owned(), lookups).await?;
    let taken_rows: HashMap<usize, &str> =
        found.into_iter().filter_map(|(i, t)| t.map(|t| (i, t))).collect();
    let mut people = Vec::with_capacity(good.len());
    let mut lines = Vec::with_capacity(good.len());
    let mut indexes = Vec::with_capacity(good.len());
    for (index, person) in good {
        if let Some(field) = taken_rows.get(&index) {
            let username = person.fields.get("username").cloned().unwrap_or_default();
            let reason = format!("A user of Keycloak already has this {field}.");
            problems.push((index, RowProblem { line: table.rows[index].line, username, reason }));
            continue;
        }
        lines.push(Some(table.rows[index].line));
        indexes.push(index as i64);
        people.push(person);
    }
    problems.sort_by_key(|(index, _)| *index);

    let spec = RequestSpec::Onboard {
        template: template.as_ref().map(|t| t.id.clone()),
        template_name: template.as_ref().map(|t| t.name.clone()),
        people,
        access: template_access(kc, tenant, template.as_ref()).await?,
        required_actions: template.map(|t| t.required_actions).unwrap_or_default(),
        credential,
        enabled,
        file_name: Some(file_name),
    };
    let policy = load_policy(tenant).await?;
    let (approval_reasons, _) = approval_of(caller, tenant, &policy, &spec);
    let skipped: Vec<NewRow> = problems
        .iter()
        .map(|(index, p)| NewRow {
            row_no: *index as i64,
            line: Some(p.line as i64),
            username: p.username.clone(),
            state: "skipped".to_owned(),
            message: Some(p.reason.clone()),
            user_id: None,
        })
        .collect();
    let report = ImportReport {
        rows: table.rows.len() as u64,
        good: spec.rows() as u64,
        skipped: problems.len() as u64,
        problems: problems.into_iter().take(PROBLEMS_SHOWN).map(|(_, p)| p).collect(),
        approval_reasons,
    };
    Ok(Checked { report, spec, lines, indexes, skipped, profile })
}

/// For each `(row, username, email)`, which of them a user of Keycloak already has.
async fn lookups_in_keycloak(
    kc: KeycloakAdmin,
    tenant: String,
    lookups: Vec<(usize, String, Option<String>)>,
) -> Result<Vec<(usize, Option<&'static str>)>, AppError> {
    let results: Vec<Result<(usize, Option<&'static str>), AppError>> = futures::stream::iter(
        lookups,
    )
    .map(|(index, username, email)| {
        let (kc, tenant) = (kc.clone(), tenant.clone());
        async move { taken(&kc, &tenant, &username, email.as_ref()).await.map(|t| (index, t)) }
    })
    .buffered(LOOKUPS_AT_ONCE)
    .collect()
    .await;
    results.into_iter().collect()
}

/// A group path (`group:/Sales/EMEA`) or a role (`role:auditor`, `role:crm:editor` for a
/// client's) named in a cell, resolved; `Err` says it does not exist.
async fn resolve_named(
    kc: &KeycloakAdmin,
    tenant: &str,
    key: &str,
) -> Result<Result<AccessItem, String>, AppError> {
    let resolved = if let Some(path) = key.strip_prefix("group:") {
        let path = if path.starts_with('/') { path.to_owned() } else { format!("/{path}") };
        let name = path.rsplit('/').next().unwrap_or_default();
        let found = kc.search_groups(tenant, Some(name), 0, 100).await.map_err(from_keycloak)?;
        match found.into_iter().find(|g| g.path == path) {
            Some(group) => vec![format!("group/{}", group.id)],
            None => return Ok(Err(format!("There is no group {path}."))),
        }
    } else {
        let role = key.strip_prefix("role:").unwrap_or(key);
        match role.split_once(':') {
            None => vec![format!("realm/{role}")],
            Some((client_id, name)) => {
                let clients = kc
                    .search_clients(tenant, Some(client_id), 0, 20)
                    .await
                    .map_err(from_keycloak)?;
                match clients.into_iter().find(|c| c.client_id == client_id) {
                    Some(client) => vec![format!("client/{}/{name}", client.id)],
                    None => return Ok(Err(format!("There is no client {client_id}."))),
                }
            }
        }
    };
    match resolve_access(kc, tenant, &resolved, "file").await {
        Ok(mut items) => Ok(Ok(items.remove(0))),
        Err(err) if err.kind == ErrorKind::InvalidInput || err.kind == ErrorKind::NotFound => {
            let what = key.split_once(':').map_or(key, |(_, v)| v);
            Ok(Err(format!("There is no group or role {what}.")))
        }
        Err(err) => Err(err),
    }
}

async fn draft_table(tenant: &str, id: &str) -> Result<(String, Table), AppError> {
    let request = load(tenant, id).await?;
    if request.state != RequestState::Draft.as_str() {
        return Err(fail(AppError::conflict("This import was filed already.")));
    }
    let upload = context().store.upload(id).await.map_err(unavailable)?;
    let Some((file_name, content)) = upload else {
        return Err(fail(AppError::new(ErrorKind::NotFound, "This request has no file.")));
    };
    let table = read_table(content.as_bytes(), &Limits::default())
        .map_err(|err| fail(AppError::invalid("file", err.message)))?;
    Ok((file_name, table))
}

fn facts(file_name: &str, table: &Table) -> FileFacts {
    FileFacts {
        file_name: file_name.to_owned(),
        bytes: table.bytes as u64,
        delimiter: table.delimiter.to_string(),
        had_bom: table.had_bom,
        rows: table.rows.len() as u64,
        blank_lines: table.blank_lines as u64,
        sha256: table.sha256.clone(),
    }
}
