//! The reader for bulk-import files: a CSV upload turned into a checked [`Table`] of text, or a
//! [`CsvError`] that tells the person who uploaded it what to fix and where.
//!
//! The csv crate does the parsing. It is lenient by design (an unclosed quote swallows the rest
//! of the file, a stray quote is kept as text), so this module wraps it with the checks an
//! import needs: size and encoding before parsing, quote structure and field counts per record,
//! and a refusal of cells a spreadsheet would run as formulas. Nothing here does I/O.

mod checks;
mod quotes;
mod records;
mod text;

use std::borrow::Cow;
use std::fmt::Display;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use records::Records;

/// Limits of one upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest file accepted, in bytes; checked before anything is parsed.
    pub max_bytes: usize,
    /// The most data rows accepted (the header and blank lines do not count).
    pub max_rows: usize,
}

impl Default for Limits {
    /// 20 MiB and 50,000 rows.
    fn default() -> Limits {
        Limits { max_bytes: 20 * 1024 * 1024, max_rows: 50_000 }
    }
}

/// A CSV file read and checked: header and rows, all as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// The delimiter detected from the header line: `,`, `;` or a tab.
    pub delimiter: char,
    /// Whether the file opened with a UTF-8 byte order mark (Excel's "CSV UTF-8" writes one).
    pub had_bom: bool,
    /// The column names, trimmed, none empty, no two equal ignoring case.
    pub headers: Vec<String>,
    /// The data rows, each with as many values as there are headers.
    pub rows: Vec<Row>,
    /// How many lines were skipped as blank: empty, only spaces, or only empty fields.
    pub blank_lines: usize,
    /// The SHA-256 of the raw bytes as uploaded, in lowercase hex.
    pub sha256: String,
    /// The size of the raw bytes as uploaded.
    pub bytes: usize,
}

/// One data row of a [`Table`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// The 1-based line of the file where the record starts.
    pub line: u64,
    /// The values as written, spaces kept (callers trim), less a trailing carriage return.
    pub values: Vec<String>,
}

/// Why a file was refused: says what and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{message}")]
pub struct CsvError {
    /// The 1-based line the problem is on, when it is on one.
    pub line: Option<u64>,
    /// The 1-based column: a character position for encoding and quote problems, a field
    /// position for problems with a cell.
    pub column: Option<u64>,
    /// The sentence shown to the person, position included.
    pub message: String,
}

impl CsvError {
    /// A problem with the file as a whole.
    fn file(message: impl Into<String>) -> CsvError {
        CsvError { line: None, column: None, message: message.into() }
    }

    /// A problem with a whole line.
    fn line(line: u64, what: impl Display) -> CsvError {
        CsvError { line: Some(line), column: None, message: format!("Line {line}: {what}") }
    }

    /// A problem at one place of a line.
    fn at(line: u64, column: u64, what: impl Display) -> CsvError {
        let message = format!("Line {line}, column {column}: {what}");
        CsvError { line: Some(line), column: Some(column), message }
    }

    /// A problem with one cell of a named column.
    fn cell(line: u64, column: u64, header: &str, what: impl Display) -> CsvError {
        let message = format!("Line {line}, column {column} ({header}): {what}");
        CsvError { line: Some(line), column: Some(column), message }
    }
}

/// Reads an uploaded CSV file into a [`Table`], or says why it cannot be imported.
///
/// The checks run cheapest first: the size, then emptiness, encoding and binary content over the
/// raw bytes, and only then the parse, so junk is refused without being split into records.
pub fn read_table(bytes: &[u8], limits: &Limits) -> Result<Table, CsvError> {
    text::check_size(bytes.len(), limits.max_bytes)?;
    let (had_bom, body) = text::strip_bom(bytes);
    text::check_not_empty(body)?;
    let content = text::decode(body)?;

    let delimiter = quotes::detect_delimiter(content.as_bytes());
    let mut records = Records::new(content, delimiter);
    let Some(header) = records.next()? else {
        return Err(CsvError::file(text::EMPTY));
    };
    let headers = checks::headers(&header)?;

    let mut rows = Vec::new();
    while let Some(record) = records.next()? {
        if rows.len() == limits.max_rows {
            let limit = text::grouped(limits.max_rows);
            return Err(CsvError::file(format!("The file has more than {limit} rows; split it.")));
        }
        checks::row(&record, &headers)?;
        rows.push(Row { line: record.line, values: record.values });
    }
    if rows.is_empty() {
        return Err(CsvError::file("The file has a header but no rows."));
    }

    Ok(Table {
        delimiter: char::from(delimiter),
        had_bom,
        headers,
        rows,
        blank_lines: records.blank_lines(),
        sha256: format!("{:x}", Sha256::digest(bytes)),
        bytes: bytes.len(),
    })
}

/// One cell for a CSV this console writes (the per-row result download, exports): a value that a
/// spreadsheet would run as a formula is prefixed with a single quote, so it shows as text.
///
/// A value counts as a formula when its first character other than a space is `=`, `+`, `-`,
/// `@`, a tab or a carriage return; unlike [`read_table`], numbers such as `-5` are prefixed too,
/// since an export cannot ask its reader to fix the cell. Quoting is the csv writer's job.
pub fn neutralise_formula(value: &str) -> Cow<'_, str> {
    if checks::is_formula_start(value.trim_start_matches(' ')) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests;
