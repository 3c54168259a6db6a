//! Reports made to an authority about an incident (platform, council, police, party): who, when, reference.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::journal::{self, EntryKind};
use crate::vault::Vault;

/// A report the person made to someone about an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
#[serde(default)]
pub struct ReportFields {
    /// `platform`, `council`, `police`, `party` or `other`.
    pub to: String,
    /// Which one: the platform's name, the council contact (single point of contact, monitoring officer), the force.
    pub organisation: String,
    /// How: `101`, `999`, `online`, `email`, `in person`, a platform's report button…
    pub via: String,
    /// When reported (date, or RFC 3339).
    pub reported_on: String,
    /// Report reference or crime reference number.
    pub reference: String,
    /// Officer or contact name.
    pub officer: String,
    /// Outcome so far.
    pub outcome: String,
    /// Follow-ups and notes.
    pub notes: String,
}

/// Allowed values of [`ReportFields::to`].
pub const REPORT_TO: &[&str] = &["platform", "council", "police", "party", "other"];

/// A logged report.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportView {
    /// Report id.
    #[ts(type = "number")]
    pub id: i64,
    /// Incident it is about.
    #[ts(type = "number")]
    pub incident_id: i64,
    /// When it was logged in Evident (device clock, UTC).
    pub recorded_at: String,
    /// The report.
    pub fields: ReportFields,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LoggedPayload {
    pub report_id: i64,
    pub incident_id: i64,
    pub report: ReportFields,
}

pub(crate) fn write_state(
    conn: &rusqlite::Connection,
    id: i64,
    incident_id: i64,
    recorded_at: &str,
    f: &ReportFields,
) -> Result<()> {
    conn.execute(
        "INSERT INTO report (id, incident_id, recorded_at, fields) VALUES (?1, ?2, ?3, ?4)",
        params![id, incident_id, recorded_at, serde_json::to_string(f)?],
    )?;
    Ok(())
}

pub(crate) fn reports_of(conn: &rusqlite::Connection, incident_id: i64) -> Result<Vec<ReportView>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, recorded_at, fields FROM report WHERE incident_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([incident_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, recorded_at, json) = row?;
        out.push(ReportView {
            id,
            incident_id,
            recorded_at,
            fields: serde_json::from_str(&json)?,
        });
    }
    Ok(out)
}

impl Vault {
    /// Logs a report made about an incident. Returns the report id once durable.
    pub fn log_report(&mut self, incident_id: i64, fields: ReportFields) -> Result<i64> {
        let mut fields = fields;
        fields.to = fields.to.trim().to_lowercase();
        if !REPORT_TO.contains(&fields.to.as_str()) {
            return Err(Error::invalid(format!(
                "say who it was reported to: one of {}",
                REPORT_TO.join(", ")
            )));
        }
        let tx = self.conn.transaction()?;
        crate::incident::load_fields(&tx, incident_id)?;
        let id: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM report", [], |r| {
            r.get(0)
        })?;
        let payload = LoggedPayload {
            report_id: id,
            incident_id,
            report: fields.clone(),
        };
        let entry = journal::append(&tx, EntryKind::ReportLogged, &payload)?;
        write_state(&tx, id, incident_id, &entry.recorded_at, &fields)?;
        let head = journal::head_in(&tx)?;
        tx.commit()?;
        self.after_commit(head);
        Ok(id)
    }
}
