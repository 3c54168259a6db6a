//! Reference data: kinds of abuse, channels, police red flags and possible offences (from the guidance).
//! The data lives in `assets/reference.json`, shared with the UI through IPC.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A coded choice with a label and plain-English help.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Choice {
    /// Stable code stored in records.
    pub code: String,
    /// Label shown to people.
    pub label: String,
    /// Plain-English help.
    #[serde(default)]
    pub help: String,
    /// Group (channels: `in_person`, `remote`, `online`, `other`).
    #[serde(default)]
    pub group: String,
}

/// A possible offence from the offence table (guidance 002 §5.2).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Offence {
    /// Stable code.
    pub code: String,
    /// The Act.
    pub act: String,
    /// Section(s).
    pub section: String,
    /// Short name.
    pub label: String,
    /// Plain-English help.
    pub help: String,
}

/// All reference data.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Reference {
    /// Kinds of abuse.
    pub kinds: Vec<Choice>,
    /// How it happened.
    pub channels: Vec<Choice>,
    /// Police red flags: any one means "call 999 now" if in danger.
    pub red_flags: Vec<Choice>,
    /// Possible offences.
    pub offences: Vec<Offence>,
}

impl Reference {
    /// Kind codes.
    pub fn kind_codes(&self) -> Vec<&str> {
        self.kinds.iter().map(|c| c.code.as_str()).collect()
    }

    /// Channel codes.
    pub fn channel_codes(&self) -> Vec<&str> {
        self.channels.iter().map(|c| c.code.as_str()).collect()
    }

    /// The label of a kind or channel code, or the code itself.
    pub fn label_of(&self, code: &str) -> String {
        self.kinds
            .iter()
            .chain(self.channels.iter())
            .chain(self.red_flags.iter())
            .find(|c| c.code == code)
            .map(|c| c.label.clone())
            .or_else(|| {
                self.offences
                    .iter()
                    .find(|o| o.code == code)
                    .map(|o| format!("{} ({} {})", o.label, o.act, o.section))
            })
            .unwrap_or_else(|| code.to_string())
    }
}

const RAW: &str = include_str!("../../../assets/reference.json");

/// The reference data (parsed once; the file is part of the binary and checked by a test).
pub fn reference() -> &'static Reference {
    static R: OnceLock<Reference> = OnceLock::new();
    R.get_or_init(|| {
        serde_json::from_str(RAW).unwrap_or(Reference {
            kinds: Vec::new(),
            channels: Vec::new(),
            red_flags: Vec::new(),
            offences: Vec::new(),
        })
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn reference_parses() -> Result<(), serde_json::Error> {
        let r: super::Reference = serde_json::from_str(super::RAW)?;
        assert_eq!(r.red_flags.len(), 4);
        assert!(r.kinds.len() >= 11);
        assert!(r.offences.iter().any(|o| o.code == "pha1997_s1"));
        // The Online Safety Act 2023 offences and the Elections Act 2022 provisions are in the table.
        for code in ["osa2023_s179", "osa2023_s181", "ea2022_part5"] {
            assert!(r.offences.iter().any(|o| o.code == code), "{code}");
        }
        Ok(())
    }
}
