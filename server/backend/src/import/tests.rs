//! Tests of the import reader: what it accepts, what it refuses, and what the refusal says.

use std::borrow::Cow;

use super::{CsvError, Limits, Table, neutralise_formula, read_table};

fn read(text: &str) -> Table {
    read_table(text.as_bytes(), &Limits::default()).expect("the file should be accepted")
}

fn refusal(bytes: &[u8]) -> CsvError {
    read_table(bytes, &Limits::default()).expect_err("the file should be refused")
}

fn error(line: Option<u64>, column: Option<u64>, message: &str) -> CsvError {
    CsvError { line, column, message: message.to_owned() }
}

fn values(table: &Table) -> Vec<Vec<&str>> {
    table.rows.iter().map(|row| row.values.iter().map(String::as_str).collect()).collect()
}

fn lines(table: &Table) -> Vec<u64> {
    table.rows.iter().map(|row| row.line).collect()
}

#[test]
fn a_comma_file_reads_its_header_and_rows() {
    let table = read("username,email\nalice,alice@example.com\nbob,bob@example.com\n");

    assert_eq!(table.delimiter, ',');
    assert!(!table.had_bom);
    assert_eq!(table.headers, ["username", "email"]);
    assert_eq!(values(&table), [["alice", "alice@example.com"], ["bob", "bob@example.com"]]);
    assert_eq!(lines(&table), [2, 3]);
    assert_eq!(table.blank_lines, 0);
}

#[test]
fn a_semicolon_file_with_a_bom_and_crlf_reads_like_a_comma_one() {
    let comma = read("username,email\nalice,alice@example.com\n");

    let semicolon = read_table(
        b"\xEF\xBB\xBFusername;email\r\nalice;alice@example.com\r\n",
        &Limits::default(),
    )
    .expect("the file should be accepted");

    assert_eq!(semicolon.delimiter, ';');
    assert!(semicolon.had_bom);
    assert_eq!(semicolon.headers, comma.headers);
    assert_eq!(semicolon.rows, comma.rows);
}

#[test]
fn a_tab_separated_file_is_split_on_its_tabs() {
    let table = read("name\tnote\nalice\tone, two\n");

    assert_eq!(table.delimiter, '\t');
    assert_eq!(values(&table), [["alice", "one, two"]]);
}

#[test]
fn delimiters_inside_quotes_do_not_decide_the_delimiter() {
    let table = read("\"a,b,c\";d\n1;2\n");

    assert_eq!(table.delimiter, ';');
    assert_eq!(table.headers, ["a,b,c", "d"]);
}

#[test]
fn a_tie_between_delimiters_goes_to_the_comma() {
    let table = read("a;b,c\n1;2,3\n");

    assert_eq!(table.delimiter, ',');
    assert_eq!(table.headers, ["a;b", "c"]);
}

#[test]
fn quoted_fields_keep_delimiters_doubled_quotes_and_newlines() {
    let table =
        read("name,note\nalice,\"one, two\"\nbob,\"say \"\"hi\"\"\"\ncarol,\"first\nsecond\"\n");

    let expected = [["alice", "one, two"], ["bob", "say \"hi\""], ["carol", "first\nsecond"]];
    assert_eq!(values(&table), expected);
    assert_eq!(lines(&table), [2, 3, 4]);
}

#[test]
fn a_last_line_without_a_newline_is_read() {
    let table = read("a,b\n1,2\n3,4");

    assert_eq!(values(&table), [["1", "2"], ["3", "4"]]);
}

#[test]
fn old_mac_line_ends_count_as_lines() {
    let table = read("a,b\r1,2\r3,4");

    assert_eq!(values(&table), [["1", "2"], ["3", "4"]]);
    assert_eq!(lines(&table), [2, 3]);
}

#[test]
fn headers_are_trimmed_but_values_keep_their_spaces_and_lose_only_a_trailing_cr() {
    let table = read(" name , note \n  alice ,\"x\r\"\n");

    assert_eq!(table.headers, ["name", "note"]);
    assert_eq!(values(&table), [["  alice ", "x"]]);
}

#[test]
fn blank_lines_are_skipped_and_counted_with_either_line_end() {
    let lf = "\na,b\n\n1,2\n   \n,\n3,4\n\n";

    for file in [lf.to_owned(), lf.replace('\n', "\r\n")] {
        let table = read(&file);

        assert_eq!(values(&table), [["1", "2"], ["3", "4"]], "{file:?}");
        assert_eq!(lines(&table), [4, 7], "{file:?}");
        assert_eq!(table.blank_lines, 5, "{file:?}");
    }
}

#[test]
fn the_checksum_and_size_describe_the_raw_bytes_bom_included() {
    let table = read_table(b"\xEF\xBB\xBFa,b\n1,2\n", &Limits::default()).expect("accepted");

    assert_eq!(table.sha256, "4baf8d035fbc583379d998ac9ed3d18276d308ee43cf945ee88d0c54cca33992");
    assert_eq!(table.bytes, 11);
}

#[test]
fn an_empty_file_a_lone_bom_or_only_whitespace_is_refused_as_empty() {
    for bytes in [&b""[..], b"\xEF\xBB\xBF", b" \r\n\t\n", b"\xEF\xBB\xBF  \n"] {
        assert_eq!(refusal(bytes), error(None, None, "The file is empty."), "{bytes:?}");
    }
}

#[test]
fn a_hundred_mebibytes_of_junk_is_refused_by_the_size_limit() {
    let junk = vec![0_u8; 100 * 1024 * 1024];

    let refused = refusal(&junk);

    let message = "The file is 104,857,600 bytes; at most 20,971,520 are accepted.";
    assert_eq!(refused, error(None, None, message));
}

#[test]
fn a_file_of_exactly_the_byte_limit_is_accepted_and_one_byte_more_is_not() {
    let limits = Limits { max_bytes: 8, ..Limits::default() };

    let at_limit = read_table(b"a,b\n1,2\n", &limits);
    let over = read_table(b"a,b\n1,23\n", &limits);

    assert!(at_limit.is_ok(), "{at_limit:?}");
    assert_eq!(over, Err(error(None, None, "The file is 9 bytes; at most 8 are accepted.")));
}

#[test]
fn a_file_that_is_not_utf8_is_refused_at_the_first_bad_byte_counting_characters() {
    let latin1 = b"name;dept\n1;2\nZo\xC3\xAB;M\xC3\xBC\xE9\n";

    let message = "Line 3, column 7: the file is not UTF-8 text (save it as CSV UTF-8).";
    assert_eq!(refusal(latin1), error(Some(3), Some(7), message));
}

#[test]
fn a_utf16_file_is_refused_as_not_utf8() {
    let refused = refusal(b"\xFF\xFEa\x00,\x00b\x00");

    assert_eq!((refused.line, refused.column), (Some(1), Some(1)));
    assert!(refused.message.ends_with("not UTF-8 text (save it as CSV UTF-8)."), "{refused}");
}

#[test]
fn a_nul_byte_is_refused_as_binary_data_at_its_line_and_column() {
    let message = "Line 2, column 3: the file holds binary data, not CSV text.";
    assert_eq!(refusal(b"a,b\n1,\x002\n"), error(Some(2), Some(3), message));
}

#[test]
fn a_mebibyte_of_random_bytes_is_refused_by_the_encoding_or_binary_check() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let junk: Vec<u8> = (0..1024 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();

    let refused = refusal(&junk);

    assert!(refused.line.is_some() && refused.column.is_some(), "{refused:?}");
    assert!(
        refused.message.ends_with("not UTF-8 text (save it as CSV UTF-8).")
            || refused.message.ends_with("binary data, not CSV text."),
        "{refused}"
    );
}

#[test]
fn an_unclosed_quote_is_refused_where_it_opens() {
    let file =
        b"name,surname,note\nalice,smith,ok\nbob,jones,ok\ncarol,lee,\"never closed\ndan,wu,ok\n";

    let message = "Line 4, column 11: a quote opened here is never closed.";
    assert_eq!(refusal(file), error(Some(4), Some(11), message));
}

#[test]
fn a_row_with_the_wrong_number_of_fields_is_refused_at_its_line() {
    let file = b"a,b,c,d,e\n1,2,3,4,5\n\n6,7\n";

    let message = "Line 4: this row has 2 fields, the header has 5.";
    assert_eq!(refusal(file), error(Some(4), None, message));
}

#[test]
fn a_quote_inside_an_unquoted_field_is_refused_at_its_line_and_column() {
    let message = "Line 2, column 5: a quote inside an unquoted field; put the field in quotes \
                   and double the quote.";
    assert_eq!(refusal(b"a,b\n1,ab\"c\n"), error(Some(2), Some(5), message));
}

#[test]
fn text_after_a_closing_quote_is_refused_at_its_line_and_column() {
    let refused = refusal(b"a,b\n\"x\"y,2\n");

    assert_eq!((refused.line, refused.column), (Some(2), Some(4)));
    assert!(refused.message.contains("text after a closing quote"), "{refused}");
}

#[test]
fn a_cell_starting_like_a_formula_is_refused_naming_its_line_column_and_header() {
    let mut file = String::from("username,email,department\n");
    for user in ["ann", "ben", "cat", "dan", "eve"] {
        file.push_str(&format!("{user},{user}@example.com,sales\n"));
    }
    file.push_str("fay,fay@example.com,=SUM(A1)\n");

    let message = "Line 7, column 3 (department): the cell starts like a spreadsheet formula \
                   (=SUM(A1)); remove the formula.";
    assert_eq!(refusal(file.as_bytes()), error(Some(7), Some(3), message));
}

#[test]
fn every_formula_start_is_refused_even_after_spaces() {
    for cell in ["=1+1", "@SUM(A1)", "\tcmd", "\rcmd", "+A1", "-cmd", "--1", "  =1", " @x"] {
        let refused = refusal(format!("a,b\n1,\"{cell}\"\n").as_bytes());

        assert_eq!((refused.line, refused.column), (Some(2), Some(2)), "{cell:?}");
        assert!(refused.message.contains("spreadsheet formula"), "{cell:?}: {refused}");
    }
}

#[test]
fn numbers_and_phone_numbers_that_start_with_a_sign_are_accepted() {
    for cell in ["+41 22 123 45 67", "-5", "+(1)", "-.5", "- note", "-", "a=b", " +41"] {
        let table = read(&format!("a,b\n1,{cell}\n"));

        assert_eq!(table.rows[0].values[1], cell);
    }
}

#[test]
fn a_header_cell_starting_like_a_formula_is_refused() {
    let message = "Line 1, column 2: the cell starts like a spreadsheet formula \
                   (=cmd|' /C calc'!A0); remove the formula.";
    assert_eq!(refusal(b"name,=cmd|' /C calc'!A0\n1,2\n"), error(Some(1), Some(2), message));
}

#[test]
fn an_empty_header_cell_is_refused_at_its_column() {
    for file in [&b"a,,c\n1,2,3\n"[..], b"a,  ,c\n1,2,3\n"] {
        let message = "Line 1, column 2: the header cell is empty; give every column a name.";
        assert_eq!(refusal(file), error(Some(1), Some(2), message));
    }
}

#[test]
fn a_duplicate_header_is_refused_naming_both_columns_ignoring_case_and_spaces() {
    let message = "Line 1, column 3: columns 1 and 3 are both named \"email\"; give each column \
                   its own name.";
    assert_eq!(refusal(b"Email,name, email \n1,2,3\n"), error(Some(1), Some(3), message));
}

#[test]
fn the_row_limit_is_inclusive_and_one_row_more_is_refused() {
    let rows = |n: usize| (0..n).fold(String::from("id\n"), |file, i| file + &format!("{i}\n"));

    let at_limit = read_table(rows(50_000).as_bytes(), &Limits::default());
    let over = read_table(rows(50_001).as_bytes(), &Limits::default());

    assert_eq!(at_limit.map(|table| table.rows.len()), Ok(50_000));
    let message = "The file has more than 50,000 rows; split it.";
    assert_eq!(over, Err(error(None, None, message)));
}

#[test]
fn a_header_without_rows_is_refused_even_with_blank_lines_after_it() {
    for file in [&b"a,b\n"[..], b"a,b", b"a,b\n\n  \n,\n"] {
        let message = "The file has a header but no rows.";
        assert_eq!(refusal(file), error(None, None, message), "{file:?}");
    }
}

#[test]
fn ten_thousand_rows_keep_their_line_numbers_after_a_multi_line_field() {
    let mut file = String::from("id,note\n0,\"first\r\nsecond\r\nthird\"\r\n");
    for i in 1..=10_000 {
        file.push_str(&format!("{i},note {i}\r\n"));
    }

    let table = read(&file);

    assert_eq!(table.rows.len(), 10_001);
    assert_eq!(table.rows[0].line, 2);
    assert_eq!(table.rows[0].values[1], "first\r\nsecond\r\nthird");
    for (i, row) in table.rows.iter().enumerate().skip(1) {
        assert_eq!(row.line, i as u64 + 4);
        assert_eq!(row.values, [i.to_string(), format!("note {i}")]);
    }
}

#[test]
fn neutralise_formula_prefixes_a_formula_cell_with_a_quote() {
    for cell in ["=1+1", "+41 22", "-5", "@x", "\tx", "\rx", "  =1"] {
        assert_eq!(neutralise_formula(cell), format!("'{cell}"));
    }
}

#[test]
fn neutralise_formula_leaves_any_other_cell_as_it_is_without_copying() {
    for cell in ["alice", "a=b", "", " 41", "5-3"] {
        assert!(matches!(neutralise_formula(cell), Cow::Borrowed(kept) if kept == cell));
    }
}

#[test]
fn the_default_limits_are_twenty_mebibytes_and_fifty_thousand_rows() {
    assert_eq!(Limits::default(), Limits { max_bytes: 20_971_520, max_rows: 50_000 });
}
