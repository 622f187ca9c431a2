//! A backup's content: JSON records, one per line, gzip-compressed inside the sealed
//! container. The realm's configuration comes first, then the users in batches, then the
//! manifest, whose checksum covers every line before it. A backup is written to a `.part` file
//! and renamed only once its last chunk is sealed and on disk, so a backup cut off half-way
//! never looks like one that can be restored.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::keys::{BackupKey, KeyRing};
use super::manifest::Manifest;
use super::sealed::{SealError, SealedReader, SealedWriter};

/// One line of a backup.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Record {
    /// The realm as the partial export gives it, with the clients' secrets filled in.
    Realm(Value),
    /// The realm's user profile configuration.
    UserProfile(Value),
    /// Users as a realm export writes them.
    Users(Vec<Value>),
    /// The manifest: the last line.
    Manifest(Manifest),
}

/// Why a backup could not be written or read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BackupError {
    /// The sealed container refused it (wrong key, altered, cut short, not a backup).
    #[error(transparent)]
    Sealed(#[from] SealError),
    /// A file could not be written or read.
    #[error("{path}: {reason}")]
    File {
        /// The file.
        path: String,
        /// What the system said.
        reason: String,
    },
    /// The content opened but a line does not read as a record.
    #[error("the backup's content is damaged at record {record}: {reason}")]
    Content {
        /// The record, from 1.
        record: u64,
        /// What is wrong.
        reason: String,
    },
    /// The content ends without its manifest: the backup was never finished.
    #[error("the backup ends without its manifest: it was never finished")]
    Unfinished,
    /// The content does not match the manifest's checksum.
    #[error(
        "the backup's content does not match its manifest \
         (SHA-256 {found}, manifest says {expected})"
    )]
    Checksum {
        /// What the manifest says.
        expected: String,
        /// What the content hashes to.
        found: String,
    },
}

impl BackupError {
    fn file(path: &Path, err: &io::Error) -> BackupError {
        if let Some(sealed) = SealError::of(err) {
            return BackupError::Sealed(sealed.clone());
        }
        BackupError::File { path: path.display().to_string(), reason: err.to_string() }
    }
}

/// Writes a backup record by record.
pub struct BackupWriter {
    path: PathBuf,
    part: PathBuf,
    out: GzEncoder<SealedWriter<BufWriter<File>>>,
    digest: Sha256,
}

impl BackupWriter {
    /// Starts `path` (as `path.part` until it is finished), sealed with `key`.
    pub fn create(path: &Path, key: &BackupKey) -> Result<BackupWriter, BackupError> {
        let part = path.with_extension("part");
        let fail = |err: io::Error| BackupError::file(&part, &err);
        if let Some(parent) = part.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        let file = File::create(&part).map_err(fail)?;
        let sealed = SealedWriter::new(BufWriter::new(file), key).map_err(fail)?;
        let out = GzEncoder::new(sealed, Compression::default());
        Ok(BackupWriter { path: path.to_owned(), part, out, digest: Sha256::new() })
    }

    /// Appends one record.
    pub fn write(&mut self, record: &Record) -> Result<(), BackupError> {
        let mut line = serde_json::to_vec(record)
            .map_err(|err| BackupError::Content { record: 0, reason: err.to_string() })?;
        line.push(b'\n');
        self.digest.update(&line);
        self.out.write_all(&line).map_err(|err| BackupError::file(&self.part, &err))
    }

    /// Writes the manifest with the content's checksum, seals the last chunk, syncs the file
    /// and gives it its final name. Returns the manifest as written and the file's size.
    pub fn finish(mut self, mut manifest: Manifest) -> Result<(Manifest, u64), BackupError> {
        manifest.content_sha256 = hex(&self.digest.clone().finalize());
        let fail = |err: io::Error| BackupError::file(&self.part, &err);
        let mut line = serde_json::to_vec(&Record::Manifest(manifest.clone()))
            .map_err(|err| BackupError::Content { record: 0, reason: err.to_string() })?;
        line.push(b'\n');
        self.out.write_all(&line).map_err(fail)?;
        let sealed = self.out.finish().map_err(fail)?;
        let buffered = sealed.finish().map_err(fail)?;
        let file = buffered.into_inner().map_err(|err| fail(err.into_error()))?;
        file.sync_all().map_err(fail)?;
        let size = file.metadata().map_err(fail)?.len();
        std::fs::rename(&self.part, &self.path).map_err(fail)?;
        // The rename itself is on disk only once the folder is synced.
        if let Some(parent) = self.path.parent() {
            File::open(parent).and_then(|dir| dir.sync_all()).map_err(fail)?;
        }
        Ok((manifest, size))
    }

    /// Drops what was written so far.
    pub fn abandon(self) {
        let part = self.part.clone();
        drop(self);
        let _ = std::fs::remove_file(part);
    }
}

/// Reads a backup record by record, checking the checksum when it reaches the manifest.
pub struct BackupReader {
    path: PathBuf,
    lines: BufReader<GzDecoder<SealedReader<BufReader<File>>>>,
    digest: Sha256,
    record: u64,
    done: bool,
}

impl BackupReader {
    /// Opens `path` with whichever key of `ring` sealed it.
    pub fn open(path: &Path, ring: &KeyRing) -> Result<BackupReader, BackupError> {
        let file = File::open(path).map_err(|err| BackupError::file(path, &err))?;
        let sealed = SealedReader::open(BufReader::new(file), ring)?;
        Ok(BackupReader {
            path: path.to_owned(),
            lines: BufReader::new(GzDecoder::new(sealed)),
            digest: Sha256::new(),
            record: 0,
            done: false,
        })
    }

    /// The next record; the manifest is the last, after which this answers `None`. A content
    /// that ends before its manifest, or does not match it, is an error.
    pub fn next_record(&mut self) -> Result<Option<Record>, BackupError> {
        if self.done {
            return Ok(None);
        }
        let mut line = Vec::new();
        let read = self
            .lines
            .read_until(b'\n', &mut line)
            .map_err(|err| BackupError::file(&self.path, &err))?;
        if read == 0 {
            return Err(BackupError::Unfinished);
        }
        self.record += 1;
        let record: Record = serde_json::from_slice(&line)
            .map_err(|err| BackupError::Content { record: self.record, reason: err.to_string() })?;
        match &record {
            Record::Manifest(manifest) => {
                let found = hex(&self.digest.clone().finalize());
                if found != manifest.content_sha256 {
                    let expected = manifest.content_sha256.clone();
                    return Err(BackupError::Checksum { expected, found });
                }
                // Read to the end: the last chunk authenticates only there, and nothing may
                // follow the manifest.
                let mut rest = Vec::new();
                std::io::Read::read_to_end(&mut self.lines, &mut rest)
                    .map_err(|err| BackupError::file(&self.path, &err))?;
                if !rest.is_empty() {
                    let reason = format!("{} bytes follow the manifest", rest.len());
                    return Err(BackupError::Content { record: self.record + 1, reason });
                }
                self.done = true;
            }
            _ => self.digest.update(&line),
        }
        Ok(Some(record))
    }

    /// Reads to the end and answers the manifest: the whole backup is checked on the way.
    pub fn verify(mut self) -> Result<Manifest, BackupError> {
        while let Some(record) = self.next_record()? {
            if let Record::Manifest(manifest) = record {
                return Ok(manifest);
            }
        }
        Err(BackupError::Unfinished)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
