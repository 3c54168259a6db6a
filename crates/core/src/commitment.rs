//! Value commitments (docs/FORMAT.md §6): how a version-2 payload holds a record's values so that a pack can
//! leave one out and still prove it is part of the record. Each committed value is replaced in the hashed payload
//! by `{"committed": HEX}`, where `HEX = SHA-256("evident.value.v2" 0x00 || str(salt) || str(value_json))`; the
//! opening (`salt` and the value's exact JSON text) is kept beside the entry, outside the hash. A pack gives the
//! opening, or says that the diarist redacted it. A leaf: it knows JSON, not kinds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use ts_rs::TS;

/// Tag that starts every value commitment input (docs/FORMAT.md §6).
const VALUE_TAG: &[u8] = b"evident.value.v2\0";

/// What a redacted text value reads as, wherever it is shown.
pub const REDACTED: &str = "[redacted by the diarist]";

/// The member name of a commitment object.
const COMMITTED: &str = "committed";

/// How a redacted value is shown: as text, or as a list holding that text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum RedactedAs {
    /// A text (or empty) value.
    Text,
    /// A list of texts.
    List,
}

/// The opening of one commitment: its salt and value, or the diarist's redaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(untagged)]
#[serde(try_from = "Value")]
pub enum Opening {
    /// The value, with the salt that hides it.
    Open {
        /// 32 lowercase hex digits.
        salt: String,
        /// The value's JSON text, exactly as hashed.
        value: String,
    },
    /// Left out by the diarist: shown as [`REDACTED`].
    Redacted {
        /// How the value is shown.
        redacted: RedactedAs,
    },
}

impl TryFrom<Value> for Opening {
    type Error = String;

    /// Exactly `{salt, value}` (two strings) or exactly `{redacted: "text" | "list"}`: anything else is refused,
    /// as verify.html refuses it.
    fn try_from(v: Value) -> Result<Self, String> {
        let o = v.as_object().ok_or("an opening must be an object")?;
        let text = |k: &str| o.get(k).and_then(|x| x.as_str()).map(str::to_string);
        match (o.len(), text("salt"), text("value"), text("redacted")) {
            (2, Some(salt), Some(value), None) => Ok(Opening::Open { salt, value }),
            (1, None, None, Some(r)) if r == "text" => Ok(Opening::Redacted {
                redacted: RedactedAs::Text,
            }),
            (1, None, None, Some(r)) if r == "list" => Ok(Opening::Redacted {
                redacted: RedactedAs::List,
            }),
            _ => Err("an opening must be {salt, value} or {redacted: text | list}".into()),
        }
    }
}

impl Opening {
    /// The value this opening stands for: the opened value, or the redaction marker.
    pub fn shown(&self) -> Result<Value, String> {
        match self {
            Opening::Open { value, .. } => serde_json::from_str(value)
                .map_err(|e| format!("an opening holds a value that is not JSON: {e}")),
            Opening::Redacted { redacted } => Ok(redacted_value(*redacted)),
        }
    }
}

/// The value a redaction shows.
pub fn redacted_value(how: RedactedAs) -> Value {
    match how {
        RedactedAs::Text => Value::String(REDACTED.to_string()),
        RedactedAs::List => Value::Array(vec![Value::String(REDACTED.to_string())]),
    }
}

/// Openings of one entry, keyed by commitment hex.
pub type Openings = BTreeMap<String, Opening>;

fn put_str(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_be_bytes());
    h.update(s.as_bytes());
}

/// The commitment to `value_json` under `salt` (docs/FORMAT.md §6), lowercase hex.
pub fn commitment(salt: &str, value_json: &str) -> String {
    let mut h = Sha256::new();
    h.update(VALUE_TAG);
    put_str(&mut h, salt);
    put_str(&mut h, value_json);
    hex::encode(h.finalize())
}

/// Replaces `v` by a commitment to it, recording the opening. `salt` is fresh randomness.
pub(crate) fn commit(v: &mut Value, salt: String, openings: &mut Openings) -> Result<(), String> {
    let value = serde_json::to_string(v).map_err(|e| e.to_string())?;
    let c = commitment(&salt, &value);
    let mut obj = serde_json::Map::new();
    obj.insert(COMMITTED.into(), Value::String(c.clone()));
    *v = Value::Object(obj);
    openings.insert(c, Opening::Open { salt, value });
    Ok(())
}

/// The commitment hex if `v` is a commitment object (`{"committed": HEX}` and nothing else).
pub fn as_commitment(v: &Value) -> Option<&str> {
    let o = v.as_object()?;
    if o.len() != 1 {
        return None;
    }
    o.get(COMMITTED)?.as_str()
}

/// Every commitment in `v`, depth first, in document order.
pub fn commitments(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(v, &mut |c| out.push(c.to_string()));
    out
}

fn walk(v: &Value, f: &mut dyn FnMut(&str)) {
    if let Some(c) = as_commitment(v) {
        f(c);
        return;
    }
    match v {
        Value::Object(o) => o.values().for_each(|x| walk(x, f)),
        Value::Array(a) => a.iter().for_each(|x| walk(x, f)),
        _ => {}
    }
}

/// Checks the openings of one payload: each commitment has an opening that matches it (or a redaction), and
/// every opening names a commitment of the payload. Returns the problem in plain words.
pub fn check(v: &Value, openings: &Openings) -> Result<(), String> {
    let cs: std::collections::HashSet<String> = commitments(v).into_iter().collect();
    for c in &cs {
        match openings.get(c) {
            None => return Err(format!("value {} has no opening", short(c))),
            Some(Opening::Open { salt, value }) => {
                let ok_salt = salt.len() == 32
                    && salt.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                if !ok_salt || commitment(salt, value) != *c {
                    return Err(format!(
                        "value {} has been changed: it does not match its commitment",
                        short(c)
                    ));
                }
                if serde_json::from_str::<Value>(value).is_err() {
                    return Err(format!("value {} is not JSON", short(c)));
                }
            }
            Some(Opening::Redacted { .. }) => {}
        }
    }
    if let Some(extra) = openings.keys().find(|k| !cs.contains(k.as_str())) {
        return Err(format!(
            "an opening ({}) belongs to no value of this entry",
            short(extra)
        ));
    }
    Ok(())
}

/// `v` with every commitment replaced by what its opening shows (the value, or the redaction marker). Checks
/// each opening against its commitment.
pub fn open(v: &Value, openings: &Openings) -> Result<Value, String> {
    check(v, openings)?;
    let mut out = v.clone();
    replace(&mut out, openings)?;
    Ok(out)
}

fn replace(v: &mut Value, openings: &Openings) -> Result<(), String> {
    if let Some(c) = as_commitment(v) {
        let o = openings
            .get(c)
            .ok_or_else(|| format!("value {} has no opening", short(c)))?;
        *v = o.shown()?;
        return Ok(());
    }
    match v {
        Value::Object(o) => o.values_mut().try_for_each(|x| replace(x, openings)),
        Value::Array(a) => a.iter_mut().try_for_each(|x| replace(x, openings)),
        _ => Ok(()),
    }
}

fn short(c: &str) -> String {
    c.chars().take(12).collect::<String>() + "…"
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn commit_then_open_gives_the_value_back() -> Result<(), String> {
        let mut p = json!({"incident": {"summary": "He said \"hi\" 🙂", "witnesses": ["A", "B"]}});
        let mut o = Openings::new();
        let salt = "00112233445566778899aabbccddeeff".to_string();
        for k in ["summary", "witnesses"] {
            commit(&mut p["incident"][k], salt.clone(), &mut o)?;
        }
        assert!(p.to_string().find("hi").is_none());
        let opened = open(&p, &o)?;
        assert_eq!(opened["incident"]["summary"], "He said \"hi\" 🙂");
        assert_eq!(opened["incident"]["witnesses"], json!(["A", "B"]));
        Ok(())
    }

    #[test]
    fn a_changed_value_or_a_stray_opening_fails_and_a_redaction_shows_the_marker(
    ) -> Result<(), String> {
        let mut p = json!({"person": {"name": "Jane", "aliases": ["J"]}});
        let mut o = Openings::new();
        commit(&mut p["person"]["name"], "a".repeat(32), &mut o)?;
        commit(&mut p["person"]["aliases"], "b".repeat(32), &mut o)?;
        let name = as_commitment(&p["person"]["name"])
            .unwrap_or_default()
            .to_string();
        let aliases = as_commitment(&p["person"]["aliases"])
            .unwrap_or_default()
            .to_string();
        let cs = [name, aliases];
        assert_eq!(commitments(&p).len(), 2);
        let mut bad = o.clone();
        if let Some(Opening::Open { value, .. }) = bad.get_mut(&cs[0]) {
            *value = "\"Joan\"".into();
        }
        assert!(open(&p, &bad).is_err());
        let mut stray = o.clone();
        stray.insert(
            "f".repeat(64),
            Opening::Redacted {
                redacted: RedactedAs::Text,
            },
        );
        assert!(check(&p, &stray).is_err());
        let mut red = o.clone();
        red.insert(
            cs[0].clone(),
            Opening::Redacted {
                redacted: RedactedAs::Text,
            },
        );
        red.insert(
            cs[1].clone(),
            Opening::Redacted {
                redacted: RedactedAs::List,
            },
        );
        let shown = open(&p, &red)?;
        assert_eq!(shown["person"]["name"], REDACTED);
        assert_eq!(shown["person"]["aliases"], json!([REDACTED]));
        let mut missing = o;
        missing.remove(&cs[0]);
        assert!(open(&p, &missing).is_err());
        Ok(())
    }

    /// Pinned against an independent implementation (Python hashlib, tests/fixtures/make_vectors.py).
    #[test]
    fn commitment_bytes_are_frozen() {
        assert_eq!(
            commitment("00112233445566778899aabbccddeeff", "\"Jane Smith\""),
            VECTOR_JANE
        );
    }

    const VECTOR_JANE: &str = "506b49a72424029599ca60a52771fa2258e9c2b853c9e5bbc8146e0a3e338389";
}
