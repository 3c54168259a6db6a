//! Drafts: what the person has typed into a form (a new incident, or an amendment) but not saved yet. A draft
//! is kept inside the encrypted vault (`vault/drafts.rs`, table `draft`), never in the journal, the webview's
//! storage or a file, so that leaving the screen, a lock, an auto-lock, a crash or kill -9 loses no word. It is
//! not part of the record: no entry, no pack, no check. It goes when its form is saved, or when the person
//! discards it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// The largest draft body kept, in bytes of its JSON text (a form's text, far more than anyone types).
pub const MAX_DRAFT_BYTES: usize = 4 * 1024 * 1024;

/// Which form a draft belongs to: one draft per form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum DraftSlot {
    /// "Log an incident": the incident not recorded yet.
    NewIncident,
    /// "Amend" of an existing incident.
    Amend {
        /// The incident being amended.
        #[ts(type = "number")]
        incident_id: i64,
    },
}

impl DraftSlot {
    /// The key the draft is stored under.
    pub(crate) fn key(self) -> String {
        match self {
            DraftSlot::NewIncident => "new_incident".to_string(),
            DraftSlot::Amend { incident_id } => format!("amend:{incident_id}"),
        }
    }

    /// The slot stored under `key`, if it is one.
    pub(crate) fn from_key(key: &str) -> Option<DraftSlot> {
        if key == "new_incident" {
            return Some(DraftSlot::NewIncident);
        }
        let id = key.strip_prefix("amend:")?.parse().ok()?;
        Some(DraftSlot::Amend { incident_id: id })
    }
}

/// A draft as kept: the form's state as JSON text (the form decides its shape), and when it was last saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Draft {
    /// Its form.
    pub slot: DraftSlot,
    /// The form's state: a JSON object written by the form that reads it back.
    pub body: String,
    /// When it was last saved (RFC 3339, UTC).
    pub saved_at: String,
}

/// Checks a draft body before it is kept: a JSON object, not larger than [`MAX_DRAFT_BYTES`]. Nothing is cut:
/// a body that does not fit is refused with a typed error.
pub(crate) fn check_body(body: &str) -> Result<()> {
    if body.len() > MAX_DRAFT_BYTES {
        return Err(Error::invalid(format!(
            "the draft is too large to keep ({} bytes; at most {MAX_DRAFT_BYTES})",
            body.len()
        ))
        .with_hint("Save the incident, or move long text into a file and attach it."));
    }
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        _ => Err(Error::invalid("a draft must be a JSON object")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_round_trip_through_their_keys() {
        for s in [DraftSlot::NewIncident, DraftSlot::Amend { incident_id: 7 }] {
            assert_eq!(DraftSlot::from_key(&s.key()), Some(s));
        }
        assert_eq!(DraftSlot::from_key("amend:x"), None);
        assert_eq!(DraftSlot::from_key("other"), None);
    }

    #[test]
    fn bodies_are_checked_never_cut() {
        assert!(check_body(r#"{"summary":"x"}"#).is_ok());
        for bad in ["", "[1]", "\"text\"", "{"] {
            assert!(
                matches!(check_body(bad), Err(e) if e.kind() == crate::ErrorKind::InvalidInput),
                "{bad}"
            );
        }
        let big = format!(r#"{{"s":"{}"}}"#, "a".repeat(MAX_DRAFT_BYTES));
        assert!(matches!(check_body(&big), Err(e) if e.kind() == crate::ErrorKind::InvalidInput));
    }
}
