//! The csv crate's records, one pass over the text, each placed on the line where it starts,
//! its quotes checked, and blank ones counted and skipped.
//!
//! The crate skips empty lines without a word and reports a record's position from the end of
//! the one before, blank lines included; so each record's raw bytes are looked at again here
//! to find where it really starts and how many blank lines came before it.

use csv::{Reader, ReaderBuilder, StringRecord};

use super::{CsvError, quotes, text};

/// A record that is not blank, with the line it starts on.
#[derive(Debug)]
pub(super) struct Record {
    /// The 1-based line of the record's first character.
    pub(super) line: u64,
    /// Its fields, less a trailing carriage return.
    pub(super) values: Vec<String>,
}

/// The records of one file, read in order.
pub(super) struct Records<'a> {
    bytes: &'a [u8],
    delimiter: u8,
    reader: Reader<&'a [u8]>,
    record: StringRecord,
    /// A byte offset and the line it is on, moved forward as records are read.
    cursor: (usize, u64),
    /// Where the last record's text ended, its line end left out; `None` before the first.
    last_end: Option<usize>,
    blank_lines: usize,
}

impl<'a> Records<'a> {
    /// The records of `text`, fields split on `delimiter`.
    pub(super) fn new(text: &'a str, delimiter: u8) -> Records<'a> {
        let reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        Records {
            bytes: text.as_bytes(),
            delimiter,
            reader,
            record: StringRecord::new(),
            cursor: (0, 1),
            last_end: None,
            blank_lines: 0,
        }
    }

    /// The next record that is not blank, or `None` at the end of the file.
    pub(super) fn next(&mut self) -> Result<Option<Record>, CsvError> {
        loop {
            let start = self.offset();
            let more = self.reader.read_record(&mut self.record).map_err(|error| {
                tracing::debug!(%error, "csv reader failed");
                CsvError::file("The file could not be read as CSV.")
            })?;
            if !more {
                self.count_blank_lines_before(self.bytes.len());
                return Ok(None);
            }
            let end = self.offset();

            let raw = &self.bytes[start..end];
            let first = start + raw.iter().take_while(|&&b| is_line_end(b)).count();
            let last = end - raw.iter().rev().take_while(|&&b| is_line_end(b)).count();
            quotes::check_record(&self.bytes[first..end], self.delimiter).map_err(|fault| {
                let (line, column) = text::locate(self.bytes, first + fault.offset());
                CsvError::at(line, column, fault.explain())
            })?;

            self.count_blank_lines_before(first);
            self.last_end = Some(last.max(first));
            if self.record.iter().all(|value| value.trim().is_empty()) {
                self.blank_lines += 1;
                continue;
            }

            let line = self.line_at(first);
            let values = self.record.iter().map(|value| without_cr(value).to_owned()).collect();
            return Ok(Some(Record { line, values }));
        }
    }

    /// How many blank lines were skipped so far.
    pub(super) fn blank_lines(&self) -> usize {
        self.blank_lines
    }

    /// The reader's byte offset into the text.
    fn offset(&self) -> usize {
        usize::try_from(self.reader.position().byte()).unwrap_or(self.bytes.len())
    }

    /// Counts the empty lines between the last record and `offset`: every line end there but
    /// the one that closed the last record.
    fn count_blank_lines_before(&mut self, offset: usize) {
        let from = self.last_end.unwrap_or(0);
        let ends = text::line_breaks(self.bytes, from, offset) as usize;
        let closing = usize::from(self.last_end.is_some());
        self.blank_lines += ends.saturating_sub(closing);
    }

    /// The line `offset` is on; offsets must come in increasing order.
    fn line_at(&mut self, offset: usize) -> u64 {
        let (from, line) = self.cursor;
        self.cursor = (offset, line + text::line_breaks(self.bytes, from, offset));
        self.cursor.1
    }
}

/// Whether `byte` ends a line (and so, outside quotes, a record).
fn is_line_end(byte: u8) -> bool {
    matches!(byte, b'\r' | b'\n')
}

/// `value` without one trailing carriage return.
fn without_cr(value: &str) -> &str {
    value.strip_suffix('\r').unwrap_or(value)
}
