//! A folder (or a selection) of screenshots and photos: each file read once (its SHA-256, size, sniffed type,
//! file time and EXIF capture time), then grouped into proposed incidents: one per file, by day, or by gaps in
//! time. Each proposal is dated from the EXIF capture time or the file time, and says which. Merging and
//! splitting proposals are plain functions here, so the app and the CLI agree. Nothing is recorded here.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::error::{Error, ErrorKind, Result};

/// The most files one import reads.
pub const MAX_FILES: usize = 20_000;
/// The most bytes read from the start of a file to find its EXIF fields.
const EXIF_HEAD: usize = 1024 * 1024;

/// Where a proposal's date comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum TimeSource {
    /// The capture time written in the photo's EXIF.
    Exif,
    /// The file's modification time (copied files may have a later one).
    FileTime,
    /// Neither is known.
    Unknown,
    /// Set by the person before recording (the proposal's date changed by hand).
    User,
}

/// One file read for import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScannedFile {
    /// Where it is.
    pub path: String,
    /// Its name, exactly (rendered as text).
    pub file_name: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Media type sniffed from its content.
    pub media_type: String,
    /// The capture time as written in the file, with where it came from (`2026:11:21 21:30:15 (captured
    /// (EXIF DateTimeOriginal))`), if any.
    pub exif_time: Option<String>,
    /// The file's modification time (RFC 3339, UTC).
    pub file_time: Option<String>,
    /// When it was taken, as RFC 3339 with offset: the EXIF time (UK time when it has no offset), else the
    /// file time.
    pub taken_at: Option<String>,
    /// Which of the two `taken_at` is.
    pub time_source: TimeSource,
}

/// A file that was not read, and why (a device or pipe, not an image, unreadable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Refused {
    /// Where it is.
    pub path: String,
    /// Why it was not read.
    pub reason: String,
}

/// The files of a folder or selection, read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Scan {
    /// The images, in time order (then by name).
    pub files: Vec<ScannedFile>,
    /// What was not read.
    pub refused: Vec<Refused>,
}

/// How files are grouped into proposals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Grouping {
    /// One incident per file (the default).
    File,
    /// One incident per day (UK time).
    Day,
    /// A new incident whenever more than `minutes` pass between two files.
    Gap {
        /// The gap, in minutes.
        minutes: u32,
    },
}

/// A proposed incident: the files it would hold and when it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Proposal {
    /// Indexes into the scan's files.
    pub files: Vec<u32>,
    /// When the first file was taken (RFC 3339), if known.
    pub start: Option<String>,
    /// When the last was, if later.
    pub end: Option<String>,
    /// Where the date comes from: EXIF only when every file's time is from EXIF.
    pub time_source: TimeSource,
    /// A one-line summary to start from.
    pub summary: String,
}

/// Reads the given files and folders (a folder's files, not its subfolders), with progress (files done, of
/// how many) and cancel. Only regular files are opened; anything else, and anything that is not an image, is
/// listed in `refused` rather than read.
pub fn scan(
    paths: &[PathBuf],
    progress: &dyn Fn(usize, usize),
    cancel: &AtomicBool,
) -> Result<Scan> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    for p in paths {
        let meta = std::fs::symlink_metadata(p).map_err(|e| Error::read(p, &e))?;
        if meta.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Error::read(p, &e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|q| {
                    !q.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .filter(|q| !q.is_dir())
                .collect();
            inside.sort();
            candidates.extend(inside);
        } else {
            candidates.push(p.clone());
        }
        if candidates.len() > MAX_FILES {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("more than {MAX_FILES} files: import them a folder at a time"),
            ));
        }
    }
    let total = candidates.len();
    let mut files = Vec::new();
    let mut refused = Vec::new();
    for (i, path) in candidates.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::new(
                ErrorKind::Cancelled,
                "the import was cancelled: nothing was recorded",
            ));
        }
        match read_one(path) {
            Ok(f) if f.media_type.starts_with("image/") => files.push(f),
            Ok(f) => refused.push(Refused {
                path: path.display().to_string(),
                reason: format!("not an image (its content is {})", f.media_type),
            }),
            Err(e) => refused.push(Refused {
                path: path.display().to_string(),
                reason: e.message().to_string(),
            }),
        }
        progress(i + 1, total);
    }
    files.sort_by(|a, b| {
        a.taken_at
            .cmp(&b.taken_at)
            .then(a.file_name.cmp(&b.file_name))
    });
    Ok(Scan { files, refused })
}

/// Reads one file: hashes it streaming, keeps its first MiB for the type and EXIF.
pub fn read_one(path: &Path) -> Result<ScannedFile> {
    let (mut file, file_name, file_time) = crate::attachment::open_file(path)?;
    let mut hasher = Sha256::new();
    let mut head: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; crate::attachment::CHUNK_SIZE];
    let mut size = 0u64;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::read(path, &e)),
        };
        hasher.update(&buf[..n]);
        if head.len() < EXIF_HEAD {
            let take = n.min(EXIF_HEAD - head.len());
            head.extend_from_slice(&buf[..take]);
        }
        size += n as u64;
    }
    let media_type = crate::attachment::sniff_media_type(&head);
    // The capture time as capture.rs labels it (a modify date never is one), read under the decoder guard.
    let capture = if media_type.starts_with("image/") && media_type != "image/svg+xml" {
        crate::imaging::guarded(std::time::Duration::from_secs(5), move || {
            crate::capture::capture_time(&crate::capture::read(&head).times)
        })
    } else {
        None
    };
    let exif_at = capture.as_ref().and_then(labelled_rfc3339);
    let exif_time = capture.map(|c| format!("{} ({})", c.at, c.label));
    let (taken_at, time_source) = match (&exif_at, &file_time) {
        (Some(t), _) => (Some(t.clone()), TimeSource::Exif),
        (None, Some(f)) => (file_rfc3339(f), TimeSource::FileTime),
        (None, None) => (None, TimeSource::Unknown),
    };
    Ok(ScannedFile {
        path: path.display().to_string(),
        file_name,
        size,
        sha256: hex::encode(hasher.finalize()),
        media_type,
        exif_time,
        file_time,
        taken_at,
        time_source,
    })
}

/// A labelled capture time as RFC 3339: its own zone when the file states one, else UK time.
fn labelled_rfc3339(c: &crate::capture::LabelledTime) -> Option<String> {
    if let Some(t) = c.instant() {
        return Some(t.to_rfc3339());
    }
    let n = c.naive()?;
    Some(
        crate::time::DEFAULT_ZONE
            .from_local_datetime(&n)
            .earliest()?
            .fixed_offset()
            .to_rfc3339(),
    )
}

/// An EXIF time (`2026-11-21 21:30:15`, maybe `+01:00` after it) as RFC 3339; UK time without an offset.
pub fn exif_rfc3339(s: &str) -> Option<String> {
    let s = s.trim();
    let (dt, off) = match s.rsplit_once(' ') {
        Some((a, b)) if b.starts_with('+') || b.starts_with('-') => (a, Some(b)),
        _ => (s, None),
    };
    let n = NaiveDateTime::parse_from_str(dt, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(dt, "%Y:%m:%d %H:%M:%S"))
        .ok()?;
    let t: DateTime<FixedOffset> = match off {
        Some(o) => {
            let parsed = DateTime::parse_from_str(&format!("{dt} {o}"), "%Y-%m-%d %H:%M:%S %:z")
                .or_else(|_| {
                    DateTime::parse_from_str(&format!("{dt} {o}"), "%Y:%m:%d %H:%M:%S %:z")
                });
            parsed.ok()?
        }
        None => crate::time::DEFAULT_ZONE
            .from_local_datetime(&n)
            .earliest()?
            .fixed_offset(),
    };
    Some(t.to_rfc3339())
}

/// A file time (UTC) as RFC 3339 in UK time.
fn file_rfc3339(s: &str) -> Option<String> {
    let t = DateTime::parse_from_rfc3339(s).ok()?;
    Some(
        t.with_timezone(&crate::time::DEFAULT_ZONE)
            .fixed_offset()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    )
}

fn parse(t: &Option<String>) -> Option<DateTime<FixedOffset>> {
    t.as_deref()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
}

fn uk_day(t: &Option<String>) -> Option<chrono::NaiveDate> {
    parse(t).map(|t| t.with_timezone(&crate::time::DEFAULT_ZONE).date_naive())
}

/// Groups scanned files (in the scan's order) into proposals.
pub fn propose(files: &[ScannedFile], grouping: Grouping) -> Vec<Proposal> {
    let mut groups: Vec<Vec<u32>> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let new_group = match (groups.last(), grouping) {
            (None, _) | (_, Grouping::File) => true,
            (Some(g), Grouping::Day) => {
                let prev = &files[*g.last().unwrap_or(&0) as usize];
                uk_day(&prev.taken_at) != uk_day(&f.taken_at) || f.taken_at.is_none()
            }
            (Some(g), Grouping::Gap { minutes }) => {
                let prev = &files[*g.last().unwrap_or(&0) as usize];
                match (parse(&prev.taken_at), parse(&f.taken_at)) {
                    (Some(a), Some(b)) => (b - a).num_seconds() > i64::from(minutes) * 60,
                    _ => true,
                }
            }
        };
        if new_group {
            groups.push(vec![i as u32]);
        } else if let Some(g) = groups.last_mut() {
            g.push(i as u32);
        }
    }
    groups.into_iter().map(|g| proposal_of(files, g)).collect()
}

/// A proposal for these files: its dates, their source, a summary.
pub fn proposal_of(files: &[ScannedFile], mut idx: Vec<u32>) -> Proposal {
    idx.sort_unstable();
    idx.dedup();
    let chosen: Vec<&ScannedFile> = idx.iter().filter_map(|&i| files.get(i as usize)).collect();
    let times: Vec<&String> = chosen.iter().filter_map(|f| f.taken_at.as_ref()).collect();
    let start = times
        .iter()
        .min_by_key(|t| parse(&Some((**t).clone())))
        .map(|t| (*t).clone());
    let end = times
        .iter()
        .max_by_key(|t| parse(&Some((**t).clone())))
        .map(|t| (*t).clone())
        .filter(|e| Some(e) != start.as_ref());
    let time_source =
        if chosen.is_empty() || chosen.iter().any(|f| f.time_source == TimeSource::Unknown) {
            TimeSource::Unknown
        } else if chosen.iter().all(|f| f.time_source == TimeSource::Exif) {
            TimeSource::Exif
        } else {
            TimeSource::FileTime
        };
    let day = parse(&start).map(|t| {
        t.with_timezone(&crate::time::DEFAULT_ZONE)
            .format("%-d %b %Y")
            .to_string()
    });
    let summary = match (chosen.len(), day) {
        (1, _) => format!("Screenshot {}", chosen[0].file_name),
        (n, Some(d)) => format!("{n} screenshots from {d}"),
        (n, None) => format!("{n} screenshots"),
    };
    Proposal {
        files: idx,
        start,
        end,
        time_source,
        summary,
    }
}

/// Merges proposals `a` and `b` into one (at `a`'s place), keeping `a`'s summary.
pub fn merge(
    files: &[ScannedFile],
    proposals: &mut Vec<Proposal>,
    a: usize,
    b: usize,
) -> Result<()> {
    if a == b || a >= proposals.len() || b >= proposals.len() {
        return Err(Error::invalid("choose two different proposals to merge"));
    }
    let taken = proposals[b].files.clone();
    let summary = proposals[a].summary.clone();
    let mut all = proposals[a].files.clone();
    all.extend(taken);
    proposals[a] = Proposal {
        summary,
        ..proposal_of(files, all)
    };
    proposals.remove(b);
    Ok(())
}

/// Splits proposal `p` before its `at`th file (1 ≤ at < its number of files) into two.
pub fn split(
    files: &[ScannedFile],
    proposals: &mut Vec<Proposal>,
    p: usize,
    at: usize,
) -> Result<()> {
    let Some(prop) = proposals.get(p) else {
        return Err(Error::invalid("there is no such proposal"));
    };
    if at == 0 || at >= prop.files.len() {
        return Err(Error::invalid("split between two of the proposal's files"));
    }
    let (a, b) = prop.files.split_at(at);
    let (a, b) = (a.to_vec(), b.to_vec());
    proposals[p] = proposal_of(files, a);
    proposals.insert(p + 1, proposal_of(files, b));
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn f(name: &str, at: Option<&str>, src: TimeSource) -> ScannedFile {
        ScannedFile {
            path: name.into(),
            file_name: name.into(),
            size: 1,
            sha256: String::new(),
            media_type: "image/png".into(),
            exif_time: None,
            file_time: None,
            taken_at: at.map(str::to_string),
            time_source: src,
        }
    }

    fn files() -> Vec<ScannedFile> {
        vec![
            f("a.png", Some("2026-11-21T09:00:00+00:00"), TimeSource::Exif),
            f("b.png", Some("2026-11-21T09:10:00+00:00"), TimeSource::Exif),
            f(
                "c.png",
                Some("2026-11-21T15:00:00+00:00"),
                TimeSource::FileTime,
            ),
            f("d.png", Some("2026-11-22T00:30:00+00:00"), TimeSource::Exif),
        ]
    }

    #[test]
    fn grouping() {
        let fs = files();
        assert_eq!(propose(&fs, Grouping::File).len(), 4);
        let by_day = propose(&fs, Grouping::Day);
        assert_eq!(by_day.len(), 2);
        assert_eq!(by_day[0].files, vec![0, 1, 2]);
        assert_eq!(by_day[0].time_source, TimeSource::FileTime);
        assert_eq!(
            by_day[0].start.as_deref(),
            Some("2026-11-21T09:00:00+00:00")
        );
        assert_eq!(by_day[0].end.as_deref(), Some("2026-11-21T15:00:00+00:00"));
        assert_eq!(by_day[0].summary, "3 screenshots from 21 Nov 2026");
        assert_eq!(by_day[1].time_source, TimeSource::Exif);
        let gaps = propose(&fs, Grouping::Gap { minutes: 30 });
        assert_eq!(
            gaps.iter().map(|p| p.files.len()).collect::<Vec<_>>(),
            vec![2, 1, 1]
        );
    }

    #[test]
    fn merge_and_split() {
        let fs = files();
        let mut p = propose(&fs, Grouping::File);
        merge(&fs, &mut p, 0, 3).unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].files, vec![0, 3]);
        split(&fs, &mut p, 0, 1).unwrap();
        assert_eq!(p.len(), 4);
        assert_eq!(p[0].files, vec![0]);
        assert_eq!(p[1].files, vec![3]);
        assert!(split(&fs, &mut p, 0, 1).is_err());
        assert!(merge(&fs, &mut p, 1, 1).is_err());
    }

    #[test]
    fn exif_times() {
        assert_eq!(
            exif_rfc3339("2026-11-21 21:30:15").as_deref(),
            Some("2026-11-21T21:30:15+00:00")
        );
        assert_eq!(
            exif_rfc3339("2026-06-21 21:30:15").as_deref(),
            Some("2026-06-21T21:30:15+01:00")
        );
        assert_eq!(
            exif_rfc3339("2026-06-21 21:30:15 +02:00").as_deref(),
            Some("2026-06-21T21:30:15+02:00")
        );
        assert_eq!(exif_rfc3339("0000:00:00 00:00:00"), None);
    }
}
