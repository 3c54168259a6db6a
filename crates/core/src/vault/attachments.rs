//! The vault's attachments: streaming a file's bytes in (1 MiB chunks, hashed on the way) with its record,
//! withdrawal, and reading bytes and previews back. The record itself is written by the projection.

use std::io::Read;
use std::path::Path;

use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::{Vault, Writer};
use crate::attachment::{
    metadata_from, open_file, read_full, reword_read_error, sniff_media_type, AddedPayload,
    AttachmentView, Source, Withdrawal, WithdrawnPayload, CHUNK_SIZE, PREVIEW_SOURCE_MAX,
};
use crate::error::{Error, Result};
use crate::imaging;
use crate::journal::EntryKind;
use crate::preview;
use crate::projection;

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
        let a = self.write(|w| attach(w, incident_id, src))?;
        self.make_preview(a.id, a.preview_source);
        self.attachment(a.id)
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
        let (id, ids) = self.write(|w| {
            let id = super::incidents::record(w, &fields, people)?;
            let mut ids = Vec::new();
            for (file, (mut reader, name, modified)) in files.iter().zip(opened) {
                let aid = attach(
                    w,
                    id,
                    Source {
                        file_name: name,
                        reader: &mut reader,
                        modified,
                    },
                )
                .map_err(|e| reword_read_error(e, file))?;
                // Made now (bounded, guarded) so only the small preview is held until the commit.
                ids.push((aid.id, build_preview(aid.preview_source)));
            }
            Ok((id, ids))
        })?;
        let mut views = Vec::new();
        for (aid, pv) in ids {
            if let Some(p) = pv {
                self.store_preview(aid, &p);
            }
            views.push(self.attachment(aid)?);
        }
        Ok((id, views))
    }

    /// Records how an attachment was captured and on which device, in the diarist's words (`attachment.described`;
    /// an empty text means "not said"). A later description replaces it on screen and in packs; every one stays
    /// in the chain and in the incident's history.
    pub fn describe_attachment(
        &mut self,
        id: i64,
        capture_method: &str,
        device: &str,
    ) -> Result<AttachmentView> {
        use crate::attachment::{said, DescribedPayload, DESCRIPTION_MAX_CHARS};
        for (name, text) in [("how it was captured", capture_method), ("device", device)] {
            let n = text.trim().chars().count();
            if n > DESCRIPTION_MAX_CHARS {
                return Err(Error::invalid(format!(
                    "the {name} is {n} characters long; it holds at most {DESCRIPTION_MAX_CHARS}"
                )));
            }
        }
        let view = self.attachment(id)?;
        let method = said(capture_method.trim());
        let device = said(device.trim());
        if view.capture_method == method && view.device == device {
            return Ok(view);
        }
        let payload = DescribedPayload {
            attachment_id: id,
            incident_id: view.incident_id,
            capture_method: method.unwrap_or_default(),
            device: device.unwrap_or_default(),
        };
        self.write(|w| w.record(EntryKind::AttachmentDescribed, &payload))?;
        self.attachment(id)
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
        let payload = WithdrawnPayload {
            attachment_id: id,
            incident_id: view.incident_id,
            sha256: view.sha256.clone(),
            reason: reason.to_string(),
        };
        self.write(|w| w.record(EntryKind::AttachmentWithdrawn, &payload))?;
        // secure_delete zeroes the freed pages in the database; the write-ahead log still holds the old page
        // images until a checkpoint, so purge them now.
        // The checkpoint reports (busy, frames in the log, frames checkpointed): "purged" is true only when the
        // whole log was copied back and truncated. One connection holds the vault, so a retry is enough.
        for _ in 0..3 {
            let (busy, log, done): (i64, i64, i64) =
                self.conn
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })?;
            if busy == 0 && log == done {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Err(Error::new(
            crate::ErrorKind::WriteFailed,
            "the attachment was withdrawn, but its old bytes could not yet be purged from the vault's log",
        )
        .with_hint("Close Evident and open it again: the purge completes then."))
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

    /// Number of exhibits (attachments not withdrawn) of each incident that has any.
    pub(crate) fn exhibit_counts(&self) -> Result<std::collections::BTreeMap<i64, usize>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT incident_id, COUNT(*) FROM attachment WHERE withdrawn_at IS NULL GROUP BY incident_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = std::collections::BTreeMap::new();
        for row in rows {
            let (id, n) = row?;
            out.insert(id, usize::try_from(n).unwrap_or(0));
        }
        Ok(out)
    }

    /// Whether an attachment's EXIF carries a GPS position. Read from its first chunk (EXIF sits at the start
    /// of JPEG, TIFF and HEIF files), under the decoder guard.
    pub(crate) fn carries_location(&self, id: i64) -> Result<bool> {
        let first: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT data FROM attachment_chunk WHERE attachment_id = ?1 AND idx = 0",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match first {
            Some(b) => imaging::guarded(EXIF_LIMIT, move || Some(crate::attachment::has_gps(&b)))
                .unwrap_or(false),
            None => false,
        })
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

/// Streams one attachment into the caller's write: its bytes in chunks with their hash, then its journal entry
/// (the projection writes its record), then its preview, made in memory. Returns the attachment id.
pub(super) fn attach<R: Read>(
    w: &Writer<'_>,
    incident_id: i64,
    src: Source<'_, R>,
) -> Result<Attached> {
    let tx = &w.tx;
    projection::incident_fields(tx, incident_id)?;
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
    // EXIF is part of the record, so it is read now; under a guard, so a hostile file cannot stop the attach.
    let read = if (media_type.starts_with("image/") && media_type != "image/svg+xml")
        || matches!(media_type.as_str(), "video/mp4" | "video/quicktime")
    {
        // A video keeps its movie header (`moov`) after its media data more often than not: when only the
        // first chunk is in memory, the header is found by its box offsets and read back from the stored chunks.
        let moov = match &whole {
            None if crate::capture::is_iso_media(&head) && size > head.len() as u64 => {
                stored_box(tx, id, size, b"moov")?
            }
            _ => None,
        };
        let source = whole.clone().unwrap_or(head);
        imaging::guarded(EXIF_LIMIT, move || {
            Some(metadata_from(&source, moov.as_deref()))
        })
    } else {
        None
    };
    let (exif, mut times, gps) = match read {
        Some(r) => (r.exif, r.times, Some(r.gps)),
        None => (None, Vec::new(), None),
    };
    // The file system's time is listed too, labelled "file modified (file system)": never a capture time.
    times.extend(src.modified.as_deref().and_then(crate::capture::file_time));
    let payload = AddedPayload {
        attachment_id: id,
        incident_id,
        file_name: src.file_name.clone(),
        size,
        sha256: sha256.clone(),
        media_type: media_type.clone(),
        file_modified_at: src.modified.clone(),
        exif,
        times: Some(times),
        gps,
    };
    w.record(EntryKind::AttachmentAdded, &payload)?;
    Ok(Attached {
        id,
        preview_source: whole.map(|b| (b, media_type)),
    })
}

/// Makes a preview under the decoder guard (time-limited, panics caught); `None` when it cannot be made.
pub(super) fn build_preview(source: Option<(Vec<u8>, String)>) -> Option<preview::Preview> {
    let (bytes, media_type) = source?;
    imaging::guarded(PREVIEW_LIMIT, move || preview::make(&bytes, &media_type))
}

impl Vault {
    /// Makes and keeps the preview of an attachment whose bytes are already committed. A file whose preview
    /// fails (a hostile or broken image) is kept, with no preview.
    fn make_preview(&mut self, id: i64, source: Option<(Vec<u8>, String)>) {
        if let Some(p) = build_preview(source) {
            self.store_preview(id, &p);
        }
    }

    /// Keeps a preview (derived data, not part of the record). Best effort: without it the card shows none.
    pub(super) fn store_preview(&mut self, id: i64, p: &preview::Preview) {
        let _ = self.conn.execute(
            "INSERT OR REPLACE INTO preview (attachment_id, media_type, width, height, data) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, p.media_type, p.width, p.height, p.data],
        );
    }
}

/// An attachment just recorded, and what its preview will be made from after the commit.
pub(super) struct Attached {
    pub(super) id: i64,
    pub(super) preview_source: Option<(Vec<u8>, String)>,
}

/// Most of a `moov` box read back for its movie header (the `mvhd` comes first in practice, and is small).
const MOOV_READ_MAX: u64 = 1024 * 1024;

/// The body of a top-level ISO media box of an attachment being stored, read back from its chunks (bounded).
fn stored_box(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    size: u64,
    kind: &[u8; 4],
) -> Result<Option<Vec<u8>>> {
    let mut chunk = tx.prepare_cached(
        "SELECT data FROM attachment_chunk WHERE attachment_id = ?1 AND idx = ?2",
    )?;
    // The chunk last read is kept, so a walk over many small boxes reads each chunk once, not once a box.
    let mut cached: Option<(i64, Vec<u8>)> = None;
    let mut read_at = |at: u64, len: usize| -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(len);
        let mut pos = at;
        while out.len() < len {
            let idx = i64::try_from(pos / CHUNK_SIZE as u64).ok()?;
            if cached.as_ref().is_none_or(|c| c.0 != idx) {
                let data: Vec<u8> = chunk.query_row(params![id, idx], |r| r.get(0)).ok()?;
                cached = Some((idx, data));
            }
            let data = &cached.as_ref()?.1;
            let from = usize::try_from(pos % CHUNK_SIZE as u64).ok()?;
            let part = data.get(from..)?;
            if part.is_empty() {
                break;
            }
            let take = part.len().min(len - out.len());
            out.extend_from_slice(&part[..take]);
            pos += take as u64;
        }
        Some(out)
    };
    let Some((body, len)) = crate::capture::find_top_box(size, kind, &mut read_at) else {
        return Ok(None);
    };
    let want = usize::try_from(len.min(MOOV_READ_MAX)).unwrap_or(0);
    Ok(read_at(body, want))
}

/// How long reading EXIF may take before the file is kept without it.
const EXIF_LIMIT: std::time::Duration = std::time::Duration::from_secs(5);
/// How long making a preview may take before the file is kept without one.
const PREVIEW_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

const VIEW_SELECT: &str =
    "SELECT a.id, a.incident_id, a.meta, a.added_at, a.withdrawn_at, a.withdrawn_reason,
    EXISTS (SELECT 1 FROM preview p WHERE p.attachment_id = a.id), a.capture_method, a.device FROM attachment a";

fn view_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AttachmentView> {
    let meta: String = r.get(2)?;
    let p: AddedPayload = serde_json::from_str(&meta).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let (captured_at, captured_at_source, captured_at_label) = p.capture();
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
        captured_at,
        captured_at_source,
        captured_at_label,
        times: p.times.unwrap_or_default(),
        location: p.gps,
        capture_method: r.get(7)?,
        device: r.get(8)?,
        added_at: r.get(3)?,
        has_preview: r.get(6)?,
        withdrawn: withdrawn_at.map(|at| Withdrawal {
            at,
            reason: reason.unwrap_or_default(),
        }),
    })
}
