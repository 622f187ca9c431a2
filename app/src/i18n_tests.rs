//! Every text key the code uses exists in English, so no person ever reads a raw key.

use rust_i18n::t;

use crate::pages::Section;
use crate::policy::Role;

/// The literal keys of the translation calls in the app's sources.
fn keys_in_sources() -> Vec<String> {
    let mut keys = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                for (at, call) in text.match_indices("t!(\"") {
                    let word_before =
                        text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
                    if !word_before {
                        let key = &text[at + call.len()..];
                        keys.push(key.split('"').next().unwrap_or_default().to_owned());
                    }
                }
            }
        }
    }
    keys
}

fn assert_translated(key: &str) {
    let text = t!(key, locale = "en");
    assert!(!text.is_empty() && !text.ends_with(key), "no English text for {key}");
}

#[test]
fn every_literal_key_has_an_english_text() {
    let keys = keys_in_sources();
    assert!(keys.len() > 40, "the scan found only {} keys", keys.len());

    for key in keys {
        assert_translated(&key);
    }
}

#[test]
fn every_role_and_section_name_has_an_english_text() {
    for role in Role::ALL {
        assert_translated(&format!("role.{}", role.as_str()));
    }
    for section in Section::ALL {
        assert_translated(&format!("nav.{}", section.slug()));
    }
}

#[test]
fn every_required_action_the_forms_offer_has_an_english_name() {
    for alias in crate::api::user_changes::REQUIRED_ACTIONS {
        assert_translated(&format!("required_action.{alias}"));
    }
}
