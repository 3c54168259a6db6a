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
    /// The capture time ([`crate::capture::capture_time`]: a capture or creation tag, never a modify date),
    /// with fractions and zone where stated. Entries recorded before `times` existed may hold IFD0 `DateTime`
    /// here (the older reading fell back to it).
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
    /// The best capture or creation time (never a modify date), with fractions and zone where stated.
    pub captured_at: Option<String>,
    /// The tag it came from, as exiftool names it (`EXIF:DateTimeOriginal`, `XMP:CreateDate`).
    pub captured_at_source: Option<String>,
    /// In words: "captured (EXIF DateTimeOriginal)".
    pub captured_at_label: Option<String>,
    /// Every time found in the file and the file system's time, each labelled with its source (empty for
    /// attachments recorded before times were kept).
    pub times: Vec<crate::capture::TimeTag>,
    /// Whether the file carries GPS coordinates (the place it was taken); null when not known (recorded
    /// before this was kept, and not an image).
    pub location: Option<bool>,
    /// How the diarist captured it ("a screenshot on my phone"), as they last described it; null when not said.
    pub capture_method: Option<String>,
    /// On which device, as they last described it; null when not said.
    pub device: Option<String>,
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
    /// Every time tag read at attach time (absent in older entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<Vec<crate::capture::TimeTag>>,
    /// Whether the file carries GPS coordinates (absent in older entries and for files that are not images).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gps: Option<bool>,
}

/// The source named for a capture time recorded before each time's source was kept.
pub const OLDER_CAPTURE_SOURCE: &str = "EXIF (an older record: DateTimeOriginal, or IFD0 DateTime)";

impl AddedPayload {
    /// The capture time, its tag and its label: from `times` when recorded, else the older `exif.captured_at`.
    pub(crate) fn capture(&self) -> (Option<String>, Option<String>, Option<String>) {
        match &self.times {
            Some(times) => match crate::capture::capture_time(times) {
                Some(c) => (Some(c.at), Some(c.tag), Some(c.label)),
                None => (None, None, None),
            },
            None => match self.exif.as_ref().and_then(|e| e.captured_at.clone()) {
                Some(at) => (
                    Some(at),
                    Some(OLDER_CAPTURE_SOURCE.to_string()),
                    Some(format!("taken ({OLDER_CAPTURE_SOURCE})")),
                ),
                None => (None, None, None),
            },
        }
    }
}

/// The payload of `attachment.described` (docs/FORMAT.md §3): how the file was captured and on which device, in
/// the diarist's words; an empty text means "not said". The newest one about an attachment is its description.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DescribedPayload {
    pub attachment_id: i64,
    pub incident_id: i64,
    pub capture_method: String,
    pub device: String,
}

/// The most characters a capture method or a device name holds.
pub const DESCRIPTION_MAX_CHARS: usize = 500;

/// A description's text as shown: `None` when empty (the recorder trims it before it is recorded; the replays
/// take it exactly as recorded, as verify.html does).
pub(crate) fn said(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
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

/// What is read from a file's metadata at attach time.
pub(crate) struct MetaRead {
    /// The EXIF fields kept (the capture time among them), if any.
    pub exif: Option<ExifInfo>,
    /// Every time tag, the file system's last.
    pub times: Vec<crate::capture::TimeTag>,
    /// Whether the file carries GPS coordinates.
    pub gps: bool,
}

/// Reads an image's or video's time tags, device fields and GPS flag ([`crate::capture::read_with_moov`], with
/// the body of a `moov` box found past `bytes`); the capture time is a
/// capture or creation tag, never IFD0 `DateTime`.
pub(crate) fn metadata_from(bytes: &[u8], moov: Option<&[u8]>) -> MetaRead {
    let m = crate::capture::read_with_moov(bytes, moov);
    let info = ExifInfo {
        captured_at: crate::capture::capture_time(&m.times).and_then(|c| c.exif_style()),
        make: m.make,
        model: m.model,
        software: m.software,
    };
    MetaRead {
        exif: (info != ExifInfo::default()).then_some(info),
        times: m.times,
        gps: m.gps,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_entry_without_times_still_reads_and_says_where_its_time_came_from() -> Result<()> {
        let old = r#"{"attachment_id":1,"incident_id":1,"file_name":"a.jpg","size":3,"sha256":"00",
            "media_type":"image/jpeg","file_modified_at":null,
            "exif":{"captured_at":"2008:07:31 10:38:11","make":null,"model":null,"software":null}}"#;
        let p: AddedPayload = serde_json::from_str(old)?;
        assert_eq!(p.times, None);
        let (at, source, label) = p.capture();
        assert_eq!(at.as_deref(), Some("2008:07:31 10:38:11"));
        assert_eq!(source.as_deref(), Some(OLDER_CAPTURE_SOURCE));
        assert!(label.unwrap_or_default().contains("older record"));
        // Written again, it gains no member (so older entries' exhibits stay as they were).
        let again = serde_json::to_value(&p)?;
        assert!(again.get("times").is_none() && again.get("gps").is_none());
        Ok(())
    }

    #[test]
    fn a_new_entry_never_takes_a_modify_date_for_the_capture_time() -> Result<()> {
        let new = r#"{"attachment_id":1,"incident_id":1,"file_name":"a.jpg","size":3,"sha256":"00",
            "media_type":"image/jpeg","file_modified_at":null,"exif":null,"gps":false,
            "times":[{"tag":"EXIF:ModifyDate","source":"EXIF DateTime","kind":"modified",
            "value":"2008:07:31 10:38:11","offset":null,"subsec":null}]}"#;
        let p: AddedPayload = serde_json::from_str(new)?;
        assert_eq!(p.capture(), (None, None, None));
        Ok(())
    }
}
