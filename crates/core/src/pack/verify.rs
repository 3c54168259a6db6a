//! Verifying an evidence pack with no vault and no passphrase: every file against `SHA256SUMS`, the chain
//! proof by docs/FORMAT.md §2, every anchor (time-stamp) in it by §5 and its token file in `anchors/`, and
//! every exhibit against the hash in its revealed `attachment.added` entry; then what the time-stamps prove
//! about each included incident and exhibit.
//! The ZIP is read in place, streaming (bounded memory); unsafe entries (absolute paths, `..`, links) are
//! reported and never read, let alone extracted.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use zip::{CompressionMethod, ZipArchive};

use crate::anchor::{AnchorPayload, AnchorView};
use crate::check::FailureCode;
use crate::error::{Error, Result};
use crate::journal::{ChainProof, EntryKind};

use super::pack_invalid;
use super::signature;
use super::stamps::{self, RecordTime};

/// Largest SHA256SUMS, incidents.json or chain.json read into memory.
const MAX_TEXT: u64 = 1024 * 1024 * 1024;

/// One thing that failed, naming the file or journal entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PackFailure {
    /// Stable code, shared with the vault's and the chain's checks.
    pub code: FailureCode,
    /// The file inside the pack, if it concerns one.
    pub file: Option<String>,
    /// The journal entry (chain.json), if it concerns one.
    #[ts(type = "number | null")]
    pub seq: Option<u64>,
    /// What is wrong, in plain English.
    pub message: String,
}

/// The result of checking a pack.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PackVerifyReport {
    /// Every check passed.
    pub ok: bool,
    /// Pack id from pack.json, if readable.
    pub pack_id: Option<String>,
    /// Files checked against SHA256SUMS.
    #[ts(type = "number")]
    pub files_checked: usize,
    /// Bytes hashed.
    #[ts(type = "number")]
    pub bytes_checked: u64,
    /// Exhibits checked against the chain.
    #[ts(type = "number")]
    pub exhibits_checked: usize,
    /// Entries in the chain proof.
    #[ts(type = "number")]
    pub entries: usize,
    /// Of which revealed.
    #[ts(type = "number")]
    pub revealed: usize,
    /// The chain's head.
    #[ts(type = "number")]
    pub head_seq: u64,
    /// Its hash.
    pub head_hash: String,
    /// The time-stamps (anchors) in the chain, each checked offline: the token's signature, its certificate
    /// chain to the CA certificates recorded with it, the time-stamping usage, its imprint against the hash of
    /// the entry it covers, and its time.
    pub anchors: Vec<AnchorView>,
    /// Token files in `anchors/` checked byte for byte against the tokens in chain.json.
    #[ts(type = "number")]
    pub anchor_files_checked: usize,
    /// What the time-stamps prove about each included incident, then each exhibit (empty when the chain or
    /// an anchor does not verify).
    pub times: Vec<RecordTime>,
    /// Incidents whose every field, person, report, history item and exhibit in `incidents.json` and
    /// `incidents.csv` was compared with what the revealed chain entries say, and found the same.
    #[ts(type = "number")]
    pub incidents_checked: usize,
    /// `report.pdf` was rendered again from those checked records and `pack.json`, and is byte for byte the
    /// same.
    pub report_checked: bool,
    /// Times in the checked records that call for a second look (back-filled incidents, the clock going
    /// back, a file or EXIF time after the attach time): said plainly, never a failure.
    pub clock_notes: Vec<super::clock::ClockNote>,
    /// Everything that failed.
    pub failures: Vec<PackFailure>,
    /// Files that operating systems add (`.DS_Store`, `._*`, `Thumbs.db`, `desktop.ini`, `__MACOSX/`): added
    /// after export, not part of the pack, not checked, and not a failure.
    pub notes: Vec<super::signature::PackNote>,
    /// The diary's signing key as recorded in chain.json (`vault.signing_key`): 40 hex digits.
    pub signing_fingerprint: Option<String>,
    /// The entry that records it.
    #[ts(type = "number | null")]
    pub signing_key_seq: Option<u64>,
    /// The fingerprint of the key in `signing-key.asc`, if readable.
    pub signed_by: Option<String>,
    /// `SHA256SUMS.asc` is a good signature over `SHA256SUMS` by `signing-key.asc`.
    pub signature_ok: bool,
    /// Heads the recipient held before this pack (`--expect-head`, `--prior`), and whether this pack's chain
    /// contains each.
    pub extends: Vec<super::signature::HeadCheck>,
    /// What the export manifest proves (docs/FORMAT.md §6): that no entry about an included incident or person
    /// was withheld; absent for a pack made before format version 2.
    pub completeness: Option<CompletenessView>,
}

/// What the manifest walk proved, as a report shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CompletenessView {
    /// The pack the manifest was written for (must be pack.json's).
    pub pack_id: String,
    /// The manifest entry (the chain's head).
    #[ts(type = "number")]
    pub manifest_seq: u64,
    /// Every entry from this one on carries back-links.
    #[ts(type = "number")]
    pub complete_from_seq: u64,
    /// Incidents whose whole record is proven complete.
    #[ts(type = "number[]")]
    pub incidents_complete: Vec<i64>,
    /// Incidents proven complete only from `complete_from_seq` on (recorded before format version 2).
    #[ts(type = "number[]")]
    pub incidents_complete_from: Vec<i64>,
    /// People whose record is proven complete (whole or from `complete_from_seq`).
    #[ts(type = "number[]")]
    pub people: Vec<i64>,
}

impl CompletenessView {
    fn from(c: &crate::completeness::Completeness) -> Self {
        use crate::completeness::Subject;
        let mut v = CompletenessView {
            pack_id: c.pack_id.clone(),
            manifest_seq: c.manifest_seq,
            complete_from_seq: c.complete_from_seq,
            ..Default::default()
        };
        for (s, from) in &c.subjects {
            match (s, from) {
                (Subject::Incident(i), None) => v.incidents_complete.push(*i),
                (Subject::Incident(i), Some(_)) => v.incidents_complete_from.push(*i),
                (Subject::Person(p), _) => v.people.push(*p),
            }
        }
        v
    }

    /// The included incidents the manifest lists.
    pub fn incidents(&self) -> BTreeSet<i64> {
        self.incidents_complete
            .iter()
            .chain(&self.incidents_complete_from)
            .copied()
            .collect()
    }
}

impl PackVerifyReport {
    pub(crate) fn fail(
        &mut self,
        code: FailureCode,
        file: Option<&str>,
        seq: Option<u64>,
        message: impl Into<String>,
    ) {
        self.failures.push(PackFailure {
            code,
            file: file.map(str::to_string),
            seq,
            message: message.into(),
        });
    }
}

/// Why a ZIP entry name is unsafe, if it is.
pub fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("has an empty name");
    }
    if name.starts_with('/') || name.starts_with('\\') {
        return Some("is an absolute path");
    }
    let b = name.as_bytes();
    if b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic() {
        return Some("is an absolute (drive) path");
    }
    if name.contains('\\') {
        return Some("contains a backslash");
    }
    if name.chars().any(|c| c.is_control()) {
        return Some("contains control characters");
    }
    if name.split('/').any(|c| c == "..") {
        return Some("climbs out of the folder (..)");
    }
    None
}

pub(super) type Zip = ZipArchive<std::io::BufReader<std::fs::File>>;

/// Streams one entry through SHA-256: stored entries are read raw, others decompressed.
fn hash_entry(z: &mut Zip, idx: usize) -> std::result::Result<(String, u64), String> {
    let stored = z
        .by_index_raw(idx)
        .map(|f| f.compression() == CompressionMethod::Stored)
        .map_err(|e| e.to_string())?;
    let mut f = if stored {
        z.by_index_raw(idx)
    } else {
        z.by_index(idx)
    }
    .map_err(|e| e.to_string())?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut n = 0u64;
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(k) => {
                h.update(&buf[..k]);
                n += k as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok((hex::encode(h.finalize()), n))
}

pub(super) fn read_text(z: &mut Zip, idx: usize) -> std::result::Result<Vec<u8>, String> {
    let f = z.by_index(idx).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    f.take(MAX_TEXT)
        .read_to_end(&mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// Parses SHA256SUMS: `<64 hex>  <path>` (or ` *<path>`) per line.
fn parse_sums(text: &str, report: &mut PackVerifyReport) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let ok = line.len() > 66
            && line.is_char_boundary(64)
            && line[..64].bytes().all(|b| b.is_ascii_hexdigit())
            && (&line[64..66] == "  " || &line[64..66] == " *");
        if ok {
            out.push((line[..64].to_ascii_lowercase(), line[66..].to_string()));
        } else {
            report.fail(
                FailureCode::FileUnreadable,
                Some("SHA256SUMS"),
                None,
                format!("line {} is not in the form '<sha256>  <file>'", i + 1),
            );
        }
    }
    out
}

/// Checks an evidence pack. `Err` only when the file cannot be read as a ZIP at all; every other problem is a
/// failure in the report (and `ok` is false).
pub fn verify_pack(path: &Path) -> Result<PackVerifyReport> {
    let file = std::fs::File::open(path).map_err(|e| Error::read(path, &e))?;
    let mut z: Zip =
        ZipArchive::new(std::io::BufReader::with_capacity(256 * 1024, file)).map_err(|e| {
            pack_invalid(format!(
                "{} is not a readable ZIP file: {e}",
                path.display()
            ))
        })?;
    let mut report = PackVerifyReport::default();

    // 1. Every entry's name and type, before reading anything.
    let mut files: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..z.len() {
        let f = match z.by_index_raw(i) {
            Ok(f) => f,
            Err(e) => {
                report.fail(
                    FailureCode::FileUnreadable,
                    None,
                    None,
                    format!("ZIP entry {} cannot be read: {e}", i + 1),
                );
                continue;
            }
        };
        let name = String::from_utf8_lossy(f.name_raw()).into_owned();
        if let Some(why) = unsafe_name(&name) {
            report.fail(
                FailureCode::UnsafeEntry,
                Some(&name),
                None,
                format!("unsafe entry refused: it {why}"),
            );
            continue;
        }
        if f.is_symlink() {
            report.fail(
                FailureCode::UnsafeEntry,
                Some(&name),
                None,
                "unsafe entry refused: it is a link",
            );
            continue;
        }
        if f.encrypted() {
            report.fail(
                FailureCode::UnsafeEntry,
                Some(&name),
                None,
                "entry is encrypted: not part of an Evident pack",
            );
            continue;
        }
        if f.is_dir() {
            continue;
        }
        if signature::os_added(&name) {
            report.notes.push(signature::PackNote {
                file: name,
                message: signature::OS_ADDED_NOTE.into(),
            });
            continue;
        }
        if files.insert(name.clone(), i).is_some() {
            report.fail(
                FailureCode::DuplicateEntry,
                Some(&name),
                None,
                "appears twice in the ZIP",
            );
        }
    }

    // 2. SHA256SUMS.
    let mut actual: BTreeMap<String, String> = BTreeMap::new();
    let sums = match files.get("SHA256SUMS") {
        None => {
            report.fail(
                FailureCode::FileMissing,
                Some("SHA256SUMS"),
                None,
                "missing: the pack cannot be checked",
            );
            Vec::new()
        }
        Some(&i) => match read_text(&mut z, i) {
            Ok(b) => parse_sums(&String::from_utf8_lossy(&b), &mut report),
            Err(e) => {
                report.fail(
                    FailureCode::FileUnreadable,
                    Some("SHA256SUMS"),
                    None,
                    format!("cannot be read: {e}"),
                );
                Vec::new()
            }
        },
    };
    let mut listed = BTreeSet::new();
    for (want, name) in &sums {
        listed.insert(name.clone());
        let Some(&i) = files.get(name) else {
            report.fail(
                FailureCode::FileMissing,
                Some(name),
                None,
                "listed in SHA256SUMS but missing from the pack (or refused as unsafe)",
            );
            continue;
        };
        match hash_entry(&mut z, i) {
            Ok((got, n)) => {
                report.files_checked += 1;
                report.bytes_checked += n;
                if &got != want {
                    report.fail(
                        FailureCode::FileChanged,
                        Some(name),
                        None,
                        "has been changed: its SHA-256 does not match SHA256SUMS",
                    );
                }
                actual.insert(name.clone(), got);
            }
            Err(e) => report.fail(
                FailureCode::FileUnreadable,
                Some(name),
                None,
                format!("cannot be read (damaged): {e}"),
            ),
        }
    }
    for name in files.keys() {
        if name != "SHA256SUMS" && name != signature::SIGNATURE_FILE && !listed.contains(name) {
            report.fail(
                FailureCode::FileUnlisted,
                Some(name),
                None,
                "is not listed in SHA256SUMS: it was not part of the pack as exported",
            );
        }
    }

    // 3. The chain, then its anchors.
    let mut added: BTreeMap<i64, (u64, String)> = BTreeMap::new();
    let mut withdrawn: BTreeSet<i64> = BTreeSet::new();
    let mut checked_proof: Option<ChainProof> = None;
    let mut claims_proof: Option<ChainProof> = None;
    match files.get("chain.json").map(|&i| read_text(&mut z, i)) {
        None => report.fail(
            FailureCode::FileMissing,
            Some("chain.json"),
            None,
            "missing: the chain cannot be checked",
        ),
        Some(Err(e)) => report.fail(
            FailureCode::FileUnreadable,
            Some("chain.json"),
            None,
            format!("cannot be read: {e}"),
        ),
        Some(Ok(bytes)) => match serde_json::from_slice::<ChainProof>(&bytes) {
            Err(e) => report.fail(
                FailureCode::FileUnreadable,
                Some("chain.json"),
                None,
                format!("is not a valid chain proof: {e}"),
            ),
            Ok(proof) => {
                report.entries = proof.entries.len();
                report.head_seq = proof.head.seq;
                report.head_hash = proof.head.entry_hash.clone();
                let chain_ok = match crate::journal::verify_chain(&proof) {
                    Ok(n) => {
                        report.revealed = n;
                        true
                    }
                    Err(f) => {
                        report.fail(
                            f.error,
                            Some("chain.json"),
                            Some(f.seq),
                            format!("entry {}: {} ({})", f.seq, f.message, f.error),
                        );
                        false
                    }
                };
                // Openings, back-links and the export manifest (docs/FORMAT.md §6): a failure here does not stop
                // the other checks, so each is reported.
                if chain_ok {
                    match crate::completeness::check_proof(&proof) {
                        Ok(c) => report.completeness = c.as_ref().map(CompletenessView::from),
                        Err(f) => report.fail(
                            f.error,
                            Some("chain.json"),
                            Some(f.seq),
                            format!("entry {}: {} ({})", f.seq, f.message, f.error),
                        ),
                    }
                }
                let anchors_ok = chain_ok
                    && match crate::anchor::check_proof(&proof) {
                        Ok(views) => {
                            report.anchors = views;
                            true
                        }
                        Err(f) => {
                            report.fail(
                                f.error,
                                Some("chain.json"),
                                Some(f.seq),
                                format!("entry {}: {} ({})", f.seq, f.message, f.error),
                            );
                            false
                        }
                    };
                check_anchor_files(&proof, &files, &mut z, &mut report);
                for e in &proof.entries {
                    let (Some(kind), Some(payload)) = (&e.kind, &e.payload) else {
                        continue;
                    };
                    let v: serde_json::Value = serde_json::from_str(payload).unwrap_or_default();
                    let id = v.get("attachment_id").and_then(|x| x.as_i64());
                    match (kind.as_str(), id) {
                        ("attachment.added", Some(id)) => {
                            let sha = v
                                .get("sha256")
                                .and_then(|x| x.as_str())
                                .unwrap_or_default()
                                .to_string();
                            added.insert(id, (e.seq, sha));
                        }
                        ("attachment.withdrawn", Some(id)) => {
                            withdrawn.insert(id);
                        }
                        _ => {}
                    }
                }
                if chain_ok {
                    claims_proof = Some(proof.clone());
                }
                if anchors_ok {
                    checked_proof = Some(proof);
                }
            }
        },
    }

    // 4. Exhibits against their attachment.added entries.
    let mut exhibit_files = BTreeSet::new();
    let mut covered = BTreeSet::new();
    let mut bound: Vec<(String, i64)> = Vec::new();
    match files.get("incidents.json").map(|&i| read_text(&mut z, i)) {
        None => report.fail(
            FailureCode::FileMissing,
            Some("incidents.json"),
            None,
            "missing: exhibits cannot be matched to the chain",
        ),
        Some(Err(e)) => report.fail(
            FailureCode::FileUnreadable,
            Some("incidents.json"),
            None,
            format!("cannot be read: {e}"),
        ),
        Some(Ok(bytes)) => {
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            let list = v
                .get("exhibits")
                .and_then(|x| x.as_array())
                .cloned()
                .unwrap_or_default();
            if v.get("exhibits").is_none() {
                report.fail(
                    FailureCode::ExhibitUnbound,
                    Some("incidents.json"),
                    None,
                    "has no exhibit list",
                );
            }
            for ex in list {
                let file = ex
                    .get("file")
                    .and_then(|x| x.as_str())
                    .unwrap_or_default()
                    .to_string();
                let reference = ex
                    .get("reference")
                    .and_then(|x| x.as_str())
                    .unwrap_or_default();
                let Some(id) = ex.get("attachment_id").and_then(|x| x.as_i64()) else {
                    report.fail(
                        FailureCode::ExhibitUnbound,
                        Some("incidents.json"),
                        None,
                        format!("exhibit {reference} has no attachment id"),
                    );
                    continue;
                };
                exhibit_files.insert(file.clone());
                covered.insert(id);
                let got = match actual.get(&file) {
                    Some(h) => Some(h.clone()),
                    None => match files.get(&file) {
                        Some(&i) => hash_entry(&mut z, i).ok().map(|(h, _)| h),
                        None => None,
                    },
                };
                let Some(got) = got else {
                    report.fail(
                        FailureCode::AttachmentMissing,
                        Some(&file),
                        None,
                        format!("exhibit {reference} is missing or unreadable"),
                    );
                    continue;
                };
                match added.get(&id) {
                    None => report.fail(
                        FailureCode::ExhibitUnbound, Some(&file),
                        None,
                        format!("exhibit {reference}: chain.json does not reveal the entry that added attachment {id}"),
                    ),
                    Some((seq, sha)) => {
                        report.exhibits_checked += 1;
                        bound.push((reference.to_string(), id));
                        if &got != sha {
                            report.fail(
                                FailureCode::AttachmentMismatch, Some(&file),
                                Some(*seq),
                                format!(
                                    "exhibit {reference} has been changed: it does not match the SHA-256 recorded when it was attached (entry {seq})"
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
    for name in files.keys() {
        if name.starts_with("exhibits/") && !exhibit_files.contains(name) {
            report.fail(
                FailureCode::ExhibitUnbound,
                Some(name),
                None,
                "is in exhibits/ but not in the exhibit list",
            );
        }
    }
    for (id, (seq, _)) in &added {
        if !withdrawn.contains(id) && !covered.contains(id) {
            report.fail(
                FailureCode::AttachmentMissing, None,
                Some(*seq),
                format!("attachment {id} (entry {seq}) belongs to an included incident but its exhibit is missing"),
            );
        }
    }

    if let Some(&i) = files.get("pack.json") {
        if let Ok(b) = read_text(&mut z, i) {
            report.pack_id = serde_json::from_slice::<serde_json::Value>(&b)
                .ok()
                .and_then(|v| {
                    v.get("pack_id")
                        .and_then(|x| x.as_str())
                        .map(str::to_string)
                });
        }
    }
    // 5. What the time-stamps prove, once the chain and every anchor in it check out.
    if let Some(proof) = &checked_proof {
        report.times = stamps::record_times(proof, &report.anchors, &bound);
    }
    // 6. The signature over SHA256SUMS, and its key against the one recorded in the chain.
    signature::check(&mut z, &files, &mut report);
    // 7. What incidents.json, incidents.csv and report.pdf say, against the revealed entries.
    if let Some(proof) = &claims_proof {
        check_records(proof, checked_proof.is_some(), &files, &mut z, &mut report);
    }
    report.ok = report.failures.is_empty();
    Ok(report)
}

/// Checks `anchors/`: each revealed anchor's token file is there and is byte for byte the token in its entry
/// (a swapped or altered file is `anchor_mismatch`); each CA file is one recorded with an anchor; nothing else
/// is in the folder.
fn check_anchor_files(
    proof: &ChainProof,
    files: &BTreeMap<String, usize>,
    z: &mut Zip,
    report: &mut PackVerifyReport,
) {
    let mut expected: BTreeSet<String> = BTreeSet::new();
    let mut cas: Vec<String> = Vec::new();
    for e in &proof.entries {
        let (Some(kind), Some(payload)) = (&e.kind, &e.payload) else {
            continue;
        };
        if kind != EntryKind::AnchorRecorded.as_str() {
            continue;
        }
        let file = stamps::token_file(e.seq);
        expected.insert(file.clone());
        // A payload or token that cannot be read is reported by the anchor check.
        let Ok(p) = serde_json::from_str::<AnchorPayload>(payload) else {
            continue;
        };
        if !cas.contains(&p.ca_pem) {
            cas.push(p.ca_pem.clone());
        }
        let Ok(token) = p.token_der() else {
            continue;
        };
        let Some(&i) = files.get(&file) else {
            report.fail(
                FailureCode::FileMissing,
                Some(&file),
                Some(e.seq),
                format!(
                    "missing: the time-stamp token recorded in entry {} is not in the pack",
                    e.seq
                ),
            );
            continue;
        };
        match read_text(z, i) {
            Ok(bytes) => {
                report.anchor_files_checked += 1;
                if bytes != token {
                    report.fail(
                        FailureCode::AnchorMismatch,
                        Some(&file),
                        Some(e.seq),
                        format!(
                            "is not the time-stamp token recorded in entry {} of chain.json: it has been changed or swapped",
                            e.seq
                        ),
                    );
                }
            }
            Err(err) => report.fail(
                FailureCode::FileUnreadable,
                Some(&file),
                Some(e.seq),
                format!("cannot be read: {err}"),
            ),
        }
    }
    for (name, &i) in files.iter().filter(|(n, _)| n.starts_with("anchors/")) {
        if expected.contains(name) {
            continue;
        }
        let is_ca = name.starts_with("anchors/ca-") && name.ends_with(".pem");
        if is_ca {
            let text = read_text(z, i).unwrap_or_default();
            if cas.iter().any(|c| c.as_bytes() == text.as_slice()) {
                continue;
            }
            report.fail(
                FailureCode::AnchorMismatch,
                Some(name),
                None,
                "is not the CA certificate file recorded with any time-stamp in chain.json",
            );
        } else {
            report.fail(
                FailureCode::AnchorMismatch,
                Some(name),
                None,
                "is not the token of any time-stamp in chain.json",
            );
        }
    }
}

/// The part of `pack.json` the report's cover is made from.
#[derive(Deserialize)]
struct CoverFacts {
    pack_id: String,
    exported_at: String,
    app: String,
    recipient: super::Recipient,
    author_name: String,
    author_contact: String,
}

/// The records `incidents.json` states against the export manifest: the same incidents and people, none left out
/// and none added. A pack of format 2 or later without a manifest fails: nothing would show that no entry was
/// withheld.
fn check_manifest(
    json: Option<&[u8]>,
    files: &BTreeMap<String, usize>,
    z: &mut Zip,
    report: &mut PackVerifyReport,
) {
    // Every id must be an integer: one that is not cannot be compared, and fails.
    let mut malformed = false;
    let mut ids = |v: &serde_json::Value, list: &str, key: &str| -> BTreeSet<i64> {
        let mut out = BTreeSet::new();
        for x in v.get(list).and_then(|x| x.as_array()).into_iter().flatten() {
            match x.get(key).and_then(|i| i.as_i64()) {
                Some(i) => {
                    out.insert(i);
                }
                None => malformed = true,
            }
        }
        out
    };
    let Some(m) = report.completeness.clone() else {
        let format = files
            .get("pack.json")
            .and_then(|&i| read_text(z, i).ok())
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v.get("format").and_then(|f| f.as_str()).map(str::to_string));
        if format.as_deref() != Some("evident-pack/1") && report.failures.is_empty() {
            report.fail(
                FailureCode::ManifestInvalid,
                Some("chain.json"),
                None,
                format!(
                    "does not end with the export manifest, which every pack of format {} has: nothing shows that no entry was withheld",
                    format.unwrap_or_else(|| "unknown".into())
                ),
            );
        }
        return;
    };
    let Some(v) = json.and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok()) else {
        return;
    };
    let listed = ids(&v, "incidents", "id");
    let shown_people = ids(&v, "people", "id");
    if malformed {
        report.fail(
            FailureCode::DataMismatch,
            Some("incidents.json"),
            None,
            "an incident or person has an id that is not a whole number",
        );
    }
    if report.pack_id.as_deref() != Some(m.pack_id.as_str()) {
        report.fail(
            FailureCode::ManifestInvalid,
            Some("pack.json"),
            Some(m.manifest_seq),
            format!(
                "names pack {}, but the export manifest (entry {}) was written for pack {}",
                report.pack_id.clone().unwrap_or_default(),
                m.manifest_seq,
                m.pack_id
            ),
        );
    }
    let manifest = m.incidents();
    for id in manifest.difference(&listed) {
        report.fail(
            FailureCode::Incomplete,
            Some("incidents.json"),
            Some(m.manifest_seq),
            format!(
                "incident {id}: listed in the export manifest (entry {}), but incidents.json leaves it out",
                m.manifest_seq
            ),
        );
    }
    for id in listed.difference(&manifest) {
        report.fail(
            FailureCode::Incomplete,
            Some("incidents.json"),
            Some(m.manifest_seq),
            format!(
                "incident {id}: in incidents.json, but not in the export manifest (entry {})",
                m.manifest_seq
            ),
        );
    }
    let people: BTreeSet<i64> = m.people.iter().copied().collect();
    for id in shown_people.difference(&people) {
        report.fail(
            FailureCode::Incomplete,
            Some("incidents.json"),
            Some(m.manifest_seq),
            format!(
                "person {id}: in incidents.json, but not in the export manifest (entry {})",
                m.manifest_seq
            ),
        );
    }
}

/// Checks every claim of the data files against the revealed entries of `proof` (verified), then, when the
/// anchors verify too (`timed`), renders report.pdf again from the checked records and `pack.json` and
/// compares it byte for byte.
fn check_records(
    proof: &ChainProof,
    timed: bool,
    files: &BTreeMap<String, usize>,
    z: &mut Zip,
    report: &mut PackVerifyReport,
) {
    let json = files
        .get("incidents.json")
        .and_then(|&i| read_text(z, i).ok());
    let csv = files
        .get("incidents.csv")
        .and_then(|&i| read_text(z, i).ok());
    if csv.is_none() {
        report.fail(
            FailureCode::FileMissing,
            Some("incidents.csv"),
            None,
            "missing or unreadable: the records cannot be compared with the chain",
        );
    }
    let claims = super::replay::check_claims(proof, json.as_deref(), csv.as_deref());
    check_manifest(json.as_deref(), files, z, report);
    for f in &claims.failures {
        report.fail(
            FailureCode::DataMismatch,
            Some(f.file),
            f.seq,
            f.message.clone(),
        );
    }
    let records_ok = claims.failures.is_empty() && json.is_some() && csv.is_some();
    if records_ok {
        report.incidents_checked = claims.incidents_checked;
    }
    if records_ok {
        if let Some(e) = &claims.expected {
            report.clock_notes = super::clock::notes(e);
        }
    }
    let Some(expected) = claims.expected.filter(|_| records_ok && timed) else {
        return;
    };
    let pdf_fail = |report: &mut PackVerifyReport, message: String| {
        report.fail(FailureCode::DataMismatch, Some("report.pdf"), None, message)
    };
    let Some(facts) = files
        .get("pack.json")
        .and_then(|&i| read_text(z, i).ok())
        .and_then(|b| serde_json::from_slice::<CoverFacts>(&b).ok())
    else {
        pdf_fail(
            report,
            "cannot be checked: pack.json is missing or unreadable".into(),
        );
        return;
    };
    let this_app = format!("Evident {}", env!("CARGO_PKG_VERSION"));
    if facts.app != this_app {
        pdf_fail(
            report,
            format!(
                "cannot be checked by this checker: the pack says it was made by {}, and {this_app} can render again only its own version's report (use that version's evident-cli verify-pack, or compare report.pdf with the records verify.html shows)",
                facts.app
            ),
        );
        return;
    }
    let Some(got) = files.get("report.pdf").and_then(|&i| read_text(z, i).ok()) else {
        return; // reported by the SHA256SUMS check
    };
    let bound: Vec<(String, i64)> = expected
        .exhibits
        .iter()
        .map(|e| (e.reference.clone(), e.attachment_id))
        .collect();
    let times = stamps::record_times(proof, &report.anchors, &bound);
    // The cover's fingerprint is the one recorded in the chain (checked against the signature above).
    let fingerprint = crate::signing::spaced_fingerprint(
        report.signing_fingerprint.as_deref().unwrap_or_default(),
    );
    let info = super::pdf::ReportInfo {
        pack_id: &facts.pack_id,
        exported_at: &facts.exported_at,
        recipient: &facts.recipient,
        author_name: &facts.author_name,
        author_contact: &facts.author_contact,
        signing_fingerprint: &fingerprint,
    };
    let zip = std::cell::RefCell::new(z);
    let load = |id: i64| -> Result<Vec<u8>> {
        let file = expected
            .exhibits
            .iter()
            .find(|e| e.attachment_id == id)
            .map(|e| e.file.clone())
            .unwrap_or_default();
        let idx = files
            .get(&file)
            .ok_or_else(|| pack_invalid(format!("{file} is missing")))?;
        read_text(&mut zip.borrow_mut(), *idx).map_err(pack_invalid)
    };
    match super::pdf::render(&expected, &info, &times, &report.anchors, &load) {
        Ok(want) if want == got => report.report_checked = true,
        Ok(_) => pdf_fail(
            report,
            "is not the report of the checked records: rendered again from them and pack.json, it differs (it has been changed or replaced)".into(),
        ),
        Err(e) => pdf_fail(report, format!("cannot be rendered again to compare: {e}")),
    }
}
