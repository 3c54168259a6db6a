//! Anchors: RFC 3161 time-stamps of the chain head from independent Time-Stamping Authorities, kept in the
//! chain as `anchor.recorded` entries, so that a recipient can check that the record existed no later than a
//! time the person's own computer did not set. Owns the anchor's payload (docs/FORMAT.md §3), the configured
//! TSAs and the retry queue (kept as settings, not part of the record), and what an anchor proves in words.
//! The network and the token's cryptography are `tsa`'s; storing and querying is the vault's
//! (`vault/anchors.rs`).

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::check::FailureCode;
use crate::error::{Error, Result};
use crate::journal::{ChainFailure, ChainProof};
use crate::tsa::{Stamp, TsaConfig};

/// Payload of `anchor.recorded` (docs/FORMAT.md §3).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AnchorPayload {
    /// The entry whose hash was time-stamped (the head when the request was made).
    pub covers_seq: u64,
    /// That entry's `entry_hash`, hex: the exact bytes of the message imprint.
    pub covers_hash: String,
    /// Where the token came from.
    pub tsa_url: String,
    /// The TSA certificate's subject.
    pub tsa_name: String,
    /// The token's `genTime`, RFC 3339 UTC.
    pub gen_time: String,
    /// The token's serial number, hex.
    pub serial: String,
    /// The TSA's policy OID.
    pub policy: String,
    /// The CA certificates (PEM) the token was checked against when it arrived.
    pub ca_pem: String,
    /// The TimeStampToken (DER), base64: what `openssl ts -verify -token_in` reads.
    pub token: String,
}

impl AnchorPayload {
    pub(crate) fn new(covers_seq: u64, covers_hash: &[u8; 32], tsa: &TsaConfig, s: &Stamp) -> Self {
        Self {
            covers_seq,
            covers_hash: hex::encode(covers_hash),
            tsa_url: tsa.url.clone(),
            tsa_name: s.tsa_name.clone(),
            gen_time: s.gen_time.clone(),
            serial: s.serial.clone(),
            policy: s.policy.clone(),
            ca_pem: tsa.ca_pem.clone(),
            token: base64::engine::general_purpose::STANDARD.encode(&s.token),
        }
    }

    /// The token's DER bytes.
    pub(crate) fn token_der(&self) -> Result<Vec<u8>> {
        base64::engine::general_purpose::STANDARD
            .decode(&self.token)
            .map_err(|_| Error::integrity("an anchor's time-stamp token is not valid base64"))
    }

    /// The covered hash as bytes.
    pub(crate) fn covers_digest(&self) -> Result<[u8; 32]> {
        hex::decode(&self.covers_hash)
            .ok()
            .and_then(|v| <[u8; 32]>::try_from(v).ok())
            .ok_or_else(|| Error::integrity("an anchor's covered hash is malformed"))
    }

    /// Checks the token again, offline: signature, chain to the recorded CA, time-stamping usage, and that its
    /// imprint is the covered hash and its time the recorded time.
    pub(crate) fn check(&self) -> Result<Stamp> {
        let stamp =
            crate::tsa::verify_token(&self.token_der()?, &self.covers_digest()?, &self.ca_pem)?;
        if stamp.gen_time != self.gen_time {
            return Err(Error::integrity(format!(
                "the anchor says {} but its token says {}",
                self.gen_time, stamp.gen_time
            )));
        }
        Ok(stamp)
    }

    pub(crate) fn view(&self, seq: u64) -> AnchorView {
        AnchorView {
            seq,
            covers_seq: self.covers_seq,
            covers_hash: self.covers_hash.clone(),
            tsa_url: self.tsa_url.clone(),
            tsa_name: self.tsa_name.clone(),
            gen_time: self.gen_time.clone(),
        }
    }
}

/// An anchor as the app and the CLI show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnchorView {
    /// The `anchor.recorded` entry.
    #[ts(type = "number")]
    pub seq: u64,
    /// The entry it covers: every entry up to this one existed no later than `gen_time`.
    #[ts(type = "number")]
    pub covers_seq: u64,
    /// That entry's hash, hex.
    pub covers_hash: String,
    /// The TSA's address.
    pub tsa_url: String,
    /// The TSA's name (its certificate's subject).
    pub tsa_name: String,
    /// The time the TSA signed, RFC 3339 UTC.
    pub gen_time: String,
}

/// A configured Time-Stamping Authority (kept in the vault's settings, not in the record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TsaSetting {
    /// A short name to show.
    pub name: String,
    /// Where requests go (http://).
    pub url: String,
    /// The CA certificates its tokens must chain to (PEM).
    pub ca_pem: String,
}

impl TsaSetting {
    /// The configuration the network side needs.
    pub fn config(&self) -> TsaConfig {
        TsaConfig {
            url: self.url.clone(),
            ca_pem: self.ca_pem.clone(),
        }
    }
}

/// The retry queue after a failed attempt: anchoring is tried again, later and later, never on the logging
/// path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnchorQueue {
    /// Failed attempts in a row.
    pub attempts: u32,
    /// When the last attempt was made (RFC 3339 UTC).
    pub last_try_at: String,
    /// Not before this time (RFC 3339 UTC).
    pub next_try_at: String,
    /// Why the last attempt failed, in words.
    pub last_error: String,
}

/// Back-off after `attempts` failures: 1, 2, 4 … minutes, at most an hour.
pub(crate) fn backoff_minutes(attempts: u32) -> i64 {
    (1i64 << attempts.saturating_sub(1).min(6)).min(60)
}

/// Where the record stands with trusted time.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnchorStatus {
    /// Network anchoring is on.
    pub enabled: bool,
    /// The TSAs it uses.
    pub tsas: Vec<TsaSetting>,
    /// The latest anchor, if any.
    pub last: Option<AnchorView>,
    /// Entries recorded since the head the latest anchor covers (anchors themselves not counted): their times
    /// rest on this computer's clock alone until they are anchored.
    #[ts(type = "number")]
    pub unanchored: u64,
    /// When the oldest of those was recorded (device clock).
    pub oldest_unanchored_at: Option<String>,
    /// A failed attempt waiting to be retried, if any.
    pub queued: Option<AnchorQueue>,
}

/// The outcome of asking one TSA.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnchorAttempt {
    /// The TSA's address.
    pub tsa_url: String,
    /// The anchor recorded, if the token was good.
    pub anchor: Option<AnchorView>,
    /// Already anchored by this TSA at this head: nothing new was asked.
    pub already: bool,
    /// Why it failed, in words.
    pub error: Option<String>,
}

/// A time-stamp to ask for: the head to cover and where to ask. Made quickly under the vault, carried out
/// without it (the network may be slow or absent), recorded quickly under it again.
pub struct AnchorJob {
    /// The entry to cover (the head when the job was made).
    pub covers_seq: u64,
    /// Its hash.
    pub covers_hash: [u8; 32],
    /// The TSAs to ask, with those that already anchored this head left out.
    pub tsas: Vec<TsaConfig>,
    /// The TSAs left out because they already anchored this head.
    pub already: Vec<String>,
}

/// Checks a TSA address before it is kept: plain http:// (the token is signed, so TLS adds no integrity).
pub(crate) fn check_url(url: &str) -> Result<()> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        Error::invalid(format!(
            "'{url}' is not an http:// address: only plain http time-stamping services are supported"
        ))
        .with_hint("Time-stamping services publish an http:// address; the token they return is signed.")
    })?;
    if rest.is_empty() || rest.starts_with('/') || rest.chars().any(char::is_whitespace) {
        return Err(Error::invalid(format!("'{url}' is not a valid address")));
    }
    Ok(())
}

/// Checks that a CA file holds at least one PEM certificate (the token's chain is checked against it later).
pub(crate) fn check_ca_pem(pem: &str) -> Result<()> {
    if pem.contains("-----BEGIN CERTIFICATE-----") && pem.contains("-----END CERTIFICATE-----") {
        Ok(())
    } else {
        Err(Error::invalid(
            "the CA file holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
        ))
    }
}

/// The default TSAs and their roots (assets/tsa/: chosen because their tokens chain to roots in Debian's
/// ca-certificates; see assets/tsa/README.md for the sources).
const DEFAULT_LIST: &str = include_str!("../../../assets/tsa/tsas.json");
const DEFAULT_ROOTS: &[(&str, &str)] = &[
    (
        "DigiCert_Trusted_Root_G4.pem",
        include_str!("../../../assets/tsa/DigiCert_Trusted_Root_G4.pem"),
    ),
    (
        "USERTrust_RSA_Certification_Authority.pem",
        include_str!("../../../assets/tsa/USERTrust_RSA_Certification_Authority.pem"),
    ),
    (
        "GlobalSign_Root_CA_-_R6.pem",
        include_str!("../../../assets/tsa/GlobalSign_Root_CA_-_R6.pem"),
    ),
];

/// The TSAs offered until the person changes the list (anchoring itself stays off until they turn it on).
pub fn default_tsas() -> Vec<TsaSetting> {
    #[derive(Deserialize)]
    struct Listed {
        name: String,
        url: String,
        ca: Vec<String>,
    }
    let listed: Vec<Listed> = serde_json::from_str(DEFAULT_LIST).unwrap_or_default();
    listed
        .into_iter()
        .map(|l| TsaSetting {
            name: l.name,
            url: l.url,
            ca_pem: l
                .ca
                .iter()
                .filter_map(|f| DEFAULT_ROOTS.iter().find(|(n, _)| n == f).map(|(_, p)| *p))
                .collect::<Vec<_>>()
                .join(""),
        })
        .collect()
}

/// Whether `ca_pem` holds at least one certificate and every one of them is a public root Evident ships
/// (assets/tsa/: roots found in Debian's ca-certificates and the other common trust stores), so a recipient
/// can check a token against their own system's roots instead of the file the diarist supplied.
pub(crate) fn is_public_root(ca_pem: &str) -> bool {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    let shipped: Vec<String> = DEFAULT_ROOTS.iter().map(|(_, p)| squash(p)).collect();
    let mut rest = ca_pem;
    let mut seen = 0usize;
    while let Some(a) = rest.find(BEGIN) {
        let Some(len) = rest[a..].find(END) else {
            return false;
        };
        let block = squash(&rest[a..a + len + END.len()]);
        if !shipped.iter().any(|s| s.contains(&block)) {
            return false;
        }
        seen += 1;
        rest = &rest[a + len + END.len()..];
    }
    seen > 0
}

/// Which words a record fingerprint reads aloud with: 256 short, distinct, common English words.
const WORDS: [&str; 256] = [
    "acorn", "actor", "adult", "agent", "alarm", "album", "alley", "amber", "angle", "apple",
    "april", "apron", "arena", "arrow", "aspen", "atlas", "attic", "audio", "award", "bacon",
    "badge", "bagel", "baker", "banjo", "barge", "basil", "beach", "beard", "bench", "berry",
    "bison", "blade", "blank", "blaze", "bloom", "board", "bonus", "boots", "brass", "bread",
    "brick", "bride", "broom", "brush", "cabin", "cable", "camel", "candy", "canoe", "cargo",
    "carol", "cedar", "chair", "chalk", "charm", "chess", "chief", "china", "cider", "clerk",
    "cliff", "clock", "cloud", "coach", "coast", "cobra", "comet", "coral", "couch", "crane",
    "crate", "crown", "curry", "daisy", "dance", "delta", "denim", "depot", "diary", "diner",
    "disco", "dolly", "donor", "draft", "drama", "dream", "drill", "eagle", "easel", "elbow",
    "elder", "ember", "empty", "entry", "equal", "fable", "fairy", "feast", "fence", "ferry",
    "field", "flame", "flask", "fleet", "flock", "flute", "focus", "forge", "frame", "frost",
    "fruit", "giant", "glass", "globe", "glove", "grain", "grape", "grass", "gravy", "guard",
    "guide", "habit", "hazel", "heart", "hedge", "heron", "honey", "horse", "hotel", "house",
    "igloo", "image", "index", "inlet", "ivory", "jelly", "jewel", "joint", "judge", "juice",
    "kayak", "koala", "label", "lemon", "level", "lilac", "linen", "llama", "lodge", "lotus",
    "lunar", "magic", "mango", "maple", "march", "medal", "melon", "metro", "mocha", "model",
    "money", "moose", "motor", "mouse", "music", "nerve", "noble", "north", "novel", "nurse",
    "oasis", "ocean", "olive", "onion", "opera", "orbit", "otter", "owner", "paint", "panda",
    "paper", "party", "pasta", "peach", "pearl", "pedal", "piano", "pilot", "pizza", "plaza",
    "polar", "poppy", "porch", "pouch", "prism", "quail", "queen", "quilt", "radar", "radio",
    "raven", "relay", "rhino", "river", "robin", "rover", "royal", "rugby", "salad", "salon",
    "sauce", "scarf", "scout", "shark", "sheep", "shelf", "shell", "siren", "skate", "slate",
    "snack", "solar", "spice", "spoon", "squad", "stamp", "steam", "stone", "storm", "straw",
    "sugar", "swamp", "table", "tango", "tiger", "toast", "topaz", "torch", "tower", "train",
    "trout", "tulip", "tuner", "uncle", "union", "urban", "valve", "vault", "video", "villa",
    "vinyl", "viola", "wagon", "waltz", "whale", "wheat",
];

/// A record fingerprint: the head's number and hash, and six words that read its first six bytes aloud, to
/// copy into an email or a text to the council's single point of contact or an officer. A later pack shows
/// the same head at that number, so whoever holds the message can confirm the record existed by then.
pub fn fingerprint(seq: u64, entry_hash: &[u8; 32]) -> String {
    let words: Vec<&str> = entry_hash[..6]
        .iter()
        .map(|b| WORDS[usize::from(*b)])
        .collect();
    format!(
        "Evident record fingerprint: entry {seq}, SHA-256 {} ({})",
        hex::encode(entry_hash),
        words.join(" ")
    )
}

/// How far apart two TSAs' clocks may be before anchors' times count as going backwards.
const ANCHOR_TOLERANCE_MINUTES: i64 = 10;
/// How long before its first anchor an entry may have been recorded before the gap is noted.
const GAP_HOURS: i64 = 24;
/// How far an entry's recorded time may be behind an earlier anchor before the device clock is noted as behind.
const CLOCK_BEHIND_MINUTES: i64 = 60;

/// The anchors met while walking a chain (a vault's journal, or a chain proof): each checked offline against
/// the chain so far, with the times they establish.
#[derive(Default)]
pub(crate) struct AnchorLedger {
    pub(crate) views: Vec<AnchorView>,
    /// (covers_seq, time) of each good anchor so far.
    times: Vec<(u64, chrono::DateTime<chrono::Utc>)>,
    /// The latest anchor time met, and the entry that recorded it.
    latest: Option<(u64, chrono::DateTime<chrono::Utc>)>,
}

impl AnchorLedger {
    /// Checks the anchor entry `seq` (its payload bytes) against `hashes` (entry hashes from 1 up, at least up to
    /// the entry before it). Returns the first failure, if any.
    pub(crate) fn check(
        &mut self,
        seq: u64,
        payload: &[u8],
        hashes: &[[u8; 32]],
    ) -> Option<(FailureCode, String)> {
        let p: AnchorPayload = match serde_json::from_slice(payload) {
            Ok(p) => p,
            Err(err) => {
                return Some((
                    FailureCode::AnchorInvalid,
                    format!("anchor (entry {seq}) is malformed: {err}"),
                ));
            }
        };
        let covered = usize::try_from(p.covers_seq)
            .ok()
            .and_then(|s| s.checked_sub(1))
            .and_then(|i| hashes.get(i));
        if p.covers_seq >= seq || covered.map(hex::encode) != Some(p.covers_hash.clone()) {
            return Some((
                FailureCode::AnchorMismatch,
                format!(
                    "anchor (entry {seq}) says it covers entry {} but that is not the hash of entry {} in this chain",
                    p.covers_seq, p.covers_seq
                ),
            ));
        }
        if let Err(err) = p.check() {
            return Some((
                FailureCode::AnchorInvalid,
                format!(
                    "anchor (entry {seq}) from {} does not verify: {}",
                    p.tsa_url,
                    err.message()
                ),
            ));
        }
        self.views.push(p.view(seq));
        let Ok(t) = crate::time::parse_rfc3339(&p.gen_time).map(|t| t.with_timezone(&chrono::Utc))
        else {
            return None;
        };
        let tolerance = chrono::Duration::minutes(ANCHOR_TOLERANCE_MINUTES);
        if let Some((_, before)) = self
            .times
            .iter()
            .filter(|(c, _)| *c < p.covers_seq)
            .max_by_key(|(_, t)| *t)
        {
            if t + tolerance < *before {
                return Some((
                    FailureCode::AnchorTimeOrder,
                    format!(
                        "anchor (entry {seq}) stamps a later part of the chain at {}, earlier than an anchor of an earlier part ({}): anchors' times go backwards",
                        p.gen_time,
                        crate::time::rfc3339_utc(*before)
                    ),
                ));
            }
        }
        self.times.push((p.covers_seq, t));
        if self.latest.is_none_or(|(_, l)| t > l) {
            self.latest = Some((seq, t));
        }
        None
    }

    /// Notes entries whose recorded time (the device clock) is well before the first anchor that covers them:
    /// they are proven to exist only since that anchor. A chain rebuilt later with a clock set back shows here.
    pub(crate) fn note_gaps(&self, recorded: &[String], notices: &mut Vec<String>) {
        let firsts = first_anchor_times(&self.views, recorded.len());
        let mut run: Option<(usize, usize, chrono::Duration)> = None;
        let flush = |run: &mut Option<(usize, usize, chrono::Duration)>,
                     notices: &mut Vec<String>| {
            if let Some((a, b, gap)) = run.take() {
                if let Some(Some((t, tsa))) = firsts.get(a) {
                    notices.push(format!(
                        "entries {}–{} were recorded, by this computer's clock, from {} — up to {} days before the first time-stamp that covers them: they are proven to exist only since {} ({tsa})",
                        a + 1,
                        b + 1,
                        recorded.get(a).map(String::as_str).unwrap_or(""),
                        gap.num_days(),
                        crate::time::rfc3339_utc(*t),
                    ));
                }
            }
        };
        for (i, at) in recorded.iter().enumerate() {
            let gap = match (firsts.get(i), crate::time::parse_rfc3339(at)) {
                (Some(Some((t, _))), Ok(at)) => Some(*t - at.with_timezone(&chrono::Utc)),
                _ => None,
            };
            match gap.filter(|g| *g > chrono::Duration::hours(GAP_HOURS)) {
                Some(g) => {
                    let same_anchor = run
                        .as_ref()
                        .is_some_and(|(a, _, _)| firsts.get(*a) == firsts.get(i));
                    if same_anchor {
                        if let Some(r) = run.as_mut() {
                            r.1 = i;
                            r.2 = r.2.max(g);
                        }
                    } else {
                        flush(&mut run, notices);
                        run = Some((i, i, g));
                    }
                }
                None => flush(&mut run, notices),
            }
        }
        flush(&mut run, notices);
    }

    /// Notes an entry recorded, by the device clock, well before an anchor that precedes it in the chain.
    pub(crate) fn note_clock(&self, seq: u64, recorded_at: &str, notices: &mut Vec<String>) {
        let Some((anchor_seq, t)) = self.latest else {
            return;
        };
        if seq <= anchor_seq || notices.len() >= 100 {
            return;
        }
        if let Ok(at) = crate::time::parse_rfc3339(recorded_at) {
            if at.with_timezone(&chrono::Utc) + chrono::Duration::minutes(CLOCK_BEHIND_MINUTES) < t
            {
                notices.push(format!(
                    "entry {seq} was recorded at {recorded_at} by this computer's clock, but an anchor before it (entry {anchor_seq}) was stamped at {}: the clock was behind",
                    crate::time::rfc3339_utc(t)
                ));
            }
        }
    }
}

/// For each entry (by index, seq − 1), the earliest time of an anchor that covers it, and that anchor's TSA.
pub(crate) fn first_anchor_times(
    anchors: &[AnchorView],
    entries: usize,
) -> Vec<Option<(chrono::DateTime<chrono::Utc>, String)>> {
    let mut out: Vec<Option<(chrono::DateTime<chrono::Utc>, String)>> = vec![None; entries];
    // An anchor covering entry c covers every entry up to c: walk from the end keeping the earliest so far.
    let mut by_cover: Vec<(usize, chrono::DateTime<chrono::Utc>, String)> = anchors
        .iter()
        .filter_map(|a| {
            let t = crate::time::parse_rfc3339(&a.gen_time).ok()?;
            Some((
                usize::try_from(a.covers_seq).ok()?,
                t.with_timezone(&chrono::Utc),
                a.tsa_name.clone(),
            ))
        })
        .collect();
    by_cover.sort_by_key(|x| std::cmp::Reverse(x.0));
    let mut best: Option<(chrono::DateTime<chrono::Utc>, String)> = None;
    let mut k = 0;
    for idx in (0..entries).rev() {
        while k < by_cover.len() && by_cover[k].0 > idx {
            let (_, t, n) = &by_cover[k];
            if best.as_ref().is_none_or(|(b, _)| t < b) {
                best = Some((*t, n.clone()));
            }
            k += 1;
        }
        out[idx] = best.clone();
    }
    out
}

/// Checks every revealed `anchor.recorded` entry of a chain proof (docs/FORMAT.md §5) against the proof's own
/// entry hashes, offline, with the CA certificates recorded in each anchor. Call after [`crate::journal::verify_chain`]
/// has accepted the proof. Returns the anchors, or the first failure.
pub fn check_proof(proof: &ChainProof) -> std::result::Result<Vec<AnchorView>, ChainFailure> {
    let mut ledger = AnchorLedger::default();
    let mut hashes: Vec<[u8; 32]> = Vec::with_capacity(proof.entries.len());
    for e in &proof.entries {
        if let (Some(kind), Some(payload)) = (&e.kind, &e.payload) {
            if kind == crate::journal::EntryKind::AnchorRecorded.as_str() {
                if let Some((error, message)) = ledger.check(e.seq, payload.as_bytes(), &hashes) {
                    return Err(ChainFailure {
                        error,
                        seq: e.seq,
                        message,
                    });
                }
            }
        }
        let h = hex::decode(&e.entry_hash)
            .ok()
            .and_then(|v| <[u8; 32]>::try_from(v).ok())
            .unwrap_or([0u8; 32]);
        hashes.push(h);
    }
    Ok(ledger.views)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_tsas_have_their_roots() {
        let d = default_tsas();
        assert!(d.len() >= 2);
        for t in &d {
            assert!(t.url.starts_with("http://"), "{}", t.url);
            assert!(check_ca_pem(&t.ca_pem).is_ok(), "{} has no root", t.name);
        }
    }

    #[test]
    fn words_are_distinct_and_fingerprints_stable() {
        let mut w = WORDS.to_vec();
        w.sort_unstable();
        w.dedup();
        assert_eq!(w.len(), 256);
        let f = fingerprint(42, &[0u8; 32]);
        assert!(f.contains("entry 42"));
        assert!(f.ends_with("(acorn acorn acorn acorn acorn acorn)"));
        assert_eq!(backoff_minutes(1), 1);
        assert_eq!(backoff_minutes(3), 4);
        assert_eq!(backoff_minutes(50), 60);
    }
}
