//! Attachments: original files kept inside the encrypted vault byte for byte, in chunks, with their SHA-256,
//! original name, size, sniffed media type, file time and EXIF fields. Withdrawal purges the bytes and keeps
//! the hash and the reason in the chain.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// Size of one stored chunk of an attachment's bytes.
pub const CHUNK_SIZE: usize = 1024 * 1024;
/// Files up to this size that look like images are held in memory once to make a preview and read EXIF.
pub(crate) const PREVIEW_SOURCE_MAX: u64 = 64 * 1024 * 1024;

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

/// Whether an image's EXIF carries a GPS position (latitude or longitude): the place it was taken.
pub(crate) fn has_gps(bytes: &[u8]) -> bool {
    exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .map(|e| {
            e.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
                .is_some()
                || e.get_field(exif::Tag::GPSLongitude, exif::In::PRIMARY)
                    .is_some()
        })
        .unwrap_or(false)
}

/// The EXIF fields kept from an image's bytes, if it has any.
pub(crate) fn exif_from(bytes: &[u8]) -> Option<ExifInfo> {
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
pub(crate) struct Source<'a, R: Read> {
    pub file_name: String,
    pub reader: &'a mut R,
    pub modified: Option<String>,
}

/// Opens a file to attach: the reader, its name exactly as on disk, and its modification time.
pub(crate) fn open_file(path: &Path) -> Result<(std::fs::File, String, Option<String>)> {
    let meta = std::fs::metadata(path).map_err(|e| Error::read(path, &e))?;
    if meta.is_dir() {
        return Err(Error::new(
            crate::ErrorKind::FileUnreadable,
            format!("{} is a folder, not a file", path.display()),
        ));
    }
    // Devices, FIFOs and sockets never end (or block on open): only regular files are attached.
    let not_regular = || {
        Error::new(
            crate::ErrorKind::FileUnreadable,
            format!(
                "{} is not a regular file (a device, pipe or socket): only files can be attached",
                path.display()
            ),
        )
    };
    if !meta.is_file() {
        return Err(not_regular());
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: if the path was swapped for a FIFO since the check above, opening it does not block.
        options.custom_flags(0o4000);
    }
    let file = options.open(path).map_err(|e| Error::read(path, &e))?;
    let meta = file.metadata().map_err(|e| Error::read(path, &e))?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    let modified = meta
        .modified()
        .ok()
        .map(|t| crate::time::rfc3339_utc(chrono::DateTime::<chrono::Utc>::from(t)));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "unnamed".to_string());
    Ok((file, name, modified))
}

/// Names the file in a read error.
pub(crate) fn reword_read_error(e: Error, path: &Path) -> Error {
    if e.kind() == crate::ErrorKind::FileUnreadable {
        Error::new(
            e.kind(),
            format!("{} could not be read to the end", path.display()),
        )
    } else {
        e
    }
}

/// Reads until `buf` is full or the reader ends.
pub(crate) fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
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
