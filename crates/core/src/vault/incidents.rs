//! The vault's incidents: recording and amending them (through the journal and the projection), and the
//! timeline queries with full-text search.

use super::{Vault, Writer};
use crate::change::{self, FieldChange};
use crate::error::{Error, Result};
use crate::incident::{
    self, AmendedPayload, IncidentDetail, IncidentFields, IncidentFilter, IncidentSummary,
    RecordedPayload, Role, AMENDABLE_FIELDS,
};
use crate::journal::EntryKind;
use crate::projection;
use crate::time;

/// The WHERE conditions (after `WHERE 1 = 1`) and their arguments for a timeline filter.
fn where_clause(filter: &IncidentFilter) -> Result<(String, Vec<rusqlite::types::Value>)> {
    let mut sql = String::new();
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    use rusqlite::types::Value as V;
    // The text is looked for in the incident's own text (full-text index) and in the names, aliases and handles
    // of the people linked to it.
    // Text with no word in it (punctuation and spaces only) is no text filter at all.
    if let Some((raw, q)) = filter
        .text
        .as_deref()
        .map(str::trim)
        .and_then(|t| incident::fts_query(t).map(|q| (t, q)))
    {
        let needle = raw.to_lowercase();
        sql.push_str(
            " AND (i.id IN (SELECT ip.incident_id FROM incident_person ip JOIN person p ON p.id = ip.person_id
                 WHERE instr(lower(p.name), ?) > 0
                    OR EXISTS (SELECT 1 FROM json_each(p.fields, '$.aliases') WHERE instr(lower(value), ?) > 0)
                    OR EXISTS (SELECT 1 FROM json_each(p.fields, '$.handles') WHERE instr(lower(value), ?) > 0))",
        );
        for _ in 0..3 {
            args.push(V::Text(needle.clone()));
        }
        sql.push_str(" OR i.id IN (SELECT rowid FROM incident_fts WHERE incident_fts MATCH ?))");
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

/// Records an incident (already validated) and links people as subjects inside the caller's write.
pub(super) fn record(w: &Writer<'_>, fields: &IncidentFields, people: &[i64]) -> Result<i64> {
    let id: i64 =
        w.tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM incident", [], |r| {
            r.get(0)
        })?;
    let payload = RecordedPayload {
        incident_id: id,
        incident: fields.clone(),
    };
    w.record(EntryKind::IncidentRecorded, &payload)?;
    for pid in people {
        super::people::link(w, id, *pid, Role::Subject)?;
    }
    Ok(id)
}

impl Vault {
    /// Records a new incident, linking the given people (by id) as subjects. Returns its id once durable.
    pub fn record_incident(&mut self, fields: IncidentFields, people: &[i64]) -> Result<i64> {
        let fields = fields.validated()?;
        self.write(|w| record(w, &fields, people))
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
        let old = projection::incident_fields(&self.conn, id)?;
        let new_fields = new_fields.validated_against(Some(&old))?;
        let changes = change::diff(&old, &new_fields, AMENDABLE_FIELDS)?;
        if changes.is_empty() {
            return Ok(changes);
        }
        let payload = AmendedPayload {
            incident_id: id,
            reason: reason.to_string(),
            changes: changes.clone(),
        };
        self.write(|w| w.record(EntryKind::IncidentAmended, &payload))?;
        Ok(changes)
    }

    /// The current fields of one incident.
    pub fn incident_fields(&self, id: i64) -> Result<IncidentFields> {
        projection::incident_fields(&self.conn, id)
    }

    /// Everything about one incident, with its history.
    pub fn incident(&self, id: i64) -> Result<IncidentDetail> {
        let fields = projection::incident_fields(&self.conn, id)?;
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
            people: self.people_of(id)?,
            attachments: self.attachments_of(id)?,
            reports: self.reports_of(id)?,
            history: incident::history(self.entries_of_incident(id)?, &|pid| {
                self.person_name(pid)
            })?,
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
                people: self.people_of(id)?,
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
