use std::io::{Read, Write};

use serde_json::json;

use super::archive::{BackupError, BackupReader, BackupWriter, Record};
use super::collect::configuration_counts;
use super::keys::{BackupKey, KeyError, KeyRing};
use super::manifest::Manifest;
use super::sealed::{CHUNK, SealError, SealedReader, SealedWriter};

fn key(byte: u8) -> BackupKey {
    BackupKey::from_bytes([byte; 32])
}

fn ring(keys: &[u8]) -> KeyRing {
    KeyRing::new(keys.iter().map(|b| key(*b)).collect()).unwrap()
}

/// Bytes that do not repeat, so that a moved chunk would read differently.
fn sample(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

fn seal(plain: &[u8], with: &BackupKey) -> Vec<u8> {
    let mut writer = SealedWriter::new(Vec::new(), with).unwrap();
    writer.write_all(plain).unwrap();
    writer.finish().unwrap()
}

fn open(sealed: &[u8], keys: &KeyRing) -> Result<Vec<u8>, SealError> {
    let mut reader = SealedReader::open(sealed, keys)?;
    let mut plain = Vec::new();
    match reader.read_to_end(&mut plain) {
        Ok(_) => Ok(plain),
        Err(err) => Err(SealError::of(&err).cloned().expect("a seal error")),
    }
}

#[test]
fn a_key_file_reads_one_key_per_line_and_names_the_line_at_fault() {
    let good = "# acme\n\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    let keys = KeyRing::parse(good, "acme.key").unwrap();
    assert_eq!(keys.ids().len(), 1);
    assert_eq!(keys.sealing().id().len(), 16);

    let short = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nAAAA\n";
    match KeyRing::parse(short, "acme.key") {
        Err(KeyError::Malformed { line: 2, reason, .. }) => assert!(reason.contains("3 bytes")),
        other => panic!("expected line 2 to be refused, got {other:?}"),
    }
    assert!(matches!(
        KeyRing::parse("not base64!", "env"),
        Err(KeyError::Malformed { line: 1, .. })
    ));
    assert_eq!(
        KeyRing::parse("# only a comment\n", "env").unwrap_err(),
        KeyError::Empty { origin: "env".into() }
    );
}

#[test]
fn a_key_kept_inside_the_backup_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let inside = dir.path().join("acme.key");
    std::fs::write(&inside, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n").unwrap();
    assert!(matches!(KeyRing::from_file(&inside, dir.path()), Err(KeyError::BesideBackups { .. })));
    let elsewhere = tempfile::tempdir().unwrap();
    assert!(KeyRing::from_file(&inside, elsewhere.path()).is_ok());
}

#[test]
fn a_key_shows_its_id_and_never_its_bytes() {
    let shown = format!("{:?}", key(7));
    assert!(shown.contains(key(7).id()), "{shown}");
    assert!(!shown.contains("[7, 7"), "{shown}");
    assert_ne!(key(7).id(), key(8).id());
}

#[test]
fn sealed_bytes_open_again_across_many_chunks_and_at_every_size() {
    for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
        let plain = sample(len);
        let sealed = seal(&plain, &key(1));
        assert_eq!(open(&sealed, &ring(&[1])).unwrap(), plain, "{len} bytes");
        assert!(!sealed.windows(64).any(|w| plain.len() >= 64 && w == &plain[..64]));
    }
}

#[test]
fn a_changed_byte_anywhere_is_detected() {
    let sealed = seal(&sample(2 * CHUNK + 100), &key(1));
    for at in [12, 40, 90, CHUNK / 2, CHUNK + 200, sealed.len() - 1] {
        let mut altered = sealed.clone();
        altered[at] ^= 0x01;
        let result = open(&altered, &ring(&[1]));
        assert!(
            matches!(
                result,
                Err(SealError::Altered { .. } | SealError::Header(_) | SealError::WrongKey { .. })
            ),
            "byte {at}: {result:?}"
        );
    }
}

#[test]
fn a_file_cut_short_is_detected_even_at_a_chunk_boundary() {
    let sealed = seal(&sample(2 * CHUNK + 100), &key(1));
    let result = open(&sealed[..sealed.len() - 10], &ring(&[1]));
    assert!(matches!(result, Err(SealError::Truncated { .. })), "{result:?}");
    // The header, then one whole chunk of 4 + CHUNK + 16 bytes, and nothing after it.
    let header = sealed.len() - 3 * 4 - 2 * (CHUNK + 16) - (100 + 16);
    let boundary = header + 4 + CHUNK + 16;
    let result = open(&sealed[..boundary], &ring(&[1]));
    assert!(matches!(result, Err(SealError::Truncated { .. })), "{result:?}");
    assert!(matches!(open(&sealed[..header], &ring(&[1])), Err(SealError::Truncated { .. })));
}

#[test]
fn the_wrong_key_and_a_file_that_is_no_backup_are_told_apart() {
    let sealed = seal(b"content", &key(1));
    match open(&sealed, &ring(&[2])) {
        Err(SealError::WrongKey { needed, held }) => {
            assert_eq!(needed, key(1).id());
            assert_eq!(held, key(2).id());
        }
        other => panic!("expected the wrong key, got {other:?}"),
    }
    assert_eq!(open(b"{\"realm\": \"acme\"}", &ring(&[1])), Err(SealError::NotABackup));
}

#[test]
fn an_earlier_key_kept_in_the_ring_still_opens_what_it_sealed() {
    let old = seal(b"sealed last year", &key(1));
    let rotated = ring(&[2, 1]);
    assert_eq!(rotated.sealing().id(), key(2).id());
    assert_eq!(open(&old, &rotated).unwrap(), b"sealed last year");
}

fn manifest() -> Manifest {
    Manifest { id: "b1".into(), tenant: "acme".into(), ..Manifest::default() }
}

#[test]
fn a_backup_reads_back_record_by_record_and_checks_its_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme/b1.ctb");
    let mut writer = BackupWriter::create(&path, &key(1)).unwrap();
    let realm = Record::Realm(json!({ "realm": "acme", "clients": [] }));
    let users = Record::Users(vec![json!({ "username": "ann" }), json!({ "username": "bo" })]);
    writer.write(&realm).unwrap();
    writer.write(&users).unwrap();
    assert!(path.with_extension("part").exists(), "kept as .part while written");
    let (written, size) = writer.finish(manifest()).unwrap();
    assert!(!path.with_extension("part").exists());
    assert_eq!(size, std::fs::metadata(&path).unwrap().len());
    assert_eq!(written.content_sha256.len(), 64);

    let mut reader = BackupReader::open(&path, &ring(&[1])).unwrap();
    assert_eq!(reader.next_record().unwrap(), Some(realm));
    assert_eq!(reader.next_record().unwrap(), Some(users));
    assert_eq!(reader.next_record().unwrap(), Some(Record::Manifest(written.clone())));
    assert_eq!(reader.next_record().unwrap(), None);
    assert_eq!(BackupReader::open(&path, &ring(&[1])).unwrap().verify().unwrap(), written);
}

#[test]
fn an_abandoned_backup_leaves_no_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b2.ctb");
    let mut writer = BackupWriter::create(&path, &key(1)).unwrap();
    writer.write(&Record::Users(vec![json!({ "username": "ann" })])).unwrap();
    writer.abandon();
    assert!(!path.exists() && !path.with_extension("part").exists());
}

/// A sealed, compressed content written by hand, to make backups the writer never would.
fn hand_made(lines: &[String]) -> Vec<u8> {
    let sealed = SealedWriter::new(Vec::new(), &key(1)).unwrap();
    let mut gz = flate2::write::GzEncoder::new(sealed, flate2::Compression::fast());
    for line in lines {
        gz.write_all(line.as_bytes()).unwrap();
        gz.write_all(b"\n").unwrap();
    }
    gz.finish().unwrap().finish().unwrap()
}

fn read_hand_made(bytes: Vec<u8>) -> Result<Manifest, BackupError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.ctb");
    std::fs::write(&path, bytes).unwrap();
    BackupReader::open(&path, &ring(&[1]))?.verify()
}

#[test]
fn a_backup_without_its_manifest_or_with_other_content_is_refused() {
    let users = serde_json::to_string(&Record::Users(vec![json!({ "username": "ann" })])).unwrap();
    assert_eq!(
        read_hand_made(hand_made(std::slice::from_ref(&users))),
        Err(BackupError::Unfinished)
    );

    let mut claimed = manifest();
    claimed.content_sha256 = "0".repeat(64);
    let lie = serde_json::to_string(&Record::Manifest(claimed)).unwrap();
    let result = read_hand_made(hand_made(&[users, lie]));
    assert!(matches!(result, Err(BackupError::Checksum { .. })), "{result:?}");

    let result = read_hand_made(hand_made(&["{\"kind\": \"spaceship\"}".to_owned()]));
    assert!(matches!(result, Err(BackupError::Content { record: 1, .. })), "{result:?}");
}

#[test]
fn the_configuration_is_counted_per_kind_with_sub_groups_and_client_roles() {
    let realm = json!({
        "clients": [{}, {}],
        "roles": { "realm": [{}, {}, {}], "client": { "crm": [{}, {}], "erp": [{}] } },
        "groups": [{ "subGroups": [{ "subGroups": [{}] }, {}] }, {}],
        "identityProviders": [{}],
    });
    let counts = configuration_counts(&realm);
    assert_eq!(counts["clients"], 2);
    assert_eq!(counts["realm_roles"], 3);
    assert_eq!(counts["client_roles"], 3);
    assert_eq!(counts["groups"], 5);
    assert_eq!(counts["identity_providers"], 1);
    assert_eq!(counts["client_scopes"], 0);
}
