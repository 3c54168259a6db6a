//! Time: the recorded-at clock format of the journal, parsing of "when it happened" (Europe/London default),
//! and the one way a pack shows a time to people: UK local time with GMT or BST ([`uk`]).

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

/// A moment in UK local time (Europe/London) with "GMT" or "BST", never UTC with microseconds:
/// "Fri 20 Nov 2026, 21:30 GMT", or with seconds "Fri 20 Nov 2026, 21:30:05 GMT". Every time a pack shows
/// (report.pdf, the statement drafts, the text files) goes through here.
pub fn uk(t: DateTime<Utc>, seconds: bool) -> String {
    let l = t.with_timezone(&DEFAULT_ZONE);
    if seconds {
        l.format("%a %-d %b %Y, %H:%M:%S %Z").to_string()
    } else {
        l.format("%a %-d %b %Y, %H:%M %Z").to_string()
    }
}

/// An RFC 3339 time (any offset, fractions allowed) in UK local time as [`uk`] writes it; the text as given
/// when it does not parse.
pub fn uk_text(s: &str, seconds: bool) -> String {
    match DateTime::parse_from_rfc3339(s.trim()) {
        Ok(t) => uk(t.with_timezone(&Utc), seconds),
        Err(_) => s.to_string(),
    }
}

/// The UK day of an RFC 3339 time: "Fri 20 Nov 2026"; the text as given when it does not parse.
pub fn uk_day(s: &str) -> String {
    match DateTime::parse_from_rfc3339(s.trim()) {
        Ok(t) => t
            .with_timezone(&DEFAULT_ZONE)
            .format("%a %-d %b %Y")
            .to_string(),
        Err(_) => s.to_string(),
    }
}

/// Parses an RFC 3339 time to UTC.
pub fn instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// An EXIF time (`YYYY:MM:DD HH:MM:SS`, optionally followed by its offset, e.g. ` +01:00`) as a moment, and
/// whether the file stated its zone. A time with no zone is read as UK local time.
pub fn exif_instant(s: &str) -> Option<(DateTime<Utc>, bool)> {
    let s = s.trim();
    let (dt, off) = match s.split_once(' ') {
        Some((d, rest)) => match rest.split_once(' ') {
            Some((t, o)) => (format!("{d} {t}"), Some(o.trim())),
            None => (s.to_string(), None),
        },
        None => return None,
    };
    let naive = NaiveDateTime::parse_from_str(&dt, "%Y:%m:%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(&dt, "%Y-%m-%d %H:%M:%S"))
        .ok()?;
    match off {
        Some(o) => {
            let o = if o == "Z" { "+00:00" } else { o };
            let t = DateTime::parse_from_str(&format!("{dt} {o}"), "%Y:%m:%d %H:%M:%S %:z")
                .or_else(|_| {
                    DateTime::parse_from_str(&format!("{dt} {o}"), "%Y-%m-%d %H:%M:%S %:z")
                })
                .ok()?;
            Some((t.with_timezone(&Utc), true))
        }
        None => Some((local(naive).ok()?.with_timezone(&Utc), false)),
    }
}

/// An EXIF time in UK local time as [`uk`] writes it, saying when the file stated no zone; the text as
/// written when it does not parse.
pub fn exif_uk(s: &str) -> String {
    match exif_instant(s) {
        Some((t, true)) => uk(t, true),
        Some((t, false)) => format!(
            "{} (the file states no time zone: read as UK time)",
            uk(t, true)
        ),
        None => format!("{s} (as written in the file)"),
    }
}

/// How long after something happened it was recorded, in plain words: "the same hour", "5 hours later",
/// "2 days later", "3 months later", "1 year later". A negative span is "before".
pub fn delay_words(secs: i64) -> String {
    let later = secs >= 0;
    let s = secs.unsigned_abs();
    let (n, unit) = if s < 3600 {
        return if later {
            "within the hour".to_string()
        } else {
            "less than an hour before".to_string()
        };
    } else if s < 86_400 {
        (s / 3600, "hour")
    } else if s < 60 * 86_400 {
        (s / 86_400, "day")
    } else if s < 365 * 86_400 {
        (s / (30 * 86_400), "month")
    } else {
        (s / (365 * 86_400), "year")
    };
    format!(
        "{n} {unit}{} {}",
        if n == 1 { "" } else { "s" },
        if later { "later" } else { "before" }
    )
}

#[cfg(test)]
mod uk_tests {
    use super::*;

    #[test]
    fn uk_times_say_gmt_or_bst_without_microseconds() {
        assert_eq!(
            uk_text("2026-11-20T21:30:05.123456Z", true),
            "Fri 20 Nov 2026, 21:30:05 GMT"
        );
        assert_eq!(
            uk_text("2026-07-20T21:30:00+00:00", false),
            "Mon 20 Jul 2026, 22:30 BST"
        );
        // The last Sunday of October 2026 (25th): 00:30 UTC is still BST, 01:30 UTC is GMT.
        assert_eq!(
            uk_text("2026-10-25T00:30:00Z", false),
            "Sun 25 Oct 2026, 01:30 BST"
        );
        assert_eq!(
            uk_text("2026-10-25T01:30:00Z", false),
            "Sun 25 Oct 2026, 01:30 GMT"
        );
        assert_eq!(uk_text("not a time", false), "not a time");
        assert_eq!(uk_day("2026-11-20T12:00:00+00:00"), "Fri 20 Nov 2026");
    }

    #[test]
    fn exif_times_are_shown_in_uk_time() {
        assert_eq!(
            exif_uk("2026:07:01 10:00:00 +02:00"),
            "Wed 1 Jul 2026, 09:00:00 BST"
        );
        assert_eq!(
            exif_uk("2026:12:01 10:00:00"),
            "Tue 1 Dec 2026, 10:00:00 GMT (the file states no time zone: read as UK time)"
        );
        assert!(exif_uk("garbage").contains("as written"));
    }

    #[test]
    fn delays_in_words() {
        assert_eq!(delay_words(60), "within the hour");
        assert_eq!(delay_words(5 * 3600 + 10), "5 hours later");
        assert_eq!(delay_words(86_400), "1 day later");
        assert_eq!(delay_words(95 * 86_400), "3 months later");
        assert_eq!(delay_words(800 * 86_400), "2 years later");
        assert_eq!(delay_words(-2 * 86_400), "2 days before");
    }
}
