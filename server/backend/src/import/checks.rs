//! The checks on a record's cells: the header names, each row's field count, and cells that a
//! spreadsheet would run as a formula when the file, or a report made from it, is opened again.

use std::collections::HashMap;

use super::CsvError;
use super::records::Record;

/// How many characters of a refused cell the message quotes.
const PREVIEW_CHARS: usize = 40;

/// The header names, trimmed, or a refusal of a formula, an empty name or a duplicate.
pub(super) fn headers(record: &Record) -> Result<Vec<String>, CsvError> {
    let mut headers = Vec::with_capacity(record.values.len());
    let mut seen: HashMap<String, u64> = HashMap::new();

    for (column, value) in (1_u64..).zip(&record.values) {
        if starts_like_formula(value) {
            return Err(CsvError::at(record.line, column, formula_refusal(value)));
        }

        let name = value.trim();
        if name.is_empty() {
            let what = "the header cell is empty; give every column a name.";
            return Err(CsvError::at(record.line, column, what));
        }

        if let Some(first) = seen.insert(name.to_lowercase(), column) {
            let what = format!(
                "columns {first} and {column} are both named \"{name}\"; \
                 give each column its own name."
            );
            return Err(CsvError::at(record.line, column, what));
        }
        headers.push(name.to_owned());
    }

    Ok(headers)
}

/// Refuses a data row whose field count differs from the header's, or that holds a formula.
pub(super) fn row(record: &Record, headers: &[String]) -> Result<(), CsvError> {
    if record.values.len() != headers.len() {
        let (found, wanted) = (fields(record.values.len()), headers.len());
        let what = format!("this row has {found}, the header has {wanted}.");
        return Err(CsvError::line(record.line, what));
    }

    let cells = (1_u64..).zip(headers.iter().zip(&record.values));
    for (column, (header, value)) in cells {
        if starts_like_formula(value) {
            return Err(CsvError::cell(record.line, column, header, formula_refusal(value)));
        }
    }

    Ok(())
}

/// Whether an imported cell would run as a formula: after any spaces it starts with `=`, `@`, a
/// tab or a carriage return, or with `+` or `-` followed by anything but a digit, a space, `(`
/// or `.` (so `+41 22 123 45 67` and `-5` pass, `+A1` and `-cmd` do not).
fn starts_like_formula(value: &str) -> bool {
    let mut chars = value.trim_start_matches(' ').chars();
    match chars.next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => chars
            .next()
            .is_some_and(|next| !(next.is_ascii_digit() || matches!(next, ' ' | '(' | '.'))),
        _ => false,
    }
}

/// Whether `value` starts with a character that makes a spreadsheet read it as a formula; for
/// the CSV the console writes, where no exception is safe.
pub(super) fn is_formula_start(value: &str) -> bool {
    value.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The refusal of a formula cell, quoting its start; control characters such as the tab that
/// may open a formula are shown as escapes rather than left to move the text around.
fn formula_refusal(value: &str) -> String {
    let value = value.trim_start_matches(' ');
    let mut preview = String::new();
    for c in value.chars().take(PREVIEW_CHARS) {
        if c.is_control() {
            preview.extend(c.escape_default());
        } else {
            preview.push(c);
        }
    }
    if value.chars().nth(PREVIEW_CHARS).is_some() {
        preview.push('…');
    }
    format!("the cell starts like a spreadsheet formula ({preview}); remove the formula.")
}

/// "1 field" or "n fields".
fn fields(n: usize) -> String {
    if n == 1 { "1 field".to_owned() } else { format!("{n} fields") }
}
