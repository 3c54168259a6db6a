//! Times that call for a second look, found in a pack's records and said plainly, without judgement: an
//! incident written up long after it happened (back-filled), an incident recorded before the time it says it
//! happened, the diary's clock going back between entries, and a file's own time (modified, or EXIF) after the
//! moment it was attached. report.pdf lists them and `evident-cli verify-pack` prints them; neither is a failure.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::time;

use super::select::{PackData, PackIncident};

/// More than this after it happened, an incident counts as written up afterwards (back-filled).
pub const BACKFILL_SECS: i64 = 24 * 3600;
/// Clocks and file systems disagree by seconds; differences smaller than this are not noted.
const SLACK_SECS: i64 = 120;

/// What kind of time a note is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ClockNoteKind {
    /// Recorded more than a day after it happened.
    BackFilled,
    /// Recorded before the time it says it happened.
    RecordedBeforeOccurred,
    /// An entry's recorded time is earlier than an entry before it in the chain.
    ClockWentBack,
    /// A file's modified time is after the moment it was attached.
    FileTimeAfterAttached,
    /// A file's EXIF capture time is after the moment it was attached.
    ExifTimeAfterAttached,
}

/// One time that calls for a second look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ClockNote {
    /// What kind.
    pub kind: ClockNoteKind,
    /// The incident it concerns.
    #[ts(type = "number")]
    pub incident_id: i64,
    /// The exhibit mark, when it concerns a file.
    pub exhibit: Option<String>,
    /// The chain entry, when it concerns one.
    #[ts(type = "number | null")]
    pub seq: Option<u64>,
    /// In plain words, times in UK time.
    pub message: String,
}

/// The earliest moment an incident's stated time allows: its start, or the start of its day when only the day
/// is known.
fn occurred_floor(inc: &PackIncident) -> Option<chrono::DateTime<chrono::Utc>> {
    let o = inc.fields.occurred.as_ref()?;
    let t = time::instant(&o.start)?;
    if o.date_only() {
        let day = chrono::DateTime::parse_from_rfc3339(&o.start).ok()?;
        let local = day.with_timezone(&time::DEFAULT_ZONE).date_naive();
        return time::parse_bound(&local.format("%Y-%m-%d").to_string(), false)
            .ok()
            .and_then(chrono::DateTime::from_timestamp_micros);
    }
    Some(t)
}

/// The latest moment an incident's stated time allows: its end, the end of its day when only the day is
/// known, or its start.
fn occurred_ceiling(inc: &PackIncident) -> Option<chrono::DateTime<chrono::Utc>> {
    let o = inc.fields.occurred.as_ref()?;
    if o.date_only() {
        let day = chrono::DateTime::parse_from_rfc3339(&o.start).ok()?;
        let local = day.with_timezone(&time::DEFAULT_ZONE).date_naive();
        return time::parse_bound(&local.format("%Y-%m-%d").to_string(), true)
            .ok()
            .and_then(chrono::DateTime::from_timestamp_micros);
    }
    time::instant(o.end.as_deref().unwrap_or(&o.start))
}

/// How long after an incident happened it was first recorded, in seconds (from the latest moment its stated
/// time allows); `None` when no time is given.
pub fn delay_secs(inc: &PackIncident) -> Option<i64> {
    let rec = time::instant(&inc.recorded_at)?;
    let end = occurred_ceiling(inc)?;
    Some((rec - end).num_seconds())
}

/// "Recorded 3 months later", "Recorded within the hour", or nothing when no time is given.
pub fn delay_text(inc: &PackIncident) -> Option<String> {
    let secs = delay_secs(inc)?;
    if secs < 0 {
        let floor = occurred_floor(inc)?;
        let rec = time::instant(&inc.recorded_at)?;
        if rec >= floor {
            return Some("Recorded while it was happening (within its stated time)".to_string());
        }
    }
    let w = time::delay_words(secs);
    Some(format!("Recorded {w}"))
}

/// Every note for the records of a pack, in incident order, then exhibits.
pub fn notes(d: &PackData) -> Vec<ClockNote> {
    let mut out = Vec::new();
    // The clock going back: every history item of every incident, in chain order.
    let mut items: Vec<(u64, i64, &str)> = d
        .incidents
        .iter()
        .flat_map(|i| {
            i.history
                .iter()
                .map(move |h| (h.seq, i.id, h.recorded_at.as_str()))
        })
        .collect();
    items.sort_by_key(|x| x.0);
    items.dedup_by_key(|x| x.0);
    let mut latest: Option<(u64, chrono::DateTime<chrono::Utc>)> = None;
    let mut went_back = Vec::new();
    for (seq, id, at) in items {
        let Some(t) = time::instant(at) else { continue };
        match latest {
            Some((pseq, pt)) if (pt - t).num_seconds() > SLACK_SECS => went_back.push(ClockNote {
                kind: ClockNoteKind::ClockWentBack,
                incident_id: id,
                exhibit: None,
                seq: Some(seq),
                message: format!(
                    "Entry {seq} (incident {id}) says it was recorded at {}, earlier than entry {pseq} before it \
                     ({}): the computer's clock was set back, or was wrong, at one of these times.",
                    time::uk(t, true),
                    time::uk(pt, true)
                ),
            }),
            Some((_, pt)) if pt >= t => {}
            _ => latest = Some((seq, t)),
        }
    }
    for inc in &d.incidents {
        let (Some(rec), Some(floor)) = (time::instant(&inc.recorded_at), occurred_floor(inc))
        else {
            continue;
        };
        if (floor - rec).num_seconds() > SLACK_SECS {
            out.push(ClockNote {
                kind: ClockNoteKind::RecordedBeforeOccurred,
                incident_id: inc.id,
                exhibit: None,
                seq: inc.history.first().map(|h| h.seq),
                message: format!(
                    "Incident {} was recorded at {}, {} the time it says it happened ({}).",
                    inc.id,
                    time::uk(rec, true),
                    time::delay_words((rec - floor).num_seconds()),
                    time::uk(floor, false)
                ),
            });
        } else if let Some(secs) = delay_secs(inc).filter(|s| *s > BACKFILL_SECS) {
            out.push(ClockNote {
                kind: ClockNoteKind::BackFilled,
                incident_id: inc.id,
                exhibit: None,
                seq: inc.history.first().map(|h| h.seq),
                message: format!(
                    "Incident {} was written up afterwards: recorded {}, {}.",
                    inc.id,
                    time::uk(rec, true),
                    time::delay_words(secs)
                ),
            });
        }
    }
    out.extend(went_back);
    for e in &d.exhibits {
        let Some(added) = time::instant(&e.added_at) else {
            continue;
        };
        if let Some(m) = e.file_modified_at.as_deref().and_then(time::instant) {
            if (m - added).num_seconds() > SLACK_SECS {
                out.push(ClockNote {
                    kind: ClockNoteKind::FileTimeAfterAttached,
                    incident_id: e.incident_id,
                    exhibit: Some(e.reference.clone()),
                    seq: None,
                    message: format!(
                        "Exhibit {}: the file's modified time ({}) is after the time it was attached ({}).",
                        e.reference,
                        time::uk(m, true),
                        time::uk(added, true)
                    ),
                });
            }
        }
        let exif = e.exif.as_ref().and_then(|x| x.captured_at.as_deref());
        if let Some((c, zoned)) = exif.and_then(time::exif_instant) {
            if (c - added).num_seconds() > SLACK_SECS {
                out.push(ClockNote {
                    kind: ClockNoteKind::ExifTimeAfterAttached,
                    incident_id: e.incident_id,
                    exhibit: Some(e.reference.clone()),
                    seq: None,
                    message: format!(
                        "Exhibit {}: the EXIF capture time ({}{}) is after the time it was attached ({}).",
                        e.reference,
                        time::uk(c, true),
                        if zoned { "" } else { ", no zone in the file, read as UK time" },
                        time::uk(added, true)
                    ),
                });
            }
        }
    }
    out
}
