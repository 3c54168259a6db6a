//! Capture times that cameras keep in their own maker notes, and in the older JPEG APP12 "[picture info]"
//! segment, read as exiftool reads them. No well-kept Rust crate reads maker notes (each maker has its own
//! layout, and `kamadak-exif` hands the maker note over as bytes), so the few tags that hold a time are read
//! here by hand, by a bounded IFD walk:
//!
//! - Panasonic: `TimeInfo` (0x2003, exiftool's `PanasonicDateTime`,
//!   BCD digits) and `TimeStamp` (0x00af, text);
//! - Olympus and OM System: `DateTimeUTC` (0x0908) in the `CameraSettings` sub-directory (0x2020);
//! - Pentax and Ricoh (and Samsung models that use its layout): `Date` (0x0006) and `Time` (0x0007), joined;
//! - APP12 "[picture info]" (older Olympus, Agfa and Polaroid cameras): `TimeDate`, exiftool's
//!   `PictureInfo:DateTimeOriginal`, in Unix seconds printed as UTC, as exiftool prints it.
//!
//! Each tag is named by its exiftool family-0 group (`MakerNotes:PanasonicDateTime`, `APP12:DateTimeOriginal`).
//! Nikon, Canon, Sony and Fujifilm maker notes carry no capture time exiftool reports for still photos (a
//! zone or a world-time setting at most), so they are not read.

use super::{push_plain, TimeKind, TimeTag, VALUE_MAX};

/// Most entries read from one maker-note directory.
const ENTRIES_MAX: usize = 512;
/// Largest value read from one entry.
const ENTRY_VALUE_MAX: usize = 4096;

/// The time tags in the maker note of an EXIF block, if its maker is one read here.
pub(super) fn read(exif: &exif::Exif, times: &mut Vec<TimeTag>) {
    let Some(f) = exif.get_field(exif::Tag::MakerNote, exif::In::PRIMARY) else {
        return;
    };
    let exif::Value::Undefined(note, at) = &f.value else {
        return;
    };
    let tiff = exif.buf();
    let at = *at as usize;
    // The note as it lies in the TIFF block, so that offsets counted from the TIFF header resolve.
    if tiff.get(at..at.saturating_add(note.len())) != Some(note.as_slice()) {
        return;
    }
    let tiff_le = tiff.starts_with(b"II");
    if note.starts_with(b"Panasonic\0") {
        // Offsets count from the TIFF header.
        if let Some(d) = Dir::open(tiff, at + 12, 0, None, tiff_le) {
            panasonic(&d, times);
        }
    } else if note.starts_with(b"OLYMPUS\0") || note.starts_with(b"OM SYSTEM\0") {
        // "OLYMPUS\0II\x03\0" (12 bytes) or "OM SYSTEM\0\0\0II\x04\0" (16): offsets count from the note's start.
        let head = if note.starts_with(b"OLYMPUS\0") {
            12
        } else {
            16
        };
        let order = note.get(head - 4..head - 2).and_then(order_of);
        if let Some(d) = Dir::open(tiff, at + head, at, order, tiff_le) {
            olympus(&d, times);
        }
    } else if note.starts_with(b"OLYMP\0") || note.starts_with(b"EPSON\0") {
        // Older Olympus: offsets count from the TIFF header.
        if let Some(d) = Dir::open(tiff, at + 8, 0, None, tiff_le) {
            olympus(&d, times);
        }
    } else if note.starts_with(b"AOC\0") {
        // Date and Time are short enough to sit in their entries, so the offset base (which varies by model,
        // and which exiftool guesses) does not matter for them.
        let order = note.get(4..6).and_then(order_of);
        if let Some(d) = Dir::open(tiff, at + 6, at, order, tiff_le) {
            pentax(&d, times);
        }
    } else if note.starts_with(b"PENTAX \0") {
        let order = note.get(8..10).and_then(order_of);
        if let Some(d) = Dir::open(tiff, at + 10, at, order, tiff_le) {
            pentax(&d, times);
        }
    }
}

/// The byte order a maker note states: `II` little-endian, `MM` big-endian.
fn order_of(b: &[u8]) -> Option<bool> {
    match b {
        b"II" => Some(true),
        b"MM" => Some(false),
        _ => None,
    }
}

/// One IFD inside the TIFF block: where it starts, what its offsets count from, its byte order.
struct Dir<'a> {
    buf: &'a [u8],
    start: usize,
    base: usize,
    le: bool,
}

/// One entry of an IFD: its type and value bytes.
struct Entry<'a> {
    kind: u16,
    /// Where the value lies in the TIFF block.
    at: usize,
    value: &'a [u8],
    /// The value read as an offset (for a sub-directory pointer).
    offset: u32,
}

impl<'a> Dir<'a> {
    /// The IFD at `start`, in the stated byte order, or (unstated) the one giving a sensible entry count,
    /// the TIFF block's own first.
    fn open(
        buf: &'a [u8],
        start: usize,
        base: usize,
        order: Option<bool>,
        tiff_le: bool,
    ) -> Option<Self> {
        let raw = buf.get(start..start.checked_add(2)?)?;
        let count = |le: bool| {
            usize::from(if le {
                u16::from_le_bytes([raw[0], raw[1]])
            } else {
                u16::from_be_bytes([raw[0], raw[1]])
            })
        };
        let sensible = |le: bool| (1..=ENTRIES_MAX).contains(&count(le));
        let le = match order {
            Some(le) => le,
            None if sensible(tiff_le) => tiff_le,
            None if sensible(!tiff_le) => !tiff_le,
            None => return None,
        };
        Some(Dir {
            buf,
            start,
            base,
            le,
        })
    }

    fn u16(&self, at: usize) -> Option<u16> {
        let b = self.buf.get(at..at.checked_add(2)?)?;
        Some(if self.le {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let b = self.buf.get(at..at.checked_add(4)?)?;
        let a = [b[0], b[1], b[2], b[3]];
        Some(if self.le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }

    /// The entry with a tag, its value found inline or at its offset (bounded).
    fn entry(&self, tag: u16) -> Option<Entry<'a>> {
        let n = usize::from(self.u16(self.start)?).min(ENTRIES_MAX);
        for i in 0..n {
            let e = self.start + 2 + i * 12;
            if self.u16(e)? != tag {
                continue;
            }
            let kind = self.u16(e + 2)?;
            let count = self.u32(e + 4)? as usize;
            let unit = match kind {
                1 | 2 | 6 | 7 => 1,
                3 | 8 => 2,
                4 | 9 | 11 | 13 => 4,
                5 | 10 | 12 => 8,
                _ => return None,
            };
            let len = count.checked_mul(unit)?;
            let offset = self.u32(e + 8)?;
            let at = if len <= 4 {
                e + 8
            } else {
                self.base.checked_add(offset as usize)?
            };
            // A long value is not read (a sub-directory held in place needs only where it starts).
            let value = if len > ENTRY_VALUE_MAX {
                &[][..]
            } else {
                self.buf.get(at..at.checked_add(len)?)?
            };
            return Some(Entry {
                kind,
                at,
                value,
                offset,
            });
        }
        None
    }

    /// The sub-directory an entry points to (an IFD pointer), or that an undefined entry holds in place.
    fn sub(&self, tag: u16) -> Option<Dir<'a>> {
        let e = self.entry(tag)?;
        let start = match e.kind {
            4 | 13 => self.base.checked_add(e.offset as usize)?,
            // The directory's bytes are the value itself.
            7 => e.at,
            _ => return None,
        };
        Dir::open(self.buf, start, self.base, Some(self.le), self.le)
    }
}

/// Text of an ASCII value: up to its NUL, trimmed, control characters dropped, bounded.
fn text(v: &[u8]) -> Option<String> {
    let end = v.iter().position(|&c| c == 0).unwrap_or(v.len());
    let s: String = String::from_utf8_lossy(&v[..end])
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(VALUE_MAX)
        .collect();
    (!s.is_empty()).then_some(s)
}

fn panasonic(d: &Dir<'_>, times: &mut Vec<TimeTag>) {
    // TimeInfo: the capture time as BCD digits, YYYY MM DD hh mm ss and hundredths; a leading 0 means unset.
    if let Some(e) = d.entry(0x2003) {
        if let Some(b) = e.value.get(..8).filter(|b| b[0] != 0) {
            let h: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
            if h.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) {
                let value = format!(
                    "{}{}:{}:{} {}:{}:{}.{}",
                    h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
                );
                times.push(TimeTag {
                    tag: "MakerNotes:PanasonicDateTime".into(),
                    source: "Panasonic maker note TimeInfo".into(),
                    kind: TimeKind::Captured,
                    value,
                    offset: None,
                    subsec: Some(h[7].clone()),
                });
            }
        }
    }
    // TimeStamp: a time the camera writes as text; exiftool's notes doubt which zone it is in, so it is kept
    // as a creation time, below TimeInfo.
    if let Some(v) = d.entry(0x00af).and_then(|e| text(e.value)) {
        push_plain(
            times,
            "MakerNotes:TimeStamp",
            "Panasonic maker note TimeStamp",
            TimeKind::Created,
            v,
        );
    }
}

fn olympus(d: &Dir<'_>, times: &mut Vec<TimeTag>) {
    if let Some(v) = d
        .sub(0x2020)
        .and_then(|s| s.entry(0x0908))
        .and_then(|e| text(e.value))
    {
        push_plain(
            times,
            "MakerNotes:DateTimeUTC",
            "Olympus maker note DateTimeUTC",
            TimeKind::Captured,
            v,
        );
    }
}

fn pentax(d: &Dir<'_>, times: &mut Vec<TimeTag>) {
    // Date: the year as a big-endian 16-bit number whatever the note's byte order, then month and day.
    let Some(date) = d
        .entry(0x0006)
        .and_then(|e| e.value.get(..4).map(<[u8]>::to_vec))
    else {
        return;
    };
    let year = u16::from_be_bytes([date[0], date[1]]);
    let mut value = format!("{year:04}:{:02}:{:02}", date[2], date[3]);
    // Time: hours, minutes, seconds. exiftool prints Date and Time as two tags; they are joined here, because
    // apart neither says when.
    if let Some(t) = d
        .entry(0x0007)
        .and_then(|e| e.value.get(..3).map(<[u8]>::to_vec))
    {
        value.push_str(&format!(" {:02}:{:02}:{:02}", t[0], t[1], t[2]));
    }
    push_plain(
        times,
        "MakerNotes:Date",
        "Pentax maker note Date and Time",
        TimeKind::Captured,
        value,
    );
}

/// The `TimeDate` of an APP12 "[picture info]" segment, as exiftool prints `PictureInfo:DateTimeOriginal`:
/// Unix seconds shown in UTC (no zone stated), any other value as written.
pub(super) fn app12(seg: &[u8], times: &mut Vec<TimeTag>) {
    if !(super::find(seg, b"[picture info]").is_some() || super::find(seg, b"Type=").is_some()) {
        return;
    }
    const KEY: &[u8] = b"TimeDate=";
    let Some(p) = super::find(seg, KEY) else {
        return;
    };
    // The key must start a token, not end one ("XTimeDate=").
    if p > 0 && (seg[p - 1].is_ascii_alphanumeric() || seg[p - 1] == b'_') {
        return;
    }
    let rest = &seg[p + KEY.len()..];
    let end = rest
        .iter()
        .position(|&c| matches!(c, b'\r' | b'\n' | 0))
        .unwrap_or(rest.len());
    let Some(raw) = text(&rest[..end.min(VALUE_MAX * 2)]) else {
        return;
    };
    let value = if raw.len() <= 12 && raw.bytes().all(|c| c.is_ascii_digit()) {
        match raw
            .parse::<i64>()
            .ok()
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        {
            Some(t) => t.format("%Y:%m:%d %H:%M:%S").to_string(),
            None => return,
        }
    } else {
        raw
    };
    push_plain(
        times,
        "APP12:DateTimeOriginal",
        "APP12 picture info TimeDate",
        TimeKind::Captured,
        value,
    );
}
