//! Attachments: original files kept inside the encrypted vault byte for byte, in chunks, with their SHA-256,
//! original name, size, sniffed media type, file time and EXIF fields. Withdrawal purges the bytes and keeps
//! the hash and the reason in the chain.

use std::io::Read;
use std::path::Path;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::journal::{self, EntryKind};
use crate::preview;
use crate::vault::Vault;

/// Size of one stored chunk of an attachment's bytes.
pub const CHUNK_SIZE: usize = 1024 * 1024;
/// Files up to this size that look like images are held in memory once to make a preview and read EXIF.
const PREVIEW_SOURCE_MAX: u64 = 64 * 1024 * 1024;

/// EXIF fields kept from a photo or screenshot, where present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
pub struct ExifInfo {
    /// DateTimeOriginal (with OffsetTimeOriginal if present), as written in the file.
    pub captured_at: Option<String>,
    /// Camera or phone maker.
    pub make: Option<String>,
    /// Camera or phone model.
    pub model: Option<String>,
    /// Software that wrote the file.
    pub software: Option<String>,
}

/// An attachment as shown to people and exported.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AttachmentView {
    /// Attachment id.
    #[ts(type = "number")]
    pub id: i64,
    /// Incident it belongs to.
    #[ts(type = "number")]
    pub incident_id: i64,
    /// Original file name, exactly (rendered as text, never markup).
    pub file_name: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// SHA-256 of the original bytes, hex.
    pub sha256: String,
    /// Media type sniffed from the content.
    pub media_type: String,
    /// The file's modification time when attached, RFC 3339.
    pub file_modified_at: Option<String>,
    /// EXIF fields.
    pub exif: Option<ExifInfo>,
    /// When attached (device clock, UTC).
    pub added_at: String,
    /// Whether a preview exists.
    pub has_preview: bool,
    /// Withdrawn: when and why (bytes purged).
    pub withdrawn: Option<Withdrawal>,
}

/// A withdrawal of an attachment.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Withdrawal {
    /// When (device clock, UTC).
    pub at: String,
    /// Why.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AddedPayload {
    pub attachment_id: i64,
    pub incident_id: i64,
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
    pub media_type: String,
    pub file_modified_at: Option<String>,
    pub exif: Option<ExifInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct WithdrawnPayload {
    pub attachment_id: i64,
    pub incident_id: i64,
    pub sha256: String,
    pub reason: String,
}

/// Sniffs the media type from the first bytes; never from the name.
pub fn sniff_media_type(head: &[u8]) -> String {
    if let Some(t) = infer::get(head) {
        return t.mime_type().to_string();
    }
    let text = match std::str::from_utf8(head) {
        Ok(s) => Some(s),
        // A chunk boundary may cut a multi-byte character.
        Err(e) if e.valid_up_to() + 4 >= head.len() && e.valid_up_to() > 0 => {
            std::str::from_utf8(&head[..e.valid_up_to()]).ok()
        }
        Err(_) => None,
    };
    match text {
        Some(s) if s.trim_start().starts_with("<?xml") || s.trim_start().starts_with("<svg") => {
            if s.contains("<svg") {
                "image/svg+xml".to_string()
            } else {
                "application/xml".to_string()
            }
        }
        Some(s) if !s.is_empty() && !s.contains('\0') => "text/plain".to_string(),
        _ => "application/octet-stream".to_string(),
    }
}

fn exif_from(bytes: &[u8]) -> Option<ExifInfo> {
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .ok()?;
    let get = |tag: exif::Tag| {
        exif.get_field(tag, exif::In::PRIMARY).map(|f| {
            f.display_value()
                .to_string()
                .trim_matches('"')
                .trim()
                .to_string()
        })
    };
    let mut captured = get(exif::Tag::DateTimeOriginal).or_else(|| get(exif::Tag::DateTime));
    if let (Some(c), Some(off)) = (&captured, get(exif::Tag::OffsetTimeOriginal)) {
        captured = Some(format!("{c} {off}"));
    }
    let info = ExifInfo {
        captured_at: captured,
        make: get(exif::Tag::Make),
        model: get(exif::Tag::Model),
        software: get(exif::Tag::Software),
    };
    if info == ExifInfo::default() {
        None
    } else {
        Some(info)
    }
}

/// What an attach call reads from: a name, a reader, and the file time if known.
struct Source<'a, R: Read> {
    file_name: String,
    reader: &'a mut R,
    modified: Option<String>,
}

impl Vault {
    /// Attaches a file from disk to an incident, streaming it (bounded memory at any size).
    pub fn attach_file(&mut self, incident_id: i64, path: &Path) -> Result<AttachmentView> {
        let (mut file, file_name, modified) = open_file(path)?;
        self.attach_from(
            incident_id,
            Source {
                file_name,
                reader: &mut file,
                modified,
            },
        )
        .map_err(|e| reword_read_error(e, path))
    }

    /// Attaches bytes held in memory (a pasted screenshot, a dropped file) under the given name.
    pub fn attach_bytes(
        &mut self,
        incident_id: i64,
        file_name: &str,
        bytes: &[u8],
        modified: Option<String>,
    ) -> Result<AttachmentView> {
        let name = if file_name.trim().is_empty() {
            "pasted".to_string()
        } else {
            file_name.to_string()
        };
        let mut reader = std::io::Cursor::new(bytes);
        self.attach_from(
            incident_id,
            Source {
                file_name: name,
                reader: &mut reader,
                modified,
            },
        )
    }

    fn attach_from<R: Read>(
        &mut self,
        incident_id: i64,
        src: Source<'_, R>,
    ) -> Result<AttachmentView> {
        let tx = self.conn.transaction()?;
        let id = attach_in_tx(&tx, incident_id, src)?;
        let head_now = journal::head_in(&tx)?;
        tx.commit()?;
        self.after_commit(head_now);
        self.attachment(id)
    }

    /// Records an incident, links people (by id) as subjects and attaches files from disk, all in one
    /// transaction: either everything is durable when this returns, or nothing was recorded.
    pub fn record_incident_with_files(
        &mut self,
        fields: crate::incident::IncidentFields,
        people: &[i64],
        files: &[std::path::PathBuf],
    ) -> Result<(i64, Vec<AttachmentView>)> {
        let fields = fields.validated()?;
        let mut opened = Vec::with_capacity(files.len());
        for f in files {
            opened.push(open_file(f)?);
        }
        let tx = self.conn.transaction()?;
        let id = crate::incident::record_in_tx(&tx, &fields, people)?;
        let mut ids = Vec::new();
        for (file, (mut reader, name, modified)) in files.iter().zip(opened) {
            let aid = attach_in_tx(
                &tx,
                id,
                Source {
                    file_name: name,
                    reader: &mut reader,
                    modified,
                },
            )
            .map_err(|e| reword_read_error(e, file))?;
            ids.push(aid);
        }
        let head_now = journal::head_in(&tx)?;
        tx.commit()?;
        self.after_commit(head_now);
        let mut views = Vec::new();
        for aid in ids {
            views.push(self.attachment(aid)?);
        }
        Ok((id, views))
    }

    /// Withdraws an attachment added by mistake: its bytes and preview are purged; its hash, the reason and
    /// the withdrawal stay in the chain.
    pub fn withdraw_attachment(&mut self, id: i64, reason: &str) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("withdrawing an attachment needs a reason"));
        }
        let view = self.attachment(id)?;
        if view.withdrawn.is_some() {
            return Err(Error::invalid(format!(
                "attachment {id} is already withdrawn"
            )));
        }
        let tx = self.conn.transaction()?;
        let payload = WithdrawnPayload {
            attachment_id: id,
            incident_id: view.incident_id,
            sha256: view.sha256.clone(),
            reason: reason.to_string(),
        };
        let entry = journal::append(&tx, EntryKind::AttachmentWithdrawn, &payload)?;
        withdraw_state(&tx, id, &entry.recorded_at, entry.seq, reason)?;
        let head = journal::head_in(&tx)?;
        tx.commit()?;
        self.after_commit(head);
        // secure_delete zeroes the freed pages in the database; the write-ahead log still holds the old page
        // images until a checkpoint, so purge them now.
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        Ok(())
    }

    /// One attachment's record.
    pub fn attachment(&self, id: i64) -> Result<AttachmentView> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{VIEW_SELECT} WHERE a.id = ?1"))?;
        stmt.query_row([id], view_from_row)
            .optional()?
            .ok_or_else(|| Error::not_found(format!("there is no attachment {id}")))
    }

    /// The attachments of an incident, withdrawn ones included.
    pub fn attachments_of(&self, incident_id: i64) -> Result<Vec<AttachmentView>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{VIEW_SELECT} WHERE a.incident_id = ?1 ORDER BY a.id"
        ))?;
        let rows = stmt.query_map([incident_id], view_from_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Streams an attachment's original bytes into `out`. Returns the number of bytes written.
    pub fn copy_attachment<W: std::io::Write>(&self, id: i64, out: &mut W) -> Result<u64> {
        let view = self.attachment(id)?;
        if view.withdrawn.is_some() {
            return Err(Error::not_found(format!(
                "attachment {id} was withdrawn: its bytes were purged"
            )));
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT data FROM attachment_chunk WHERE attachment_id = ?1 ORDER BY idx",
        )?;
        let mut rows = stmt.query([id])?;
        let mut n = 0u64;
        while let Some(row) = rows.next()? {
            let data = row.get_ref(0)?.as_blob()?;
            out.write_all(data).map_err(|e| {
                Error::new(
                    crate::ErrorKind::WriteFailed,
                    format!("could not write the attachment: {e}"),
                )
            })?;
            n += data.len() as u64;
        }
        Ok(n)
    }

    /// An attachment's original bytes in memory (for viewing; use [`Vault::copy_attachment`] for big files).
    pub fn attachment_bytes(&self, id: i64) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.copy_attachment(id, &mut out)?;
        Ok(out)
    }

    /// The preview of an attachment (a small JPEG made in memory), if it has one.
    pub fn preview(&self, id: i64) -> Result<Option<preview::Preview>> {
        Ok(self
            .conn
            .query_row(
                "SELECT media_type, width, height, data FROM preview WHERE attachment_id = ?1",
                [id],
                |r| {
                    Ok(preview::Preview {
                        media_type: r.get(0)?,
                        width: r.get(1)?,
                        height: r.get(2)?,
                        data: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }
}

/// Streams one attachment into the caller's transaction: chunks, hash, sniffed type, EXIF, preview, journal
/// entry and state. Returns the attachment id.
fn attach_in_tx<R: Read>(
    tx: &rusqlite::Connection,
    incident_id: i64,
    src: Source<'_, R>,
) -> Result<i64> {
    crate::incident::load_fields(tx, incident_id)?;
    let id: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM attachment", [], |r| {
        r.get(0)
    })?;
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    let mut buf = vec![0u8; CHUNK_SIZE];
    let mut head: Vec<u8> = Vec::new();
    let mut media_type: Option<String> = None;
    let mut whole: Option<Vec<u8>> = None;
    let mut idx: i64 = 0;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO attachment_chunk (attachment_id, idx, data) VALUES (?1, ?2, ?3)",
        )?;
        loop {
            let n = read_full(src.reader, &mut buf).map_err(|e| {
                Error::new(
                    crate::ErrorKind::FileUnreadable,
                    format!("the file could not be read: {e}"),
                )
            })?;
            if n == 0 {
                break;
            }
            let chunk = &buf[..n];
            hasher.update(chunk);
            size += n as u64;
            if idx == 0 {
                head = chunk.to_vec();
                let sniffed = sniff_media_type(&head);
                if preview::may_preview(&sniffed) {
                    whole = Some(Vec::new());
                }
                media_type = Some(sniffed);
            }
            if let Some(w) = whole.as_mut() {
                if size <= PREVIEW_SOURCE_MAX {
                    w.extend_from_slice(chunk);
                } else {
                    whole = None;
                }
            }
            insert.execute(params![id, idx, chunk])?;
            idx += 1;
            if n < buf.len() {
                break;
            }
        }
    }
    let sha256 = hex::encode(hasher.finalize());
    let media_type = media_type.unwrap_or_else(|| sniff_media_type(&head));
    let source = whole.as_deref().unwrap_or(&head);
    let exif = if media_type.starts_with("image/") && media_type != "image/svg+xml" {
        exif_from(source)
    } else {
        None
    };
    let pv = whole.as_deref().and_then(|b| preview::make(b, &media_type));
    let payload = AddedPayload {
        attachment_id: id,
        incident_id,
        file_name: src.file_name.clone(),
        size,
        sha256: sha256.clone(),
        media_type: media_type.clone(),
        file_modified_at: src.modified.clone(),
        exif: exif.clone(),
    };
    let entry = journal::append(tx, EntryKind::AttachmentAdded, &payload)?;
    write_state(tx, &payload, &entry.recorded_at, entry.seq)?;
    if let Some(p) = &pv {
        tx.execute(
            "INSERT INTO preview (attachment_id, media_type, width, height, data) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, p.media_type, p.width, p.height, p.data],
        )?;
    }
    tx.execute(
        "UPDATE incident SET updated_at = ?2 WHERE id = ?1",
        params![incident_id, entry.recorded_at],
    )?;
    Ok(id)
}

/// Opens a file to attach: the reader, its name exactly as on disk, and its modification time.
fn open_file(path: &Path) -> Result<(std::fs::File, String, Option<String>)> {
    let meta = std::fs::metadata(path).map_err(|e| Error::read(path, &e))?;
    if meta.is_dir() {
        return Err(Error::new(
            crate::ErrorKind::FileUnreadable,
            format!("{} is a folder, not a file", path.display()),
        ));
    }
    let modified = meta
        .modified()
        .ok()
        .map(|t| crate::time::rfc3339_utc(chrono::DateTime::<chrono::Utc>::from(t)));
    let file = std::fs::File::open(path).map_err(|e| Error::read(path, &e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "unnamed".to_string());
    Ok((file, name, modified))
}

fn reword_read_error(e: Error, path: &Path) -> Error {
    if e.kind() == crate::ErrorKind::FileUnreadable {
        Error::new(
            e.kind(),
            format!("{} could not be read to the end", path.display()),
        )
    } else {
        e
    }
}

const VIEW_SELECT: &str =
    "SELECT a.id, a.incident_id, a.meta, a.added_at, a.withdrawn_at, a.withdrawn_reason,
    EXISTS (SELECT 1 FROM preview p WHERE p.attachment_id = a.id) FROM attachment a";

fn view_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AttachmentView> {
    let meta: String = r.get(2)?;
    let p: AddedPayload = serde_json::from_str(&meta).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let withdrawn_at: Option<String> = r.get(4)?;
    let reason: Option<String> = r.get(5)?;
    Ok(AttachmentView {
        id: r.get(0)?,
        incident_id: r.get(1)?,
        file_name: p.file_name,
        size: p.size,
        sha256: p.sha256,
        media_type: p.media_type,
        file_modified_at: p.file_modified_at,
        exif: p.exif,
        added_at: r.get(3)?,
        has_preview: r.get(6)?,
        withdrawn: withdrawn_at.map(|at| Withdrawal {
            at,
            reason: reason.unwrap_or_default(),
        }),
    })
}

pub(crate) fn write_state(
    tx: &rusqlite::Connection,
    p: &AddedPayload,
    recorded_at: &str,
    seq: u64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO attachment (id, incident_id, sha256, size, meta, added_at, added_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            p.attachment_id,
            p.incident_id,
            p.sha256,
            p.size as i64,
            serde_json::to_string(p)?,
            recorded_at,
            seq as i64
        ],
    )?;
    Ok(())
}

pub(crate) fn withdraw_state(
    tx: &rusqlite::Connection,
    id: i64,
    at: &str,
    seq: u64,
    reason: &str,
) -> Result<()> {
    tx.execute(
        "DELETE FROM attachment_chunk WHERE attachment_id = ?1",
        [id],
    )?;
    tx.execute("DELETE FROM preview WHERE attachment_id = ?1", [id])?;
    tx.execute(
        "UPDATE attachment SET withdrawn_at = ?2, withdrawn_seq = ?3, withdrawn_reason = ?4 WHERE id = ?1",
        params![id, at, seq as i64, reason],
    )?;
    Ok(())
}

/// Reads until `buf` is full or the reader ends.
fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
