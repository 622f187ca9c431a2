//! The sealed container a backup is written in: compressed bytes cut into chunks of 64 KiB,
//! each encrypted and authenticated with XChaCha20-Poly1305 in the STREAM construction, so
//! that a changed byte, a chunk moved, dropped or added, and a file cut short are all detected,
//! and the whole never has to sit in memory.
//!
//! ```text
//! "CTCBKP01"                 8 bytes
//! header length              u16, big-endian
//! header                     JSON: {"format":1,"key":"<key id>","nonce":"<19 bytes, hex>"}
//! chunk*                     u32 big-endian length, then that many bytes of ciphertext and tag
//! ```
//!
//! The magic and the header are bound to every chunk as associated data: a header edited to
//! name another key or nonce fails like a changed chunk. The last chunk is sealed as the last
//! one, so a file cut at a chunk boundary does not open either.

use std::io::{self, Read, Write};

use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{OsRng, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305};
use serde::{Deserialize, Serialize};

use super::keys::{BackupKey, KeyRing};

/// The file's first bytes.
pub const MAGIC: &[u8; 8] = b"CTCBKP01";
/// Plain bytes per chunk.
pub const CHUNK: usize = 64 * 1024;
/// What the tag adds to a chunk.
const TAG: usize = 16;
/// The STREAM nonce prefix (XChaCha20's 24 bytes less STREAM's 5).
const NONCE: usize = 19;

/// Why a sealed file does not open.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    /// It does not start as a backup does.
    #[error("this is not a console backup (it does not start with the backup marker)")]
    NotABackup,
    /// A container of a later format, or a header that does not read.
    #[error("the backup's header cannot be read: {0}")]
    Header(String),
    /// The backup was sealed with a key the ring does not hold.
    #[error("the backup was sealed with key {needed}; the keys given are {held}")]
    WrongKey {
        /// The id the backup names.
        needed: String,
        /// The ids of the keys held, comma-separated.
        held: String,
    },
    /// A chunk's tag does not match: a byte was changed, or chunks were moved.
    #[error("the backup was altered: chunk {chunk} (at byte {offset}) does not authenticate")]
    Altered {
        /// The chunk, from 0.
        chunk: u64,
        /// Where it starts in the file.
        offset: u64,
    },
    /// The file could not be read.
    #[error("the backup cannot be read: {0}")]
    Unreadable(String),
    /// The file ends before its last chunk.
    #[error("the backup is cut short: it ends at byte {offset}, before its last chunk")]
    Truncated {
        /// The file's length as read.
        offset: u64,
    },
}

impl SealError {
    /// The seal error inside an I/O error from [`SealedReader`], if that is what it is.
    pub fn of(err: &io::Error) -> Option<&SealError> {
        err.get_ref().and_then(|inner| inner.downcast_ref::<SealError>())
    }

    fn into_io(self) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, self)
    }
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    key: String,
    nonce: String,
}

/// Seals what is written to it; [`SealedWriter::finish`] seals the last chunk.
pub struct SealedWriter<W: Write> {
    inner: W,
    aad: Vec<u8>,
    encryptor: Option<EncryptorBE32<XChaCha20Poly1305>>,
    pending: Vec<u8>,
}

impl<W: Write> SealedWriter<W> {
    /// Writes the marker and header to `inner` and seals with `key` from here on.
    pub fn new(mut inner: W, key: &BackupKey) -> io::Result<SealedWriter<W>> {
        let mut nonce = [0u8; NONCE];
        OsRng.fill_bytes(&mut nonce);
        let header = Header {
            format: 1,
            key: key.id().to_owned(),
            nonce: nonce.iter().map(|b| format!("{b:02x}")).collect(),
        };
        let header = serde_json::to_vec(&header).map_err(io::Error::other)?;
        let mut aad = MAGIC.to_vec();
        aad.extend_from_slice(&(header.len() as u16).to_be_bytes());
        aad.extend_from_slice(&header);
        inner.write_all(&aad)?;
        let aead = XChaCha20Poly1305::new(key.secret().into());
        let encryptor = EncryptorBE32::from_aead(aead, nonce.as_slice().into());
        Ok(SealedWriter { inner, aad, encryptor: Some(encryptor), pending: Vec::new() })
    }

    fn seal_chunk(&mut self, last: bool) -> io::Result<()> {
        let take = self.pending.len().min(CHUNK);
        let plain: Vec<u8> = self.pending.drain(..take).collect();
        let payload = Payload { msg: &plain, aad: &self.aad };
        let sealed = if last {
            let encryptor = self.encryptor.take().ok_or_else(finished)?;
            encryptor.encrypt_last(payload)
        } else {
            self.encryptor.as_mut().ok_or_else(finished)?.encrypt_next(payload)
        }
        .map_err(|_| io::Error::other("the backup chunk could not be sealed"))?;
        self.inner.write_all(&(sealed.len() as u32).to_be_bytes())?;
        self.inner.write_all(&sealed)
    }

    /// Seals what is left as the last chunk and hands back the inner writer, flushed.
    pub fn finish(mut self) -> io::Result<W> {
        self.seal_chunk(true)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

fn finished() -> io::Error {
    io::Error::other("the backup was already sealed")
}

impl<W: Write> Write for SealedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        // A full chunk is sealed only once more follows: the last one is sealed apart.
        while self.pending.len() > CHUNK {
            self.seal_chunk(false)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Opens what [`SealedWriter`] wrote; reading gives the plain bytes and fails with a
/// [`SealError`] (see [`SealError::of`]) on the first chunk that does not authenticate.
pub struct SealedReader<R: Read> {
    inner: R,
    aad: Vec<u8>,
    decryptor: Option<DecryptorBE32<XChaCha20Poly1305>>,
    plain: Vec<u8>,
    at: usize,
    next: Option<Vec<u8>>,
    chunk: u64,
    offset: u64,
    key_id: String,
}

impl<R: Read> SealedReader<R> {
    /// Reads the marker and header and picks the key the backup names from `ring`.
    pub fn open(mut inner: R, ring: &KeyRing) -> Result<SealedReader<R>, SealError> {
        let mut magic = [0u8; 8];
        if inner.read_exact(&mut magic).is_err() || &magic != MAGIC {
            return Err(SealError::NotABackup);
        }
        let mut length = [0u8; 2];
        inner.read_exact(&mut length).map_err(|_| SealError::Truncated { offset: 8 })?;
        let mut header = vec![0u8; u16::from_be_bytes(length) as usize];
        inner.read_exact(&mut header).map_err(|_| SealError::Truncated { offset: 10 })?;
        let parsed: Header =
            serde_json::from_slice(&header).map_err(|err| SealError::Header(err.to_string()))?;
        if parsed.format != 1 {
            return Err(SealError::Header(format!("format {} is not known", parsed.format)));
        }
        let nonce = hex(&parsed.nonce)
            .filter(|n| n.len() == NONCE)
            .ok_or_else(|| SealError::Header("the nonce is not 19 bytes of hex".into()))?;
        let key = ring.find(&parsed.key).ok_or_else(|| SealError::WrongKey {
            needed: parsed.key.clone(),
            held: ring.ids().join(", "),
        })?;
        let mut aad = magic.to_vec();
        aad.extend_from_slice(&length);
        aad.extend_from_slice(&header);
        let offset = aad.len() as u64;
        let aead = XChaCha20Poly1305::new(key.secret().into());
        let decryptor = DecryptorBE32::from_aead(aead, nonce.as_slice().into());
        let mut reader = SealedReader {
            inner,
            aad,
            decryptor: Some(decryptor),
            plain: Vec::new(),
            at: 0,
            next: None,
            chunk: 0,
            offset,
            key_id: parsed.key,
        };
        reader.next = reader.read_chunk()?;
        if reader.next.is_none() {
            return Err(SealError::Truncated { offset: reader.offset });
        }
        Ok(reader)
    }

    /// The id of the key the backup was sealed with.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The next chunk's sealed bytes, or `None` at the end of the file.
    fn read_chunk(&mut self) -> Result<Option<Vec<u8>>, SealError> {
        let mut length = [0u8; 4];
        let unreadable = |err: io::Error| SealError::Unreadable(err.to_string());
        match read_full(&mut self.inner, &mut length).map_err(unreadable)? {
            0 => return Ok(None),
            4 => {}
            n => return Err(SealError::Truncated { offset: self.offset + n as u64 }),
        }
        let length = u32::from_be_bytes(length) as usize;
        if !(TAG..=CHUNK + TAG).contains(&length) {
            return Err(SealError::Altered { chunk: self.chunk, offset: self.offset });
        }
        let mut sealed = vec![0u8; length];
        let got = read_full(&mut self.inner, &mut sealed).map_err(unreadable)?;
        if got < length {
            return Err(SealError::Truncated { offset: self.offset + 4 + got as u64 });
        }
        Ok(Some(sealed))
    }

    /// Opens the next chunk into `plain`; false at the end.
    fn open_next(&mut self) -> Result<bool, SealError> {
        let Some(sealed) = self.next.take() else { return Ok(false) };
        let start = self.offset;
        self.offset += 4 + sealed.len() as u64;
        let following = self.read_chunk()?;
        let altered = SealError::Altered { chunk: self.chunk, offset: start };
        let payload = Payload { msg: &sealed, aad: &self.aad };
        let plain = match following {
            Some(_) => self.decryptor.as_mut().ok_or(altered.clone())?.decrypt_next(payload),
            None => match self.decryptor.take() {
                Some(decryptor) => decryptor.decrypt_last(payload),
                None => return Err(altered),
            },
        };
        // A file cut at a chunk boundary ends on a full chunk sealed as one that others
        // follow, so opening it as the last fails: a full last chunk that fails is read as
        // the file cut short, a shorter one as altered.
        let cut = following.is_none() && sealed.len() == CHUNK + TAG;
        let plain = plain.map_err(|_| {
            if cut { SealError::Truncated { offset: self.offset } } else { altered }
        })?;
        self.plain = plain;
        self.at = 0;
        self.next = following;
        self.chunk += 1;
        Ok(true)
    }
}

impl<R: Read> Read for SealedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.plain.len() {
            if !self.open_next().map_err(SealError::into_io)? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.plain.len() - self.at);
        buf[..n].copy_from_slice(&self.plain[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Reads until `buf` is full or the input ends; how many bytes it read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(got)
}

fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}
