//! Verification: the full check (SQLCipher page integrity, every entry's hash and link, every attachment's
//! bytes against the hash recorded when it was added, and the current state against a replay of the journal),
//! naming the first broken entry or attachment precisely.

use std::collections::{BTreeMap, HashMap};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::anchor::{AnchorLedger, AnchorView};
use crate::check::{CheckStatus, FailureCode};
use crate::error::Result;
use crate::journal::{self, EntryKind};
use crate::vault::Vault;

/// One problem found by a full check.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Problem {
    /// Stable code: `page_corrupt`, `seq_gap`, `body_hash_mismatch`, `entry_hash_mismatch`, `payload_invalid`,
    /// `attachment_mismatch`, `attachment_missing`, `state_mismatch`, `head_mismatch`.
    pub code: FailureCode,
    /// The journal entry concerned, if any.
    #[ts(type = "number | null")]
    pub seq: Option<u64>,
    /// The attachment concerned, if any.
    #[ts(type = "number | null")]
    pub attachment_id: Option<i64>,
    /// Plain-English explanation.
    pub message: String,
}

/// The result of a full check.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VerifyReport {
    /// True when nothing is wrong.
    pub ok: bool,
    /// Entries checked.
    #[ts(type = "number")]
    pub entries: u64,
    /// Attachments whose bytes were checked.
    #[ts(type = "number")]
    pub attachments: u64,
    /// Attachment bytes hashed.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Head entry hash, hex.
    pub head_hash: String,
    /// Problems, the first one first.
    pub problems: Vec<Problem>,
    /// Every anchor (RFC 3161 time-stamp) in the chain, each checked offline.
    pub anchors: Vec<AnchorView>,
    /// Things worth knowing that are not failures: e.g. the device clock went back between two entries (their
    /// order in the chain is still certain; their recorded times are as the clock said).
    pub notices: Vec<String>,
}

/// Progress of a full check.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VerifyProgress {
    /// `pages`, `journal`, `attachments`, `state`.
    pub phase: String,
    /// Done so far in this phase.
    #[ts(type = "number")]
    pub done: u64,
    /// Total for this phase.
    #[ts(type = "number")]
    pub total: u64,
}

fn problem(
    code: FailureCode,
    seq: Option<u64>,
    attachment_id: Option<i64>,
    message: String,
) -> Problem {
    Problem {
        code,
        seq,
        attachment_id,
        message,
    }
}

impl Vault {
    /// The full check. Never fails on damage: damage is reported in the result. Fails only if the check itself
    /// cannot run.
    pub fn verify(&self, progress: &mut dyn FnMut(VerifyProgress)) -> Result<VerifyReport> {
        let mut problems = Vec::new();
        let mut report = |p: &str, done: u64, total: u64| {
            progress(VerifyProgress {
                phase: p.to_string(),
                done,
                total,
            })
        };

        // 1. Every page's HMAC and the b-tree structure.
        report("pages", 0, 1);
        match page_check(&self.conn) {
            Ok(mut found) => problems.append(&mut found),
            Err(e) => problems.push(problem(
                FailureCode::PageCorrupt,
                None,
                None,
                format!("the database could not be read through: {e}"),
            )),
        }
        report("pages", 1, 1);

        // 2. The chain, entry by entry; collect what was added and withdrawn on the way.
        let total: u64 = self
            .conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM journal", [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap_or(0) as u64;
        let mut added: BTreeMap<i64, (String, u64, u64)> = BTreeMap::new();
        let mut withdrawn: HashMap<i64, u64> = HashMap::new();
        let mut prev = [0u8; 32];
        let mut expected = 1u64;
        let mut entries = 0u64;
        let replay = Replay::new(self.migrations)?;
        let mut hashes: Vec<[u8; 32]> = Vec::new();
        let mut links = crate::completeness::LinkCheck::default();
        let mut recorded: Vec<String> = Vec::new();
        let mut anchors = AnchorLedger::default();
        let mut chain_ok = true;
        let mut notices = Vec::new();
        let mut last_at = String::new();
        {
            let mut stmt = self.conn.prepare(&format!(
                "SELECT {} FROM journal ORDER BY seq",
                journal::ENTRY_COLUMNS
            ))?;
            let mut rows = stmt.query([])?;
            loop {
                let row = match rows.next() {
                    Ok(Some(r)) => r,
                    Ok(None) => break,
                    Err(e) => {
                        problems.push(problem(
                            FailureCode::PageCorrupt,
                            Some(expected),
                            None,
                            format!("entry {expected} cannot be read: {e}"),
                        ));
                        chain_ok = false;
                        break;
                    }
                };
                let e = match journal::entry_from_row(row) {
                    Ok(e) => e,
                    Err(err) => {
                        problems.push(problem(
                            FailureCode::PayloadInvalid,
                            Some(expected),
                            None,
                            format!("entry {expected} is malformed: {err}"),
                        ));
                        chain_ok = false;
                        break;
                    }
                };
                if e.seq != expected {
                    problems.push(problem(
                        FailureCode::SeqGap,
                        Some(e.seq),
                        None,
                        format!(
                            "entry {} follows entry {}: entries are missing",
                            e.seq,
                            expected - 1
                        ),
                    ));
                    chain_ok = false;
                    break;
                }
                let ph = journal::payload_hash(&e.payload);
                let bh = journal::body_hash(&e.recorded_at, &e.kind, &ph);
                if ph != e.payload_hash || bh != e.body_hash {
                    problems.push(problem(
                        FailureCode::BodyHashMismatch,
                        Some(e.seq),
                        None,
                        format!(
                            "entry {} ({}, recorded {}) has been changed since it was recorded",
                            e.seq, e.kind, e.recorded_at
                        ),
                    ));
                    chain_ok = false;
                    break;
                }
                if e.prev_hash != prev || journal::entry_hash(e.seq, &prev, &bh) != e.entry_hash {
                    problems.push(problem(
                        FailureCode::EntryHashMismatch,
                        Some(e.seq),
                        None,
                        format!(
                            "entry {} does not link to entry {}: the chain is broken here",
                            e.seq,
                            e.seq - 1
                        ),
                    ));
                    chain_ok = false;
                    break;
                }
                let v: serde_json::Value = match serde_json::from_slice(&e.payload) {
                    Ok(v) => v,
                    Err(_) => {
                        problems.push(problem(
                            FailureCode::PayloadInvalid,
                            Some(e.seq),
                            None,
                            format!("entry {} is not readable", e.seq),
                        ));
                        chain_ok = false;
                        break;
                    }
                };
                // Format version 2: each committed value against its opening, each back-link against the
                // entries before it (docs/FORMAT.md §6).
                let openings: Option<crate::commitment::Openings> = e
                    .openings
                    .as_deref()
                    .and_then(|o| serde_json::from_str(o).ok());
                let hash_of = |s: u64| -> Option<String> {
                    (s >= 1)
                        .then(|| hashes.get(s as usize - 1).map(hex::encode))
                        .flatten()
                };
                if let Err(f) = links.note(e.seq, &e.kind, &v, openings.as_ref(), &hash_of) {
                    problems.push(problem(f.error, Some(e.seq), None, f.message));
                    chain_ok = false;
                    break;
                }
                match EntryKind::parse(&e.kind) {
                    Some(EntryKind::AttachmentAdded) => {
                        if let (Some(id), Some(sha), Some(size)) = (
                            v.get("attachment_id").and_then(|x| x.as_i64()),
                            v.get("sha256").and_then(|x| x.as_str()),
                            v.get("size").and_then(|x| x.as_u64()),
                        ) {
                            added.insert(id, (sha.to_string(), size, e.seq));
                        }
                    }
                    Some(EntryKind::AttachmentWithdrawn) => {
                        if let Some(id) = v.get("attachment_id").and_then(|x| x.as_i64()) {
                            withdrawn.insert(id, e.seq);
                        }
                    }
                    Some(EntryKind::AnchorRecorded) => {
                        if let Some((code, message)) = anchors.check(e.seq, &e.payload, &hashes) {
                            problems.push(problem(code, Some(e.seq), None, message));
                        }
                    }
                    _ => {}
                }
                anchors.note_clock(e.seq, &e.recorded_at, &mut notices);
                hashes.push(e.entry_hash);
                recorded.push(e.recorded_at.clone());
                if let Err(err) = replay.apply(&e) {
                    problems.push(problem(
                        FailureCode::PayloadInvalid,
                        Some(e.seq),
                        None,
                        format!("entry {} cannot be replayed: {err}", e.seq),
                    ));
                    chain_ok = false;
                    break;
                }
                // Recorded-at times are fixed-width UTC strings, so they compare in time order.
                if e.recorded_at < last_at && notices.len() < 100 {
                    notices.push(format!(
                        "entry {} was recorded at {}, earlier than entry {} ({}): the device clock was set back in between",
                        e.seq,
                        e.recorded_at,
                        e.seq - 1,
                        last_at
                    ));
                }
                last_at = e.recorded_at.clone();
                prev = e.entry_hash;
                expected += 1;
                entries += 1;
                if entries.is_multiple_of(1000) {
                    report("journal", entries, total);
                }
            }
        }
        report("journal", entries, total);
        anchors.note_gaps(&recorded, &mut notices);

        // 3. Attachment bytes against the hashes in the chain.
        let mut attachments = 0u64;
        let mut bytes = 0u64;
        let atotal = added.len() as u64;
        for (i, (id, (sha, size, seq))) in added.iter().enumerate() {
            if withdrawn.contains_key(id) {
                continue;
            }
            match hash_attachment(&self.conn, *id) {
                Ok((h, n, chunks_ok)) => {
                    bytes += n;
                    attachments += 1;
                    if n == 0 && *size > 0 {
                        problems.push(problem(
                            FailureCode::AttachmentMissing,
                            Some(*seq),
                            Some(*id),
                            format!("attachment {id}'s bytes are missing (added in entry {seq})"),
                        ));
                    } else if &h != sha || n != *size || !chunks_ok {
                        problems.push(problem(
                            FailureCode::AttachmentMismatch,
                            Some(*seq),
                            Some(*id),
                            format!("attachment {id}'s bytes do not match the SHA-256 recorded when it was added (entry {seq})"),
                        ));
                    }
                }
                Err(e) => problems.push(problem(
                    FailureCode::AttachmentMismatch,
                    Some(*seq),
                    Some(*id),
                    format!("attachment {id} cannot be read: {e}"),
                )),
            }
            report("attachments", i as u64 + 1, atotal);
        }

        // 4. The state the app reads against a replay of the journal.
        if chain_ok {
            report("state", 0, 1);
            match replay.compare(&self.conn) {
                Ok(mut found) => problems.append(&mut found),
                Err(e) => problems.push(problem(
                    FailureCode::StateMismatch,
                    None,
                    None,
                    format!("the current records could not be compared with the journal: {e}"),
                )),
            }
            report("state", 1, 1);
            match check_previews(&self.conn) {
                Ok(mut found) => problems.append(&mut found),
                Err(e) => problems.push(problem(
                    FailureCode::StateMismatch,
                    None,
                    None,
                    format!("the previews could not be checked: {e}"),
                )),
            }
        }

        // 5. The records of the last head (in the vault folder, on this computer and in the keychain) against the
        // journal.
        if chain_ok {
            match self.head_keychain.read() {
                Ok(Some(r)) => {
                    if let Some(why) = self.head_position_problem(r.seq, &r.entry_hash, entries)? {
                        problems.push(problem(
                            FailureCode::HeadMismatch,
                            Some(r.seq),
                            None,
                            format!(
                                "{why} (the record of the last head in this computer's keychain)"
                            ),
                        ));
                    }
                }
                Ok(None) => {}
                Err(why) => problems.push(problem(FailureCode::HeadMismatch, None, None, why)),
            }
            for (path, where_) in [
                (Some(self.dir.join(super::HEAD_FILE)), "in the vault folder"),
                (
                    super::rollback::outside_record(&self.dir, self.vault_id()),
                    "on this computer",
                ),
            ] {
                let hf = path
                    .and_then(|p| std::fs::read(p).ok())
                    .and_then(|b| serde_json::from_slice::<super::HeadFile>(&b).ok());
                if let Some(hf) = hf {
                    if let Some(why) = self.head_record_problem(&hf, entries)? {
                        problems.push(problem(
                            FailureCode::HeadMismatch,
                            Some(hf.seq),
                            None,
                            format!("{why} (the record of the last head {where_})"),
                        ));
                    }
                }
            }
        }

        if problems.is_empty() && self.open_check().status != CheckStatus::Failed {
            // A clean full check re-anchors the record of the last known state (e.g. after a restore, or when
            // the head file was lost), so the next open's fast check has something to compare with. Never after
            // a failed open check: a rolled-back database verifies on its own, and that evidence must stay.
            if let Ok(head) = journal::head_in(&self.conn) {
                if hex::encode(head.entry_hash) == hex::encode(prev) {
                    self.after_commit(head);
                }
            }
        }
        Ok(VerifyReport {
            ok: problems.is_empty(),
            entries,
            attachments,
            bytes,
            head_hash: hex::encode(prev),
            problems,
            anchors: anchors.views,
            notices,
        })
    }
}

fn page_check(conn: &Connection) -> rusqlite::Result<Vec<Problem>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for r in rows {
        let msg = r?;
        out.push(problem(
            FailureCode::PageCorrupt,
            None,
            None,
            format!("encrypted page damaged or altered: {msg}"),
        ));
    }
    let mut stmt = conn.prepare("PRAGMA quick_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for r in rows {
        let msg = r?;
        if msg != "ok" {
            out.push(problem(
                FailureCode::PageCorrupt,
                None,
                None,
                format!("database structure damaged: {msg}"),
            ));
        }
    }
    Ok(out)
}

fn hash_attachment(conn: &Connection, id: i64) -> rusqlite::Result<(String, u64, bool)> {
    let mut stmt = conn.prepare_cached(
        "SELECT idx, data FROM attachment_chunk WHERE attachment_id = ?1 ORDER BY idx",
    )?;
    let mut rows = stmt.query([id])?;
    let mut h = Sha256::new();
    let mut n = 0u64;
    let mut expected = 0i64;
    let mut ok = true;
    while let Some(row) = rows.next()? {
        let idx: i64 = row.get(0)?;
        ok &= idx == expected;
        expected += 1;
        let data = row.get_ref(1)?.as_blob()?;
        h.update(data);
        n += data.len() as u64;
    }
    Ok((hex::encode(h.finalize()), n, ok))
}

/// A replay of the journal into an in-memory database with the same state tables (memory only: nothing
/// decrypted reaches the disk).
struct Replay {
    conn: Connection,
}

impl Replay {
    fn new(schema: &[super::migrations::Migration]) -> Result<Self> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch("PRAGMA temp_store = MEMORY;")?;
        // The same migrations as the vault: the scratch state has exactly the vault's schema.
        super::migrations::build(&conn, schema)?;
        // One transaction for the whole replay: a commit per entry makes FTS5 write a segment per entry.
        conn.execute_batch("BEGIN;")?;
        Ok(Self { conn })
    }

    fn apply(&self, e: &journal::Entry) -> Result<()> {
        journal::append_raw(
            &self.conn,
            &e.kind,
            e.payload.clone(),
            e.openings.clone(),
            &e.recorded_at,
        )?;
        crate::projection::apply(&self.conn, e)?;
        Ok(())
    }

    fn compare(&self, live: &Connection) -> Result<Vec<Problem>> {
        // Every column of every state table, so a column added by a later migration is compared too; and what
        // else the app reads: the journal's incident index (it drives every history), the search index, meta.
        let tables: &[(&str, &str, &str)] = &[
            ("incident", "*", "id"),
            ("person", "*", "id"),
            ("incident_person", "*", "incident_id, person_id, role"),
            ("attachment", "*", "id"),
            ("report", "*", "id"),
            ("amendment", "*", "seq"),
            ("anchor", "*", "seq"),
            ("meta", "*", "key"),
            ("journal", "seq, incident_id", "seq"),
            ("incident_fts", "rowid, body", "rowid"),
        ];
        let mut out = Vec::new();
        for (table, cols, key) in tables {
            let sql = format!("SELECT {cols} FROM {table} ORDER BY {key}");
            let a = dump(live, &sql)?;
            let b = dump(&self.conn, &sql)?;
            if a != b {
                let first = a
                    .iter()
                    .zip(b.iter())
                    .position(|(x, y)| x != y)
                    .unwrap_or(a.len().min(b.len()));
                let which = a
                    .get(first)
                    .or(b.get(first))
                    .and_then(|r| r.first())
                    .cloned()
                    .unwrap_or_default();
                out.push(problem(
                    FailureCode::StateMismatch,
                    None,
                    None,
                    format!("the current {} (at {table} {which}) differ from what the journal says: they were changed outside Evident", match *table {
                        "journal" => "journal index of incidents".to_string(),
                        "incident_fts" => "search index".to_string(),
                        t => format!("{t} records"),
                    }),
                ));
            }
        }
        Ok(out)
    }
}

/// Previews are derived data, not in the journal: each must belong to an attachment still held, and be a JPEG
/// of at most the preview size whose real dimensions are the ones stored. (It is not re-derived from the
/// original here: that would decode every image at every check.)
fn check_previews(conn: &Connection) -> Result<Vec<Problem>> {
    let mut stmt = conn.prepare(
        "SELECT p.attachment_id, p.width, p.height, p.data, a.id IS NOT NULL AND a.withdrawn_seq IS NULL
         FROM preview p LEFT JOIN attachment a ON a.id = p.attachment_id ORDER BY p.attachment_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let (w, h): (u32, u32) = (r.get(1)?, r.get(2)?);
        let data = r.get_ref(3)?.as_blob()?;
        let held: bool = r.get(4)?;
        let side = crate::preview::PREVIEW_SIDE;
        let real =
            image::ImageReader::with_format(std::io::Cursor::new(data), image::ImageFormat::Jpeg)
                .into_dimensions()
                .ok();
        let why = if !held {
            Some("belongs to no attachment still held")
        } else if real != Some((w, h)) || w > side || h > side {
            Some("is not the preview image it claims to be")
        } else {
            None
        };
        if let Some(why) = why {
            out.push(problem(
                FailureCode::StateMismatch,
                None,
                Some(id),
                format!("the preview of attachment {id} {why}: it was changed outside Evident"),
            ));
        }
    }
    Ok(out)
}

fn dump(conn: &Connection, sql: &str) -> Result<Vec<Vec<String>>> {
    let mut stmt = conn.prepare(sql)?;
    let n = stmt.column_count();
    let rows = stmt.query_map([], |r| {
        let mut v = Vec::with_capacity(n);
        for i in 0..n {
            let val: rusqlite::types::Value = r.get(i)?;
            v.push(format!("{val:?}"));
        }
        Ok(v)
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
