//! Evidence packs: the police-ready export and its verifier.
//!
//! [`Vault::export_pack`] writes one ZIP (entries stored, not compressed, so `verify.html` can read it without
//! a library): `report.pdf`, `exhibits/` (original bytes), `incidents.csv`, `incidents.json`, `chain.json` (a
//! chain proof per docs/FORMAT.md §4, revealing every anchor), `anchors/` (each time-stamp token and its CA
//! certificates, see [`stamps`]), `pack.json`, `README.txt`, `VERIFY.txt`, `verify.html` and `SHA256SUMS`. The export is then recorded in the journal (`pack.exported`). [`verify_pack`] checks a pack
//! with no vault and no passphrase.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::error::{Error, ErrorKind, Result};
use crate::journal::{self, EntryKind};
use crate::vault::Vault;

pub mod clock;
pub mod data;
pub mod odt;
pub mod pdf;
pub mod portal;
mod receipt;
pub mod replay;
pub mod sanitize;
pub mod select;
pub mod signature;
pub mod stamps;
pub mod statement;
pub mod verify;
mod zipout;

pub use signature::{verify_pack_against, ExpectedHead, PackExpectations};
pub use verify::{verify_pack, PackFailure, PackVerifyReport};

/// The self-contained verifier page put in every pack.
pub const VERIFY_HTML: &str = include_str!("verify.html");

/// Format string of `pack.json`.
pub const PACK_FORMAT: &str = "evident-pack/2";

/// Which incidents go into a pack. `incident_ids` (hand-picked) wins over the filters; the filters (date range,
/// person, kinds) combine with AND; with no filter and no ids, `all` must be set.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct PackSelection {
    /// Every incident.
    pub all: bool,
    /// Occurred on or after (RFC 3339 or YYYY-MM-DD).
    pub from: Option<String>,
    /// Occurred on or before (RFC 3339 or YYYY-MM-DD, inclusive day).
    pub to: Option<String>,
    /// A person and all their incidents.
    #[ts(type = "number | null")]
    pub person_id: Option<i64>,
    /// Only these kinds (codes).
    pub kinds: Vec<String>,
    /// Exactly these incidents.
    #[ts(type = "number[]")]
    pub incident_ids: Vec<i64>,
}

/// Who the pack is for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct Recipient {
    /// Name of the officer or person.
    pub name: String,
    /// Organisation (police force, council).
    pub organisation: String,
    /// Crime reference number, if known.
    pub crime_reference: Option<String>,
}

/// Everything the user chooses for an export.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct PackRequest {
    /// Which incidents.
    pub selection: PackSelection,
    /// Who it is for.
    pub recipient: Recipient,
    /// The diarist's name, for the cover sheet.
    pub author_name: String,
    /// The diarist's contact details, for the cover sheet.
    pub author_contact: String,
    /// Exhibit-reference initials (default: from the author's name, e.g. `AB`).
    pub initials: Option<String>,
    /// Values the diarist leaves out of this pack (a neighbour's name, a child's school): shown as "redacted by
    /// the diarist", still provably part of the record (docs/FORMAT.md §6).
    pub redactions: Vec<Redaction>,
}

/// What a redaction is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum RedactSubject {
    /// An incident's field.
    Incident,
    /// A person's field.
    Person,
}

/// One field's values left out of a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Redaction {
    /// Incident or person.
    pub subject: RedactSubject,
    /// Its id.
    #[ts(type = "number")]
    pub id: i64,
    /// The field (`location`, `description`, `name`, …).
    pub field: String,
    /// Only the values the field held before (for example a name removed by an amendment); what it says now
    /// stays.
    #[serde(default)]
    pub earlier_only: bool,
}

impl Redaction {
    /// Reads `incident:ID:FIELD` or `person:ID:FIELD` (the CLI's `--redact` and `--redact-earlier`).
    pub fn parse(s: &str, earlier_only: bool) -> Result<Redaction> {
        let bad = || {
            Error::invalid(format!(
                "'{s}' is not a redaction: write incident:ID:FIELD or person:ID:FIELD, e.g. incident:3:location"
            ))
        };
        let mut parts = s.splitn(3, ':');
        let subject = match parts.next() {
            Some("incident") => RedactSubject::Incident,
            Some("person") => RedactSubject::Person,
            _ => return Err(bad()),
        };
        let id = parts
            .next()
            .and_then(|x| x.parse::<i64>().ok())
            .ok_or_else(bad)?;
        let field = parts.next().filter(|f| !f.is_empty()).ok_or_else(bad)?;
        Ok(Redaction {
            subject,
            id,
            field: field.to_string(),
            earlier_only,
        })
    }
}

impl PackRequest {
    /// Checks what does not need the vault (the author's name, who the pack is for, the initials) and
    /// returns the exhibit-reference initials to use. [`Vault::export_pack`] runs it first; the app runs it
    /// before asking where to save.
    pub fn check(&self) -> Result<String> {
        if self.author_name.trim().is_empty() {
            return Err(Error::invalid("give your name for the cover sheet"));
        }
        if self.recipient.name.trim().is_empty() && self.recipient.organisation.trim().is_empty() {
            return Err(Error::invalid(
                "say who the pack is for: a name or an organisation",
            ));
        }
        match &self.initials {
            Some(i) if !i.trim().is_empty() => select::check_initials(i),
            _ => Ok(select::default_initials(&self.author_name)),
        }
    }
}

/// What a selection would put in a pack, counted before exporting (so the person sees what goes in).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PackSelectionSummary {
    /// Incidents that would be included.
    #[ts(type = "number")]
    pub incident_count: usize,
    /// Exhibits (attached files not withdrawn) that would be included.
    #[ts(type = "number")]
    pub exhibit_count: usize,
    /// Included image files whose EXIF carries a GPS position (the place a photo was taken): said before
    /// exporting, since the recipient receives the file as it is. Absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub located: Vec<LocatedFile>,
}

/// An exhibit that carries a GPS position.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LocatedFile {
    /// The attachment.
    #[ts(type = "number")]
    pub attachment_id: i64,
    /// Its file name, as attached.
    pub file_name: String,
}

/// Time spent in each phase of an export, in milliseconds.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PackTimings {
    /// Gathering records and the chain proof.
    #[ts(type = "number")]
    pub gather_ms: u64,
    /// Streaming and checking exhibits.
    #[ts(type = "number")]
    pub exhibits_ms: u64,
    /// Building report.pdf.
    #[ts(type = "number")]
    pub pdf_ms: u64,
    /// Everything.
    #[ts(type = "number")]
    pub total_ms: u64,
}

/// What an export made.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PackSummary {
    /// The pack id (printed on every page of the report).
    pub pack_id: String,
    /// Where the ZIP was written.
    pub path: String,
    /// Included image files whose EXIF carries a GPS position (the recipient receives them as they are). Absent
    /// when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub located: Vec<LocatedFile>,
    /// When exported (device clock, UTC).
    pub exported_at: String,
    /// Incidents included.
    #[ts(type = "number[]")]
    pub incident_ids: Vec<i64>,
    /// Number of exhibits (files).
    #[ts(type = "number")]
    pub exhibit_count: usize,
    /// SHA-256 of the pack's SHA256SUMS file (recorded in the journal).
    pub pack_sha256: String,
    /// Last journal entry covered by the chain proof.
    #[ts(type = "number")]
    pub head_seq: u64,
    /// Its entry hash.
    pub head_hash: String,
    /// The `pack.exported` journal entry that records this export.
    #[ts(type = "number")]
    pub export_seq: u64,
    /// Size of the ZIP in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
    /// SHA-256 of the ZIP file itself, as handed over.
    pub zip_sha256: String,
    /// The diary's signing key: OpenPGP v4 fingerprint, 40 hex digits (the same for every pack of a diary).
    pub signing_fingerprint: String,
    /// The same, as people read it and gpg prints it (ten groups of four).
    pub signing_fingerprint_spaced: String,
    /// When exported, in UK local time with GMT or BST (e.g. "Mon 7 December 2026, 14:03:12 GMT").
    pub exported_at_uk: String,
    /// The handover receipt written beside the pack (`<pack>.receipt.txt`).
    pub receipt_path: String,
    /// The same receipt as a one-page PDF (`<pack>-receipt.pdf`).
    pub receipt_pdf_path: String,
    /// Where the time went.
    pub timings: PackTimings,
}

/// What signs a pack: the diary's key, the export time, and the chain entry that records the key.
struct Signer<'a> {
    key: &'a crate::signing::SigningKey,
    at: chrono::DateTime<chrono::Utc>,
    seq: u64,
}

/// Payload of `pack.exported` (docs/FORMAT.md §3).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ExportedPayload {
    pack_id: String,
    incident_ids: Vec<i64>,
    recipient: Recipient,
    pack_sha256: String,
    head_seq: u64,
}

/// The pack's small manifest: the only data file that carries the export time and pack id.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PackManifest {
    format: String,
    pack_id: String,
    exported_at: String,
    app: String,
    recipient: Recipient,
    author_name: String,
    author_contact: String,
    incident_count: usize,
    exhibit_count: usize,
    chain_head: journal::ProofHead,
}

/// A writer that hashes what passes through it.
pub(crate) struct HashWriter<'a, W: Write> {
    pub inner: &'a mut W,
    pub hasher: Sha256,
    pub n: u64,
}

impl<W: Write> Write for HashWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let k = self.inner.write(buf)?;
        self.hasher.update(&buf[..k]);
        self.n += k as u64;
        Ok(k)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn ms(t: Instant) -> u64 {
    t.elapsed().as_millis() as u64
}

/// A new pack id: `EVP-` and 12 random hex digits in groups, upper case.
fn new_pack_id() -> Result<String> {
    let h = journal::random_hex16()?.to_uppercase();
    Ok(format!("EVP-{}-{}-{}", &h[0..4], &h[4..8], &h[8..12]))
}

impl Vault {
    /// How many incidents and exhibits `sel` would put in a pack (zero when nothing matches). Fails when
    /// nothing is chosen, or a hand-picked incident does not exist.
    pub fn pack_selection_summary(&self, sel: &PackSelection) -> Result<PackSelectionSummary> {
        let ids = select::matching_ids(self, sel)?;
        let counts = self.exhibit_counts()?;
        Ok(PackSelectionSummary {
            incident_count: ids.len(),
            exhibit_count: ids.iter().filter_map(|id| counts.get(id)).sum(),
            located: self.located_files(&ids)?,
        })
    }

    /// The included image files that carry a GPS position.
    fn located_files(&self, ids: &[i64]) -> Result<Vec<LocatedFile>> {
        let mut out = Vec::new();
        for id in ids {
            for a in self.attachments_of(*id)? {
                if a.withdrawn.is_none()
                    && a.media_type.starts_with("image/")
                    && self.carries_location(a.id)?
                {
                    out.push(LocatedFile {
                        attachment_id: a.id,
                        file_name: a.file_name,
                    });
                }
            }
        }
        Ok(out)
    }

    /// The initials this diary's exhibit marks begin with, if an export has fixed them: those recorded in the
    /// first export manifest that records any. Once fixed they are used by every later pack, whatever name or
    /// initials it is given, so that `AB/3` means the same file in every pack.
    pub fn fixed_exhibit_initials(&self) -> Result<Option<String>> {
        for payload in self.payloads_of_kind(EntryKind::PackManifest)? {
            let m: crate::completeness::ManifestPayload = serde_json::from_slice(&payload)?;
            if let Some(i) = m.exhibit_initials {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    /// The initials a pack made from `req` gives its exhibit marks: the diary's fixed ones
    /// ([`Vault::fixed_exhibit_initials`]), or, before the first export fixes them, those of the request.
    pub fn exhibit_initials(&self, req: &PackRequest) -> Result<String> {
        let asked = req.check()?;
        Ok(self.fixed_exhibit_initials()?.unwrap_or(asked))
    }

    /// Records the export manifest (`pack.manifest`, docs/FORMAT.md §6) for these incidents and people, with
    /// the exhibit-mark initials.
    fn record_manifest(
        &mut self,
        pack_id: &str,
        ids: &[i64],
        people: &BTreeSet<i64>,
        initials: &str,
    ) -> Result<journal::Entry> {
        use crate::completeness::{ManifestIncident, ManifestPayload, ManifestPerson, Subject};
        let latest = |v: &Vault, s: Subject| -> Result<(u64, String)> {
            v.latest_entry_about(s)?
                .map(|(seq, h)| (seq, hex::encode(h)))
                .ok_or_else(|| Error::integrity("a chosen record has no entry in the journal"))
        };
        let mut m = ManifestPayload {
            pack_id: pack_id.to_string(),
            exhibit_initials: Some(initials.to_string()),
            ..Default::default()
        };
        for id in ids {
            let (latest_seq, latest_hash) = latest(self, Subject::Incident(*id))?;
            m.incidents.push(ManifestIncident {
                incident_id: *id,
                latest_seq,
                latest_hash,
            });
        }
        for p in people {
            let (latest_seq, latest_hash) = latest(self, Subject::Person(*p))?;
            m.people.push(ManifestPerson {
                person_id: *p,
                latest_seq,
                latest_hash,
            });
        }
        // From the first entry written with back-links (this vault's move to format version 2); the manifest
        // itself is one, so there is always one.
        let head = self.head()?.seq;
        m.complete_from_seq = self.first_v2_seq()?.unwrap_or(head + 1);
        self.write(|w| w.record(EntryKind::PackManifest, &m))
    }

    /// Exports an evidence pack of the chosen incidents to `out_zip`, and records the export in the journal.
    /// The file appears only when complete (written beside it, then renamed).
    pub fn export_pack(&mut self, req: &PackRequest, out_zip: &Path) -> Result<PackSummary> {
        let t0 = Instant::now();
        let initials = self.exhibit_initials(req)?;
        let ids = select::select_ids(self, &req.selection)?;
        let idset: BTreeSet<i64> = ids.iter().copied().collect();
        // The signing key first: made at the first export, its entry is then inside this pack's chain.
        let key = self.signing_key()?;
        let redactions = select::redaction_plan(self, &req.redactions, &idset)?;
        let pack_id = new_pack_id()?;
        // The export manifest: the included incidents and people and the newest entry about each. It is the head
        // of this pack's chain proof, so a recipient can check that nothing about them was withheld.
        let people = select::linked_people(self, &ids)?;
        let mut entries = self.journal_entries(1)?;
        if !redactions.is_empty() {
            // Every redaction can be made (no value of it written before version 2), checked before anything is
            // recorded.
            select::chain_proof(&entries, &idset, &people, &redactions)?;
        }
        entries.push(self.record_manifest(&pack_id, &ids, &people, &initials)?);
        let proof = select::chain_proof(&entries, &idset, &people, &redactions)?;
        drop(entries);
        let key_seq = match signature::recorded_key(&proof) {
            Some((seq, fpr, _)) if fpr == key.fingerprint() => seq,
            _ => {
                return Err(Error::integrity(
                    "the vault's signing key is not the one recorded in its chain",
                ))
            }
        };
        // The data files are the replay of the chain proof itself: they say exactly what the revealed entries
        // say (redactions included), which is what verify-pack and verify.html check.
        let data = replay::replay(&proof).pack_data(&ids, &initials, proof.head.clone());
        if data.incidents.len() != ids.len() {
            return Err(Error::integrity(
                "an incident's record could not be read back from the chain",
            ));
        }
        let exhibit_ids: Vec<(String, i64)> = data
            .exhibits
            .iter()
            .map(|e| (e.reference.clone(), e.attachment_id))
            .collect();
        let time = stamps::collect(&proof, &exhibit_ids)?;
        let (now, exported_at) = crate::time::now_utc();
        // Never before the key was made (a clock set back in between); GnuPG refuses that.
        let signer = Signer {
            key: &key,
            at: now.max(key.created()),
            seq: key_seq,
        };
        let mut timings = PackTimings {
            gather_ms: ms(t0),
            ..Default::default()
        };

        let dir = out_zip
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = out_zip
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Error::invalid(format!("{} is not a file name", out_zip.display())))?;
        let partial: PathBuf = dir.join(format!(".{name}.partial"));
        // Until the pack is in place its plaintext lives in `partial`: remembered inside the vault, so that after
        // a crash the next unlock removes it (Vault::clean_interrupted_export).
        self.export_started(&partial)?;
        let result = self.write_pack_file(
            req,
            &data,
            &proof,
            &time,
            &pack_id,
            &exported_at,
            &signer,
            &partial,
            &mut timings,
        );
        let sums_sha = match result {
            Ok(s) => s,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };
        let bytes = std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0);
        let zip_sha256 = match receipt::sha256_file(&partial) {
            Ok(h) => h,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };

        // Chain of custody: the export is recorded before the file is put in place.
        let payload = ExportedPayload {
            pack_id: pack_id.clone(),
            incident_ids: ids.clone(),
            recipient: req.recipient.clone(),
            pack_sha256: sums_sha.clone(),
            head_seq: proof.head.seq,
        };
        let recorded = self.write(|w| w.record(EntryKind::PackExported, &payload));
        let export_seq = match recorded {
            Ok(entry) => entry.seq,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };
        std::fs::rename(&partial, out_zip).map_err(|e| Error::write(out_zip, &e))?;
        crate::fsutil::sync_dir(dir);
        self.export_finished()?;
        let exported_at_uk = receipt::uk_time(now);
        let (receipt_path, receipt_pdf_path) = receipt::paths(out_zip);
        let r = receipt::Receipt {
            pack_id: &pack_id,
            zip_name: &name,
            zip_bytes: bytes,
            zip_sha256: &zip_sha256,
            sums_sha256: &sums_sha,
            head_seq: proof.head.seq,
            head_hash: &proof.head.entry_hash,
            fingerprint: &key.fingerprint(),
            exported_uk: &exported_at_uk,
            exported_at: &exported_at,
            recipient: &req.recipient,
            author_name: req.author_name.trim(),
            incidents: ids.len(),
            exhibits: data.exhibits.len(),
        };
        // The receipt, once the ZIP is in place; each file appears whole or not at all.
        crate::fsutil::write_atomic(&receipt_path, r.text().as_bytes())?;
        let spaced = key.fingerprint_spaced();
        let info = pdf::ReportInfo {
            pack_id: &pack_id,
            exported_at: &exported_at,
            recipient: &req.recipient,
            author_name: req.author_name.trim(),
            author_contact: req.author_contact.trim(),
            signing_fingerprint: &spaced,
        };
        let rows = r.rows();
        let pdf_bytes = pdf::receipt(&rows, &receipt::Receipt::notes(), &info)?;
        crate::fsutil::write_atomic(&receipt_pdf_path, &pdf_bytes)?;
        timings.total_ms = ms(t0);
        Ok(PackSummary {
            located: self.located_files(&ids)?,
            pack_id,
            path: out_zip.display().to_string(),
            exported_at,
            incident_ids: ids,
            exhibit_count: data.exhibits.len(),
            pack_sha256: sums_sha,
            head_seq: proof.head.seq,
            head_hash: proof.head.entry_hash.clone(),
            export_seq,
            bytes,
            zip_sha256,
            signing_fingerprint: key.fingerprint(),
            signing_fingerprint_spaced: spaced,
            exported_at_uk,
            receipt_path: receipt_path.display().to_string(),
            receipt_pdf_path: receipt_pdf_path.display().to_string(),
            timings,
        })
    }

    /// Writes the whole ZIP to `path`; returns the SHA-256 of its SHA256SUMS.
    #[allow(clippy::too_many_arguments)]
    fn write_pack_file(
        &self,
        req: &PackRequest,
        data: &select::PackData,
        proof: &journal::ChainProof,
        time: &stamps::PackStamps,
        pack_id: &str,
        exported_at: &str,
        signer: &Signer<'_>,
        path: &Path,
        timings: &mut PackTimings,
    ) -> Result<String> {
        let file = std::fs::File::create(path).map_err(|e| Error::write(path, &e))?;
        let mut z = zipout::PackZip::new(file, path, exported_at);
        let mut sums: BTreeMap<String, String> = BTreeMap::new();

        // Exhibits: streamed from the vault, hashed on the way, checked against the recorded hash.
        let t = Instant::now();
        for ex in &data.exhibits {
            z.start(&ex.file, ex.size)?;
            let (sha, _n) = {
                let w = z.writer();
                let mut hw = HashWriter {
                    inner: w,
                    hasher: Sha256::new(),
                    n: 0,
                };
                self.copy_attachment(ex.attachment_id, &mut hw)?;
                (hex::encode(hw.hasher.finalize()), hw.n)
            };
            if sha != ex.sha256 {
                return Err(Error::integrity(format!(
                    "exhibit {} ({}) no longer matches the SHA-256 recorded when it was attached: the vault is damaged",
                    ex.reference, ex.original_file_name
                ))
                .with_hint("Run a full verify of the vault, and restore from a backup if it fails."));
            }
            sums.insert(ex.file.clone(), sha);
        }
        timings.exhibits_ms = ms(t);

        let mut put = |z: &mut zipout::PackZip, name: &str, bytes: &[u8]| -> Result<()> {
            z.put(name, bytes)?;
            sums.insert(name.to_string(), hex::encode(Sha256::digest(bytes)));
            Ok(())
        };
        let mut json = serde_json::to_vec_pretty(data)?;
        json.push(b'\n');
        put(&mut z, "incidents.json", &json)?;
        drop(json);
        put(&mut z, "incidents.csv", &data::incidents_csv(data))?;
        let mut chain = serde_json::to_vec_pretty(proof)?;
        chain.push(b'\n');
        put(&mut z, "chain.json", &chain)?;
        drop(chain);
        for st in &time.stamps {
            put(&mut z, &st.file, &st.token)?;
        }
        for (file, pem) in &time.cas {
            put(&mut z, file, pem.as_bytes())?;
        }
        put(&mut z, "README.txt", data::readme(data, time).as_bytes())?;
        // The proof is checked as a recipient will check it before it goes out.
        let complete_from = crate::completeness::verify(proof)
            .map_err(|f| {
                Error::integrity(format!("the pack's chain does not check: {}", f.message))
            })?
            .1
            .map(|c| c.complete_from_seq)
            .unwrap_or(1);
        let fingerprint = signer.key.fingerprint();
        put(
            &mut z,
            "VERIFY.txt",
            data::verify_txt(data, time, (&fingerprint, signer.seq), complete_from).as_bytes(),
        )?;
        put(
            &mut z,
            signature::KEY_FILE,
            signer.key.public_armored()?.as_bytes(),
        )?;
        put(
            &mut z,
            signature::FORMAT_FILE,
            signature::FORMAT_MD.as_bytes(),
        )?;
        put(&mut z, "verify.html", VERIFY_HTML.as_bytes())?;
        let manifest = PackManifest {
            format: PACK_FORMAT.to_string(),
            pack_id: pack_id.to_string(),
            exported_at: exported_at.to_string(),
            app: format!("Evident {}", env!("CARGO_PKG_VERSION")),
            recipient: req.recipient.clone(),
            author_name: req.author_name.trim().to_string(),
            author_contact: req.author_contact.trim().to_string(),
            incident_count: data.incidents.len(),
            exhibit_count: data.exhibits.len(),
            chain_head: data.chain_head.clone(),
        };
        // The statement helper's drafts (an ODT and a plain-text copy of each).
        let refs: Vec<String> = req
            .recipient
            .crime_reference
            .iter()
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .chain(data.incidents.iter().flat_map(|i| {
                i.reports
                    .iter()
                    .filter(|r| r.fields.to == crate::report::ReportTarget::Police)
                    .map(|r| r.fields.reference.trim().to_string())
                    .filter(|r| !r.is_empty())
            }))
            .fold(Vec::new(), |mut v, r| {
                if !v.contains(&r) {
                    v.push(r);
                }
                v
            });
        let st_info = statement::StatementInfo {
            author_name: req.author_name.trim(),
            crime_references: &refs,
        };
        for (name, bytes) in statement::files(data, &st_info)? {
            put(&mut z, name, &bytes)?;
        }
        let mut mj = serde_json::to_vec_pretty(&manifest)?;
        mj.push(b'\n');
        put(&mut z, "pack.json", &mj)?;

        let t = Instant::now();
        let info = pdf::ReportInfo {
            pack_id,
            exported_at,
            recipient: &req.recipient,
            author_name: req.author_name.trim(),
            author_contact: req.author_contact.trim(),
            signing_fingerprint: &signer.key.fingerprint_spaced(),
        };
        let anchors = time.views();
        let pdf_bytes = pdf::render(data, &info, &time.times, &anchors, &|id| {
            self.attachment_bytes(id)
        })?;
        timings.pdf_ms = ms(t);
        put(&mut z, "report.pdf", &pdf_bytes)?;
        drop(pdf_bytes);

        // report.pdf first, then everything else in path order.
        let mut text = String::new();
        if let Some(h) = sums.get("report.pdf") {
            text.push_str(&format!("{h}  report.pdf\n"));
        }
        for (name, h) in &sums {
            if name != "report.pdf" {
                text.push_str(&format!("{h}  {name}\n"));
            }
        }
        z.put("SHA256SUMS", text.as_bytes())?;
        // The signature over exactly those bytes (not listed in SHA256SUMS: it signs it).
        let sig = signer.key.sign_detached(text.as_bytes(), signer.at)?;
        z.put(signature::SIGNATURE_FILE, sig.as_bytes())?;
        z.finish()?;
        Ok(hex::encode(Sha256::digest(text.as_bytes())))
    }
}

/// An error for a pack that cannot be read at all.
pub(crate) fn pack_invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::PackInvalid, message)
}
