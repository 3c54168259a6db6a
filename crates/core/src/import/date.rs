//! UK dates and times as people and exports write them: `21/11/2026`, `21/11/26 21:30`, `21 Nov 2026`,
//! `21st November 2026, 9:30pm`, `2026-11-21`… Day before month, always; a time without an offset is UK time
//! (Europe/London, with summer time). Pure: nothing here reads a clock or a file.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

/// A date (and a time, if one was written) read from text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UkDate {
    /// The day.
    pub date: NaiveDate,
    /// The time of day, if one was given.
    pub time: Option<NaiveTime>,
}

impl UkDate {
    /// The moment in UK time (noon when no time was given) with its offset, and whether it is approximate
    /// (no time given). `None` for a time that does not exist in the UK (the hour skipped in spring).
    pub fn to_uk(self) -> Option<(DateTime<FixedOffset>, bool)> {
        let (t, approx) = match self.time {
            Some(t) => (t, false),
            None => (NaiveTime::from_hms_opt(12, 0, 0)?, true),
        };
        let local = crate::time::DEFAULT_ZONE
            .from_local_datetime(&NaiveDateTime::new(self.date, t))
            .earliest()?;
        Some((local.fixed_offset(), approx))
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// A month's number from its English name or abbreviation (`Nov`, `November`, `Sept`).
fn month_from_name(s: &str) -> Option<u32> {
    let s = s.trim_end_matches('.').to_ascii_lowercase();
    if s.len() < 3 {
        return None;
    }
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    MONTHS
        .iter()
        .zip(full.iter())
        .position(|(abbr, name)| s == *abbr || s == *name || (s == "sept" && *abbr == "sep"))
        .map(|i| i as u32 + 1)
}

/// A year as written: four digits, or two (`26` is 2026; 70–99 are the 1900s).
fn year(s: &str) -> Option<i32> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match s.len() {
        4 => s.parse().ok(),
        2 => {
            let y: i32 = s.parse().ok()?;
            Some(if y >= 70 { 1900 + y } else { 2000 + y })
        }
        _ => None,
    }
}

fn small_number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A day of the month, with an optional English ordinal suffix (`21st`, `2nd`).
fn day(s: &str) -> Option<u32> {
    let s = s.to_ascii_lowercase();
    let digits = s
        .strip_suffix("st")
        .or_else(|| s.strip_suffix("nd"))
        .or_else(|| s.strip_suffix("rd"))
        .or_else(|| s.strip_suffix("th"))
        .unwrap_or(&s);
    small_number(digits)
}

/// Parses a date written on its own: `21/11/2026`, `21-11-26`, `21.11.2026`, `21 Nov 2026`,
/// `Sat 21 November 2026`, `21st Nov 2026`, `2026-11-21`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim().trim_end_matches(',');
    if s.len() > 64 {
        return None;
    }
    // ISO first: four-digit year leading.
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    for sep in ['/', '-', '.'] {
        let parts: Vec<&str> = s.split(sep).collect();
        if parts.len() == 3 {
            let d = small_number(parts[0])?;
            let m = small_number(parts[1]).or_else(|| month_from_name(parts[1]))?;
            let y = year(parts[2])?;
            return NaiveDate::from_ymd_opt(y, m, d);
        }
    }
    // Words: an optional weekday, day, month name, year.
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let words: &[&str] = match words.first() {
        Some(w) if w.len() >= 3 && weekday(w) => &words[1..],
        _ => &words,
    };
    if words.len() == 3 {
        let d = day(words[0])?;
        let m = month_from_name(words[1])?;
        let y = year(words[2])?;
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    None
}

fn weekday(w: &str) -> bool {
    let w = w.trim_end_matches('.').to_ascii_lowercase();
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
    .iter()
    .any(|d| d.starts_with(&w) && w.len() >= 3)
}

/// Parses a time of day: `21:30`, `21:30:15`, `21.30`, `9:30pm`, `9:30 PM`, `9pm`, `2130` (four digits).
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    // Exports put a narrow no-break space before am/pm.
    let s = s
        .trim()
        .replace(['\u{202f}', '\u{a0}'], " ")
        .to_ascii_lowercase();
    let (body, pm) = if let Some(b) = s.strip_suffix("pm").or_else(|| s.strip_suffix("p.m.")) {
        (b.trim().to_string(), Some(true))
    } else if let Some(b) = s.strip_suffix("am").or_else(|| s.strip_suffix("a.m.")) {
        (b.trim().to_string(), Some(false))
    } else {
        (s.clone(), None)
    };
    let parts: Vec<&str> = body.split([':', '.']).collect();
    let (mut h, m, sec) = match parts.as_slice() {
        [h, m] => (small_number(h)?, small_number(m)?, 0),
        [h, m, s] => (small_number(h)?, small_number(m)?, small_number(s)?),
        [hm] if hm.len() == 4 && pm.is_none() => {
            (small_number(&hm[..2])?, small_number(&hm[2..])?, 0)
        }
        [h] if pm.is_some() => (small_number(h)?, 0, 0),
        _ => return None,
    };
    if let Some(pm) = pm {
        if h == 0 || h > 12 {
            return None;
        }
        h = match (h, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
    }
    NaiveTime::from_hms_opt(h, m, sec)
}

/// Parses a date with an optional time after it (`21/11/26 21:30`, `21/11/2026, 9:30 pm`,
/// `21 Nov 2026 21:30`, `2026-11-21T21:30`), or a date alone.
pub fn parse_uk(s: &str) -> Option<UkDate> {
    let s = s.trim();
    if s.is_empty() || s.len() > 80 {
        return None;
    }
    if let Some(date) = parse_date(s) {
        return Some(UkDate { date, time: None });
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(UkDate {
                date: n.date(),
                time: Some(n.time()),
            });
        }
    }
    // Split the text at each space or comma: a date before, a time after.
    let cuts: Vec<usize> = s
        .char_indices()
        .filter(|(_, c)| *c == ' ' || *c == ',' || *c == 'T')
        .map(|(i, _)| i)
        .collect();
    for &i in cuts.iter().rev() {
        let (d, t) = (&s[..i], s[i + 1..].trim_start_matches([',', ' ']));
        let d = d.trim().trim_end_matches(',').trim_end_matches(" at");
        if let (Some(date), Some(time)) = (parse_date(d), parse_time(t)) {
            return Some(UkDate {
                date,
                time: Some(time),
            });
        }
    }
    None
}

/// A date cell and a time cell read together: the time cell may be empty.
pub fn parse_date_and_time(date: &str, time: &str) -> Option<UkDate> {
    let mut d = parse_uk(date)?;
    if !time.trim().is_empty() {
        d.time = Some(parse_time(time)?);
    }
    Some(d)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }
    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn uk_dates_day_first() {
        assert_eq!(parse_date("21/11/2026"), Some(ymd(2026, 11, 21)));
        assert_eq!(parse_date("1/2/2026"), Some(ymd(2026, 2, 1)));
        assert_eq!(parse_date("21/11/26"), Some(ymd(2026, 11, 21)));
        assert_eq!(parse_date("21-11-2026"), Some(ymd(2026, 11, 21)));
        assert_eq!(parse_date("21.11.2026"), Some(ymd(2026, 11, 21)));
        assert_eq!(parse_date("21 Nov 2026"), Some(ymd(2026, 11, 21)));
        assert_eq!(parse_date("21 November 2026"), Some(ymd(2026, 11, 21)));
        assert_eq!(parse_date("21st Nov 2026"), Some(ymd(2026, 11, 21)));
        assert_eq!(parse_date("Sat 21 Nov 2026"), Some(ymd(2026, 11, 21)));
        assert_eq!(
            parse_date("Saturday, 21 November 2026"),
            Some(ymd(2026, 11, 21))
        );
        assert_eq!(parse_date("3 Sept 2026"), Some(ymd(2026, 9, 3)));
        assert_eq!(parse_date("21-Nov-2026"), Some(ymd(2026, 11, 21)));
        assert_eq!(parse_date("2026-11-21"), Some(ymd(2026, 11, 21)));
        // Never month-first: 11/21/2026 has no 21st month.
        assert_eq!(parse_date("11/21/2026"), None);
        assert_eq!(parse_date("31/02/2026"), None);
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("21/11/202"), None);
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("21:30"), Some(hm(21, 30)));
        assert_eq!(parse_time("21.30"), Some(hm(21, 30)));
        assert_eq!(parse_time("2130"), Some(hm(21, 30)));
        assert_eq!(parse_time("9:30pm"), Some(hm(21, 30)));
        assert_eq!(parse_time("9:30\u{202f}pm"), Some(hm(21, 30)));
        assert_eq!(parse_time("12:05 am"), Some(hm(0, 5)));
        assert_eq!(parse_time("12pm"), Some(hm(12, 0)));
        assert_eq!(parse_time("21:30:15"), NaiveTime::from_hms_opt(21, 30, 15));
        assert_eq!(parse_time("25:00"), None);
        assert_eq!(parse_time("13pm"), None);
        assert_eq!(parse_time("evening"), None);
    }

    #[test]
    fn dates_with_times() {
        let want = UkDate {
            date: ymd(2026, 11, 21),
            time: Some(hm(21, 30)),
        };
        for s in [
            "21/11/26 21:30",
            "21/11/2026, 21:30",
            "21/11/2026 9:30 pm",
            "21 Nov 2026 21:30",
            "21 Nov 2026, 9:30pm",
            "Sat 21 Nov 2026 at 21:30",
            "2026-11-21T21:30",
            "2026-11-21 21:30",
        ] {
            assert_eq!(parse_uk(s), Some(want), "{s}");
        }
        assert_eq!(
            parse_uk("21/11/2026"),
            Some(UkDate {
                date: ymd(2026, 11, 21),
                time: None
            })
        );
        assert_eq!(parse_uk("21/11/2026 soon"), None);
        assert_eq!(parse_date_and_time("21/11/2026", "21:30"), Some(want));
        assert_eq!(parse_date_and_time("21/11/2026", "late"), None);
    }

    #[test]
    fn uk_offsets_follow_summer_time() {
        let (t, approx) = parse_uk("21/11/2026 21:30").unwrap().to_uk().unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-21T21:30:00+00:00");
        assert!(!approx);
        let (t, _) = parse_uk("21/06/2026 21:30").unwrap().to_uk().unwrap();
        assert_eq!(t.to_rfc3339(), "2026-06-21T21:30:00+01:00");
        let (t, approx) = parse_uk("21/06/2026").unwrap().to_uk().unwrap();
        assert_eq!(t.to_rfc3339(), "2026-06-21T12:00:00+01:00");
        assert!(approx);
        // 01:30 on the day the clocks go forward does not exist.
        assert_eq!(parse_uk("29/03/2026 01:30").unwrap().to_uk(), None);
    }
}
