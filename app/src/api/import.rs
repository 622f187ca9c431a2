//! Bulk onboarding from a CSV file: the upload becomes a draft request (`POST
//! /import/t/{tenant}/users`, served by the server), then the columns are mapped with a preview,
//! every row is checked before anything is written, and the good rows are filed as one
//! onboarding request. The result of each row downloads as CSV
//! (`/export/t/{tenant}/requests/{id}/rows.csv`).

// The filing form's fields arrive as one argument each, so that the form works before the WASM.
#![allow(clippy::too_many_arguments)]

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::api::requests::Filed;

#[cfg(feature = "ssr")]
pub mod check;
#[cfg(feature = "ssr")]
mod mapping;

/// How many rows the preview shows.
pub const PREVIEW_ROWS: usize = 10;
/// How many problems the check lists (the download has them all).
pub const PROBLEMS_SHOWN: usize = 200;

/// What the file turned out to be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFacts {
    /// Its name.
    pub file_name: String,
    /// Its size.
    pub bytes: u64,
    /// `,`, `;` or a tab.
    pub delimiter: String,
    /// Whether it began with a UTF-8 byte-order mark.
    pub had_bom: bool,
    /// Data rows.
    pub rows: u64,
    /// Blank lines left out.
    pub blank_lines: u64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
}

/// A field a column can be mapped to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetField {
    /// The attribute's name, or `groups` / `roles` for access beyond the template's.
    pub name: String,
    /// Its label.
    pub label: String,
    /// Whether every row must give it.
    pub required: bool,
}

/// The file's columns, a few rows, and a first guess of the mapping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// What the file is.
    pub facts: FileFacts,
    /// Its header.
    pub headers: Vec<String>,
    /// The first rows, as text.
    pub sample: Vec<Vec<String>>,
    /// What the columns can be mapped to: the realm's user profile, then `groups` and `roles`.
    pub targets: Vec<TargetField>,
    /// Field name to column header, guessed from the header's names.
    pub mapping: BTreeMap<String, String>,
}

/// One row that will not be imported, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// The file's line.
    pub line: u64,
    /// The username the row gives or would get.
    pub username: String,
    /// Why it is skipped.
    pub reason: String,
}

/// The dry run: every row checked, nothing written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Rows in the file.
    pub rows: u64,
    /// Rows that will be imported.
    pub good: u64,
    /// Rows that will be skipped.
    pub skipped: u64,
    /// The first problems, by line.
    pub problems: Vec<RowProblem>,
    /// Why the request will wait for approval; empty when it will run at once.
    pub approval_reasons: Vec<String>,
}

/// The file's facts and the first guess of a mapping, for a draft import.
#[server(endpoint = "import/preview")]
pub async fn preview_import(tenant: String, id: String) -> Result<ImportPreview, AppError> {
    check::preview(&tenant, &id).await
}

/// Checks every row with `mapping` (field name to column header) and `template`, without
/// writing anything.
#[server(endpoint = "import/check")]
pub async fn check_import(
    tenant: String,
    id: String,
    #[server(default)] mapping: BTreeMap<String, String>,
    #[server(default)] template: String,
) -> Result<ImportReport, AppError> {
    check::dry_run(&tenant, &id, &mapping, &template).await.map(|(report, _)| report)
}

/// Checks every row again and files the good ones as one onboarding request; the skipped ones
/// stay listed with their reasons.
#[server(endpoint = "import/submit")]
pub async fn submit_import(
    tenant: String,
    id: String,
    #[server(default)] mapping: BTreeMap<String, String>,
    #[server(default)] template: String,
    #[server(default)] credential: String,
    #[server(default)] lifespan_hours: u32,
    #[server(default)] enabled: bool,
    #[server(default)] reason: String,
) -> Result<Filed, AppError> {
    let credential = crate::api::requests::file::credential(&credential, lifespan_hours)?;
    check::submit(&tenant, &id, &mapping, &template, credential, enabled, &reason).await
}
