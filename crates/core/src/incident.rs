//! Incidents: what happened, when, how, and what was said or done. Owns the incident's fields, its amendments
//! (never overwrites), and the timeline queries with full-text search.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::attachment::AttachmentView;
use crate::error::{Error, Result};
use crate::journal::{self, EntryKind};
use crate::person::LinkedPerson;
use crate::report::ReportView;
use crate::time;
use crate::vault::Vault;

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
    "summary",
    "description",
    "impact",
    "witnesses",
    "red_flags",
    "offences",
];

/// One changed field of an amendment: the value before and after, as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldChange {
    /// Field name.
    pub field: String,
    /// Value before.
    #[ts(type = "unknown")]
    pub old: serde_json::Value,
    /// Value after.
    #[ts(type = "unknown")]
    pub new: serde_json::Value,
}

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

impl IncidentFields {
    /// Checks and tidies the fields: summary required, codes known, times parse.
    pub fn validated(mut self) -> Result<Self> {
        self.summary = self.summary.trim().to_string();
        if self.summary.is_empty() {
            return Err(Error::invalid(
                "a summary is required: say in a few words what happened",
            ));
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

/// Computes the changes from `old` to `new` over the named fields (incidents and people alike).
pub(crate) fn diff<T: Serialize>(old: &T, new: &T, names: &[&str]) -> Result<Vec<FieldChange>> {
    let (a, b) = (serde_json::to_value(old)?, serde_json::to_value(new)?);
    let mut out = Vec::new();
    for f in names {
        let (o, n) = (
            a.get(*f).cloned().unwrap_or_default(),
            b.get(*f).cloned().unwrap_or_default(),
        );
        if o != n {
            out.push(FieldChange {
                field: (*f).to_string(),
                old: o,
                new: n,
            });
        }
    }
    Ok(out)
}

/// Applies `changes` to `fields` (used by the journal replay for incidents and people).
pub(crate) fn apply_changes<T: Serialize + serde::de::DeserializeOwned>(
    fields: &T,
    changes: &[FieldChange],
) -> Result<T> {
    let mut v = serde_json::to_value(fields)?;
    if let Some(obj) = v.as_object_mut() {
        for c in changes {
            obj.insert(c.field.clone(), c.new.clone());
        }
    }
    Ok(serde_json::from_value(v)?)
}

fn occurred_key(f: &IncidentFields) -> Option<i64> {
    f.occurred
        .as_ref()
        .and_then(|o| time::parse_rfc3339(&o.start).ok())
        .map(|t| t.timestamp_micros())
}

fn fts_text(f: &IncidentFields) -> String {
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

/// Writes the current state row of an incident (insert or replace) and its search text.
pub(crate) fn write_state(
    tx: &rusqlite::Connection,
    id: i64,
    fields: &IncidentFields,
    recorded_at: &str,
    updated_at: &str,
) -> Result<()> {
    let json = serde_json::to_string(fields)?;
    tx.execute(
        "INSERT INTO incident (id, fields, occurred_utc, kind, channel, recorded_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(id) DO UPDATE SET fields = excluded.fields, occurred_utc = excluded.occurred_utc,
           kind = excluded.kind, channel = excluded.channel, updated_at = excluded.updated_at",
        params![id, json, occurred_key(fields), fields.kind, fields.channel, recorded_at, updated_at],
    )?;
    tx.execute("DELETE FROM incident_fts WHERE rowid = ?1", [id])?;
    tx.execute(
        "INSERT INTO incident_fts (rowid, body) VALUES (?1, ?2)",
        params![id, fts_text(fields)],
    )?;
    Ok(())
}

pub(crate) fn load_fields(conn: &rusqlite::Connection, id: i64) -> Result<IncidentFields> {
    let json: Option<String> = conn
        .query_row("SELECT fields FROM incident WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    match json {
        Some(j) => Ok(serde_json::from_str(&j)?),
        None => Err(Error::not_found(format!("there is no incident {id}"))),
    }
}

/// The WHERE conditions (after `WHERE 1 = 1`) and their arguments for a timeline filter.
fn where_clause(filter: &IncidentFilter) -> Result<(String, Vec<rusqlite::types::Value>)> {
    let mut sql = String::new();
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    use rusqlite::types::Value as V;
    if let Some(q) = filter.text.as_deref().and_then(fts_query) {
        sql.push_str(" AND i.id IN (SELECT rowid FROM incident_fts WHERE incident_fts MATCH ?)");
        args.push(V::Text(q));
    }
    if let Some(from) = filter.from.as_deref().filter(|s| !s.is_empty()) {
        sql.push_str(" AND i.occurred_utc >= ?");
        args.push(V::Integer(time::parse_bound(from, false)?));
    }
    if let Some(to) = filter.to.as_deref().filter(|s| !s.is_empty()) {
        sql.push_str(" AND i.occurred_utc <= ?");
        args.push(V::Integer(time::parse_bound(to, true)?));
    }
    if let Some(p) = filter.person_id {
        sql.push_str(" AND i.id IN (SELECT incident_id FROM incident_person WHERE person_id = ?)");
        args.push(V::Integer(p));
    }
    if let Some(k) = filter.kind.as_deref().filter(|s| !s.is_empty()) {
        sql.push_str(" AND i.kind = ?");
        args.push(V::Text(k.to_string()));
    }
    if let Some(c) = filter.channel.as_deref().filter(|s| !s.is_empty()) {
        sql.push_str(" AND i.channel = ?");
        args.push(V::Text(c.to_string()));
    }
    if let Some(rep) = filter.reported {
        sql.push_str(if rep {
            " AND EXISTS (SELECT 1 FROM report r WHERE r.incident_id = i.id)"
        } else {
            " AND NOT EXISTS (SELECT 1 FROM report r WHERE r.incident_id = i.id)"
        });
    }
    Ok((sql, args))
}

/// Records an incident (already validated) and links people as subjects inside the caller's transaction.
pub(crate) fn record_in_tx(
    tx: &rusqlite::Connection,
    fields: &IncidentFields,
    people: &[i64],
) -> Result<i64> {
    let id: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM incident", [], |r| {
        r.get(0)
    })?;
    let payload = RecordedPayload {
        incident_id: id,
        incident: fields.clone(),
    };
    let entry = journal::append(tx, EntryKind::IncidentRecorded, &payload)?;
    write_state(tx, id, fields, &entry.recorded_at, &entry.recorded_at)?;
    for pid in people {
        crate::person::link_in_tx(tx, id, *pid, "subject")?;
    }
    Ok(id)
}

/// Builds an FTS5 query that matches every word the person typed as a prefix, safely quoted.
fn fts_query(text: &str) -> Option<String> {
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

impl Vault {
    /// Records a new incident, linking the given people (by id) as subjects. Returns its id once durable.
    pub fn record_incident(&mut self, fields: IncidentFields, people: &[i64]) -> Result<i64> {
        let fields = fields.validated()?;
        let tx = self.conn.transaction()?;
        let id = record_in_tx(&tx, &fields, people)?;
        let head = journal::head_in(&tx)?;
        tx.commit()?;
        self.after_commit(head);
        Ok(id)
    }

    /// Amends an incident: a new journal entry with the reason and each changed field's old and new value.
    /// The original stays in the history. Returns the changes made (empty if nothing changed: no entry).
    pub fn amend_incident(
        &mut self,
        id: i64,
        reason: &str,
        new_fields: IncidentFields,
    ) -> Result<Vec<FieldChange>> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid(
                "an amendment needs a reason: say why it is being corrected",
            ));
        }
        let new_fields = new_fields.validated()?;
        let tx = self.conn.transaction()?;
        let old = load_fields(&tx, id)?;
        let changes = diff(&old, &new_fields, AMENDABLE_FIELDS)?;
        if changes.is_empty() {
            return Ok(changes);
        }
        let payload = AmendedPayload {
            incident_id: id,
            reason: reason.to_string(),
            changes: changes.clone(),
        };
        let entry = journal::append(&tx, EntryKind::IncidentAmended, &payload)?;
        let recorded_at: String = tx.query_row(
            "SELECT recorded_at FROM incident WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        write_state(&tx, id, &new_fields, &recorded_at, &entry.recorded_at)?;
        let head = journal::head_in(&tx)?;
        tx.commit()?;
        self.after_commit(head);
        Ok(changes)
    }

    /// The current fields of one incident.
    pub fn incident_fields(&self, id: i64) -> Result<IncidentFields> {
        load_fields(&self.conn, id)
    }

    /// Everything about one incident, with its history.
    pub fn incident(&self, id: i64) -> Result<IncidentDetail> {
        let fields = load_fields(&self.conn, id)?;
        let (recorded_at, updated_at): (String, String) = self.conn.query_row(
            "SELECT recorded_at, updated_at FROM incident WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(IncidentDetail {
            id,
            occurred_at: fields.occurred.as_ref().map(|o| o.start.clone()),
            recorded_at,
            updated_at,
            kind: fields.kind.clone(),
            channel: fields.channel.clone(),
            summary: fields.summary.clone(),
            description: fields.description.clone(),
            people: crate::person::people_of(&self.conn, id)?,
            attachments: self.attachments_of(id)?,
            reports: crate::report::reports_of(&self.conn, id)?,
            history: journal::history_of_incident(&self.conn, id)?,
            fields,
        })
    }

    /// The timeline: incidents matching `filter`, newest first (by when they happened, then recorded).
    pub fn list_incidents(&self, filter: &IncidentFilter) -> Result<Vec<IncidentSummary>> {
        let mut sql = String::from(
            "SELECT i.id, i.fields, i.recorded_at,
               (SELECT COUNT(*) FROM attachment a WHERE a.incident_id = i.id AND a.withdrawn_seq IS NULL),
               EXISTS (SELECT 1 FROM report r WHERE r.incident_id = i.id),
               (SELECT COUNT(*) FROM amendment m WHERE m.incident_id = i.id)
             FROM incident i WHERE 1 = 1",
        );
        let (clause, mut args) = where_clause(filter)?;
        sql.push_str(&clause);
        use rusqlite::types::Value as V;

        sql.push_str(" ORDER BY i.occurred_utc DESC, i.id DESC LIMIT ? OFFSET ?");
        args.push(V::Integer(filter.limit.unwrap_or(-1)));
        args.push(V::Integer(filter.offset.unwrap_or(0)));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, json, recorded_at, attachment_count, reported, amendment_count) = row?;
            let f: IncidentFields = serde_json::from_str(&json)?;
            out.push(IncidentSummary {
                id,
                occurred_at: f.occurred.as_ref().map(|o| o.start.clone()),
                approximate: f.occurred.as_ref().is_some_and(|o| o.approximate),
                recorded_at,
                kind: f.kind,
                channel: f.channel,
                summary: f.summary,
                people: crate::person::people_of(&self.conn, id)?,
                attachment_count,
                reported,
                red_flags: f.red_flags,
                amendment_count,
            });
        }
        Ok(out)
    }

    /// Number of incidents matching `filter` (its limit and offset are ignored): the timeline's "of N".
    pub fn count_incidents(&self, filter: &IncidentFilter) -> Result<i64> {
        let (clause, args) = where_clause(filter)?;
        let sql = format!("SELECT COUNT(*) FROM incident i WHERE 1 = 1{clause}");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(args), |r| r.get(0))?)
    }

    /// Number of incidents in the vault.
    pub fn incident_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM incident", [], |r| r.get(0))?)
    }
}
