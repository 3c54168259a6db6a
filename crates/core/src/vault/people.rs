//! The vault's people: recording and amending them, linking and unlinking them to incidents (through the
//! journal and the projection), and the people queries.

use rusqlite::{params, Connection, OptionalExtension};

use super::{Vault, Writer};
use crate::change::{self, FieldChange};
use crate::error::{Error, Result};
use crate::incident::{IncidentFilter, LinkPayload, LinkedPerson, Role};
use crate::journal::EntryKind;
use crate::person::{
    AmendedPayload, PersonDetail, PersonFields, PersonSummary, RecordedPayload, PERSON_FIELDS,
};
use crate::projection;

/// Records a person (already validated) inside the caller's write.
pub(super) fn record(w: &Writer<'_>, fields: PersonFields) -> Result<i64> {
    let id: i64 =
        w.tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM person", [], |r| {
            r.get(0)
        })?;
    let payload = RecordedPayload {
        person_id: id,
        person: fields,
    };
    w.record(EntryKind::PersonRecorded, &payload)?;
    Ok(id)
}

fn is_linked(conn: &Connection, incident_id: i64, person_id: i64, role: Role) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM incident_person WHERE incident_id = ?1 AND person_id = ?2 AND role = ?3)",
        params![incident_id, person_id, role.as_str()],
        |r| r.get(0),
    )?)
}

/// Links a person to an incident inside the caller's write. No-op if already linked.
pub(super) fn link(w: &Writer<'_>, incident_id: i64, person_id: i64, role: Role) -> Result<()> {
    projection::person_fields(&w.tx, person_id)?;
    projection::incident_fields(&w.tx, incident_id)?;
    if is_linked(&w.tx, incident_id, person_id, role)? {
        return Ok(());
    }
    let payload = LinkPayload {
        incident_id,
        person_id,
        role,
        reason: None,
    };
    w.record(EntryKind::PersonLinked, &payload)?;
    Ok(())
}

impl Vault {
    /// Records a new person. Returns their id once durable.
    pub fn record_person(&mut self, fields: PersonFields) -> Result<i64> {
        let fields = fields.validated()?;
        self.write(|w| record(w, fields))
    }

    /// The person whose name, alias or handle is `name` (case-insensitive), if any.
    pub fn find_person(&self, name: &str) -> Result<Option<i64>> {
        let needle = name.trim().to_lowercase();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, fields FROM person ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let f: PersonFields = serde_json::from_str(&row.get::<_, String>(1)?)?;
            if std::iter::once(&f.name)
                .chain(f.aliases.iter())
                .chain(f.handles.iter())
                .any(|a| a.to_lowercase() == needle)
            {
                return Ok(Some(row.get(0)?));
            }
        }
        Ok(None)
    }

    /// Finds a person by exact name, alias or handle (case-insensitive), or records a new one with that name.
    pub fn person_by_name_or_new(&mut self, name: &str) -> Result<i64> {
        if let Some(id) = self.find_person(name)? {
            return Ok(id);
        }
        let mut fields = PersonFields::default();
        if name.trim_start().starts_with('@') {
            fields.handles.push(name.trim().to_string());
        } else {
            fields.name = name.to_string();
        }
        self.record_person(fields)
    }

    /// Amends a person with a reason; returns the changes (empty: nothing recorded).
    pub fn amend_person(
        &mut self,
        id: i64,
        reason: &str,
        fields: PersonFields,
    ) -> Result<Vec<FieldChange>> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("an amendment needs a reason"));
        }
        let fields = fields.validated()?;
        let old = projection::person_fields(&self.conn, id)?;
        let changes = change::diff(&old, &fields, PERSON_FIELDS)?;
        if changes.is_empty() {
            return Ok(changes);
        }
        let payload = AmendedPayload {
            person_id: id,
            reason: reason.to_string(),
            changes: changes.clone(),
        };
        self.write(|w| w.record(EntryKind::PersonAmended, &payload))?;
        Ok(changes)
    }

    /// Links a person to an incident as `subject` or `witness`.
    pub fn link_person(&mut self, incident_id: i64, person_id: i64, role: &str) -> Result<()> {
        let role = Role::parse(role)?;
        self.write(|w| link(w, incident_id, person_id, role))
    }

    /// Unlinks a person from an incident, with a reason (the link stays in the history).
    pub fn unlink_person(
        &mut self,
        incident_id: i64,
        person_id: i64,
        role: &str,
        reason: &str,
    ) -> Result<()> {
        let role = Role::parse(role)?;
        if reason.trim().is_empty() {
            return Err(Error::invalid("unlinking needs a reason"));
        }
        if !is_linked(&self.conn, incident_id, person_id, role)? {
            return Err(Error::not_found(
                "that person is not linked to that incident",
            ));
        }
        let payload = LinkPayload {
            incident_id,
            person_id,
            role,
            reason: Some(reason.trim().to_string()),
        };
        self.write(|w| w.record(EntryKind::PersonUnlinked, &payload))?;
        Ok(())
    }

    /// Everyone, by name, with their incident counts and first and last dates.
    pub fn list_people(&self) -> Result<Vec<PersonSummary>> {
        self.people_summaries(None)
    }

    /// Summaries of everyone, or of the one person `only`.
    fn people_summaries(&self, only: Option<i64>) -> Result<Vec<PersonSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.fields,
               (SELECT COUNT(DISTINCT ip.incident_id) FROM incident_person ip WHERE ip.person_id = p.id AND ip.role = 'subject'),
               (SELECT MIN(i.occurred_utc) FROM incident i JOIN incident_person ip ON ip.incident_id = i.id WHERE ip.person_id = p.id AND ip.role = 'subject'),
               (SELECT MAX(i.occurred_utc) FROM incident i JOIN incident_person ip ON ip.incident_id = i.id WHERE ip.person_id = p.id AND ip.role = 'subject')
             FROM person p WHERE ?1 IS NULL OR p.id = ?1 ORDER BY lower(p.name), p.id",
        )?;
        let rows = stmt.query_map([only], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, json, count, first, last) = row?;
            let fields: PersonFields = serde_json::from_str(&json)?;
            out.push(PersonSummary {
                id,
                name: fields.display_name(),
                fields,
                incident_count: count,
                first_at: first.map(crate::time::micros_to_rfc3339),
                last_at: last.map(crate::time::micros_to_rfc3339),
            });
        }
        Ok(out)
    }

    /// One person with all their incidents.
    pub fn person(&self, id: i64) -> Result<PersonDetail> {
        let summary = self
            .people_summaries(Some(id))?
            .into_iter()
            .next()
            .ok_or_else(|| Error::not_found(format!("there is no person {id}")))?;
        let incidents = self.list_incidents(&IncidentFilter {
            person_id: Some(id),
            ..Default::default()
        })?;
        Ok(PersonDetail {
            course_of_conduct: summary.incident_count >= 2,
            summary,
            incidents,
        })
    }

    /// The current fields of one person.
    pub fn person_fields(&self, id: i64) -> Result<PersonFields> {
        projection::person_fields(&self.conn, id)
    }

    /// A person's display name as they are called now, if they exist.
    pub(crate) fn person_name(&self, id: i64) -> Option<String> {
        self.conn
            .query_row("SELECT name FROM person WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .ok()
            .flatten()
    }

    /// People linked to an incident.
    pub(crate) fn people_of(&self, incident_id: i64) -> Result<Vec<LinkedPerson>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.name, ip.role FROM incident_person ip JOIN person p ON p.id = ip.person_id
             WHERE ip.incident_id = ?1 ORDER BY ip.role DESC, p.id",
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
            let (id, name, role) = row?;
            out.push(LinkedPerson {
                id,
                name,
                role: Role::parse(&role)
                    .map_err(|_| Error::integrity(format!("person {id} has an unknown role")))?,
            });
        }
        Ok(out)
    }
}
