//! Finds the public test inputs kept outside the repository (`../shared/data`, or the folder
//! `CTC_SHARED_DATA` names). Tests skip with a message when they are absent, unless
//! `CTC_REQUIRE_SHARED_DATA=1` (set by `.ci/run`) makes their absence a failure.

use std::path::PathBuf;

/// The folder `sub` of the shared data, or `None` (after saying so) when the data is absent.
///
/// # Panics
/// When the data is absent and `CTC_REQUIRE_SHARED_DATA=1`.
pub fn folder(sub: &str) -> Option<PathBuf> {
    let root = std::env::var_os("CTC_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let dir = root.join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    let required = std::env::var("CTC_REQUIRE_SHARED_DATA").is_ok_and(|v| v == "1");
    assert!(!required, "CTC_REQUIRE_SHARED_DATA=1 but {} is missing", dir.display());
    eprintln!("shared data {} absent: test skipped", dir.display());
    None
}

/// The files of `dir` whose names end in `.json`, sorted.
pub fn json_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}
