//! Capture times, read the way exiftool reads them and labelled with where each came from. Every time tag a
//! photo, screenshot or HEIF file carries is listed ([`TimeTag`]: the tag as exiftool names it, its kind, the
//! value exactly as exiftool prints it, and the zone when the file states one); only a capture or creation tag
//! may ever be the capture time ([`capture_time`]); a modify date never is.
//!
//! Where the times come from:
//! - EXIF (JPEG APP1, TIFF, PNG `eXIf`, HEIF `Exif` item, WebP) through `kamadak-exif`: `DateTimeOriginal`,
//!   `DateTimeDigitized` (exiftool's `CreateDate`) and IFD0 `DateTime` (exiftool's `ModifyDate`), each with its
//!   `OffsetTime*` and `SubSecTime*`; and the GPS fix time (`GPSDateStamp` and `GPSTimeStamp`, UTC), as exiftool's
//!   composite `GPSDateTime`, which is never the capture time.
//! - XMP (`xmp:CreateDate`, `xmp:ModifyDate`, `xmp:MetadataDate`, `photoshop:DateCreated`,
//!   `exif:DateTimeOriginal`, `exif:DateTimeDigitized`, `tiff:DateTime`), parsed with `quick-xml` (namespaces
//!   resolved, so any prefix works). The packet is found by hand, because no crate here extracts it: JPEG APP1
//!   segments, PNG `iTXt` (inflated with `flate2`, bounded), TIFF tag 700 (through `kamadak-exif`), and in HEIF and
//!   other containers the `<x:xmpmeta>` packet found in the bytes.
//! - PNG `tEXt`/`zTXt`/`iTXt` "Creation Time", `create-date` and `modify-date` (ImageMagick's), and the `tIME`
//!   chunk (exiftool's `PNG:ModifyDate`): a walk over the PNG chunks, by hand (a few lines).
//! - QuickTime/ISO media `mvhd` creation and modification times (`QuickTime:CreateDate`, `ModifyDate`), by a
//!   bounded box walk by hand; a `moov` box after the media data of a long video is found by [`find_top_box`]
//!   over the stored file and read by [`read_with_moov`].
//! - Extended XMP in JPEG (APP1 chunks joined by the GUID the standard packet names, whole only, as exiftool does
//!   by default).
//! - Maker notes and the APP12 "[picture info]" segment: see `capture/makernote.rs` for which makers, and why by hand.
//! - The file system's modification time, passed in by the caller.
//!
//! Packets are searched with `memchr`'s SIMD substring search. Every parse is bounded (sizes, counts) and runs under the caller's decode guard.

mod makernote;

use std::io::Read;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a time tag says happened at that time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TimeKind {
    /// When the picture was taken (EXIF or XMP `DateTimeOriginal`).
    Captured,
    /// When the file or its content was created or digitized (`CreateDate`, `DateCreated`).
    Created,
    /// When software last changed the file (EXIF `DateTime`, XMP `ModifyDate`): never a capture time.
    Modified,
    /// The file system's modification time when attached: never a capture time.
    FileModified,
    /// When the GPS receiver fixed the position (EXIF `GPSDateStamp` and `GPSTimeStamp`, UTC): a clue to when
    /// the picture was taken, from another clock than the camera's, but never called the capture time (a fix
    /// can be older than the picture).
    GpsFix,
}

impl TimeKind {
    /// The words shown before the source: "captured", "created", "modified by software", "file modified",
    /// "GPS fix".
    pub fn words(self) -> &'static str {
        match self {
            TimeKind::Captured => "captured",
            TimeKind::Created => "created",
            TimeKind::Modified => "modified by software",
            TimeKind::FileModified => "file modified",
            TimeKind::GpsFix => "GPS fix",
        }
    }

    /// Whether a tag of this kind may be the capture time.
    pub fn may_be_capture(self) -> bool {
        matches!(self, TimeKind::Captured | TimeKind::Created)
    }
}

/// One time tag found in a file, as recorded in the chain (`attachment.added` member `times`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TimeTag {
    /// The tag as exiftool names it with its family-0 group: `EXIF:DateTimeOriginal`, `XMP:CreateDate`,
    /// `PNG:CreationTime`, `QuickTime:CreateDate`, `File:FileModifyDate`.
    pub tag: String,
    /// Where it was read, in words: "EXIF DateTimeOriginal", "XMP CreateDate", "file system".
    pub source: String,
    /// What it says happened.
    pub kind: TimeKind,
    /// The value exactly as exiftool prints it (`YYYY:MM:DD HH:MM:SS`; XMP values keep their zone).
    pub value: String,
    /// The zone the file states for this time (`+01:00`, `Z`), or null when it states none.
    #[serde(default)]
    pub offset: Option<String>,
    /// Fractions of a second the file states for this time (EXIF `SubSecTime*`), or null.
    #[serde(default)]
    pub subsec: Option<String>,
}

/// The words for a missing zone.
pub const NO_ZONE: &str = "no time zone in the file";

impl TimeTag {
    /// "captured (EXIF DateTimeOriginal)", "modified by software (EXIF DateTime)", "file modified (file system)".
    pub fn label(&self) -> String {
        format!("{} ({})", self.kind.words(), self.source)
    }

    /// The stated zone, or "no time zone in the file".
    pub fn zone(&self) -> String {
        self.offset.clone().unwrap_or_else(|| NO_ZONE.to_string())
    }

    /// The time with its fractions of a second and zone, as exiftool's composite `SubSecDateTimeOriginal`
    /// prints it: `2023:06:15 14:30:00.250+01:00`. An XMP value already holds both.
    pub fn full(&self) -> String {
        let mut s = self.value.clone();
        if let Some(sub) = &self.subsec {
            if !s.contains('.') && s.len() >= 19 {
                s.push('.');
                s.push_str(sub);
            }
        }
        if let Some(off) = &self.offset {
            if !s.ends_with(off.as_str()) {
                s.push_str(off);
            }
        }
        s
    }

    /// The local date and time written in the file, when it is a whole, real date and time.
    pub fn naive(&self) -> Option<chrono::NaiveDateTime> {
        let v = self.value.get(..19)?;
        let t = chrono::NaiveDateTime::parse_from_str(v, "%Y:%m:%d %H:%M:%S").ok()?;
        let frac = self
            .subsec
            .as_deref()
            .and_then(|s| format!("0.{s}").parse::<f64>().ok())
            .map(|f| (f * 1e9) as u32)
            .unwrap_or(0);
        t.with_nanosecond(frac.min(999_999_999)).or(Some(t))
    }

    /// The zone as seconds east of UTC, when the file states one.
    pub fn offset_seconds(&self) -> Option<i32> {
        parse_offset(self.offset.as_deref()?)
    }
}

use chrono::Timelike;

/// The capture time of a file: the best capture or creation tag, with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LabelledTime {
    /// The time with fractions of a second and zone where stated (`2023:06:15 14:30:00.250+01:00`).
    pub at: String,
    /// The tag it came from, as exiftool names it (`EXIF:DateTimeOriginal`).
    pub tag: String,
    /// "captured (EXIF DateTimeOriginal)".
    pub label: String,
    /// The stated zone, or null.
    pub offset: Option<String>,
    /// The stated zone, or "no time zone in the file".
    pub zone: String,
}

impl LabelledTime {
    fn from_tag(t: &TimeTag) -> Self {
        LabelledTime {
            at: t.full(),
            tag: t.tag.clone(),
            label: t.label(),
            offset: t.offset.clone(),
            zone: t.zone(),
        }
    }

    /// The local date and time written in the file.
    pub fn naive(&self) -> Option<chrono::NaiveDateTime> {
        let v = self.at.get(..19)?;
        chrono::NaiveDateTime::parse_from_str(v, "%Y:%m:%d %H:%M:%S").ok()
    }

    /// The time in the form EXIF's `captured_at` has always had: `YYYY:MM:DD HH:MM:SS`, then ` +hh:mm` when the
    /// file states a zone (`Z` as `+00:00`). `None` when the value is not a whole date and time.
    pub fn exif_style(&self) -> Option<String> {
        let n = self.naive()?;
        let mut s = n.format("%Y:%m:%d %H:%M:%S").to_string();
        if let Some(off) = &self.offset {
            s.push(' ');
            s.push_str(if off == "Z" { "+00:00" } else { off });
        }
        Some(s)
    }

    /// The instant, when the file states a zone (else the local time alone is known: see [`Self::naive`]).
    pub fn instant(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        let off = chrono::FixedOffset::east_opt(parse_offset(self.offset.as_deref()?)?)?;
        self.naive()?.and_local_timezone(off).single()
    }
}

/// Preference among capture and creation tags, best first: the moment the shutter fired, then the creation
/// dates a camera or editor writes.
const CAPTURE_ORDER: &[&str] = &[
    "EXIF:DateTimeOriginal",
    "XMP:DateTimeOriginal",
    "EXIF:CreateDate",
    "XMP:DateTimeDigitized",
    "XMP:DateCreated",
    "XMP:CreateDate",
    "APP12:DateTimeOriginal",
    "MakerNotes:PanasonicDateTime",
    "MakerNotes:Date",
    "MakerNotes:DateTimeUTC",
    "MakerNotes:TimeStamp",
    "QuickTime:CreateDate",
    "PNG:CreationTime",
    "PNG:CreateDate",
];

/// The capture time among a file's time tags: the best capture or creation tag holding a real date, or
/// `None`. A modify date (EXIF `DateTime`, XMP `ModifyDate`, the file system's) is never the capture time.
/// Used for the attachment's `captured_at`, the officer's continuity lines and an import's proposed dates.
pub fn capture_time(times: &[TimeTag]) -> Option<LabelledTime> {
    let usable = |t: &&TimeTag| t.kind.may_be_capture() && real_date(&t.value);
    let rank = |t: &TimeTag| {
        CAPTURE_ORDER
            .iter()
            .position(|x| *x == t.tag)
            .unwrap_or(CAPTURE_ORDER.len())
    };
    times
        .iter()
        .filter(usable)
        .min_by_key(|t| rank(t))
        .map(LabelledTime::from_tag)
}

/// Whether a value starts with a real date (not blank, not zeros): `YYYY:MM:DD` with a plausible year.
fn real_date(v: &str) -> bool {
    let d = match v.get(..10) {
        Some(d) => d,
        None => return false,
    };
    chrono::NaiveDate::parse_from_str(d, "%Y:%m:%d")
        .map(|d| chrono::Datelike::year(&d) >= 1800)
        .unwrap_or(false)
}

/// What is read from a file's metadata at attach time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// Every time tag found, in the order found.
    pub times: Vec<TimeTag>,
    /// Whether the EXIF carries a GPS position (latitude or longitude).
    pub gps: bool,
    /// EXIF Make.
    pub make: Option<String>,
    /// EXIF Model.
    pub model: Option<String>,
    /// EXIF Software.
    pub software: Option<String>,
}

/// Largest XMP packet read.
const XMP_MAX: usize = 4 * 1024 * 1024;
/// Most XMP packets read from one file.
const XMP_PACKETS_MAX: usize = 8;
/// Most chunks, segments or boxes walked in one file.
const WALK_MAX: usize = 10_000;
/// Longest text value kept from a tag.
const VALUE_MAX: usize = 64;

/// Reads every time tag (and the GPS flag and device fields) from a file's bytes. Never panics on hostile
/// input; what cannot be read is simply absent. The file system's time is added by [`file_time`].
pub fn read(bytes: &[u8]) -> Metadata {
    let mut out = Metadata::default();
    let mut packets: Vec<Vec<u8>> = Vec::new();
    if let Ok(exif) = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)) {
        read_exif(&exif, &mut out, &mut packets);
    }
    if bytes.starts_with(&[0xff, 0xd8]) {
        jpeg_segments(bytes, &mut out.times, &mut packets);
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_chunks(bytes, &mut out.times, &mut packets);
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        // TIFF: the XMP is tag 700, read with the EXIF above.
    } else {
        if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
            quicktime_create(bytes, &mut out.times);
        }
        scan_xmp(bytes, &mut packets);
    }
    for p in packets.iter().take(XMP_PACKETS_MAX) {
        xmp_times(p, &mut out.times);
    }
    dedupe(&mut out.times);
    out
}

/// The file system's modification time (RFC 3339, UTC) as a time tag labelled "file modified (file system)".
pub fn file_time(rfc3339: &str) -> Option<TimeTag> {
    let t = chrono::DateTime::parse_from_rfc3339(rfc3339).ok()?;
    Some(TimeTag {
        tag: "File:FileModifyDate".into(),
        source: "file system".into(),
        kind: TimeKind::FileModified,
        value: t.format("%Y:%m:%d %H:%M:%S%:z").to_string(),
        offset: Some(t.format("%:z").to_string()),
        subsec: None,
    })
}

fn dedupe(times: &mut Vec<TimeTag>) {
    let mut seen = std::collections::HashSet::new();
    times.retain(|t| seen.insert((t.tag.clone(), t.value.clone())));
}

fn ascii(exif: &exif::Exif, tag: exif::Tag, ifd: exif::In) -> Option<String> {
    let f = exif.get_field(tag, ifd)?;
    let raw = match &f.value {
        exif::Value::Ascii(v) => v.first()?.clone(),
        exif::Value::Byte(v) | exif::Value::Undefined(v, _) => v.clone(),
        _ => return None,
    };
    let s: String = String::from_utf8_lossy(&raw)
        .trim_matches(|c: char| c == '\0' || c.is_whitespace())
        .chars()
        .filter(|c| !c.is_control())
        .take(VALUE_MAX)
        .collect();
    if s.is_empty() {
        None
    } else {
        Some(s)
    }
}

fn read_exif(exif: &exif::Exif, out: &mut Metadata, packets: &mut Vec<Vec<u8>>) {
    use exif::{In, Tag};
    let p = In::PRIMARY;
    let specs = [
        (
            Tag::DateTimeOriginal,
            Tag::OffsetTimeOriginal,
            Tag::SubSecTimeOriginal,
            "EXIF:DateTimeOriginal",
            "EXIF DateTimeOriginal",
            TimeKind::Captured,
        ),
        (
            Tag::DateTimeDigitized,
            Tag::OffsetTimeDigitized,
            Tag::SubSecTimeDigitized,
            "EXIF:CreateDate",
            "EXIF DateTimeDigitized",
            TimeKind::Created,
        ),
        (
            Tag::DateTime,
            Tag::OffsetTime,
            Tag::SubSecTime,
            "EXIF:ModifyDate",
            "EXIF DateTime",
            TimeKind::Modified,
        ),
    ];
    for (tag, off, sub, name, source, kind) in specs {
        if let Some(value) = ascii(exif, tag, p) {
            out.times.push(TimeTag {
                tag: name.into(),
                source: source.into(),
                kind,
                value,
                offset: ascii(exif, off, p).filter(|o| parse_offset(o).is_some()),
                subsec: ascii(exif, sub, p)
                    .filter(|s| s.chars().all(|c| c.is_ascii_digit()) && s.len() <= 9),
            });
        }
    }
    out.gps = exif.get_field(Tag::GPSLatitude, p).is_some()
        || exif.get_field(Tag::GPSLongitude, p).is_some();
    if let Some(t) = gps_time(exif) {
        out.times.push(t);
    }
    out.make = ascii(exif, Tag::Make, p);
    out.model = ascii(exif, Tag::Model, p);
    out.software = ascii(exif, Tag::Software, p);
    makernote::read(exif, &mut out.times);
    // TIFF keeps its XMP packet in IFD0 tag 700 (XMLPacket).
    let xmp_tag = exif::Tag(exif::Context::Tiff, 700);
    if let Some(f) = exif.get_field(xmp_tag, p) {
        if let exif::Value::Byte(v) | exif::Value::Undefined(v, _) = &f.value {
            if v.len() <= XMP_MAX {
                packets.push(v.clone());
            }
        }
    }
}

/// The GPS fix time as exiftool's composite `GPSDateTime` prints it (`2023:06:15 13:30:05.5Z`): the date stamp,
/// then the time stamp's three rationals as hours, minutes and seconds, fractions trimmed; UTC by definition.
fn gps_time(exif: &exif::Exif) -> Option<TimeTag> {
    use exif::{In, Tag, Value};
    let date = ascii(exif, Tag::GPSDateStamp, In::PRIMARY)?;
    let date: String = date.chars().take(10).collect();
    let f = exif.get_field(Tag::GPSTimeStamp, In::PRIMARY)?;
    let Value::Rational(r) = &f.value else {
        return None;
    };
    if r.len() < 3 || r.iter().any(|x| x.denom == 0) {
        return None;
    }
    let secs = (r[0].to_f64() * 60.0 + r[1].to_f64()) * 60.0 + r[2].to_f64();
    if !secs.is_finite() || !(0.0..1e9).contains(&secs) {
        return None;
    }
    let mut h = (secs / 3600.0).floor();
    let mut m = ((secs - h * 3600.0) / 60.0).floor();
    let rest = secs - h * 3600.0 - m * 60.0;
    // As exiftool: seconds to the microsecond, trailing zeros and a bare point trimmed ("05.5", "05");
    // a value that rounds to 60 carries into the minute.
    let mut ss = format!("{rest:09.6}");
    if ss.parse::<f64>().unwrap_or(0.0) >= 60.0 {
        ss = "00".into();
        m += 1.0;
        if m >= 60.0 {
            m -= 60.0;
            h += 1.0;
        }
    } else if ss.contains('.') {
        ss = ss.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    let value = format!("{date} {:02}:{:02}:{ss}Z", h as u64, m as u64);
    Some(TimeTag {
        tag: "Composite:GPSDateTime".into(),
        source: "EXIF GPSDateStamp and GPSTimeStamp".into(),
        kind: TimeKind::GpsFix,
        value,
        offset: Some("Z".into()),
        subsec: None,
    })
}

/// A zone `+hh:mm`, `-hh:mm` or `Z` as seconds east of UTC.
fn parse_offset(s: &str) -> Option<i32> {
    if s == "Z" {
        return Some(0);
    }
    let b = s.as_bytes();
    if b.len() != 6 || b[3] != b':' {
        return None;
    }
    let sign = match b[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let h: i32 = s.get(1..3)?.parse().ok()?;
    let m: i32 = s.get(4..6)?.parse().ok()?;
    if h > 14 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

/// JPEG segments: XMP packets in APP1 (the standard packet, then the extended XMP it names, joined as exiftool
/// joins it), and the APP12 "[picture info]" time.
fn jpeg_segments(b: &[u8], times: &mut Vec<TimeTag>, packets: &mut Vec<Vec<u8>>) {
    const SIG: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
    const EXT: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
    let mut extended: Vec<Extended> = Vec::new();
    let mut i = 2usize;
    for _ in 0..WALK_MAX {
        if i + 4 > b.len() || b[i] != 0xff {
            break;
        }
        let marker = b[i + 1];
        if marker == 0xff {
            i += 1;
            continue;
        }
        if marker == 0xd9 || marker == 0xda {
            break; // end of image, or start of scan: no metadata after this
        }
        if (0xd0..=0xd7).contains(&marker) || marker == 0x01 {
            i += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        if len < 2 {
            break;
        }
        let start = i + 4;
        let end = (i + 2).saturating_add(len).min(b.len());
        if start <= end {
            let seg = &b[start..end];
            if marker == 0xe1 {
                if let Some(rest) = seg.strip_prefix(SIG) {
                    packets.push(rest.to_vec());
                } else if let Some(rest) = seg.strip_prefix(EXT) {
                    extended_chunk(rest, &mut extended);
                }
            } else if marker == 0xec {
                makernote::app12(seg, times);
            }
        }
        i = i.saturating_add(2 + len);
    }
    // As exiftool does by default: only the extended XMP whose GUID the standard packet names, and only whole.
    let named: Vec<String> = packets.iter().filter_map(|p| extended_guid(p)).collect();
    for x in extended {
        if named.contains(&x.guid) && x.whole() && packets.len() < XMP_PACKETS_MAX {
            packets.push(x.data);
        }
    }
}

/// An extended XMP packet being joined from its APP1 chunks.
struct Extended {
    guid: String,
    data: Vec<u8>,
    /// Each chunk's offset and length, to tell a whole packet from one with a gap.
    chunks: Vec<(usize, usize)>,
}

impl Extended {
    /// Whether the chunks run from the start to the end, each beginning where the last ended (exiftool's test).
    fn whole(&self) -> bool {
        let mut at = 0usize;
        while at < self.data.len() {
            match self.chunks.iter().find(|c| c.0 == at && c.1 > 0) {
                Some(c) => at += c.1,
                None => return false,
            }
        }
        at == self.data.len()
    }
}

/// One extended XMP chunk: a 32-character GUID, the full length and this chunk's offset (big-endian), its bytes.
fn extended_chunk(rest: &[u8], extended: &mut Vec<Extended>) {
    let (Some(guid), Some(size), Some(off)) = (rest.get(..32), rest.get(32..36), rest.get(36..40))
    else {
        return;
    };
    if !guid.iter().all(u8::is_ascii_alphanumeric) {
        return;
    }
    let guid = String::from_utf8_lossy(guid).into_owned();
    let size = be(size) as usize;
    let off = be(off) as usize;
    let chunk = &rest[40..];
    if size > XMP_MAX || off.checked_add(chunk.len()).is_none_or(|e| e > size) {
        return;
    }
    let x = match extended.iter().position(|x| x.guid == guid) {
        Some(p) => &mut extended[p],
        None => {
            if extended.len() >= XMP_PACKETS_MAX {
                return;
            }
            extended.push(Extended {
                guid,
                data: vec![0; size],
                chunks: Vec::new(),
            });
            let last = extended.len() - 1;
            &mut extended[last]
        }
    };
    if x.data.len() != size || x.chunks.len() >= 1024 {
        return; // an inconsistent size: the chunk does not belong
    }
    x.data[off..off + chunk.len()].copy_from_slice(chunk);
    x.chunks.push((off, chunk.len()));
}

/// The GUID a standard XMP packet names in `xmpNote:HasExtendedXMP` (as an attribute or an element).
fn extended_guid(packet: &[u8]) -> Option<String> {
    let p = find(packet, b"HasExtendedXMP")?;
    let after = packet.get(p + b"HasExtendedXMP".len()..)?;
    let q = after
        .iter()
        .take(8)
        .position(|&c| c == b'"' || c == b'\'' || c == b'>')?;
    let guid = after.get(q + 1..q + 33)?;
    guid.iter()
        .all(u8::is_ascii_alphanumeric)
        .then(|| String::from_utf8_lossy(guid).into_owned())
}

/// PNG chunks: `iTXt` XMP packets, the text times and `tIME`.
fn png_chunks(b: &[u8], times: &mut Vec<TimeTag>, packets: &mut Vec<Vec<u8>>) {
    let mut i = 8usize;
    for _ in 0..WALK_MAX {
        if i + 8 > b.len() {
            return;
        }
        let len = u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize;
        let kind = &b[i + 4..i + 8];
        let start = i + 8;
        let end = match start.checked_add(len) {
            Some(e) if e <= b.len() => e,
            _ => return,
        };
        let data = &b[start..end];
        match kind {
            b"IEND" => return,
            // tIME: when the image was last changed (exiftool's PNG:ModifyDate): year, month, day, h, m, s.
            b"tIME" if data.len() == 7 => {
                let year = u16::from_be_bytes([data[0], data[1]]);
                let value = format!(
                    "{year:04}:{:02}:{:02} {:02}:{:02}:{:02}",
                    data[2], data[3], data[4], data[5], data[6]
                );
                push_plain(
                    times,
                    "PNG:ModifyDate",
                    "PNG tIME",
                    TimeKind::Modified,
                    value,
                );
            }
            b"tEXt" | b"zTXt" | b"iTXt" => {
                if let Some((key, text)) = png_text(kind, data) {
                    if key == "XML:com.adobe.xmp" {
                        packets.push(text);
                    } else if let Some((tag, source, kind)) = png_time_key(&key) {
                        let raw: String = String::from_utf8_lossy(&text)
                            .trim()
                            .chars()
                            .filter(|c| !c.is_control())
                            .take(VALUE_MAX)
                            .collect();
                        if !raw.is_empty() {
                            let (value, offset, subsec) = xmp_date(&raw);
                            times.push(TimeTag {
                                tag: tag.into(),
                                source: source.into(),
                                kind,
                                value,
                                offset,
                                subsec,
                            });
                        }
                    }
                }
            }
            _ => {}
        }
        i = end.saturating_add(4); // the CRC
    }
}

/// The PNG text keys exiftool reads as times: its tag, the source in words, the kind.
fn png_time_key(key: &str) -> Option<(&'static str, &'static str, TimeKind)> {
    Some(match key {
        "Creation Time" => ("PNG:CreationTime", "PNG Creation Time", TimeKind::Created),
        "create-date" => ("PNG:CreateDate", "PNG create-date", TimeKind::Created),
        "modify-date" => ("PNG:ModDate", "PNG modify-date", TimeKind::Modified),
        _ => return None,
    })
}

/// The keyword and text of a PNG text chunk, inflated when compressed (bounded).
fn png_text(kind: &[u8], data: &[u8]) -> Option<(String, Vec<u8>)> {
    let nul = data.iter().position(|&c| c == 0)?;
    let key = String::from_utf8_lossy(&data[..nul]).into_owned();
    let rest = &data[nul + 1..];
    let text = match kind {
        b"tEXt" => rest.to_vec(),
        b"zTXt" => inflate(rest.get(1..)?)?,
        _ => {
            // iTXt: compression flag, method, language tag\0, translated keyword\0, text
            let flag = *rest.first()?;
            let after = rest.get(2..)?;
            let l = after.iter().position(|&c| c == 0)?;
            let after = after.get(l + 1..)?;
            let t = after.iter().position(|&c| c == 0)?;
            let body = after.get(t + 1..)?;
            if flag == 1 {
                inflate(body)?
            } else {
                body.to_vec()
            }
        }
    };
    Some((key, text))
}

/// Inflates zlib data, at most [`XMP_MAX`] bytes out (a bomb is cut off, not followed).
fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(XMP_MAX as u64)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// XMP packets found in the bytes of other containers (HEIF `mime` items, WebP `XMP ` chunks).
fn scan_xmp(b: &[u8], packets: &mut Vec<Vec<u8>>) {
    const OPEN: &[u8] = b"<x:xmpmeta";
    const CLOSE: &[u8] = b"</x:xmpmeta>";
    let mut from = 0usize;
    while packets.len() < XMP_PACKETS_MAX {
        let Some(s) = find(&b[from..], OPEN).map(|p| p + from) else {
            return;
        };
        let window = &b[s..b.len().min(s.saturating_add(XMP_MAX))];
        let Some(e) = find(window, CLOSE) else {
            return;
        };
        packets.push(window[..e + CLOSE.len()].to_vec());
        from = s + e + CLOSE.len();
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// `mvhd` creation and modification times of an ISO base media / QuickTime file (`moov` at the top level), as
/// exiftool prints `QuickTime:CreateDate` and `QuickTime:ModifyDate` (seconds since 1904, no zone applied).
fn quicktime_create(b: &[u8], times: &mut Vec<TimeTag>) {
    if let Some(moov) = child_box(b, b"moov") {
        mvhd_times(moov, times);
    }
}

/// Reads as [`read`] does, adding the movie header's times from the body of a top-level `moov` box that lies
/// further into the file than `bytes` reach (a video whose movie header follows its media data): the caller
/// finds it with [`find_top_box`].
pub fn read_with_moov(bytes: &[u8], moov: Option<&[u8]>) -> Metadata {
    let mut out = read(bytes);
    if let Some(m) = moov {
        if !out.times.iter().any(|t| t.tag.starts_with("QuickTime:")) {
            mvhd_times(m, &mut out.times);
            dedupe(&mut out.times);
        }
    }
    out
}

/// Whether bytes start an ISO base media / QuickTime file (an `ftyp` box first).
pub fn is_iso_media(head: &[u8]) -> bool {
    head.len() >= 12 && &head[4..8] == b"ftyp"
}

/// Where the body of the first top-level box of a type lies in a file of `size` bytes, walking the box headers
/// with `read_at(offset, len)` (which returns fewer bytes at the end of the file): `(body offset, body length)`.
/// Bounded by the number of boxes walked, so a file of a million tiny boxes ends the walk, not the attach.
pub fn find_top_box(
    size: u64,
    kind: &[u8; 4],
    mut read_at: impl FnMut(u64, usize) -> Option<Vec<u8>>,
) -> Option<(u64, u64)> {
    let mut at = 0u64;
    for _ in 0..WALK_MAX {
        if at.checked_add(8)? > size {
            return None;
        }
        let head = read_at(at, 16)?;
        let h = head.get(..8)?;
        let (hlen, len) = match u32::from_be_bytes([h[0], h[1], h[2], h[3]]) {
            0 => (8u64, size - at),
            1 => (16u64, be(head.get(8..16)?)),
            n => (8u64, u64::from(n)),
        };
        if len < hlen {
            return None;
        }
        if &h[4..8] == kind {
            let body = at + hlen;
            return Some((body, (len - hlen).min(size.saturating_sub(body))));
        }
        at = at.checked_add(len)?;
    }
    None
}

/// The creation and modification times in the `mvhd` box among the children of a `moov` box's body.
fn mvhd_times(moov: &[u8], times: &mut Vec<TimeTag>) {
    let Some(mvhd) = child_box(moov, b"mvhd") else {
        return;
    };
    // Version 0: 32-bit creation and modification times; version 1: 64-bit.
    let (created, modified) = match mvhd.first() {
        Some(0) if mvhd.len() >= 12 => (be(&mvhd[4..8]), be(&mvhd[8..12])),
        Some(1) if mvhd.len() >= 20 => (be(&mvhd[4..12]), be(&mvhd[12..20])),
        _ => return,
    };
    let specs = [
        (
            created,
            "QuickTime:CreateDate",
            "QuickTime CreateDate",
            TimeKind::Created,
        ),
        (
            modified,
            "QuickTime:ModifyDate",
            "QuickTime ModifyDate",
            TimeKind::Modified,
        ),
    ];
    for (secs, tag, source, kind) in specs {
        if let Some(value) = since_1904(secs) {
            push_plain(times, tag, source, kind, value);
        }
    }
}

/// Adds a time with no zone and no fractions stated.
fn push_plain(times: &mut Vec<TimeTag>, tag: &str, source: &str, kind: TimeKind, value: String) {
    times.push(TimeTag {
        tag: tag.into(),
        source: source.into(),
        kind,
        value,
        offset: None,
        subsec: None,
    });
}

/// A big-endian unsigned number of up to 8 bytes.
fn be(b: &[u8]) -> u64 {
    b.iter().fold(0u64, |n, &x| (n << 8) | u64::from(x))
}

/// Seconds since 1904 (QuickTime's epoch) in exiftool's form; `None` for 0 (exiftool prints zeros: no time).
fn since_1904(secs: u64) -> Option<String> {
    const FROM_1904: i64 = 2_082_844_800;
    if secs == 0 {
        return None;
    }
    let t = i64::try_from(secs)
        .ok()
        .and_then(|s| s.checked_sub(FROM_1904))
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))?;
    Some(t.format("%Y:%m:%d %H:%M:%S").to_string())
}

/// The body of the first box of a type among the boxes laid out in `b`.
fn child_box<'a>(b: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    let mut i = 0usize;
    for _ in 0..WALK_MAX {
        let head = b.get(i..i + 8)?;
        let size32 = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let (hlen, size) = match size32 {
            0 => (8usize, b.len() - i),
            1 => {
                let l = b.get(i + 8..i + 16)?;
                let s = u64::from_be_bytes([l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7]]);
                (16usize, usize::try_from(s).ok()?)
            }
            s => (8usize, s as usize),
        };
        if size < hlen {
            return None;
        }
        let end = i.checked_add(size)?;
        if &head[4..8] == kind {
            // A box cut short by the end of the bytes is read as far as it goes.
            return b.get(i + hlen..end.min(b.len()));
        }
        if end >= b.len() {
            return None;
        }
        i = end;
    }
    None
}

const NS_XMP: &str = "http://ns.adobe.com/xap/1.0/";
const NS_PHOTOSHOP: &str = "http://ns.adobe.com/photoshop/1.0/";
const NS_EXIF: &str = "http://ns.adobe.com/exif/1.0/";
const NS_TIFF: &str = "http://ns.adobe.com/tiff/1.0/";

/// The XMP properties read: namespace, local name, exiftool's tag, the source in words, the kind.
const XMP_PROPS: &[(&str, &str, &str, &str, TimeKind)] = &[
    (
        NS_XMP,
        "CreateDate",
        "XMP:CreateDate",
        "XMP CreateDate",
        TimeKind::Created,
    ),
    (
        NS_XMP,
        "ModifyDate",
        "XMP:ModifyDate",
        "XMP ModifyDate",
        TimeKind::Modified,
    ),
    (
        NS_XMP,
        "MetadataDate",
        "XMP:MetadataDate",
        "XMP MetadataDate",
        TimeKind::Modified,
    ),
    (
        NS_PHOTOSHOP,
        "DateCreated",
        "XMP:DateCreated",
        "XMP photoshop:DateCreated",
        TimeKind::Created,
    ),
    (
        NS_EXIF,
        "DateTimeOriginal",
        "XMP:DateTimeOriginal",
        "XMP exif:DateTimeOriginal",
        TimeKind::Captured,
    ),
    (
        NS_EXIF,
        "DateTimeDigitized",
        "XMP:DateTimeDigitized",
        "XMP exif:DateTimeDigitized",
        TimeKind::Created,
    ),
    (
        NS_TIFF,
        "DateTime",
        "XMP:DateTime",
        "XMP tiff:DateTime",
        TimeKind::Modified,
    ),
];

fn xmp_prop(
    ns: &str,
    local: &str,
) -> Option<&'static (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    TimeKind,
)> {
    XMP_PROPS.iter().find(|p| p.0 == ns && p.1 == local)
}

fn push_xmp(times: &mut Vec<TimeTag>, p: &(&str, &str, &str, &str, TimeKind), raw: &str) {
    let raw: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(VALUE_MAX)
        .collect();
    if raw.is_empty() {
        return;
    }
    let (value, offset, subsec) = xmp_date(&raw);
    times.push(TimeTag {
        tag: p.2.into(),
        source: p.3.into(),
        kind: p.4,
        value,
        offset,
        subsec,
    });
}

/// The time properties of one XMP packet (as attributes of `rdf:Description` or as elements).
fn xmp_times(packet: &[u8], times: &mut Vec<TimeTag>) {
    use quick_xml::events::Event;
    use quick_xml::name::ResolveResult;
    type Prop = &'static (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        TimeKind,
    );
    let text = String::from_utf8_lossy(packet);
    // Skip anything before the packet's first element (a BOM or padding).
    let body = match text.find('<') {
        Some(i) => &text[i..],
        None => return,
    };
    let mut r = quick_xml::reader::NsReader::from_str(body);
    let mut open: Option<Prop> = None;
    let mut value = String::new();
    for _ in 0..200_000 {
        let (element_ns, ev) = match r.read_resolved_event() {
            Ok((_, Event::Eof)) | Err(_) => return,
            Ok((ResolveResult::Bound(ns), ev)) => (Some(ns.as_ref().to_string()), ev),
            Ok((_, ev)) => (None, ev),
        };
        let (e, is_start) = match ev {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::Text(t) => {
                if open.is_some() && value.len() < VALUE_MAX * 2 {
                    value.push_str(&t.xml10_content());
                }
                continue;
            }
            Event::End(_) => {
                if let Some(p) = open.take() {
                    push_xmp(times, p, &value);
                }
                continue;
            }
            _ => continue,
        };
        for a in e.attributes().flatten() {
            if let (ResolveResult::Bound(ns), local) = r.resolver().resolve_attribute(a.key) {
                if let Some(p) = xmp_prop(ns.as_ref(), local.as_ref()) {
                    if let Ok(v) = a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                        push_xmp(times, p, &v);
                    }
                }
            }
        }
        if is_start {
            open = element_ns.and_then(|ns| xmp_prop(&ns, e.local_name().as_ref()));
            value.clear();
        }
    }
}

/// An XMP or PNG date (ISO 8601) in exiftool's form: `2005-12-17T10:00:00.12+01:00` becomes
/// `2005:12:17 10:00:00.12+01:00`, with the zone (`+01:00`, `Z`) and fraction also returned apart. Anything
/// else is kept as written, with no zone.
fn xmp_date(raw: &str) -> (String, Option<String>, Option<String>) {
    let b = raw.as_bytes();
    // Only plain ASCII is rewritten, so every slice below falls on a character boundary.
    let iso = raw.is_ascii() && b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit);
    if !iso {
        return (raw.to_string(), None, None);
    }
    let mut v: String = raw
        .char_indices()
        .map(|(i, c)| match (i, c) {
            (4 | 7, '-') => ':',
            (10, 'T') => ' ',
            _ => c,
        })
        .collect();
    let time = v.get(11..).unwrap_or("").to_string();
    let mut offset = None;
    if time.ends_with('Z') {
        offset = Some("Z".to_string());
    } else if time.len() >= 6 {
        let tail = &time[time.len() - 6..];
        if parse_offset(tail).is_some() {
            offset = Some(tail.to_string());
        }
    }
    let subsec = time.find('.').map(|d| {
        time[d + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
    });
    // A time without seconds (`10:00`) is shown by exiftool with `:00` added.
    if time.len() >= 5 && time.as_bytes().get(5) != Some(&b':') && time.as_bytes()[2] == b':' {
        let (hm, rest) = time.split_at(5);
        v = format!("{}{}:00{}", &v[..11], hm, rest);
    }
    (v, offset, subsec.filter(|s| !s.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(tag: &str, kind: TimeKind, value: &str) -> TimeTag {
        TimeTag {
            tag: tag.into(),
            source: tag.replace(':', " "),
            kind,
            value: value.into(),
            offset: None,
            subsec: None,
        }
    }

    #[test]
    fn a_modify_date_is_never_the_capture_time() -> Result<(), String> {
        let only = [t(
            "EXIF:ModifyDate",
            TimeKind::Modified,
            "2008:07:31 10:38:11",
        )];
        assert_eq!(capture_time(&only), None);
        let file = file_time("2024-01-02T03:04:05Z")
            .into_iter()
            .collect::<Vec<_>>();
        assert_eq!(capture_time(&file), None);
        let both = [
            t("EXIF:ModifyDate", TimeKind::Modified, "2008:07:31 10:38:11"),
            t("XMP:CreateDate", TimeKind::Created, "2005:12:17 10:00:00"),
        ];
        let c = capture_time(&both).ok_or("a capture time")?;
        assert_eq!(c.at, "2005:12:17 10:00:00");
        assert_eq!(c.tag, "XMP:CreateDate");
        assert_eq!(c.label, "created (XMP CreateDate)");
        assert_eq!(c.zone, NO_ZONE);
        Ok(())
    }

    #[test]
    fn the_original_wins_and_blank_dates_are_skipped() {
        let times = [
            t("XMP:CreateDate", TimeKind::Created, "2005:12:17 10:00:00"),
            t(
                "EXIF:DateTimeOriginal",
                TimeKind::Captured,
                "0000:00:00 00:00:00",
            ),
            t("EXIF:CreateDate", TimeKind::Created, "2005:12:17 09:00:00"),
        ];
        assert_eq!(
            capture_time(&times).map(|c| c.tag),
            Some("EXIF:CreateDate".into())
        );
    }

    #[test]
    fn xmp_dates_in_exiftool_form() {
        assert_eq!(
            xmp_date("2005-12-17T10:00:00.12+01:00"),
            (
                "2005:12:17 10:00:00.12+01:00".into(),
                Some("+01:00".into()),
                Some("12".into())
            )
        );
        assert_eq!(xmp_date("2015-02-03T04:05:06Z").1, Some("Z".into()));
        assert_eq!(xmp_date("2005-12-17").0, "2005:12:17");
        assert_eq!(
            xmp_date("2005-12-17T10:00+01:00").0,
            "2005:12:17 10:00:00+01:00"
        );
        assert_eq!(
            xmp_date("last tuesday"),
            ("last tuesday".into(), None, None)
        );
    }

    #[test]
    fn xmp_as_attributes_and_elements_with_any_prefix() {
        let p = br#"<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:a="http://ns.adobe.com/xap/1.0/" a:CreateDate="2005-12-17T10:00:00"/>
<rdf:Description xmlns:ps="http://ns.adobe.com/photoshop/1.0/"><ps:DateCreated>2010-05-06T07:08:09-05:00</ps:DateCreated></rdf:Description>
<rdf:Description xmlns:other="urn:x"><other:CreateDate>1999-01-01</other:CreateDate></rdf:Description>
</rdf:RDF></x:xmpmeta>"#;
        let mut times = Vec::new();
        xmp_times(p, &mut times);
        let got: Vec<_> = times
            .iter()
            .map(|t| (t.tag.as_str(), t.value.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("XMP:CreateDate", "2005:12:17 10:00:00"),
                ("XMP:DateCreated", "2010:05:06 07:08:09-05:00")
            ]
        );
        assert_eq!(times[1].offset.as_deref(), Some("-05:00"));
    }

    #[test]
    fn full_time_carries_fractions_and_zone() -> Result<(), String> {
        let mut x = t(
            "EXIF:DateTimeOriginal",
            TimeKind::Captured,
            "2023:06:15 14:30:00",
        );
        x.subsec = Some("250".into());
        x.offset = Some("+01:00".into());
        assert_eq!(x.full(), "2023:06:15 14:30:00.250+01:00");
        let c = capture_time(&[x]).ok_or("capture")?;
        assert_eq!(
            c.instant().map(|i| i.to_rfc3339()),
            Some("2023-06-15T14:30:00+01:00".into())
        );
        Ok(())
    }

    /// A JPEG of APP segments only (enough for the segment walk).
    fn jpeg_of(segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
        let mut b = vec![0xff, 0xd8];
        for (marker, body) in segments {
            b.extend_from_slice(&[0xff, *marker]);
            b.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
            b.extend_from_slice(body);
        }
        b.extend_from_slice(&[0xff, 0xd9]);
        b
    }

    #[test]
    fn extended_xmp_is_read_only_whole_and_only_when_named() {
        let guid = "0123456789ABCDEF0123456789ABCDEF";
        let ext = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreateDate="2012-03-04T05:06:07"/></rdf:RDF></x:xmpmeta>"#;
        let std_packet = |g: &str| {
            let mut b = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
            b.extend_from_slice(format!(r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmpNote="http://ns.adobe.com/xmp/note/" xmpNote:HasExtendedXMP="{g}"/></rdf:RDF></x:xmpmeta>"#).as_bytes());
            (0xe1u8, b)
        };
        let chunk = |off: usize, part: &[u8]| {
            let mut b = b"http://ns.adobe.com/xmp/extension/\0".to_vec();
            b.extend_from_slice(guid.as_bytes());
            b.extend_from_slice(&(ext.len() as u32).to_be_bytes());
            b.extend_from_slice(&(off as u32).to_be_bytes());
            b.extend_from_slice(part);
            (0xe1u8, b)
        };
        let half = ext.len() / 2;
        let whole = jpeg_of(&[
            std_packet(guid),
            chunk(half, &ext[half..]),
            chunk(0, &ext[..half]),
        ]);
        let got = read(&whole).times;
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].value, "2012:03:04 05:06:07");
        // A missing chunk: not read (exiftool warns "Incomplete extended XMP" and reads nothing).
        assert!(read(&jpeg_of(&[std_packet(guid), chunk(0, &ext[..half])]))
            .times
            .is_empty());
        // Not the GUID the standard packet names: not read.
        let other = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF";
        assert!(read(&jpeg_of(&[
            std_packet(other),
            chunk(0, &ext[..half]),
            chunk(half, &ext[half..])
        ]))
        .times
        .is_empty());
    }

    #[test]
    fn app12_picture_info_as_exiftool_prints_it() {
        let seg = |text: &str| jpeg_of(&[(0xec, text.as_bytes().to_vec())]);
        let t = read(&seg("[picture info]\r\nTimeDate=1057655411\r\nFlash=0\r\n")).times;
        assert_eq!(
            t.iter()
                .map(|t| (t.tag.as_str(), t.value.as_str(), t.kind))
                .collect::<Vec<_>>(),
            [(
                "APP12:DateTimeOriginal",
                "2003:07:08 09:10:11",
                TimeKind::Captured
            )]
        );
        // Not picture info; a key that only ends in TimeDate.
        assert!(read(&seg("Ducky TimeDate=1057655411")).times.is_empty());
        assert!(read(&seg("[picture info] XTimeDate=1057655411"))
            .times
            .is_empty());
    }

    #[test]
    fn garbage_truncations_and_bombs_give_no_panic() {
        let mut seed = 0x9e37_79b9_u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        let heads: [&[u8]; 5] = [
            b"\xff\xd8\xff\xe1",
            b"\x89PNG\r\n\x1a\n",
            b"II*\0",
            b"\0\0\0\x18ftypheic",
            b"<x:xmpmeta",
        ];
        for head in heads {
            for len in [0usize, 1, 7, 16, 64, 300, 2000] {
                let mut b = head.to_vec();
                b.extend((0..len).map(|_| (next() & 0xff) as u8));
                for cut in 0..b.len().min(40) {
                    let _ = read(&b[..cut]);
                }
                let _ = read(&b);
            }
        }
        // A box claiming to be enormous, a PNG chunk running past the end, an unclosed XMP packet.
        let _ = read(b"\0\0\0\x10ftypheic\0\0\0\0\xff\xff\xff\xffmoov");
        let _ = read(b"\x89PNG\r\n\x1a\n\x7f\xff\xff\xffiTXt");
        let _ = read(b"xx<x:xmpmeta><rdf:RDF");
    }
}
