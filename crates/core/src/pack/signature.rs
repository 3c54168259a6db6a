//! The pack's signature, and the checks against what a recipient already holds.
//!
//! Every pack carries `SHA256SUMS.asc`, a detached OpenPGP signature over the exact bytes of `SHA256SUMS` by
//! the diary's signing key (`crate::signing`), and that key as `signing-key.asc` (listed in `SHA256SUMS`). The
//! key is recorded in the diary's chain (`vault.signing_key`), which every pack reveals: [`check`] verifies the
//! signature and that the signing key is the one recorded there, so a pack doctored and re-signed with another
//! key fails, and two packs from the same diary show the same fingerprint.
//!
//! [`verify_pack_against`] adds what the recipient already holds: a head noted earlier (`--expect-head`) or an
//! earlier pack from the same diary (`--prior`). Files that operating systems add to a folder or a re-made ZIP
//! (`.DS_Store`, `._*`, `Thumbs.db`, `desktop.ini`, `__MACOSX/`) are noted, never checked, never a failure
//! ([`os_added`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::check::FailureCode;
use crate::error::{Error, Result};
use crate::journal::{ChainProof, EntryKind};
use crate::signing;

use super::verify::{read_text, verify_pack, PackVerifyReport, Zip};

/// The detached signature over `SHA256SUMS` (not listed in it: it signs it).
pub const SIGNATURE_FILE: &str = "SHA256SUMS.asc";
/// The diary's public signing key (listed in `SHA256SUMS`).
pub const KEY_FILE: &str = "signing-key.asc";
/// The format description, put in every pack (listed in `SHA256SUMS`).
pub const FORMAT_FILE: &str = "FORMAT.md";
/// docs/FORMAT.md, as built into this program.
pub const FORMAT_MD: &str = include_str!("../../../../docs/FORMAT.md");

/// What an operating system adds after export, said of each such file.
pub const OS_ADDED_NOTE: &str =
    "added after export, not part of the pack (a file the operating system makes; it was not checked)";

/// A file in the pack that is not part of it but is harmless: reported, not a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PackNote {
    /// The file inside the pack.
    pub file: String,
    /// What it is, in plain English.
    pub message: String,
}

/// A head the recipient held before this pack, and whether this pack's chain contains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HeadCheck {
    /// Where the head came from: `expect-head`, or `prior` with the earlier pack's file name.
    pub source: String,
    /// The earlier pack's id, for `prior`.
    pub pack_id: Option<String>,
    /// The entry.
    #[ts(type = "number")]
    pub seq: u64,
    /// Its hash, as the recipient held it.
    pub entry_hash: String,
    /// This pack's chain has that entry with that hash.
    pub found: bool,
}

/// Why an operating system's own file is harmless, if `name` is one: `.DS_Store`, AppleDouble `._*`,
/// `Thumbs.db`, `desktop.ini` in any folder, and anything under `__MACOSX/`.
pub fn os_added(name: &str) -> bool {
    if name.starts_with("__MACOSX/") {
        return true;
    }
    let last = name.rsplit('/').next().unwrap_or(name);
    last == ".DS_Store"
        || (last.starts_with("._") && last.len() > 2)
        || last.eq_ignore_ascii_case("Thumbs.db")
        || last.eq_ignore_ascii_case("desktop.ini")
}

/// The revealed `vault.signing_key` entry of a chain proof (the last, if several): its seq, fingerprint and
/// armored public key.
pub(crate) fn recorded_key(proof: &ChainProof) -> Option<(u64, String, String)> {
    proof.entries.iter().rev().find_map(|e| {
        let (Some(kind), Some(payload)) = (&e.kind, &e.payload) else {
            return None;
        };
        if kind != EntryKind::SigningKeyCreated.as_str() {
            return None;
        }
        let v: serde_json::Value = serde_json::from_str(payload).ok()?;
        let fpr = v.get("fingerprint")?.as_str()?.to_ascii_uppercase();
        let public = v.get("public_key")?.as_str()?.to_string();
        Some((e.seq, fpr, public))
    })
}

fn text(
    z: &mut Zip,
    files: &BTreeMap<String, usize>,
    name: &str,
    report: &mut PackVerifyReport,
) -> Option<Vec<u8>> {
    let &i = files.get(name)?;
    match read_text(z, i) {
        Ok(b) => Some(b),
        Err(e) => {
            report.fail(
                FailureCode::FileUnreadable,
                Some(name),
                None,
                format!("cannot be read: {e}"),
            );
            None
        }
    }
}

/// Checks `SHA256SUMS.asc` against `signing-key.asc` and the key against the `vault.signing_key` entry
/// revealed in chain.json; sets the report's signing fields.
pub(crate) fn check(z: &mut Zip, files: &BTreeMap<String, usize>, report: &mut PackVerifyReport) {
    let proof = text(z, files, "chain.json", report)
        .and_then(|b| serde_json::from_slice::<ChainProof>(&b).ok());
    let recorded = proof.as_ref().and_then(recorded_key);
    if let Some((seq, fpr, _)) = &recorded {
        report.signing_key_seq = Some(*seq);
        report.signing_fingerprint = Some(fpr.clone());
    } else if proof.is_some() {
        report.fail(
            FailureCode::SigningKeyMismatch,
            Some("chain.json"),
            None,
            "does not reveal the diary's signing key (a vault.signing_key entry): the key that signed this \
             pack cannot be tied to the diary",
        );
    }
    let Some(sums) = text(z, files, "SHA256SUMS", report) else {
        return; // reported by the SHA256SUMS check
    };
    let sig = text(z, files, SIGNATURE_FILE, report);
    let key = text(z, files, KEY_FILE, report);
    let (Some(sig), Some(key)) = (sig, key) else {
        for (name, what) in [
            (SIGNATURE_FILE, "the signature over SHA256SUMS"),
            (KEY_FILE, "the public key that signed SHA256SUMS"),
        ] {
            if !files.contains_key(name) {
                report.fail(
                    FailureCode::SignatureInvalid,
                    Some(name),
                    None,
                    format!("missing: {what} is not in the pack, so the pack cannot be tied to the diary's key"),
                );
            }
        }
        return;
    };
    let key = String::from_utf8_lossy(&key).into_owned();
    let sig = String::from_utf8_lossy(&sig).into_owned();
    let key_fpr = match signing::public_fingerprint(&key) {
        Ok(f) => f,
        Err(e) => {
            report.fail(
                FailureCode::SignatureInvalid,
                Some(KEY_FILE),
                None,
                format!("is not a usable public key: {}", e.message()),
            );
            return;
        }
    };
    report.signed_by = Some(key_fpr.clone());
    if let Some((seq, fpr, _)) = &recorded {
        if *fpr != key_fpr {
            report.fail(
                FailureCode::SigningKeyMismatch,
                Some(KEY_FILE),
                Some(*seq),
                format!(
                    "is the key {}, but the diary's signing key recorded in entry {seq} of chain.json is {}: \
                     the pack was signed with another key, not the diary's",
                    signing::spaced_fingerprint(&key_fpr),
                    signing::spaced_fingerprint(fpr)
                ),
            );
        }
    }
    match signing::verify_detached(&key, &sums, &sig) {
        Ok(_) => report.signature_ok = true,
        Err(e) => report.fail(
            FailureCode::SignatureInvalid,
            Some(SIGNATURE_FILE),
            None,
            format!(
                "the signature over SHA256SUMS does not verify: {}",
                e.message()
            ),
        ),
    }
}

/// A head noted earlier, as `SEQ:HASH` (the entry number and its 64-hex `entry_hash`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedHead {
    /// The entry.
    pub seq: u64,
    /// Its hash, lower case.
    pub entry_hash: String,
}

impl FromStr for ExpectedHead {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(format!(
                "'{s}' is not a head: give SEQ:HASH, the entry number and its 64-digit hash, e.g. 41:6f2c…e019 \
                 written out in full"
            ))
        };
        let (seq, hash) = s.trim().split_once(':').ok_or_else(bad)?;
        let seq: u64 = seq.trim().parse().map_err(|_| bad())?;
        let hash = hash.trim().to_ascii_lowercase();
        if seq == 0 || hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        Ok(Self {
            seq,
            entry_hash: hash,
        })
    }
}

/// What the recipient already holds, to check a pack against.
#[derive(Debug, Clone, Default)]
pub struct PackExpectations {
    /// Heads noted earlier (e.g. from a record fingerprint): this pack's chain must contain each.
    pub heads: Vec<ExpectedHead>,
    /// Earlier packs from the same diary: each must verify, be signed with the same key, and its head must be
    /// in this pack's chain.
    pub priors: Vec<PathBuf>,
}

/// [`verify_pack`], then the checks against what the recipient already holds. `Err` only when `path` cannot
/// be read as a ZIP at all; an earlier pack that cannot be read is a failure in the report.
pub fn verify_pack_against(path: &Path, exp: &PackExpectations) -> Result<PackVerifyReport> {
    let mut report = verify_pack(path)?;
    if exp.heads.is_empty() && exp.priors.is_empty() {
        return Ok(report);
    }
    let hashes = chain_hashes(path);
    let hash_at = |seq: u64| hashes.as_ref().and_then(|h| h.get(&seq).cloned());
    for h in &exp.heads {
        let found = hash_at(h.seq);
        let ok = found.as_deref() == Some(h.entry_hash.as_str());
        if !ok {
            let message = match &found {
                None => format!(
                    "this pack's chain ends at entry {}, so it does not contain entry {} that you noted: it does \
                     not extend that head",
                    report.head_seq, h.seq
                ),
                Some(other) => format!(
                    "entry {} in this pack's chain has hash {other}, not {} that you noted: this pack is from a \
                     different history of the diary (or another diary)",
                    h.seq, h.entry_hash
                ),
            };
            report.fail(
                FailureCode::HeadNotExtended,
                Some("chain.json"),
                Some(h.seq),
                message,
            );
        }
        report.extends.push(HeadCheck {
            source: "expect-head".into(),
            pack_id: None,
            seq: h.seq,
            entry_hash: h.entry_hash.clone(),
            found: ok,
        });
    }
    for prior in &exp.priors {
        let name = prior
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| prior.display().to_string());
        let old = match verify_pack(prior) {
            Ok(o) => o,
            Err(e) => {
                report.fail(
                    FailureCode::PriorPackMismatch,
                    Some(&name),
                    None,
                    format!("earlier pack cannot be checked: {}", e.message()),
                );
                continue;
            }
        };
        let found = hash_at(old.head_seq);
        let ok_head = old.head_seq > 0 && found.as_deref() == Some(old.head_hash.as_str());
        let same_key = old.signing_fingerprint.is_some()
            && old.signing_fingerprint == report.signing_fingerprint;
        let spaced = |f: &Option<String>| {
            f.as_deref()
                .map(signing::spaced_fingerprint)
                .unwrap_or_else(|| "(none)".into())
        };
        let problem = if !old.ok {
            Some(format!(
                "does not verify itself ({} problem(s), e.g. {}), so it cannot vouch for this one",
                old.failures.len(),
                old.failures
                    .first()
                    .map(|f| f.message.as_str())
                    .unwrap_or("?")
            ))
        } else if !same_key {
            Some(format!(
                "was signed with the key {}, this pack with {}: they are not from the same diary",
                spaced(&old.signing_fingerprint),
                spaced(&report.signing_fingerprint)
            ))
        } else if !ok_head {
            Some(match &found {
                None => format!(
                    "ends at entry {}, beyond this pack's chain (entry {}): this pack does not extend it",
                    old.head_seq, report.head_seq
                ),
                Some(other) => format!(
                    "ends at entry {} with hash {}, but this pack's entry {} has hash {other}: the diary's \
                     history differs between the two packs",
                    old.head_seq, old.head_hash, old.head_seq
                ),
            })
        } else {
            None
        };
        if let Some(m) = &problem {
            report.fail(
                FailureCode::PriorPackMismatch,
                Some(&name),
                None,
                format!("earlier pack {m}"),
            );
        }
        report.extends.push(HeadCheck {
            source: format!("prior {name}"),
            pack_id: old.pack_id.clone(),
            seq: old.head_seq,
            entry_hash: old.head_hash.clone(),
            found: problem.is_none(),
        });
    }
    report.ok = report.failures.is_empty();
    Ok(report)
}

/// Every entry hash of the pack's chain.json by seq (lower case), if it can be read.
fn chain_hashes(path: &Path) -> Option<BTreeMap<u64, String>> {
    let file = std::fs::File::open(path).ok()?;
    let mut z: Zip = zip::ZipArchive::new(std::io::BufReader::new(file)).ok()?;
    let idx = z.index_for_name("chain.json")?;
    let bytes = read_text(&mut z, idx).ok()?;
    let proof: ChainProof = serde_json::from_slice(&bytes).ok()?;
    Some(
        proof
            .entries
            .iter()
            .map(|e| (e.seq, e.entry_hash.to_ascii_lowercase()))
            .collect(),
    )
}

/// VERIFY.txt's section on the signature: the exact gpg lines, what the signature proves and what it does
/// not. `n` is the section's number; `fpr` the 40-hex fingerprint; `seq` the entry that records the key.
pub(crate) fn verify_section(n: u32, fpr: &str, seq: u64) -> String {
    let spaced = signing::spaced_fingerprint(fpr);
    let lines = [
        format!("{n}. THE PACK WAS SIGNED WITH THIS DIARY'S KEY (SHA256SUMS.asc)"),
        String::new(),
        "   SHA256SUMS.asc is an OpenPGP signature over SHA256SUMS, made when the pack was exported with the".into(),
        "   diary's own signing key. signing-key.asc is that key's public half. The key's fingerprint is".into(),
        format!("       {spaced}"),
        format!("   and the key is recorded in the diary itself, in entry {seq} of chain.json (\"vault.signing_key\")."),
        String::new(),
        "   With GnuPG (Linux; macOS with GnuPG installed; Windows with Gpg4win in Git Bash), in the unzipped".into(),
        "   folder. These lines use a new, empty GnuPG folder, so nothing is added to your own keyring:".into(),
        String::new(),
        "       H=$(mktemp -d); gpg --homedir \"$H\" --import signing-key.asc; gpg --homedir \"$H\" --verify SHA256SUMS.asc SHA256SUMS".into(),
        String::new(),
        "   gpg must say \"Good signature\" and print the fingerprint above as \"Primary key fingerprint\". (It".into(),
        "   also warns that the key is not certified with a trusted signature: that is expected, and is why".into(),
        "   you compare the fingerprint yourself.)".into(),
        String::new(),
        "   What this proves: SHA256SUMS, and through it every file it lists, is exactly as it was when it was".into(),
        "   signed with this key. Since the same key signs every pack from this diary, and is recorded in the".into(),
        "   diary's chain, a pack changed afterwards by anyone without the diary cannot carry a good".into(),
        "   signature by this key. What it does not prove: who holds the key. It proves the pack was made with".into(),
        "   this diary's key, not by whom. Compare the fingerprint with the one the diarist gave you".into(),
        "   separately (by email, in a statement, or in an earlier pack from the same diary); if they match,".into(),
        "   this pack comes from the same diary as that one.".into(),
        "   evident-cli verify-pack PACK.zip checks the signature too, and that the key is the one recorded".into(),
        "   in chain.json; with --prior EARLIER_PACK.zip it checks an earlier pack has the same key.".into(),
        String::new(),
    ];
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operating_system_files_are_recognised_and_nothing_else() {
        for n in [
            ".DS_Store",
            "exhibits/.DS_Store",
            "._report.pdf",
            "exhibits/._AB-01_x.png",
            "Thumbs.db",
            "exhibits/thumbs.db",
            "desktop.ini",
            "__MACOSX/x",
            "__MACOSX/exhibits/._AB-01_x.png",
        ] {
            assert!(os_added(n), "{n}");
        }
        for n in [
            "report.pdf",
            "notes.txt",
            "._",
            "DS_Store",
            "x/__MACOSX/y",
            "exhibits/AB-01_._x.png",
            "SHA256SUMS.asc",
        ] {
            assert!(!os_added(n), "{n}");
        }
    }

    #[test]
    fn expected_head_is_seq_colon_hash() -> Result<()> {
        let h: ExpectedHead = format!("12:{}", "AB".repeat(32)).parse()?;
        assert_eq!(
            (h.seq, h.entry_hash.as_str()),
            (12, "ab".repeat(32).as_str())
        );
        for bad in [
            "12",
            "x:ab",
            "0:00",
            "12:abc",
            &format!("12:{}", "g".repeat(64)),
        ] {
            assert!(bad.parse::<ExpectedHead>().is_err(), "{bad}");
        }
        Ok(())
    }

    #[test]
    fn the_format_description_is_built_in() {
        assert!(FORMAT_MD.contains("evident-chain-proof/1"));
    }
}
