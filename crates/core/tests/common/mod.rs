//! Shared helpers for store tests: a real SQLCipher vault in a temporary folder.
#![allow(dead_code, clippy::same_item_push)]

use std::path::PathBuf;

use evident_core::incident::{IncidentFields, Occurred};
use evident_core::{Passphrase, RecoveryKey, Vault};

pub type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

pub const PASS: &str = "correct horse battery staple";

/// A vault in a temp dir; the dir lives as long as the returned guard.
pub struct TempVault {
    pub tmp: tempfile::TempDir,
    pub vault: Vault,
    pub recovery: RecoveryKey,
}

impl TempVault {
    pub fn dir(&self) -> PathBuf {
        self.tmp.path().join("vault")
    }
}

pub fn temp_vault() -> TestResult<TempVault> {
    let tmp = tempfile::tempdir()?;
    let (vault, recovery) =
        Vault::create(&tmp.path().join("vault"), &Passphrase::new(PASS.into()))?;
    Ok(TempVault {
        tmp,
        vault,
        recovery,
    })
}

pub fn fields(summary: &str) -> IncidentFields {
    IncidentFields {
        occurred: Some(Occurred {
            start: "2026-11-20T21:30:00+00:00".into(),
            end: None,
            approximate: false,
        }),
        kind: Some("threat_of_harm".into()),
        channel: Some("email".into()),
        summary: summary.into(),
        description: format!("description of {summary}"),
        ..Default::default()
    }
}

/// A small valid PNG (w×h, solid colour), made without any image library.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let mut raw = Vec::new();
    for _ in 0..h {
        raw.push(0u8);
        for x in 0..w {
            raw.extend_from_slice(&[(x % 256) as u8, 0x40, 0x80]);
        }
    }
    png_from_raw(w, h, &raw)
}

pub fn png_from_raw(w: u32, h: u32, raw: &[u8]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib_stored(raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, t: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(t);
    out.extend_from_slice(data);
    let mut c = crc32(t, 0xffff_ffff);
    c = crc32(data, c);
    out.extend_from_slice(&(!c).to_be_bytes());
}

fn crc32(data: &[u8], mut c: u32) -> u32 {
    for b in data {
        c ^= u32::from(*b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    c
}

fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut chunks = data.chunks(65535).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(c) = chunks.next() {
        out.push(u8::from(chunks.peek().is_none()));
        out.extend_from_slice(&(c.len() as u16).to_le_bytes());
        out.extend_from_slice(&(!(c.len() as u16)).to_le_bytes());
        out.extend_from_slice(c);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for x in data {
        a = (a + u32::from(*x)) % 65521;
        b = (b + a) % 65521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// A pack of the given incidents for DC Jane Officer, made by Alice Bloggs (no redactions).
pub fn pack_request(incident_ids: Vec<i64>) -> evident_core::pack::PackRequest {
    evident_core::pack::PackRequest {
        selection: evident_core::pack::PackSelection {
            incident_ids,
            ..Default::default()
        },
        recipient: evident_core::pack::Recipient {
            name: "DC Jane Officer".into(),
            organisation: "Example Constabulary".into(),
            crime_reference: None,
        },
        author_name: "Alice Bloggs".into(),
        author_contact: "alice@example.invalid".into(),
        initials: None,
        redactions: Vec::new(),
    }
}
