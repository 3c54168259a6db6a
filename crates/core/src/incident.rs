//! Incidents: what happened, when, how, and what was said or done. Owns the incident's fields and their rules,
//! the payloads of its journal entries (recorded, amended, people linked and unlinked), the timeline filter, and
//! how its history reads in a notebook. Stored and queried through the vault (`vault/incidents.rs`); its entries
//! reach the state tables only through the projection.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::attachment::AttachmentView;
pub use crate::change::FieldChange;
use crate::error::{Error, Result};
use crate::journal::{Entry, EntryKind};
use crate::report::ReportView;
use crate::time;

/// When an incident happened: a moment or a span, possibly approximate, always with its UTC offset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Occurred {
    /// RFC 3339 with offset, e.g. `2026-11-20T21:30:00+00:00`.
    pub start: String,
    /// End of a span, RFC 3339 with offset.
    pub end: Option<String>,
    /// The person is not sure of the exact time.
    pub approximate: bool,
}

impl Occurred {
    /// Only the day is known: a date typed alone is stored as approximate, at noon UK time
    /// (`time::parse_when`). A pack says "time not recorded" for it, never "12:00".
    pub fn date_only(&self) -> bool {
        use chrono::Timelike;
        self.approximate
            && self.end.is_none()
            && time::parse_rfc3339(&self.start).is_ok_and(|t| {
                let l = t.with_timezone(&time::DEFAULT_ZONE);
                l.hour() == 12 && l.minute() == 0 && l.second() == 0
            })
    }
}

/// Everything a person can say about an incident. Only `summary` is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
#[serde(default)]
pub struct IncidentFields {
    /// When it happened.
    pub occurred: Option<Occurred>,
    /// Kind of abuse (code from the reference data), if chosen.
    pub kind: Option<String>,
    /// How it reached the person (code from the reference data), if chosen.
    pub channel: Option<String>,
    /// Where it happened (in person), or free text.
    pub location: String,
    /// Platform for online incidents.
    pub platform: String,
    /// URL of the post, message or page.
    pub url: String,
    /// Account handle that posted or sent it.
    pub account_handle: String,
    /// The date and time shown on the post, as shown.
    pub post_time_shown: String,
    /// The diarist's own words for when it happened, when only the date is known ("after the evening
    /// surgery", "late at night"). A pack shows them beside "time not recorded".
    pub time_words: String,
    /// One line: what happened.
    pub summary: String,
    /// What was said or done, verbatim where possible.
    pub description: String,
    /// The impact on the person (fear for safety, family, health).
    pub impact: String,
    /// Witnesses.
    pub witnesses: String,
    /// Police red flags present (codes).
    pub red_flags: Vec<String>,
    /// Possible offences the person has tagged (codes); never a claim that a crime was committed.
    pub offences: Vec<String>,
}

/// Names of the incident fields that an amendment may change, in display order.
pub const AMENDABLE_FIELDS: &[&str] = &[
    "occurred",
    "kind",
    "channel",
    "location",
    "platform",
    "url",
    "account_handle",
    "post_time_shown",
    "time_words",
    "summary",
    "description",
    "impact",
    "witnesses",
    "red_flags",
    "offences",
];

/// One step of an incident's history, as a notebook shows it: the original, then each amendment.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HistoryItem {
    /// Journal sequence number of the entry.
    #[ts(type = "number")]
    pub seq: u64,
    /// When it was recorded (device clock, UTC).
    pub recorded_at: String,
    /// Journal entry kind.
    pub kind: String,
    /// Plain-English description of the step.
    pub description: String,
    /// Reason given (amendments, withdrawals, unlinks).
    pub reason: Option<String>,
    /// Changed fields (amendments); for the original record, every field as first written.
    pub changes: Vec<FieldChange>,
}

/// How a person is linked to an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The person who did it.
    Subject,
    /// A witness.
    Witness,
}

impl Role {
    /// The role's word in the journal and across IPC.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Subject => "subject",
            Self::Witness => "witness",
        }
    }

    /// Parses `subject` or `witness`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "subject" => Ok(Self::Subject),
            "witness" => Ok(Self::Witness),
            _ => Err(Error::invalid(format!(
                "role must be 'subject' or 'witness', not '{s}'"
            ))),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

/// A person as linked to an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LinkedPerson {
    /// Person id.
    #[ts(type = "number")]
    pub id: i64,
    /// Display name.
    pub name: String,
    /// The person who did it, or a witness.
    pub role: Role,
}

/// Payload of `incident.person_linked` and `incident.person_unlinked`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LinkPayload {
    pub incident_id: i64,
    pub person_id: i64,
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
}

/// An incident in the timeline.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IncidentSummary {
    /// Incident id.
    #[ts(type = "number")]
    pub id: i64,
    /// Start of when it happened (RFC 3339 with offset), or null.
    pub occurred_at: Option<String>,
    /// Whether the time is approximate.
    pub approximate: bool,
    /// When first recorded (device clock, UTC).
    pub recorded_at: String,
    /// Kind code.
    pub kind: Option<String>,
    /// Channel code.
    pub channel: Option<String>,
    /// One-line summary.
    pub summary: String,
    /// People involved.
    pub people: Vec<LinkedPerson>,
    /// Number of attachments still held (not withdrawn).
    #[ts(type = "number")]
    pub attachment_count: i64,
    /// Whether any report has been logged.
    pub reported: bool,
    /// Red flags ticked.
    pub red_flags: Vec<String>,
    /// Number of amendments.
    #[ts(type = "number")]
    pub amendment_count: i64,
}

/// Everything about one incident.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IncidentDetail {
    /// Incident id.
    #[ts(type = "number")]
    pub id: i64,
    /// Start of when it happened, for quick display.
    pub occurred_at: Option<String>,
    /// When first recorded (device clock, UTC).
    pub recorded_at: String,
    /// When last changed (device clock, UTC).
    pub updated_at: String,
    /// Kind code.
    pub kind: Option<String>,
    /// Channel code.
    pub channel: Option<String>,
    /// Summary.
    pub summary: String,
    /// What was said or done.
    pub description: String,
    /// Current fields (after amendments).
    pub fields: IncidentFields,
    /// People involved.
    pub people: Vec<LinkedPerson>,
    /// Attachments, withdrawn ones included (marked).
    pub attachments: Vec<AttachmentView>,
    /// Reports made.
    pub reports: Vec<ReportView>,
    /// History: original then amendments and other changes.
    pub history: Vec<HistoryItem>,
}

/// Filters for the timeline. Empty means everything.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct IncidentFilter {
    /// Full-text search over every text field.
    pub text: Option<String>,
    /// Occurred on or after (RFC 3339 or YYYY-MM-DD).
    pub from: Option<String>,
    /// Occurred on or before (RFC 3339 or YYYY-MM-DD, inclusive day).
    pub to: Option<String>,
    /// Only incidents linked to this person.
    #[ts(type = "number | null")]
    pub person_id: Option<i64>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this channel.
    pub channel: Option<String>,
    /// Only reported (true) or only not reported (false).
    pub reported: Option<bool>,
    /// At most this many (newest first).
    #[ts(type = "number | null")]
    pub limit: Option<i64>,
    /// Skip this many.
    #[ts(type = "number | null")]
    pub offset: Option<i64>,
}

/// "Original record", and for an imported incident what it came from (the `import` member of its
/// `incident.recorded` payload, docs/FORMAT.md §3): the source files with their SHA-256, where in them, the
/// time as the source shows it, and that it is proven unchanged since it was imported, not since it was made.
/// verify.html's `historyOf` says the same words.
fn original_words(v: &serde_json::Value) -> String {
    let Some(imp) = v.get("import").filter(|i| i.is_object()) else {
        return "Original record".to_string();
    };
    let s = |k: &str| imp.get(k).and_then(|x| x.as_str()).unwrap_or("");
    let sources: Vec<String> = imp
        .get("sources")
        .and_then(|x| x.as_array())
        .map(|a| {
            a.iter()
                .map(|x| {
                    let f = |k: &str| x.get(k).and_then(|y| y.as_str()).unwrap_or("");
                    format!("{} (SHA-256 {})", f("name"), f("sha256"))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut out = format!(
        "Original record, imported {} from {}",
        s("imported_at"),
        sources.join(", ")
    );
    if !s("item").is_empty() {
        out.push_str(&format!(", {}", s("item")));
    }
    if !s("shown_at").is_empty() {
        out.push_str(&format!("; time as shown in the source: {}", s("shown_at")));
    }
    out.push_str("; proven unchanged since it was imported, not since it was made");
    out
}

/// Payload of `incident.recorded`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RecordedPayload {
    pub incident_id: i64,
    pub incident: IncidentFields,
}

/// Payload of `incident.amended`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AmendedPayload {
    pub incident_id: i64,
    pub reason: String,
    pub changes: Vec<FieldChange>,
}

/// The most characters a summary holds: it is the incident's one-line title in the timeline and the pack.
pub const SUMMARY_MAX_CHARS: usize = 300;

/// The most characters any other text field of an incident holds: far more than any statement, and a bound on
/// what one entry can grow to.
pub const TEXT_MAX_CHARS: usize = 100_000;

impl IncidentFields {
    /// Checks and tidies the fields: summary required, codes known, times parse, lengths within the limits
    /// ([`SUMMARY_MAX_CHARS`], [`TEXT_MAX_CHARS`]): text that does not fit is refused, never cut.
    pub fn validated(self) -> Result<Self> {
        self.validated_against(None)
    }

    /// [`IncidentFields::validated`] for an amendment of `before`: a summary kept as it was is not refused for
    /// its length (one recorded before the limit existed can still be amended in its other fields).
    pub(crate) fn validated_against(mut self, before: Option<&IncidentFields>) -> Result<Self> {
        self.summary = self.summary.trim().to_string();
        if self.summary.is_empty() {
            return Err(Error::invalid(
                "a summary is required: say in a few words what happened",
            ));
        }
        let n = self.summary.chars().count();
        if n > SUMMARY_MAX_CHARS && before.is_none_or(|b| b.summary != self.summary) {
            return Err(Error::invalid(format!(
                "the summary is {n} characters long; it holds at most {SUMMARY_MAX_CHARS}"
            ))
            .with_hint(
                "Keep the summary to a line, and put the rest under 'What was said or done'.",
            ));
        }
        for (name, text) in [
            ("location", &self.location),
            ("platform", &self.platform),
            ("link", &self.url),
            ("account handle", &self.account_handle),
            ("time shown on the post", &self.post_time_shown),
            ("words for when it happened", &self.time_words),
            ("what was said or done", &self.description),
            ("impact", &self.impact),
            ("witnesses", &self.witnesses),
        ] {
            let n = text.chars().count();
            if n > TEXT_MAX_CHARS {
                return Err(Error::invalid(format!(
                    "the {name} is {n} characters long; it holds at most {TEXT_MAX_CHARS}"
                ))
                .with_hint("Attach a long text as a file instead."));
            }
        }
        if let Some(o) = &self.occurred {
            time::parse_rfc3339(&o.start)?;
            if let Some(end) = &o.end {
                let e = time::parse_rfc3339(end)?;
                if e < time::parse_rfc3339(&o.start)? {
                    return Err(Error::invalid("the end of the span is before its start"));
                }
            }
        }
        let r = crate::reference::reference();
        if let Some(k) = &self.kind {
            if !r.kinds.iter().any(|c| &c.code == k) {
                return Err(Error::invalid(format!("unknown kind '{k}'"))
                    .with_hint(format!("Use one of: {}", r.kind_codes().join(", "))));
            }
        }
        if let Some(c) = &self.channel {
            if !r.channels.iter().any(|x| &x.code == c) {
                return Err(Error::invalid(format!("unknown channel '{c}'"))
                    .with_hint(format!("Use one of: {}", r.channel_codes().join(", "))));
            }
        }
        for f in &self.red_flags {
            if !r.red_flags.iter().any(|x| &x.code == f) {
                return Err(Error::invalid(format!("unknown red flag '{f}'")));
            }
        }
        for f in &self.offences {
            if !r.offences.iter().any(|x| &x.code == f) {
                return Err(Error::invalid(format!("unknown offence '{f}'")));
            }
        }
        self.red_flags.sort();
        self.red_flags.dedup();
        self.offences.dedup();
        Ok(self)
    }
}

/// The occurred time as UTC microseconds: the timeline's sort key.
pub(crate) fn occurred_key(f: &IncidentFields) -> Option<i64> {
    f.occurred
        .as_ref()
        .and_then(|o| time::parse_rfc3339(&o.start).ok())
        .map(|t| t.timestamp_micros())
}

/// The text the full-text index holds for an incident.
pub(crate) fn fts_text(f: &IncidentFields) -> String {
    [
        f.summary.as_str(),
        &f.description,
        &f.impact,
        &f.witnesses,
        &f.location,
        &f.platform,
        &f.url,
        &f.account_handle,
    ]
    .join("\n")
}

/// Builds an FTS5 query that matches every word the person typed as a prefix, safely quoted.
pub(crate) fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect();
    if words.is_empty() {
        None
    } else {
        Some(words.join(" AND "))
    }
}

fn s(v: &serde_json::Value, k: &str) -> String {
    v.get(k)
        .and_then(|x| x.as_str())
        .unwrap_or_default()
        .to_string()
}

/// "Name (person 3)" for the person a payload names, as they are called now.
fn person_name(name_of: &dyn Fn(i64) -> Option<String>, v: &serde_json::Value) -> String {
    let id = v
        .get("person_id")
        .and_then(|i| i.as_i64())
        .unwrap_or_default();
    match name_of(id) {
        Some(n) => format!("{n} (person {id})"),
        None => format!("Person {id}"),
    }
}

/// The history of an incident as a notebook shows it, from its journal entries in order; `name_of` gives a
/// person's name as they are called now.
/// The history line of an `attachment.described` entry (verify.html's `describedWords` says the same).
fn described_words(v: &serde_json::Value) -> String {
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default();
    let or_not_said = |t: &str| {
        if t.is_empty() {
            "not said".to_string()
        } else {
            t.to_string()
        }
    };
    format!(
        "Attachment {} described: how captured: {}; device: {}",
        v.get("attachment_id").and_then(|x| x.as_i64()).unwrap_or(0),
        or_not_said(s("capture_method")),
        or_not_said(s("device"))
    )
}

pub(crate) fn history(
    entries: Vec<Entry>,
    name_of: &dyn Fn(i64) -> Option<String>,
) -> Result<Vec<HistoryItem>> {
    let mut out = Vec::new();
    for e in entries {
        let v = e.opened()?;
        let (description, reason, changes) = match EntryKind::parse(&e.kind) {
            Some(EntryKind::IncidentRecorded) => {
                let mut changes = Vec::new();
                if let Some(obj) = v.get("incident").and_then(|i| i.as_object()) {
                    for f in AMENDABLE_FIELDS {
                        if let Some(val) = obj.get(*f) {
                            changes.push(FieldChange {
                                field: (*f).to_string(),
                                old: serde_json::Value::Null,
                                new: val.clone(),
                            });
                        }
                    }
                }
                (original_words(&v), None, changes)
            }
            Some(EntryKind::IncidentAmended) => {
                let changes: Vec<FieldChange> =
                    serde_json::from_value(v.get("changes").cloned().unwrap_or_default())
                        .unwrap_or_default();
                ("Amended".to_string(), Some(s(&v, "reason")), changes)
            }
            Some(EntryKind::AttachmentAdded) => (
                format!(
                    "Attachment added: {} (SHA-256 {})",
                    s(&v, "file_name"),
                    s(&v, "sha256")
                ),
                None,
                Vec::new(),
            ),
            Some(EntryKind::AttachmentWithdrawn) => (
                format!("Attachment withdrawn (SHA-256 {} kept)", s(&v, "sha256")),
                Some(s(&v, "reason")),
                Vec::new(),
            ),
            Some(EntryKind::AttachmentDescribed) => (described_words(&v), None, Vec::new()),
            Some(EntryKind::PersonLinked) => (
                format!(
                    "{} linked as {}",
                    person_name(name_of, &v),
                    if s(&v, "role") == "witness" {
                        "a witness"
                    } else {
                        "involved"
                    }
                ),
                None,
                Vec::new(),
            ),
            Some(EntryKind::PersonUnlinked) => (
                format!("{} unlinked", person_name(name_of, &v)),
                Some(s(&v, "reason")),
                Vec::new(),
            ),
            Some(EntryKind::ReportLogged) => {
                let r = v.get("report").cloned().unwrap_or_default();
                (
                    format!("Report logged: {} {}", s(&r, "to"), s(&r, "reference"))
                        .trim()
                        .to_string(),
                    None,
                    Vec::new(),
                )
            }
            _ => (e.kind.clone(), None, Vec::new()),
        };
        out.push(HistoryItem {
            seq: e.seq,
            recorded_at: e.recorded_at,
            kind: e.kind,
            description,
            reason,
            changes,
        });
    }
    Ok(out)
}
