//! The handover receipt: one page written beside the pack once the ZIP is in place (`<pack>.receipt.txt`
//! and `<pack>-receipt.pdf`), holding the figures an officer writes on an exhibit label: the pack id, the
//! SHA-256 of the ZIP and of its `SHA256SUMS`, the chain head, the signing key's fingerprint and the export
//! time (UK local time). The same figures are in [`super::PackSummary`] for the app's "pack saved" screen.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::signing::spaced_fingerprint;

use super::Recipient;

/// The receipt's figures.
pub(crate) struct Receipt<'a> {
    pub pack_id: &'a str,
    pub zip_name: &'a str,
    pub zip_bytes: u64,
    pub zip_sha256: &'a str,
    pub sums_sha256: &'a str,
    pub head_seq: u64,
    pub head_hash: &'a str,
    pub fingerprint: &'a str,
    pub exported_uk: &'a str,
    pub exported_at: &'a str,
    pub recipient: &'a Recipient,
    pub author_name: &'a str,
    pub incidents: usize,
    pub exhibits: usize,
}

/// The SHA-256 of a file (streamed).
pub(crate) fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::read(path, &e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1024 * 1024];
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(k) => h.update(&buf[..k]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::read(path, &e)),
        }
    }
    Ok(hex::encode(h.finalize()))
}

/// A UTC time in UK local time, with GMT or BST: "Mon 7 December 2026, 14:03:12 GMT".
pub(crate) fn uk_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&crate::time::DEFAULT_ZONE)
        .format("%a %-d %B %Y, %H:%M:%S %Z")
        .to_string()
}

/// Where the receipts go: `<stem>.receipt.txt` and `<stem>-receipt.pdf` beside `zip`.
pub(crate) fn paths(zip: &Path) -> (PathBuf, PathBuf) {
    let dir = zip.parent().unwrap_or(Path::new(""));
    let stem = zip
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pack".into());
    (
        dir.join(format!("{stem}.receipt.txt")),
        dir.join(format!("{stem}-receipt.pdf")),
    )
}

impl Receipt<'_> {
    /// The labelled figures, in order (the text and the PDF both show these).
    pub fn rows(&self) -> Vec<(&'static str, String)> {
        let mut to = vec![
            self.recipient.name.trim(),
            self.recipient.organisation.trim(),
        ];
        to.retain(|s| !s.is_empty());
        let mut rows = vec![
            ("Pack id", self.pack_id.to_string()),
            (
                "Pack file",
                format!("{} ({} bytes)", self.zip_name, self.zip_bytes),
            ),
            ("SHA-256 of the ZIP", self.zip_sha256.to_string()),
            ("SHA-256 of SHA256SUMS", self.sums_sha256.to_string()),
            (
                "Chain head",
                format!("entry {}, {}", self.head_seq, self.head_hash),
            ),
            ("Signing key", spaced_fingerprint(self.fingerprint)),
            (
                "Exported",
                format!(
                    "{} ({} by the diarist's computer clock)",
                    self.exported_uk, self.exported_at
                ),
            ),
            ("Prepared by", self.author_name.to_string()),
            ("Prepared for", to.join(", ")),
        ];
        if let Some(r) = self
            .recipient
            .crime_reference
            .as_deref()
            .filter(|r| !r.trim().is_empty())
        {
            rows.push(("Crime reference", r.to_string()));
        }
        rows.push((
            "Contents",
            format!(
                "{} incident{}, {} exhibit{}",
                self.incidents,
                if self.incidents == 1 { "" } else { "s" },
                self.exhibits,
                if self.exhibits == 1 { "" } else { "s" }
            ),
        ));
        rows
    }

    /// What the receipt says below the figures.
    pub fn notes() -> [&'static str; 3] {
        [
            "The SHA-256 of the ZIP is of the file exactly as handed over: \"sha256sum FILE.zip\" (Linux), \
             \"shasum -a 256 FILE.zip\" (macOS) or \"certutil -hashfile FILE.zip SHA256\" (Windows) prints it.",
            "The SHA-256 of SHA256SUMS still identifies the pack if the ZIP is unzipped or re-zipped: it is also \
             recorded in the diary's own chain as this export. The signing key's fingerprint is the same on every \
             pack from this diary.",
            "To check the pack itself: VERIFY.txt inside it, or evident-cli verify-pack FILE.zip.",
        ]
    }

    /// The plain-text receipt (CRLF lines, for any editor).
    pub fn text(&self) -> String {
        let mut s = String::from(
            "EVIDENCE PACK HANDOVER RECEIPT\r\n==============================\r\n\r\n",
        );
        for (k, v) in self.rows() {
            s.push_str(&format!("{:<23}{v}\r\n", format!("{k}:")));
        }
        s.push_str("\r\nOfficer's exhibit label: ________________________________________\r\n");
        s.push_str("Received by (name, number): _____________________________________\r\n");
        s.push_str("Date and time received: _________________________________________\r\n\r\n");
        for n in Self::notes() {
            s.push_str(&wrap(n, 100));
            s.push_str("\r\n");
        }
        s
    }
}

fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for w in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + w.chars().count() > width {
            out.push_str(&line);
            out.push_str("\r\n");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_time_says_gmt_or_bst() -> Result<()> {
        let winter = DateTime::parse_from_rfc3339("2026-12-07T14:03:12Z")
            .map_err(|_| Error::internal("t"))?
            .with_timezone(&Utc);
        assert_eq!(uk_time(winter), "Mon 7 December 2026, 14:03:12 GMT");
        let summer = DateTime::parse_from_rfc3339("2026-07-07T14:03:12Z")
            .map_err(|_| Error::internal("t"))?
            .with_timezone(&Utc);
        assert_eq!(uk_time(summer), "Tue 7 July 2026, 15:03:12 BST");
        Ok(())
    }

    #[test]
    fn receipts_sit_beside_the_pack() {
        let (t, p) = paths(Path::new("/x/y/pack.zip"));
        assert_eq!(t, Path::new("/x/y/pack.receipt.txt"));
        assert_eq!(p, Path::new("/x/y/pack-receipt.pdf"));
    }
}
