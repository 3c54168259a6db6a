//! Time: the recorded-at clock format of the journal and parsing of "when it happened" (Europe/London default).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::error::{Error, Result};

/// The zone used to read times typed without an offset.
pub const DEFAULT_ZONE: chrono_tz::Tz = chrono_tz::Europe::London;

/// The journal's recorded-at format: UTC with microseconds, 27 bytes (see docs/FORMAT.md).
pub fn rfc3339_utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Now, in the journal's format.
pub fn now_utc() -> (DateTime<Utc>, String) {
    let now = Utc::now();
    (now, rfc3339_utc(now))
}

/// Parses an RFC 3339 time with offset.
pub fn parse_rfc3339(s: &str) -> Result<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s.trim()).map_err(|_| {
        Error::invalid(format!(
            "'{s}' is not a date and time with an offset, e.g. 2026-11-20T21:30:00+00:00"
        ))
    })
}

/// Microseconds since the epoch to RFC 3339 (UTC).
pub fn micros_to_rfc3339(m: i64) -> String {
    DateTime::<Utc>::from_timestamp_micros(m)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
        .unwrap_or_default()
}

fn local(naive: NaiveDateTime) -> Result<DateTime<FixedOffset>> {
    DEFAULT_ZONE
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.fixed_offset())
        .ok_or_else(|| {
            Error::invalid(format!(
                "{naive} does not exist in UK time (the clocks went forward)"
            ))
        })
}

/// Parses "when" as typed by a person: RFC 3339, `YYYY-MM-DD HH:MM[:SS]` or `YYYY-MM-DDTHH:MM` (UK time),
/// or `YYYY-MM-DD` (the day; approximate). Returns the time with its offset and whether it is approximate.
pub fn parse_when(s: &str) -> Result<(DateTime<FixedOffset>, bool)> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok((t, false));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok((local(n)?, false));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let noon = d
            .and_hms_opt(12, 0, 0)
            .ok_or_else(|| Error::invalid("bad date"))?;
        return Ok((local(noon)?, true));
    }
    Err(Error::invalid(format!(
        "'{s}' is not a time Evident understands: use 2026-11-20 21:30 (UK time), 2026-11-20, or RFC 3339"
    )))
}

/// Parses a filter bound (RFC 3339 or a day) to microseconds; an end day includes the whole day.
pub fn parse_bound(s: &str, end: bool) -> Result<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(t.timestamp_micros());
    }
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid(format!("'{s}' is not a date like 2026-11-20")))?;
    let t = if end {
        d.and_hms_micro_opt(23, 59, 59, 999_999)
    } else {
        d.and_hms_opt(0, 0, 0)
    }
    .ok_or_else(|| Error::invalid("bad date"))?;
    Ok(local(t)?.timestamp_micros())
}
