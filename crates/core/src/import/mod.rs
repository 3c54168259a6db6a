//! Bulk import: bringing in what a person already has. Pure parsers with no vault access, one file per source:
//! [`date`] (UK dates and times), [`diary`] (an old diary in CSV, XLSX or ODS, with a column mapping and a
//! preview), [`whatsapp`] ("Export chat" text, alone or in a ZIP with media), [`x`] (an X/Twitter archive's
//! `direct-messages.js` and `tweets.js`), [`facebook`] (Facebook and Messenger JSON, with its mis-encoded text
//! repaired), [`folder`] (screenshots and photos grouped into proposed incidents) and [`archive`] (bounded
//! ZIP reading). Recording what the person confirms is the vault's business (`vault/imports.rs`).
//!
//! Every reader is bounded: a source file's size, the number of rows or messages, the length of a cell or a
//! message, and ZIP entries (count, size, expansion ratio, names). Bad input is a typed [`Error`], never a
//! panic. Only regular files are read: devices, FIFOs and sockets are refused before they are opened.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::error::{Error, ErrorKind, Result};

pub mod archive;
pub mod date;
pub mod diary;
pub mod facebook;
pub mod folder;
pub mod whatsapp;
pub mod x;

/// The most bytes a source file (a spreadsheet, a chat, an archive) may have. Larger files are refused.
pub const MAX_SOURCE_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// The most bytes a text or JSON export read into memory may have.
pub const MAX_TEXT_BYTES: u64 = 256 * 1024 * 1024;
/// The most messages or rows one import reads; the rest are reported, not read.
pub const MAX_ITEMS: usize = 200_000;
/// The most characters kept of one message, post or cell.
pub const MAX_TEXT_CHARS: usize = 100_000;

/// Where a message export comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    /// WhatsApp "Export chat".
    Whatsapp,
    /// X (Twitter) archive.
    X,
    /// Facebook or Messenger "Download your information" (JSON).
    Facebook,
}

impl Platform {
    /// The platform's name as people write it (the incident's platform field).
    pub fn label(self) -> &'static str {
        match self {
            Self::Whatsapp => "WhatsApp",
            Self::X => "X (Twitter)",
            Self::Facebook => "Facebook",
        }
    }

    /// The channel code incidents from this platform get (reference data).
    pub fn channel(self) -> &'static str {
        match self {
            Self::Whatsapp => "text_message",
            Self::X | Self::Facebook => "social_media",
        }
    }
}

/// One message or post read from an export, exactly as it was there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Message {
    /// Its position in the export (from 0): how it is chosen.
    pub index: u32,
    /// Who sent or posted it, as the export names them (a name, a number or an account id).
    pub sender: String,
    /// The account handle to link a person by (for WhatsApp the name or number shown).
    pub handle: String,
    /// The date and time exactly as the export shows it.
    pub shown_at: String,
    /// That time read as RFC 3339 with its offset (UK time when the export gives no offset), if it could be.
    pub at: Option<String>,
    /// The text, verbatim (cut at [`MAX_TEXT_CHARS`] characters, marked `cut`).
    pub text: String,
    /// The text was longer than [`MAX_TEXT_CHARS`] and was cut.
    pub cut: bool,
    /// Files the message refers to (attached media), by the names the export uses.
    pub media: Vec<String>,
    /// A line written by the platform, not a person ("Messages are end-to-end encrypted", "X joined").
    pub system: bool,
    /// The conversation or thread it belongs to, if the export has several.
    pub thread: Option<String>,
}

/// What a message export holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MessageExport {
    /// The platform.
    pub platform: Platform,
    /// The messages, in export order.
    pub messages: Vec<Message>,
    /// Everyone who sent a message, in order of first appearance (for the sender filter).
    pub senders: Vec<String>,
    /// Media files found with the export (in its ZIP), by name.
    pub media: Vec<String>,
    /// Lines or records that could not be read, with where they are and why; never dropped silently.
    pub problems: Vec<SourceProblem>,
}

/// Something in a source that could not be read, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SourceProblem {
    /// Line, row or record number in the source (from 1).
    #[ts(type = "number")]
    pub at: u64,
    /// Why it could not be read.
    pub reason: String,
    /// The text there (shortened).
    pub text: String,
}

impl MessageExport {
    pub(crate) fn new(
        platform: Platform,
        messages: Vec<Message>,
        problems: Vec<SourceProblem>,
    ) -> Self {
        let mut senders: Vec<String> = Vec::new();
        for m in &messages {
            if !m.system && !senders.contains(&m.sender) {
                senders.push(m.sender.clone());
            }
        }
        Self {
            platform,
            messages,
            senders,
            media: Vec::new(),
            problems,
        }
    }

    /// The messages a list shows: from `sender` only (all when `None`), whose text contains `search`
    /// (case-insensitive; all when empty). System lines are left out when a sender is chosen.
    pub fn filter<'a>(
        &'a self,
        sender: Option<&'a str>,
        search: &'a str,
    ) -> impl Iterator<Item = &'a Message> + 'a {
        let needle = search.trim().to_lowercase();
        self.messages.iter().filter(move |m| {
            sender.is_none_or(|s| !m.system && m.sender == s)
                && (needle.is_empty() || m.text.to_lowercase().contains(&needle))
        })
    }
}

/// Keeps at most [`MAX_TEXT_CHARS`] characters; says whether it cut.
pub(crate) fn bounded_text(s: &str) -> (String, bool) {
    match s.char_indices().nth(MAX_TEXT_CHARS) {
        Some((i, _)) => (s[..i].to_string(), true),
        None => (s.to_string(), false),
    }
}

/// A short form of a text for a problem report or a summary: the first line, at most `n` characters.
pub fn shorten(s: &str, n: usize) -> String {
    let line = s
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    match line.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}

/// A source file read whole: its name, bytes and SHA-256.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file's name, exactly as on disk.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Their SHA-256, hex.
    pub sha256: String,
}

impl SourceFile {
    /// Bytes already in memory (a dropped file), under a name.
    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Self {
        let sha256 = hex::encode(Sha256::digest(&bytes));
        Self {
            name: name.to_string(),
            bytes,
            sha256,
        }
    }

    /// Reads a regular file whole, at most `limit` bytes: devices, FIFOs and sockets are refused before they
    /// are opened, and a file that grows past the limit while it is read is refused.
    pub fn read(path: &Path, limit: u64) -> Result<Self> {
        let (file, name, _) = crate::attachment::open_file(path)?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        if size > limit {
            return Err(too_big(path, size, limit));
        }
        let mut bytes = Vec::with_capacity(size as usize);
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::read(path, &e))?;
        if bytes.len() as u64 > limit {
            return Err(too_big(path, bytes.len() as u64, limit));
        }
        let sha256 = hex::encode(Sha256::digest(&bytes));
        Ok(Self {
            name,
            bytes,
            sha256,
        })
    }

    /// Whether the bytes are a ZIP archive.
    pub fn is_zip(&self) -> bool {
        self.bytes.starts_with(b"PK\x03\x04") || self.bytes.starts_with(b"PK\x05\x06")
    }
}

fn too_big(path: &Path, size: u64, limit: u64) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!(
            "{} is {size} bytes: too large to import (at most {limit})",
            path.display()
        ),
    )
}

/// Text from bytes: UTF-8 (a byte-order mark dropped), or an error naming the source.
pub(crate) fn utf8_text<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorKind::InvalidInput,
            format!(
                "{name} is not UTF-8 text (a byte at {} is not)",
                e.valid_up_to()
            ),
        )
    })
}

/// A moment as RFC 3339 with its offset, in UK time.
pub(crate) fn uk_rfc3339(d: date::UkDate) -> Option<String> {
    d.to_uk().map(|(t, _)| t.to_rfc3339())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn text_is_bounded_and_shortened() {
        let long = "é".repeat(MAX_TEXT_CHARS + 5);
        let (t, cut) = bounded_text(&long);
        assert!(cut);
        assert_eq!(t.chars().count(), MAX_TEXT_CHARS);
        assert_eq!(bounded_text("short"), ("short".to_string(), false));
        assert_eq!(shorten("\n  first line\nsecond", 5), "first…");
        assert_eq!(shorten("abc", 5), "abc");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("chat.txt");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let err = SourceFile::read(&fifo, 1024).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::FileUnreadable);
        let err = SourceFile::read(Path::new("/dev/zero"), 1024).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::FileUnreadable);
    }

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.csv");
        std::fs::write(&p, vec![b'a'; 100]).unwrap();
        assert_eq!(
            SourceFile::read(&p, 99).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        let s = SourceFile::read(&p, 100).unwrap();
        assert_eq!(s.name, "big.csv");
        assert_eq!(s.sha256, hex::encode(Sha256::digest(vec![b'a'; 100])));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "fixtures_test.rs"]
mod fixtures_test;
