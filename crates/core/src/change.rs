//! Field-by-field changes: what an amendment records (each changed field's old and new value), computing them
//! from two versions of a record and applying them in a replay. Shared by incidents and people.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;

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

/// Computes the changes from `old` to `new` over the named fields.
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

/// Applies `changes` to `fields` (the projection of an amendment).
pub(crate) fn apply<T: Serialize + serde::de::DeserializeOwned>(
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
