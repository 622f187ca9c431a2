//! A draft bulk import: what the uploaded file turned out to be, its first rows, which column
//! feeds which field of the new users and the template they get, then a check of every row
//! that writes nothing. The check and the filing ([`super::report`]) send the same mapping and
//! template: the choices made here are kept in signals that the filing form copies.

use std::collections::BTreeMap;

use leptos::prelude::*;
use rust_i18n::t;
use serde::{Deserialize, Serialize};

use super::report::{CheckResult, SubmitForm};
use crate::AppError;
use crate::api::import::{CheckImport, FileFacts, ImportPreview, TargetField};
use crate::components::error_panel::ErrorPanel;
use crate::pages::new_request::TemplateChoice;
use crate::workflow::Template;

/// What a draft import's page loads beside the request.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct ImportDraft {
    /// The file's facts, header, first rows and a first guess of the mapping.
    pub(super) preview: Result<ImportPreview, AppError>,
    /// The templates the new users can get.
    pub(super) templates: Result<Vec<Template>, AppError>,
}

/// A field name to the header of the column that feeds it; empty for none.
pub(super) type Mapping = RwSignal<BTreeMap<String, String>>;

#[component]
pub(super) fn ImportPanel(tenant: String, id: String, draft: ImportDraft) -> impl IntoView {
    let preview = match draft.preview {
        Ok(preview) => preview,
        Err(error) => return view! { <ErrorPanel error /> }.into_any(),
    };
    let guessed = preview
        .targets
        .iter()
        .map(|t| (t.name.clone(), preview.mapping.get(&t.name).cloned().unwrap_or_default()))
        .collect();
    let mapping: Mapping = RwSignal::new(guessed);
    let template = RwSignal::new(String::new());
    let check = ServerAction::<CheckImport>::new();
    let templates = match draft.templates {
        Ok(templates) => {
            view! { <TemplateChoice templates chosen=template id="import-template" /> }.into_any()
        }
        Err(error) => view! { <ErrorPanel error /> }.into_any(),
    };

    let target = view! {
        <input type="hidden" name="tenant" value=tenant.clone() />
        <input type="hidden" name="id" value=id.clone() />
    };

    view! {
        <section
            aria-labelledby="import-title"
            data-testid="import-panel"
            class="rounded border border-slate-200 bg-white p-4"
        >
            <h2 id="import-title" class="text-lg font-semibold">
                {t!("requests.import_title").to_string()}
            </h2>
            <FactsList facts=preview.facts />
            <SampleTable headers=preview.headers.clone() sample=preview.sample />
            <ActionForm action=check>
                {target} <MappingTable targets=preview.targets headers=preview.headers mapping />
                <div class="mt-3">{templates}</div>
                <button
                    type="submit"
                    data-testid="check-import-button"
                    class="mt-3 rounded border border-slate-300 bg-white px-3 py-1.5 \
                    hover:bg-slate-50"
                >
                    {t!("requests.check_button").to_string()}
                </button>
            </ActionForm>
            <CheckResult check />
            <SubmitForm tenant id mapping template />
        </section>
    }
    .into_any()
}

/// What the file turned out to be.
#[component]
fn FactsList(facts: FileFacts) -> impl IntoView {
    let delimiter = match facts.delimiter.as_str() {
        "," => t!("requests.delimiter_comma").to_string(),
        ";" => t!("requests.delimiter_semicolon").to_string(),
        "\t" => t!("requests.delimiter_tab").to_string(),
        other => other.to_owned(),
    };
    let bom = if facts.had_bom { t!("requests.bom_yes") } else { t!("requests.bom_no") };
    let facts = [
        (t!("requests.file_name"), facts.file_name),
        (t!("requests.file_bytes"), t!("requests.bytes", bytes = facts.bytes).to_string()),
        (t!("requests.file_delimiter"), delimiter),
        (t!("requests.file_bom"), bom.to_string()),
        (t!("requests.file_rows"), facts.rows.to_string()),
        (t!("requests.file_blank_lines"), facts.blank_lines.to_string()),
        (t!("requests.file_sha256"), facts.sha256),
    ]
    .map(|(term, value)| {
        view! {
            <div class="py-1 sm:grid sm:grid-cols-3 sm:gap-4">
                <dt class="text-sm font-medium text-slate-600">{term.to_string()}</dt>
                <dd class="break-all sm:col-span-2">{value}</dd>
            </div>
        }
    });

    view! {
        <dl data-testid="import-facts" class="mt-2 divide-y divide-slate-100">
            {facts.into_iter().collect_view()}
        </dl>
    }
}

/// The file's first rows under its header.
#[component]
fn SampleTable(headers: Vec<String>, sample: Vec<Vec<String>>) -> impl IntoView {
    let header = headers.into_iter().map(|h| {
        view! {
            <th scope="col" class="whitespace-nowrap px-3 py-2">
                {h}
            </th>
        }
    });
    let rows = sample.into_iter().map(|row| {
        let cells = row.into_iter().map(|cell| view! { <td class="px-3 py-1">{cell}</td> });
        view! { <tr>{cells.collect_view()}</tr> }
    });

    view! {
        <div class="mt-4 overflow-x-auto rounded border border-slate-200">
            <table data-testid="import-sample" class="w-full text-left text-sm">
                <caption class="px-3 py-2 text-left font-medium">
                    {t!("requests.sample").to_string()}
                </caption>
                <thead class="bg-slate-100">
                    <tr>{header.collect_view()}</tr>
                </thead>
                <tbody class="divide-y divide-slate-100">{rows.collect_view()}</tbody>
            </table>
        </div>
    }
}

/// For each field a new user can get, the column that feeds it, as `mapping[<field>]`.
#[component]
fn MappingTable(
    targets: Vec<TargetField>,
    headers: Vec<String>,
    mapping: Mapping,
) -> impl IntoView {
    let rows = targets.into_iter().map(|target| {
        let id = format!("map-{}", target.name);
        let chosen = mapping.with_untracked(|m| m.get(&target.name).cloned().unwrap_or_default());
        let options = headers.iter().map(|header| {
            view! {
                <option value=header.clone() selected=*header == chosen>
                    {header.clone()}
                </option>
            }
        });
        let label =
            if target.required { format!("{} *", target.label) } else { target.label.clone() };
        let field = target.name.clone();
        view! {
            <tr>
                <td class="px-3 py-1.5">
                    <label for=id.clone() class="font-medium">
                        {label}
                    </label>
                    <span class="ml-2 font-mono text-xs text-slate-500">{target.name.clone()}</span>
                </td>
                <td class="px-3 py-1.5">
                    <select
                        id=id
                        name=format!("mapping[{}]", target.name)
                        class="w-full rounded border border-slate-300 px-2 py-1"
                        on:change=move |ev| {
                            let header = event_target_value(&ev);
                            mapping
                                .update(|m| {
                                    m.insert(field.clone(), header);
                                });
                        }
                    >
                        <option value="" selected=chosen.is_empty()>
                            {t!("requests.not_imported").to_string()}
                        </option>
                        {options.collect_view()}
                    </select>
                </td>
            </tr>
        }
    });

    view! {
        <div class="mt-4 overflow-x-auto rounded border border-slate-200">
            <table data-testid="import-mapping" class="w-full text-left text-sm">
                <caption class="px-3 py-2 text-left">
                    <span class="font-medium">{t!("requests.mapping").to_string()}</span>
                    <span class="ml-2 text-slate-600">
                        {t!("requests.mapping_help").to_string()}
                    </span>
                </caption>
                <thead class="bg-slate-100">
                    <tr>
                        <th scope="col" class="px-3 py-2">
                            {t!("requests.field").to_string()}
                        </th>
                        <th scope="col" class="px-3 py-2">
                            {t!("requests.column").to_string()}
                        </th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">{rows.collect_view()}</tbody>
            </table>
        </div>
    }
}
