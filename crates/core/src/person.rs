//! People: the individuals and accounts involved, as records of their own, so every incident by the same
//! person is linked and a course of conduct can be seen.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::incident::FieldChange;
use crate::journal::{self, EntryKind};
use crate::vault::Vault;

/// What is known about a person. Everything is optional: an anonymous account may have only a handle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[ts(export)]
#[serde(default)]
pub struct PersonFields {
    /// Name, if known.
    pub name: String,
    /// Other names they use.
    pub aliases: Vec<String>,
    /// Handles and accounts, e.g. `@someone on X`.
    pub handles: Vec<String>,
    /// An anonymous account or unknown individual.
    pub anonymous: bool,
    /// Description (appearance, manner).
    pub description: String,
    /// Vehicle, if any.
    pub vehicle: String,
    /// Anything else.
    pub notes: String,
}

/// Person fields that may be amended, in display order.
const PERSON_FIELDS: &[&str] = &[
    "name",
    "aliases",
    "handles",
    "anonymous",
    "description",
    "vehicle",
    "notes",
];

impl PersonFields {
    /// Checks the fields: a person needs a name, alias or handle, or must be marked anonymous.
    pub fn validated(mut self) -> Result<Self> {
        self.name = self.name.trim().to_string();
        self.aliases = tidy(self.aliases);
        self.handles = tidy(self.handles);
        if self.name.is_empty()
            && self.aliases.is_empty()
            && self.handles.is_empty()
            && !self.anonymous
        {
            return Err(Error::invalid(
                "give the person a name, an alias or a handle, or mark them as anonymous",
            ));
        }
        Ok(self)
    }

    /// How to show this person in one line.
    pub fn display_name(&self) -> String {
        if !self.name.is_empty() {
            self.name.clone()
        } else if let Some(h) = self.handles.first() {
            h.clone()
        } else if let Some(a) = self.aliases.first() {
            a.clone()
        } else {
            "Unknown person".to_string()
        }
    }
}

fn tidy(v: Vec<String>) -> Vec<String> {
    v.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
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
    /// `subject` (the person who did it) or `witness`.
    pub role: String,
}

/// A person in the list of people.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PersonSummary {
    /// Person id.
    #[ts(type = "number")]
    pub id: i64,
    /// Display name.
    pub name: String,
    /// All fields.
    pub fields: PersonFields,
    /// Number of incidents this person is linked to as subject.
    #[ts(type = "number")]
    pub incident_count: i64,
    /// Earliest occurred time of those incidents.
    pub first_at: Option<String>,
    /// Latest occurred time of those incidents.
    pub last_at: Option<String>,
}

/// One person with all their incidents.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PersonDetail {
    /// Summary (counts and dates).
    pub summary: PersonSummary,
    /// Their incidents, newest first.
    pub incidents: Vec<crate::incident::IncidentSummary>,
    /// Whether 2 or more incidents are linked: may amount to a course of conduct (harassment).
    pub course_of_conduct: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RecordedPayload {
    pub person_id: i64,
    pub person: PersonFields,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AmendedPayload {
    pub person_id: i64,
    pub reason: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LinkPayload {
    pub incident_id: i64,
    pub person_id: i64,
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
}

pub(crate) fn write_state(conn: &rusqlite::Connection, id: i64, f: &PersonFields) -> Result<()> {
    conn.execute(
        "INSERT INTO person (id, fields, name) VALUES (?1, ?2, ?3)
         ON CONFLICT(id) DO UPDATE SET fields = excluded.fields, name = excluded.name",
        params![id, serde_json::to_string(f)?, f.display_name()],
    )?;
    Ok(())
}

pub(crate) fn load(conn: &rusqlite::Connection, id: i64) -> Result<PersonFields> {
    let json: Option<String> = conn
        .query_row("SELECT fields FROM person WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    match json {
        Some(j) => Ok(serde_json::from_str(&j)?),
        None => Err(Error::not_found(format!("there is no person {id}"))),
    }
}

fn check_role(role: &str) -> Result<()> {
    if role == "subject" || role == "witness" {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "role must be 'subject' or 'witness', not '{role}'"
        )))
    }
}

/// Links inside an open transaction (journal entry + state). No-op if already linked.
pub(crate) fn link_in_tx(
    tx: &rusqlite::Connection,
    incident_id: i64,
    person_id: i64,
    role: &str,
) -> Result<()> {
    check_role(role)?;
    load(tx, person_id)?;
    crate::incident::load_fields(tx, incident_id)?;
    let exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM incident_person WHERE incident_id = ?1 AND person_id = ?2 AND role = ?3)",
        params![incident_id, person_id, role],
        |r| r.get(0),
    )?;
    if exists {
        return Ok(());
    }
    let payload = LinkPayload {
        incident_id,
        person_id,
        role: role.to_string(),
        reason: None,
    };
    journal::append(tx, EntryKind::PersonLinked, &payload)?;
    tx.execute(
        "INSERT INTO incident_person (incident_id, person_id, role) VALUES (?1, ?2, ?3)",
        params![incident_id, person_id, role],
    )?;
    Ok(())
}

/// People linked to an incident.
pub(crate) fn people_of(
    conn: &rusqlite::Connection,
    incident_id: i64,
) -> Result<Vec<LinkedPerson>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.name, ip.role FROM incident_person ip JOIN person p ON p.id = ip.person_id
         WHERE ip.incident_id = ?1 ORDER BY ip.role DESC, p.id",
    )?;
    let rows = stmt.query_map([incident_id], |r| {
        Ok(LinkedPerson {
            id: r.get(0)?,
            name: r.get(1)?,
            role: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

impl Vault {
    /// Records a new person. Returns their id once durable.
    pub fn record_person(&mut self, fields: PersonFields) -> Result<i64> {
        let fields = fields.validated()?;
        let tx = self.conn.transaction()?;
        let id = record_person_in_tx(&tx, fields)?;
        let head = journal::head_in(&tx)?;
        tx.commit()?;
        self.after_commit(head);
        Ok(id)
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
        let tx = self.conn.transaction()?;
        let old = load(&tx, id)?;
        let changes = crate::incident::diff(&old, &fields, PERSON_FIELDS)?;
        if changes.is_empty() {
            return Ok(changes);
        }
        let payload = AmendedPayload {
            person_id: id,
            reason: reason.to_string(),
            changes: changes.clone(),
        };
        journal::append(&tx, EntryKind::PersonAmended, &payload)?;
        write_state(&tx, id, &fields)?;
        let head = journal::head_in(&tx)?;
        tx.commit()?;
        self.after_commit(head);
        Ok(changes)
    }

    /// Links a person to an incident as `subject` or `witness`.
    pub fn link_person(&mut self, incident_id: i64, person_id: i64, role: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        link_in_tx(&tx, incident_id, person_id, role)?;
        let head = journal::head_in(&tx)?;
        tx.commit()?;
        self.after_commit(head);
        Ok(())
    }

    /// Unlinks a person from an incident, with a reason (the link stays in the history).
    pub fn unlink_person(
        &mut self,
        incident_id: i64,
        person_id: i64,
        role: &str,
        reason: &str,
    ) -> Result<()> {
        check_role(role)?;
        if reason.trim().is_empty() {
            return Err(Error::invalid("unlinking needs a reason"));
        }
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "DELETE FROM incident_person WHERE incident_id = ?1 AND person_id = ?2 AND role = ?3",
            params![incident_id, person_id, role],
        )?;
        if n == 0 {
            return Err(Error::not_found(
                "that person is not linked to that incident",
            ));
        }
        let payload = LinkPayload {
            incident_id,
            person_id,
            role: role.to_string(),
            reason: Some(reason.trim().to_string()),
        };
        journal::append(&tx, EntryKind::PersonUnlinked, &payload)?;
        let head = journal::head_in(&tx)?;
        tx.commit()?;
        self.after_commit(head);
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
        let incidents = self.list_incidents(&crate::incident::IncidentFilter {
            person_id: Some(id),
            ..Default::default()
        })?;
        Ok(PersonDetail {
            course_of_conduct: summary.incident_count >= 2,
            summary,
            incidents,
        })
    }
}

pub(crate) fn record_person_in_tx(tx: &rusqlite::Connection, fields: PersonFields) -> Result<i64> {
    let id: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM person", [], |r| {
        r.get(0)
    })?;
    let payload = RecordedPayload {
        person_id: id,
        person: fields.clone(),
    };
    journal::append(tx, EntryKind::PersonRecorded, &payload)?;
    write_state(tx, id, &fields)?;
    Ok(id)
}
