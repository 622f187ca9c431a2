//! What the csv crate leaves to its caller about quotes: which delimiter a file uses (detected
//! from its header line) and whether a record's quotes are well formed. The crate accepts an
//! unclosed quote (the field runs to the end of the file) and keeps stray quotes as text; an
//! import refuses both, since either means the rows are not what the person meant.

/// The delimiters a file may use, in the order a tie is broken.
const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];

/// The delimiter most used outside quotes on the first line that is not blank; a tie, or a
/// line with none, goes to the comma.
pub(super) fn detect_delimiter(text: &[u8]) -> u8 {
    let mut counts = [0_usize; CANDIDATES.len()];
    let mut in_quotes = false;
    let mut line_has_text = false;

    for &byte in text {
        match byte {
            b'"' => {
                in_quotes = !in_quotes;
                line_has_text = true;
            }
            _ if in_quotes => {}
            b'\r' | b'\n' if line_has_text => break,
            b'\r' | b'\n' | b' ' => {}
            _ => {
                line_has_text = true;
                if let Some(i) = CANDIDATES.iter().position(|&candidate| candidate == byte) {
                    counts[i] += 1;
                }
            }
        }
    }

    let mut best = 0;
    for (i, &count) in counts.iter().enumerate() {
        if count > counts[best] {
            best = i;
        }
    }
    CANDIDATES[best]
}

/// A badly formed quote, at a byte offset into the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum QuoteFault {
    /// A quote opened at this offset is never closed.
    Unclosed(usize),
    /// A quote in the middle of an unquoted field.
    InUnquotedField(usize),
    /// Text right after a field's closing quote, at this offset.
    AfterClosingQuote(usize),
}

impl QuoteFault {
    /// Where the fault is, in bytes from the start of the record.
    pub(super) fn offset(self) -> usize {
        match self {
            QuoteFault::Unclosed(offset)
            | QuoteFault::InUnquotedField(offset)
            | QuoteFault::AfterClosingQuote(offset) => offset,
        }
    }

    /// What is wrong and how to fix it, for the person who made the file.
    pub(super) fn explain(self) -> &'static str {
        match self {
            QuoteFault::Unclosed(_) => "a quote opened here is never closed.",
            QuoteFault::InUnquotedField(_) => {
                "a quote inside an unquoted field; put the field in quotes and double the quote."
            }
            QuoteFault::AfterClosingQuote(_) => {
                "text after a closing quote; keep the whole field in quotes and double any \
                 quote inside it."
            }
        }
    }
}

/// Where the scan of a record stands.
#[derive(Clone, Copy)]
enum State {
    /// Before the first character of a field.
    FieldStart,
    /// Inside a field that did not open with a quote.
    Unquoted,
    /// Inside a quoted field that opened at this offset.
    Quoted(usize),
    /// Just after a quote inside a quoted field: it either closes the field or, doubled, stands
    /// for one quote.
    QuoteInQuoted(usize),
}

/// Checks the quotes of one record's raw text, which starts at the record's first character and
/// may end with its line end.
pub(super) fn check_record(raw: &[u8], delimiter: u8) -> Result<(), QuoteFault> {
    let mut state = State::FieldStart;

    for (offset, &byte) in raw.iter().enumerate() {
        let ends_field = byte == delimiter || matches!(byte, b'\r' | b'\n');
        state = match (state, byte) {
            (State::FieldStart, b'"') => State::Quoted(offset),
            (State::FieldStart | State::Unquoted, _) if ends_field => State::FieldStart,
            (State::Unquoted, b'"') => {
                return Err(QuoteFault::InUnquotedField(offset));
            }
            (State::FieldStart | State::Unquoted, _) => State::Unquoted,
            (State::Quoted(opened), b'"') => State::QuoteInQuoted(opened),
            (State::Quoted(opened), _) => State::Quoted(opened),
            (State::QuoteInQuoted(opened), b'"') => State::Quoted(opened),
            (State::QuoteInQuoted(_), _) if ends_field => State::FieldStart,
            (State::QuoteInQuoted(_), _) => return Err(QuoteFault::AfterClosingQuote(offset)),
        };
    }

    match state {
        State::Quoted(opened) => Err(QuoteFault::Unclosed(opened)),
        State::FieldStart | State::Unquoted | State::QuoteInQuoted(_) => Ok(()),
    }
}
