//! Independent time in the pack: the anchors (RFC 3161 time-stamps, docs/FORMAT.md §5) revealed in chain.json,
//! their tokens as `anchors/<seq>.tsr` and the CA certificates as `anchors/ca-<n>.pem`, what each included
//! incident and exhibit is proven to have existed by ([`RecordTime`], shared by the export's PDF and
//! VERIFY.txt and by `verify-pack`), and the wording of VERIFY.txt's time-stamp and record-fingerprint
//! sections.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::anchor::{AnchorPayload, AnchorView};
use crate::error::{Error, Result};
use crate::journal::{ChainProof, EntryKind, ProofHead};

/// How long after an entry's recorded time (the device clock) its first time-stamp may come before the gap
/// is flagged: the entry is then proven to exist only since the time-stamp.
pub const LATE_HOURS: i64 = 24;

/// Where the token of the anchor recorded as entry `seq` goes in the pack.
pub fn token_file(seq: u64) -> String {
    format!("anchors/{seq:06}.tsr")
}

/// One anchor of the chain proof, as the pack carries it.
pub(crate) struct PackStamp {
    /// What the anchor says (from its revealed entry).
    pub view: AnchorView,
    /// The token's DER bytes: `anchors/<seq>.tsr`.
    pub token: Vec<u8>,
    /// `anchors/<seq>.tsr`.
    pub file: String,
    /// The CA file it was checked against, `anchors/ca-<n>.pem`.
    pub ca_file: String,
    /// Its CA is one of the public roots Evident ships: a recipient can check it against their own system's.
    pub public_root: bool,
}

/// Every anchor of a chain proof, with the deduplicated CA files.
#[derive(Default)]
pub(crate) struct PackStamps {
    /// In chain order.
    pub stamps: Vec<PackStamp>,
    /// `(anchors/ca-<n>.pem, PEM text)`, numbered in order of first use.
    pub cas: Vec<(String, String)>,
    /// What they prove about each included incident and exhibit.
    pub times: Vec<RecordTime>,
}

impl PackStamps {
    /// The anchors, as the report shows them.
    pub fn views(&self) -> Vec<AnchorView> {
        self.stamps.iter().map(|s| s.view.clone()).collect()
    }
}

/// The revealed `anchor.recorded` entries of `proof`, with their tokens and CA files, and the time of each
/// included incident and of each exhibit (`(reference, attachment_id)`). Each anchor is checked first
/// ([`crate::anchor::check_proof`]): a vault whose time-stamp no longer verifies gives no pack.
pub(crate) fn collect(proof: &ChainProof, exhibits: &[(String, i64)]) -> Result<PackStamps> {
    let checked = crate::anchor::check_proof(proof).map_err(|f| {
        Error::integrity(format!(
            "the diary's time-stamp in entry {} does not verify: {} ({})",
            f.seq, f.message, f.error
        ))
        .with_hint("Run a full verify of the vault, and restore from a backup if it fails.")
    })?;
    let mut out = PackStamps::default();
    for e in &proof.entries {
        let (Some(kind), Some(payload)) = (&e.kind, &e.payload) else {
            continue;
        };
        if kind != EntryKind::AnchorRecorded.as_str() {
            continue;
        }
        let p: AnchorPayload = serde_json::from_str(payload).map_err(|err| {
            Error::integrity(format!("anchor (entry {}) is malformed: {err}", e.seq))
        })?;
        let ca_file = match out.cas.iter().find(|(_, pem)| *pem == p.ca_pem) {
            Some((f, _)) => f.clone(),
            None => {
                let f = format!("anchors/ca-{}.pem", out.cas.len() + 1);
                out.cas.push((f.clone(), p.ca_pem.clone()));
                f
            }
        };
        out.stamps.push(PackStamp {
            view: p.view(e.seq),
            token: p.token_der()?,
            file: token_file(e.seq),
            ca_file,
            public_root: crate::anchor::is_public_root(&p.ca_pem),
        });
    }
    out.times = record_times(proof, &checked, exhibits);
    Ok(out)
}

/// What a record is proven to have existed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum TimeProof {
    /// A time-stamp covers it, made within [`LATE_HOURS`] of its recorded time: it existed no later than the
    /// time-stamp's time.
    Anchored,
    /// The first time-stamp that covers it came more than [`LATE_HOURS`] after its recorded time: it is proven
    /// to exist only since the time-stamp (it may have been written at any time before).
    AnchoredLate,
    /// No time-stamp covers it: its time is the diarist's computer's clock alone.
    DeviceClock,
}

/// Which kind of record a [`RecordTime`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum TimedRecord {
    /// An incident, as first recorded (its `incident.recorded` entry).
    Incident,
    /// An exhibit (its `attachment.added` entry).
    Exhibit,
}

/// When an included incident or exhibit is proven to have existed, as far as independent time-stamps allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecordTime {
    /// An incident or an exhibit.
    pub record: TimedRecord,
    /// The incident (the exhibit's incident, for an exhibit).
    #[ts(type = "number")]
    pub incident_id: i64,
    /// The exhibit reference (exhibits only).
    pub exhibit: Option<String>,
    /// The entry in chain.json that recorded it.
    #[ts(type = "number")]
    pub seq: u64,
    /// That entry's recorded time: the diarist's computer's clock, UTC.
    pub recorded_at: String,
    /// What is proven.
    pub proof: TimeProof,
    /// The time of the earliest time-stamp that covers it (RFC 3339 UTC), if any.
    pub existed_by: Option<String>,
    /// That time-stamp's authority (its certificate's name).
    pub tsa_name: Option<String>,
    /// The `anchor.recorded` entry of that time-stamp (its token is `anchors/<seq>.tsr`).
    #[ts(type = "number | null")]
    pub anchor_seq: Option<u64>,
    /// The statement in words, e.g. "existed no later than 2026-12-02T11:45:30Z (Example TSA)".
    pub statement: String,
}

impl RecordTime {
    /// "incident 3 (entry 5)" or "exhibit AB-01 (entry 8)".
    pub fn label(&self) -> String {
        match (&self.record, &self.exhibit) {
            (TimedRecord::Exhibit, Some(r)) => format!("exhibit {r} (entry {})", self.seq),
            _ => format!("incident {} (entry {})", self.incident_id, self.seq),
        }
    }

    /// The statement with times written by `when` (the PDF's wording of a time; identity for the others).
    pub fn sentence(&self, when: &dyn Fn(&str) -> String) -> String {
        let tsa = self.tsa_name.as_deref().unwrap_or("");
        match (self.proof, &self.existed_by) {
            (TimeProof::Anchored, Some(t)) => {
                format!("existed no later than {} ({tsa})", when(t))
            }
            (TimeProof::AnchoredLate, Some(t)) => format!(
                "recorded (device clock) {}, but proven to exist only since {} ({tsa})",
                when(&self.recorded_at),
                when(t)
            ),
            _ => "not independently time-stamped: the time is this computer's clock".to_string(),
        }
    }
}

fn utc(s: &str) -> Option<DateTime<Utc>> {
    crate::time::parse_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The time of each included incident (its `incident.recorded` entries revealed in `proof`, in chain order),
/// then of each exhibit of `exhibits` (`(reference, attachment_id)`, in that order, bound to their revealed
/// `attachment.added` entries), from `anchors` (checked beforehand). An entry's time is that of the earliest
/// anchor covering it (an anchor covers every entry up to its `covers_seq`).
pub(crate) fn record_times(
    proof: &ChainProof,
    anchors: &[AnchorView],
    exhibits: &[(String, i64)],
) -> Vec<RecordTime> {
    let stamped: Vec<(u64, DateTime<Utc>, &AnchorView)> = anchors
        .iter()
        .filter_map(|a| utc(&a.gen_time).map(|t| (a.covers_seq, t, a)))
        .collect();
    let make = |record: TimedRecord,
                incident_id: i64,
                exhibit: Option<String>,
                seq: u64,
                recorded_at: &str| {
        let first = stamped
            .iter()
            .filter(|(covers, _, _)| *covers >= seq)
            .min_by_key(|(_, t, a)| (*t, a.seq));
        let late = |t: &DateTime<Utc>| {
            utc(recorded_at).is_some_and(|at| *t - at > chrono::Duration::hours(LATE_HOURS))
        };
        let proof = match first {
            None => TimeProof::DeviceClock,
            Some((_, t, _)) if late(t) => TimeProof::AnchoredLate,
            Some(_) => TimeProof::Anchored,
        };
        let mut rt = RecordTime {
            record,
            incident_id,
            exhibit,
            seq,
            recorded_at: recorded_at.to_string(),
            proof,
            existed_by: first.map(|(_, _, a)| a.gen_time.clone()),
            tsa_name: first.map(|(_, _, a)| a.tsa_name.clone()),
            anchor_seq: first.map(|(_, _, a)| a.seq),
            statement: String::new(),
        };
        rt.statement = rt.sentence(&|s| s.to_string());
        rt
    };
    let mut incidents = Vec::new();
    let mut added: BTreeMap<i64, (u64, String, i64)> = BTreeMap::new();
    for e in &proof.entries {
        let (Some(kind), Some(payload), Some(at)) = (&e.kind, &e.payload, &e.recorded_at) else {
            continue;
        };
        let v: serde_json::Value = serde_json::from_str(payload).unwrap_or_default();
        let incident_id = v.get("incident_id").and_then(|x| x.as_i64());
        match (kind.as_str(), incident_id) {
            ("incident.recorded", Some(i)) => {
                incidents.push(make(TimedRecord::Incident, i, None, e.seq, at));
            }
            ("attachment.added", Some(i)) => {
                if let Some(a) = v.get("attachment_id").and_then(|x| x.as_i64()) {
                    added.insert(a, (e.seq, at.clone(), i));
                }
            }
            _ => {}
        }
    }
    for (reference, attachment_id) in exhibits {
        if let Some((seq, at, incident)) = added.get(attachment_id) {
            incidents.push(make(
                TimedRecord::Exhibit,
                *incident,
                Some(reference.clone()),
                *seq,
                at,
            ));
        }
    }
    incidents
}

/// Seconds since 1970 of an RFC 3339 time (for `openssl … -attime`).
fn unix_seconds(s: &str) -> Option<i64> {
    utc(s).map(|t| t.timestamp())
}

/// VERIFY.txt's section on the time-stamps: what they prove and do not, one `openssl ts -verify` line per
/// token (against the CA file in the pack, and for public TSAs against the system's own roots), what to run on
/// Windows and macOS, and what they say about each incident and exhibit.
pub(crate) fn verify_section(stamps: &PackStamps, times: &[RecordTime], n: u32) -> String {
    let mut s = String::new();
    let line = |s: &mut String, t: &str| {
        s.push_str(t);
        s.push_str("\r\n");
    };
    line(
        &mut s,
        &format!("{n}. WHEN THE RECORDS EXISTED: INDEPENDENT TIME-STAMPS (anchors/)"),
    );
    line(&mut s, "");
    for t in [
        "   Every \"recorded at\" time in this pack is the clock of the diarist's computer, which its owner can",
        "   set to any date. An independent Time-Stamping Authority (TSA) can do better. From time to time the",
        "   diary sent a TSA the hash of its newest entry (only that hash, never any content), and the TSA sent",
        "   back that hash signed together with its own time: an RFC 3161 time-stamp. The diary recorded it as",
        "   an \"anchor.recorded\" entry (in chain.json: the \"token\" member, in base64).",
        "",
        "   What a time-stamp proves: the entry it covers, and through the chain every entry before it, existed",
        "   no later than the TSA's time, whatever the diarist's computer's clock said.",
        "   What it does not prove: when an entry was written before that time (an entry recorded a month",
        "   before its first time-stamp may have been written at any time in that month); that what an entry",
        "   says is true; or anything about the entries after the one it covers (their times are the",
        "   computer's clock until a later time-stamp covers them).",
        "",
    ] {
        line(&mut s, t);
    }
    if stamps.stamps.is_empty() {
        for t in [
            "   This pack has no time-stamps: the diary had none up to the end of this chain. Every time in it",
            "   is the diarist's computer's clock alone (see also RECORD FINGERPRINT below).",
            "",
        ] {
            line(&mut s, t);
        }
        return s;
    }
    for t in [
        "   Each time-stamp is in anchors/: anchors/NNNNNN.tsr is the token recorded in diary entry NNNNNN",
        "   (byte for byte the \"token\" of that entry in chain.json), and anchors/ca-N.pem the CA certificate",
        "   it was checked against when it arrived. Check each with OpenSSL: in a terminal, in the unzipped",
        "   folder, type the line shown (each command is one line). It must print \"Verification: OK\".",
        "   The -digest value is the entry_hash of the entry the time-stamp covers (see chain.json): OpenSSL",
        "   checks that the time-stamp is for exactly that hash, that the TSA's signature is good, that the",
        "   TSA's certificate is for time-stamping, and that it chains to the CA certificate given.",
        "",
        "   The CA certificate in anchors/ was supplied by the diarist's software, as was everything in this",
        "   pack. The independent check is the second line shown for a public TSA: it checks the time-stamp",
        "   against the root certificates your own system trusts (-CApath /etc/ssl/certs on Debian, Ubuntu and",
        "   most Linux; on Fedora or RHEL use -CAfile /etc/pki/tls/certs/ca-bundle.crt in its place).",
        "",
    ] {
        line(&mut s, t);
    }
    if let Some(first) = stamps.stamps.first() {
        line(
            &mut s,
            "   To read what a time-stamp says (its time, the TSA, the hash it covers), for example the first:",
        );
        line(
            &mut s,
            &format!(
                "       openssl ts -reply -token_in -in {} -token_out -text",
                first.file
            ),
        );
        line(&mut s, "");
    }
    for st in &stamps.stamps {
        let v = &st.view;
        line(
            &mut s,
            &format!(
                "   Time-stamp in entry {}: entries 1 to {} existed no later than {} ({}).",
                v.seq, v.covers_seq, v.gen_time, v.tsa_name
            ),
        );
        line(&mut s, &format!("   TSA address: {}", v.tsa_url));
        line(
            &mut s,
            "   Check it against the CA certificate in this pack:",
        );
        line(
            &mut s,
            &format!(
                "       openssl ts -verify -token_in -in {} -digest {} -CAfile {}",
                st.file, v.covers_hash, st.ca_file
            ),
        );
        if st.public_root {
            line(
                &mut s,
                "   Check it independently, against your own system's trusted roots:",
            );
            line(
                &mut s,
                &format!(
                    "       openssl ts -verify -token_in -in {} -digest {} -CApath /etc/ssl/certs",
                    st.file, v.covers_hash
                ),
            );
        } else {
            for t in [
                "   This TSA's CA is not one of the public roots Evident knows (a private or self-chosen TSA), so",
                "   your system's roots will not vouch for it. To check it independently, get the TSA's CA",
                "   certificate from the TSA itself, through a channel you trust, and use that file in place of",
                &format!("   {}.", st.ca_file),
            ] {
                line(&mut s, t);
            }
        }
        if let Some(secs) = unix_seconds(&v.gen_time) {
            line(
                &mut s,
                &format!(
                    "   (If OpenSSL reports an expired certificate, add -attime {secs} to check the certificates as"
                ),
            );
            line(
                &mut s,
                "   they were at the time-stamp's own time: TSA certificates are replaced over the years.)",
            );
        }
        line(&mut s, "");
    }
    for t in [
        "   On Windows: install Git for Windows (https://git-scm.com), open \"Git Bash\" in the unzipped",
        "   folder and type the lines above as printed; for the independent check use, in place of",
        "   -CApath /etc/ssl/certs,  -CAfile /mingw64/etc/ssl/certs/ca-bundle.crt  (the root certificates",
        "   Git for Windows ships; if that file is not there, \"git config --system http.sslcainfo\" shows",
        "   where they are). Or, in WSL (Windows Subsystem for Linux), type the lines above as printed.",
        "",
        "   On macOS: the built-in openssl is LibreSSL; where it has \"openssl ts\", the lines above work as",
        "   printed. Or install OpenSSL with Homebrew (brew install openssl@3) and type",
        "   \"$(brew --prefix openssl@3)/bin/openssl\" in place of \"openssl\". For the independent check, first",
        "   save your Mac's own trusted roots to a file:",
        "       security find-certificate -a -p /System/Library/Keychains/SystemRootCertificates.keychain > system-roots.pem",
        "   and use  -CAfile system-roots.pem  in place of  -CApath /etc/ssl/certs.",
        "",
    ] {
        line(&mut s, t);
    }
    if !times.is_empty() {
        line(
            &mut s,
            "   What the time-stamps say about each incident and exhibit in this pack:",
        );
        for t in times {
            line(
                &mut s,
                &format!("     {}: {}", capitalise(&t.label()), t.statement),
            );
        }
        line(&mut s, "");
    }
    s
}

/// VERIFY.txt's and README.txt's explanation of the record fingerprint (docs/FORMAT.md §5).
pub(crate) fn fingerprint_section(head: &ProofHead) -> String {
    [
        "   The diarist may have sent someone (the council's single point of contact, an officer) a \"record",
        "   fingerprint\" by email or text before this pack was made, like this (made-up) one:",
        "       Evident record fingerprint: entry 41, SHA-256 6f2c...e019 (otter lemon brick salad piano tiger)",
        "   It names one diary entry and that entry's hash (the six words read the first six bytes of the hash",
        "   aloud). Whoever holds that message can check this pack against it: find the entry with that \"seq\"",
        "   in chain.json; its \"entry_hash\" must be exactly the hash in the message. If it is, the diary up to",
        "   that entry is the one that existed when the message was received (the message's own date is the",
        "   proof of time), and this pack's chain shows it unchanged since. If the hash differs, the diary was",
        "   changed or rebuilt after the message was sent (or the message was copied wrongly).",
        &format!(
            "   This pack's chain runs to entry {}, so it can confirm a fingerprint of any entry up to that one.",
            head.seq
        ),
    ]
    .iter()
    .map(|l| format!("{l}\r\n"))
    .collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::ProofEntry;

    fn revealed(seq: u64, at: &str, kind: &str, payload: &str) -> ProofEntry {
        ProofEntry {
            seq,
            entry_hash: String::new(),
            body_hash: String::new(),
            recorded_at: Some(at.into()),
            kind: Some(kind.into()),
            payload: Some(payload.into()),
            openings: None,
        }
    }

    fn anchor(seq: u64, covers_seq: u64, gen_time: &str, tsa: &str) -> AnchorView {
        AnchorView {
            seq,
            covers_seq,
            covers_hash: String::new(),
            tsa_url: String::new(),
            tsa_name: tsa.into(),
            gen_time: gen_time.into(),
        }
    }

    #[test]
    fn each_record_takes_the_earliest_anchor_covering_it_and_a_late_one_is_flagged(
    ) -> std::result::Result<(), &'static str> {
        let proof = ChainProof {
            format: crate::journal::PROOF_FORMAT.into(),
            head: ProofHead {
                seq: 6,
                entry_hash: String::new(),
            },
            entries: vec![
                revealed(1, "2026-10-01T09:00:00.000000Z", "vault.created", "{}"),
                revealed(
                    2,
                    "2026-10-01T09:01:00.000000Z",
                    "incident.recorded",
                    r#"{"incident_id":7}"#,
                ),
                revealed(
                    3,
                    "2026-11-20T10:00:00.000000Z",
                    "attachment.added",
                    r#"{"incident_id":7,"attachment_id":3}"#,
                ),
                revealed(
                    4,
                    "2026-11-20T10:30:00.000000Z",
                    "incident.recorded",
                    r#"{"incident_id":8}"#,
                ),
                revealed(
                    5,
                    "2026-11-20T11:00:00.000000Z",
                    "incident.recorded",
                    r#"{"incident_id":9}"#,
                ),
            ],
        };
        // Two anchors cover entry 4; the earlier (B, at 10:45) wins for entries up to 4; nothing covers entry 5.
        let anchors = vec![
            anchor(10, 4, "2026-11-20T12:00:00Z", "A"),
            anchor(11, 4, "2026-11-20T10:45:00Z", "B"),
        ];
        let t = record_times(&proof, &anchors, &[("AB-01".into(), 3)]);
        let by = |seq: u64| t.iter().find(|x| x.seq == seq).cloned();
        let late = by(2).ok_or("incident 7")?;
        assert_eq!(late.proof, TimeProof::AnchoredLate);
        assert_eq!(
            late.statement,
            "recorded (device clock) 2026-10-01T09:01:00.000000Z, but proven to exist only since 2026-11-20T10:45:00Z (B)"
        );
        let ex = by(3).ok_or("exhibit")?;
        assert_eq!(
            (ex.record, ex.exhibit.as_deref(), ex.incident_id),
            (TimedRecord::Exhibit, Some("AB-01"), 7)
        );
        assert_eq!(ex.proof, TimeProof::Anchored);
        assert_eq!(ex.anchor_seq, Some(11));
        assert_eq!(
            by(4).map(|x| x.statement),
            Some("existed no later than 2026-11-20T10:45:00Z (B)".to_string())
        );
        assert_eq!(by(5).map(|x| x.proof), Some(TimeProof::DeviceClock));
        assert_eq!(t.len(), 4);
        Ok(())
    }

    #[test]
    fn verify_txt_prints_the_system_store_line_only_for_a_public_tsa() {
        let stamp = |seq: u64, public_root: bool| PackStamp {
            view: AnchorView {
                seq,
                covers_seq: seq - 1,
                covers_hash: "ab".repeat(32),
                tsa_url: "http://tsa.example".into(),
                tsa_name: "Example TSA".into(),
                gen_time: "2026-11-20T10:45:00Z".into(),
            },
            token: Vec::new(),
            file: token_file(seq),
            ca_file: "anchors/ca-1.pem".into(),
            public_root,
        };
        let stamps = PackStamps {
            stamps: vec![stamp(12, true), stamp(20, false)],
            cas: Vec::new(),
            times: Vec::new(),
        };
        let text = verify_section(&stamps, &[], 4);
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("openssl ts -verify"))
            .collect();
        let h = "ab".repeat(32);
        assert_eq!(
            lines,
            vec![
                format!("openssl ts -verify -token_in -in anchors/000012.tsr -digest {h} -CAfile anchors/ca-1.pem"),
                format!("openssl ts -verify -token_in -in anchors/000012.tsr -digest {h} -CApath /etc/ssl/certs"),
                format!("openssl ts -verify -token_in -in anchors/000020.tsr -digest {h} -CAfile anchors/ca-1.pem"),
            ]
        );
        assert!(text.contains("-attime 1795171500"));
    }

    #[test]
    fn only_the_shipped_public_roots_count_as_public() {
        for t in crate::anchor::default_tsas() {
            assert!(crate::anchor::is_public_root(&t.ca_pem), "{}", t.name);
        }
        assert!(!crate::anchor::is_public_root(""));
        assert!(!crate::anchor::is_public_root(
            "-----BEGIN CERTIFICATE-----\nMIIBdead\n-----END CERTIFICATE-----\n"
        ));
    }
}
