//! People: the individuals and accounts involved, as records of their own, so every incident by the same
//! person is linked and a course of conduct can be seen. Owns a person's fields and their rules and the payloads
//! of their journal entries; stored and queried through the vault (`vault/people.rs`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::change::FieldChange;
use crate::error::{Error, Result};
pub use crate::incident::{LinkedPerson, Role};

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
    /// What the diarist bases the identification or attribution on ("the account uses his photo", "I know
    /// him from council meetings"). A pack always labels it as the diarist's belief.
    pub attribution_basis: String,
}

/// Person fields that may be amended, in display order.
pub(crate) const PERSON_FIELDS: &[&str] = &[
    "name",
    "aliases",
    "handles",
    "anonymous",
    "description",
    "vehicle",
    "notes",
    "attribution_basis",
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
