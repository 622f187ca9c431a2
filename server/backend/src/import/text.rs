//! The checks on the raw bytes that come before any parsing (size, emptiness, encoding, binary
//! content), and the line and column arithmetic that every refusal shares.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r` (old Mac exports), the same three the csv crate
//! splits records on; its own line count knows only `\n`, so positions are counted here.

use super::CsvError;

/// The UTF-8 byte order mark that Excel writes at the start of a "CSV UTF-8" file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The refusal of a file with nothing to import.
pub(super) const EMPTY: &str = "The file is empty.";

/// Refuses a file larger than `max` bytes.
pub(super) fn check_size(len: usize, max: usize) -> Result<(), CsvError> {
    if len <= max {
        return Ok(());
    }
    let (len, max) = (grouped(len), grouped(max));
    Err(CsvError::file(format!("The file is {len} bytes; at most {max} are accepted.")))
}

/// Splits off the byte order mark, saying whether there was one.
pub(super) fn strip_bom(bytes: &[u8]) -> (bool, &[u8]) {
    match bytes.strip_prefix(BOM) {
        Some(body) => (true, body),
        None => (false, bytes),
    }
}

/// Refuses a body that holds nothing but whitespace.
pub(super) fn check_not_empty(body: &[u8]) -> Result<(), CsvError> {
    if body.iter().all(u8::is_ascii_whitespace) { Err(CsvError::file(EMPTY)) } else { Ok(()) }
}

/// The body as text, or a refusal placed at its first NUL byte or first byte that is not UTF-8,
/// whichever comes first.
pub(super) fn decode(body: &[u8]) -> Result<&str, CsvError> {
    let decoded = std::str::from_utf8(body);
    let valid_len = match &decoded {
        Ok(text) => text.len(),
        Err(error) => error.valid_up_to(),
    };

    if let Some(nul) = body[..valid_len].iter().position(|&byte| byte == 0) {
        let (line, column) = locate(body, nul);
        return Err(CsvError::at(line, column, "the file holds binary data, not CSV text."));
    }

    decoded.map_err(|_| {
        let (line, column) = locate(body, valid_len);
        CsvError::at(line, column, "the file is not UTF-8 text (save it as CSV UTF-8).")
    })
}

/// The 1-based line and column of `offset`, the column counted in characters. The bytes before
/// `offset` must be UTF-8; the ones after need not be.
pub(super) fn locate(bytes: &[u8], offset: usize) -> (u64, u64) {
    let line = 1 + line_breaks(bytes, 0, offset);
    let line_start = bytes[..offset]
        .iter()
        .rposition(|&byte| matches!(byte, b'\n' | b'\r'))
        .map_or(0, |end| end + 1);
    let column = 1 + bytes[line_start..offset].iter().filter(|&&b| !is_continuation(b)).count();
    (line, column as u64)
}

/// How many line ends lie in `bytes[from..to]`; a `\r\n` counts once, at its `\n`.
pub(super) fn line_breaks(bytes: &[u8], from: usize, to: usize) -> u64 {
    let ends = (from..to).filter(|&i| match bytes[i] {
        b'\n' => true,
        b'\r' => bytes.get(i + 1) != Some(&b'\n'),
        _ => false,
    });
    ends.count() as u64
}

/// Whether `byte` continues a multi-byte UTF-8 character rather than starting one.
fn is_continuation(byte: u8) -> bool {
    byte & 0b1100_0000 == 0b1000_0000
}

/// `n` with its thousands separated by commas, as the messages show sizes.
pub(super) fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
