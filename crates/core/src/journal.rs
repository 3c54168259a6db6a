//! The journal: the append-only, hash-chained record of every change. Owns its byte format (frozen in
//! docs/FORMAT.md), its store (the `journal` table: append and read entries) and its proofs ([`verify_chain`]
//! checks a chain proof by the same rules a recipient applies). A leaf: it knows nothing of incidents or people;
//! what an entry means for the state is the projection's business.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::check::FailureCode;
use crate::error::{Error, Result};

/// Tag that starts every body hash input (docs/FORMAT.md §1).
const BODY_TAG: &[u8] = b"evident.entry.body.v1\0";
/// Tag that starts every entry hash input (docs/FORMAT.md §1).
const LINK_TAG: &[u8] = b"evident.entry.link.v1\0";

/// The kinds of journal entry (docs/FORMAT.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// The vault was created.
    VaultCreated,
    /// An incident was recorded.
    IncidentRecorded,
    /// An incident was amended.
    IncidentAmended,
    /// A person was recorded.
    PersonRecorded,
    /// A person was amended.
    PersonAmended,
    /// A person was linked to an incident.
    PersonLinked,
    /// A person was unlinked from an incident.
    PersonUnlinked,
    /// An attachment was added.
    AttachmentAdded,
    /// An attachment was withdrawn (bytes purged).
    AttachmentWithdrawn,
    /// How an attachment was captured and on which device, in the diarist's words.
    AttachmentDescribed,
    /// A report to an authority was logged.
    ReportLogged,
    /// An evidence pack was exported.
    PackExported,
    /// A key slot changed.
    KeyChanged,
    /// An RFC 3161 time-stamp of an earlier head was recorded (an anchor).
    AnchorRecorded,
    /// The vault's signing key was made; its public key is recorded.
    SigningKeyCreated,
    /// The person acknowledged an integrity problem noticed at an open, with a reason.
    IntegrityAcknowledged,
    /// An export's manifest: the incidents and people a pack holds and the latest entry about each
    /// (docs/FORMAT.md §6); the head of that pack's chain proof.
    PackManifest,
}

impl EntryKind {
    /// The kind's string in the journal.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VaultCreated => "vault.created",
            Self::IncidentRecorded => "incident.recorded",
            Self::IncidentAmended => "incident.amended",
            Self::PersonRecorded => "person.recorded",
            Self::PersonAmended => "person.amended",
            Self::PersonLinked => "incident.person_linked",
            Self::PersonUnlinked => "incident.person_unlinked",
            Self::AttachmentAdded => "attachment.added",
            Self::AttachmentWithdrawn => "attachment.withdrawn",
            Self::AttachmentDescribed => "attachment.described",
            Self::ReportLogged => "report.logged",
            Self::PackExported => "pack.exported",
            Self::KeyChanged => "vault.key_changed",
            Self::AnchorRecorded => "anchor.recorded",
            Self::SigningKeyCreated => "vault.signing_key",
            Self::IntegrityAcknowledged => "vault.integrity_acknowledged",
            Self::PackManifest => "pack.manifest",
        }
    }

    /// Parses a kind string.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::VaultCreated,
            Self::IncidentRecorded,
            Self::IncidentAmended,
            Self::PersonRecorded,
            Self::PersonAmended,
            Self::PersonLinked,
            Self::PersonUnlinked,
            Self::AttachmentAdded,
            Self::AttachmentWithdrawn,
            Self::AttachmentDescribed,
            Self::ReportLogged,
            Self::PackExported,
            Self::KeyChanged,
            Self::AnchorRecorded,
            Self::SigningKeyCreated,
            Self::IntegrityAcknowledged,
            Self::PackManifest,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One journal entry as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// Sequence number from 1.
    pub seq: u64,
    /// Device clock (UTC) at commit.
    pub recorded_at: String,
    /// Kind string.
    pub kind: String,
    /// Payload bytes (UTF-8 JSON).
    pub payload: Vec<u8>,
    /// SHA-256 of the payload.
    pub payload_hash: [u8; 32],
    /// Body hash.
    pub body_hash: [u8; 32],
    /// Previous entry's hash (zeros for the first).
    pub prev_hash: [u8; 32],
    /// This entry's hash.
    pub entry_hash: [u8; 32],
    /// The openings of the payload's committed values (version 2, docs/FORMAT.md §6), JSON: kept beside the
    /// entry, outside its hash. `None` for a payload without commitments.
    pub openings: Option<String>,
}

impl Entry {
    /// The payload with its committed values opened (version 2), or as stored (version 1): what the entry says.
    /// Fails when an opening does not match its commitment (the entry's values were changed).
    pub fn opened(&self) -> Result<serde_json::Value> {
        let v: serde_json::Value = serde_json::from_slice(&self.payload).map_err(|e| {
            Error::integrity(format!("entry {} has an unreadable payload: {e}", self.seq))
        })?;
        let openings: crate::commitment::Openings = match &self.openings {
            Some(o) => serde_json::from_str(o).map_err(|e| {
                Error::integrity(format!("entry {} has unreadable openings: {e}", self.seq))
            })?,
            None => Default::default(),
        };
        crate::commitment::open(&v, &openings)
            .map_err(|why| Error::integrity(format!("entry {}: {why}", self.seq)))
    }

    /// The opened payload as `T`.
    pub fn opened_as<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_value(self.opened()?).map_err(|err| {
            Error::integrity(format!(
                "entry {} has an unreadable payload: {err}",
                self.seq
            ))
        })
    }
}

/// The head of the journal: the last entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Head {
    /// Sequence number of the last entry (0 for an empty journal).
    pub seq: u64,
    /// Its entry hash.
    pub entry_hash: [u8; 32],
}

/// `payload_hash` per docs/FORMAT.md §1.
pub fn payload_hash(payload: &[u8]) -> [u8; 32] {
    Sha256::digest(payload).into()
}

fn put_str(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_be_bytes());
    h.update(s.as_bytes());
}

/// `body_hash` per docs/FORMAT.md §1.
pub fn body_hash(recorded_at: &str, kind: &str, payload_hash: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(BODY_TAG);
    put_str(&mut h, recorded_at);
    put_str(&mut h, kind);
    h.update(payload_hash);
    h.finalize().into()
}

/// `entry_hash` per docs/FORMAT.md §1.
pub fn entry_hash(seq: u64, prev_hash: &[u8; 32], body_hash: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(LINK_TAG);
    h.update(seq.to_be_bytes());
    h.update(prev_hash);
    h.update(body_hash);
    h.finalize().into()
}

/// 16 random bytes as 32 hex digits.
pub(crate) fn random_hex16() -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b)
        .map_err(|e| Error::internal(format!("no randomness available: {e}")))?;
    Ok(hex::encode(b))
}

/// The payload version this code writes (docs/FORMAT.md §3, §6).
pub const PAYLOAD_VERSION: u64 = 2;

/// The members whose values are committed (docs/FORMAT.md §6): every member of the record object, and the old
/// and new value of every change.
const RECORD_OBJECTS: &[&str] = &["incident", "person", "report"];

/// A back-link to the previous entry about the same incident or person (docs/FORMAT.md §6).
fn back_link(prev: Option<(u64, [u8; 32])>) -> serde_json::Value {
    match prev {
        Some((seq, hash)) => serde_json::json!({ "seq": seq, "entry_hash": hex::encode(hash) }),
        None => serde_json::Value::Null,
    }
}

/// The newest entry whose `column` (`incident_id` or `person_id`) is `id`.
fn latest_about(
    tx: &rusqlite::Connection,
    column: &str,
    id: i64,
) -> Result<Option<(u64, [u8; 32])>> {
    let sql = format!(
        "SELECT seq, entry_hash FROM journal WHERE {column} = ?1 ORDER BY seq DESC LIMIT 1"
    );
    Ok(tx
        .query_row(&sql, [id], |r| {
            Ok((r.get::<_, i64>(0)? as u64, to32(r.get(1)?)?))
        })
        .optional()?)
}

/// The newest entry about an incident (any kind naming its `incident_id`).
pub(crate) fn latest_about_incident(
    tx: &rusqlite::Connection,
    id: i64,
) -> Result<Option<(u64, [u8; 32])>> {
    latest_about(tx, "incident_id", id)
}

/// The newest `person.recorded` or `person.amended` entry of a person.
pub(crate) fn latest_about_person(
    tx: &rusqlite::Connection,
    id: i64,
) -> Result<Option<(u64, [u8; 32])>> {
    latest_about(tx, "person_id", id)
}

/// The person a `person.recorded`/`person.amended` payload is about: such entries form one person's chain.
fn subject_person(kind: &str, v: &serde_json::Value) -> Option<i64> {
    (kind == EntryKind::PersonRecorded.as_str() || kind == EntryKind::PersonAmended.as_str())
        .then(|| v.get("person_id").and_then(|p| p.as_i64()))
        .flatten()
}

/// Serialises a payload as version 2 (docs/FORMAT.md §3, §6): `v`, a fresh random `salt`, the back-links to the
/// previous entry about the same incident or person (read from `tx`), and its record values committed. Returns the
/// payload bytes and the openings (JSON), if any.
pub(crate) fn encode_payload<T: Serialize>(
    tx: &rusqlite::Connection,
    kind: EntryKind,
    payload: &T,
) -> Result<(Vec<u8>, Option<String>)> {
    let mut v = serde_json::to_value(payload)?;
    let obj = v
        .as_object_mut()
        .ok_or_else(|| Error::internal("journal payload must be an object"))?;
    obj.insert("v".into(), PAYLOAD_VERSION.into());
    obj.insert("salt".into(), random_hex16()?.into());
    if let Some(id) = obj.get("incident_id").and_then(|i| i.as_i64()) {
        obj.insert(
            "prev_in_incident".into(),
            back_link(latest_about_incident(tx, id)?),
        );
    }
    if let Some(id) = subject_person(kind.as_str(), &serde_json::Value::Object(obj.clone())) {
        obj.insert(
            "prev_in_person".into(),
            back_link(latest_about_person(tx, id)?),
        );
    }
    let mut openings = crate::commitment::Openings::new();
    let mut commit = |x: &mut serde_json::Value| -> Result<()> {
        crate::commitment::commit(x, random_hex16()?, &mut openings).map_err(Error::internal)
    };
    for name in RECORD_OBJECTS {
        if let Some(rec) = obj.get_mut(*name).and_then(|r| r.as_object_mut()) {
            for x in rec.values_mut() {
                commit(x)?;
            }
        }
    }
    if let Some(changes) = obj.get_mut("changes").and_then(|c| c.as_array_mut()) {
        for c in changes.iter_mut().filter_map(|c| c.as_object_mut()) {
            for side in ["old", "new"] {
                if let Some(x) = c.get_mut(side) {
                    commit(x)?;
                }
            }
        }
    }
    let openings = if openings.is_empty() {
        None
    } else {
        Some(serde_json::to_string(&openings)?)
    };
    Ok((serde_json::to_vec(&v)?, openings))
}

fn to32(v: Vec<u8>) -> rusqlite::Result<[u8; 32]> {
    v.try_into().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Blob,
            "hash is not 32 bytes".into(),
        )
    })
}

/// Reads the head inside a transaction or connection.
pub fn head_in(conn: &rusqlite::Connection) -> Result<Head> {
    Ok(conn
        .query_row(
            "SELECT seq, entry_hash FROM journal ORDER BY seq DESC LIMIT 1",
            [],
            |r| {
                Ok(Head {
                    seq: r.get::<_, i64>(0)? as u64,
                    entry_hash: to32(r.get(1)?)?,
                })
            },
        )
        .optional()?
        .unwrap_or_default())
}

/// Appends one entry inside the caller's transaction. The recorded-at time is the system clock now.
pub(crate) fn append<T: Serialize>(
    tx: &rusqlite::Connection,
    kind: EntryKind,
    payload: &T,
) -> Result<Entry> {
    let (bytes, openings) = encode_payload(tx, kind, payload)?;
    append_raw(
        tx,
        kind.as_str(),
        bytes,
        openings,
        &crate::time::now_utc().1,
    )
}

pub(crate) fn append_raw(
    tx: &rusqlite::Connection,
    kind: &str,
    payload: Vec<u8>,
    openings: Option<String>,
    recorded_at: &str,
) -> Result<Entry> {
    let head = head_in(tx)?;
    let seq = head.seq + 1;
    let ph = payload_hash(&payload);
    let bh = body_hash(recorded_at, kind, &ph);
    let eh = entry_hash(seq, &head.entry_hash, &bh);
    let parsed = serde_json::from_slice::<serde_json::Value>(&payload).ok();
    let incident_id = parsed
        .as_ref()
        .and_then(|v| v.get("incident_id").and_then(|i| i.as_i64()));
    let person_id = parsed.as_ref().and_then(|v| subject_person(kind, v));
    tx.execute(
        "INSERT INTO journal (seq, recorded_at, kind, payload, payload_hash, body_hash, prev_hash, entry_hash, incident_id, person_id, openings)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![seq as i64, recorded_at, kind, payload, &ph[..], &bh[..], &head.entry_hash[..], &eh[..], incident_id, person_id, openings],
    )?;
    Ok(Entry {
        seq,
        recorded_at: recorded_at.to_string(),
        kind: kind.to_string(),
        payload,
        payload_hash: ph,
        body_hash: bh,
        prev_hash: head.entry_hash,
        entry_hash: eh,
        openings,
    })
}

pub(crate) fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        seq: r.get::<_, i64>(0)? as u64,
        recorded_at: r.get(1)?,
        kind: r.get(2)?,
        payload: r.get(3)?,
        payload_hash: to32(r.get(4)?)?,
        body_hash: to32(r.get(5)?)?,
        prev_hash: to32(r.get(6)?)?,
        entry_hash: to32(r.get(7)?)?,
        openings: r.get(8)?,
    })
}

/// Columns for [`entry_from_row`].
pub(crate) const ENTRY_COLUMNS: &str =
    "seq, recorded_at, kind, payload, payload_hash, body_hash, prev_hash, entry_hash, openings";

/// Entries whose payload names this incident, in order.
pub(crate) fn entries_of_incident(
    conn: &rusqlite::Connection,
    incident_id: i64,
) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM journal WHERE incident_id = ?1 ORDER BY seq"
    ))?;
    let rows = stmt.query_map([incident_id], entry_from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// One entry of a chain proof (docs/FORMAT.md §4): revealed when `recorded_at`, `kind`, `payload` are present.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProofEntry {
    /// Sequence number.
    #[ts(type = "number")]
    pub seq: u64,
    /// Entry hash, hex.
    pub entry_hash: String,
    /// Body hash, hex.
    pub body_hash: String,
    /// Recorded-at (revealed entries).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub recorded_at: Option<String>,
    /// Kind (revealed entries).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub kind: Option<String>,
    /// Payload text (revealed entries): its UTF-8 bytes are exactly the hashed payload.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub payload: Option<String>,
    /// The openings of the payload's committed values (revealed version-2 entries, docs/FORMAT.md §6), each the
    /// value or the diarist's redaction.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[ts(type = "Record<string, unknown> | undefined")]
    pub openings: Option<crate::commitment::Openings>,
}

impl ProofEntry {
    /// This entry as a journal entry (hashes left zero), if revealed: what the replay reads.
    pub fn as_entry(&self) -> Option<Entry> {
        let (Some(at), Some(kind), Some(payload)) = (&self.recorded_at, &self.kind, &self.payload)
        else {
            return None;
        };
        Some(Entry {
            seq: self.seq,
            recorded_at: at.clone(),
            kind: kind.clone(),
            payload: payload.as_bytes().to_vec(),
            payload_hash: [0; 32],
            body_hash: [0; 32],
            prev_hash: [0; 32],
            entry_hash: [0; 32],
            openings: self
                .openings
                .as_ref()
                .and_then(|o| serde_json::to_string(o).ok()),
        })
    }
}

/// The head stated by a chain proof.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProofHead {
    /// Sequence number.
    #[ts(type = "number")]
    pub seq: u64,
    /// Entry hash, hex.
    pub entry_hash: String,
}

/// A chain proof: every entry from 1 to the head, some revealed (docs/FORMAT.md §4).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChainProof {
    /// `evident-chain-proof/1`.
    pub format: String,
    /// The head.
    pub head: ProofHead,
    /// The entries.
    pub entries: Vec<ProofEntry>,
}

/// Format string of chain proofs.
pub const PROOF_FORMAT: &str = "evident-chain-proof/1";

/// A failure found when checking a chain, with the entry it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChainFailure {
    /// Stable code (docs/FORMAT.md §2).
    pub error: FailureCode,
    /// The entry.
    #[ts(type = "number")]
    pub seq: u64,
    /// Plain-English explanation.
    pub message: String,
}

fn fail(error: FailureCode, seq: u64, message: String) -> ChainFailure {
    ChainFailure {
        error,
        seq,
        message,
    }
}

fn parse_hex32(s: &str) -> Option<[u8; 32]> {
    let v = hex::decode(s).ok()?;
    v.try_into().ok()
}

/// Checks a chain proof by the rules of docs/FORMAT.md §2. Returns the first failure, or `Ok` with the number
/// of revealed entries.
pub fn verify_chain(proof: &ChainProof) -> std::result::Result<usize, ChainFailure> {
    if proof.format != PROOF_FORMAT {
        return Err(fail(
            FailureCode::Format,
            0,
            format!("unknown chain proof format '{}'", proof.format),
        ));
    }
    let mut prev = [0u8; 32];
    let mut expected = 1u64;
    let mut revealed = 0usize;
    for e in &proof.entries {
        if e.seq != expected {
            return Err(fail(
                FailureCode::SeqGap,
                e.seq,
                format!(
                    "entry {} follows entry {}: entries are missing or out of order",
                    e.seq,
                    expected - 1
                ),
            ));
        }
        let body = parse_hex32(&e.body_hash).ok_or_else(|| {
            fail(
                FailureCode::BodyHashMismatch,
                e.seq,
                format!("entry {} has a malformed body hash", e.seq),
            )
        })?;
        match (&e.recorded_at, &e.kind, &e.payload) {
            (Some(at), Some(kind), Some(payload)) => {
                let ok_payload = serde_json::from_str::<serde_json::Value>(payload)
                    .ok()
                    .and_then(|v| {
                        v.get("salt")
                            .and_then(|s| s.as_str())
                            .map(|s| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()))
                    })
                    .unwrap_or(false);
                if !ok_payload {
                    return Err(fail(
                        FailureCode::PayloadInvalid,
                        e.seq,
                        format!("entry {} has a payload that is not valid (no salt)", e.seq),
                    ));
                }
                let ph = payload_hash(payload.as_bytes());
                if body_hash(at, kind, &ph) != body {
                    return Err(fail(
                        FailureCode::BodyHashMismatch,
                        e.seq,
                        format!("entry {} ({kind}) has been changed: its content does not match its hash", e.seq),
                    ));
                }
                revealed += 1;
            }
            (None, None, None) => {}
            _ => {
                return Err(fail(
                    FailureCode::PayloadInvalid,
                    e.seq,
                    format!("entry {} is only partly revealed", e.seq),
                ));
            }
        }
        let stated = parse_hex32(&e.entry_hash);
        let computed = entry_hash(e.seq, &prev, &body);
        if stated != Some(computed) {
            return Err(fail(
                FailureCode::EntryHashMismatch,
                e.seq,
                format!(
                    "entry {} does not link to the entry before it: the chain is broken here",
                    e.seq
                ),
            ));
        }
        prev = computed;
        expected += 1;
    }
    let last = expected - 1;
    if proof.head.seq != last || parse_hex32(&proof.head.entry_hash) != Some(prev) {
        return Err(fail(
            FailureCode::HeadMismatch,
            proof.head.seq,
            format!(
                "the chain ends at entry {last}, which is not the stated head (entry {})",
                proof.head.seq
            ),
        ));
    }
    Ok(revealed)
}

/// A proof entry from a stored entry, revealed or withheld.
pub(crate) fn proof_entry(e: &Entry, reveal: bool) -> ProofEntry {
    ProofEntry {
        seq: e.seq,
        entry_hash: hex::encode(e.entry_hash),
        body_hash: hex::encode(e.body_hash),
        recorded_at: reveal.then(|| e.recorded_at.clone()),
        kind: reveal.then(|| e.kind.clone()),
        payload: if reveal {
            Some(String::from_utf8_lossy(&e.payload).into_owned())
        } else {
            None
        },
        openings: if reveal {
            e.openings
                .as_deref()
                .and_then(|o| serde_json::from_str(o).ok())
        } else {
            None
        },
    }
}
