//! The vocabulary of integrity checks, shared by the vault's checks (at open and in full), the chain check
//! (docs/FORMAT.md §2) and the evidence pack check: one status enum and one failure-code enum, so a program
//! (the UI, a script over `--json`, a test) switches on a code and never on message text.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The outcome of a check as a person sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Everything checked is as recorded.
    Ok,
    /// Something could not be fully checked (nothing wrong was found).
    Warning,
    /// Tampering or damage was noticed.
    Failed,
}

impl CheckStatus {
    /// The status word (`ok`, `warning`, `failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Warning => "warning",
            Self::Failed => "failed",
        }
    }
}

impl std::fmt::Display for CheckStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a check failed: stable codes (their string forms never change once released).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum FailureCode {
    /// A chain proof of an unknown format (chain check).
    Format,
    /// Entries are missing or out of order (vault, chain).
    SeqGap,
    /// An entry's content does not match its body hash (vault, chain).
    BodyHashMismatch,
    /// An entry does not link to the one before it (vault, chain).
    EntryHashMismatch,
    /// An entry's payload is malformed, unsalted or only partly revealed (vault, chain).
    PayloadInvalid,
    /// The chain does not end at the stated or last recorded head (vault, chain).
    HeadMismatch,
    /// An encrypted page of the database is damaged or altered (vault).
    PageCorrupt,
    /// An attachment's or exhibit's bytes do not match the SHA-256 recorded when it was added (vault, pack).
    AttachmentMismatch,
    /// An attachment's or exhibit's bytes are missing (vault, pack).
    AttachmentMissing,
    /// The current records differ from what the journal says (vault).
    StateMismatch,
    /// A ZIP entry is unsafe to extract (absolute path, `..`, a link, encrypted) or cannot be read (pack).
    UnsafeEntry,
    /// A file appears twice in the ZIP (pack).
    DuplicateEntry,
    /// A file the pack needs is missing (pack).
    FileMissing,
    /// A file cannot be read or parsed (pack).
    FileUnreadable,
    /// A file does not match its SHA-256 in `SHA256SUMS` (pack).
    FileChanged,
    /// A file is in the pack but not in `SHA256SUMS` (pack).
    FileUnlisted,
    /// An exhibit is not bound to a revealed `attachment.added` entry, or the exhibit list is malformed (pack).
    ExhibitUnbound,
    /// An anchor's time-stamp token does not verify: signature, certificate chain, time-stamping usage, or its
    /// recorded time (vault, pack).
    AnchorInvalid,
    /// An anchor's token is for another hash than the entry it says it covers (vault, pack).
    AnchorMismatch,
    /// Anchors' times go backwards: a later head stamped at an earlier time (vault, pack).
    AnchorTimeOrder,
    /// The pack's signature over `SHA256SUMS` is missing, unreadable or does not verify (pack).
    SignatureInvalid,
    /// The pack was signed by a key other than the one recorded in its chain (`vault.signing_key`), or the
    /// chain does not reveal the key at all (pack).
    SigningKeyMismatch,
    /// The pack's chain does not contain a head the recipient noted earlier (`--expect-head`) (pack).
    HeadNotExtended,
    /// An earlier pack given for comparison (`--prior`) does not verify, is from another diary's key, or its
    /// head is not in this pack's chain (pack).
    PriorPackMismatch,
    /// What `incidents.json`, `incidents.csv` or `report.pdf` says about an incident differs from what the
    /// revealed chain entries say, or an incident is stated without its recording entry revealed (pack).
    DataMismatch,
    /// A committed value's opening does not match its commitment, or is missing (vault, chain; format v2).
    OpeningMismatch,
    /// An entry's link to the previous entry about the same incident or person is wrong (vault, chain; v2).
    PrevLinkMismatch,
    /// An entry about an included incident or person was withheld: the pack does not hold its whole record
    /// (chain; v2).
    Incomplete,
    /// The export manifest is malformed or claims what the chain contradicts (chain; v2).
    ManifestInvalid,
}

impl FailureCode {
    /// The stable code string, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Format => "format",
            Self::SeqGap => "seq_gap",
            Self::BodyHashMismatch => "body_hash_mismatch",
            Self::EntryHashMismatch => "entry_hash_mismatch",
            Self::PayloadInvalid => "payload_invalid",
            Self::HeadMismatch => "head_mismatch",
            Self::PageCorrupt => "page_corrupt",
            Self::AttachmentMismatch => "attachment_mismatch",
            Self::AttachmentMissing => "attachment_missing",
            Self::StateMismatch => "state_mismatch",
            Self::UnsafeEntry => "unsafe_entry",
            Self::DuplicateEntry => "duplicate_entry",
            Self::FileMissing => "file_missing",
            Self::FileUnreadable => "file_unreadable",
            Self::FileChanged => "file_changed",
            Self::FileUnlisted => "file_unlisted",
            Self::ExhibitUnbound => "exhibit_unbound",
            Self::AnchorInvalid => "anchor_invalid",
            Self::AnchorMismatch => "anchor_mismatch",
            Self::AnchorTimeOrder => "anchor_time_order",
            Self::SignatureInvalid => "signature_invalid",
            Self::SigningKeyMismatch => "signing_key_mismatch",
            Self::HeadNotExtended => "head_not_extended",
            Self::PriorPackMismatch => "prior_pack_mismatch",
            Self::DataMismatch => "data_mismatch",
            Self::OpeningMismatch => "opening_mismatch",
            Self::PrevLinkMismatch => "prev_link_mismatch",
            Self::Incomplete => "incomplete",
            Self::ManifestInvalid => "manifest_invalid",
        }
    }
}

impl std::fmt::Display for FailureCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

// Comparing with the code string keeps scripts and tests that read codes as text working unchanged.
macro_rules! eq_str {
    ($t:ty) => {
        impl PartialEq<str> for $t {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }
        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}
eq_str!(CheckStatus);
eq_str!(FailureCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_forms_match_serde() -> Result<(), serde_json::Error> {
        use FailureCode::*;
        for c in [
            Format,
            SeqGap,
            BodyHashMismatch,
            EntryHashMismatch,
            PayloadInvalid,
            HeadMismatch,
            PageCorrupt,
            AttachmentMismatch,
            AttachmentMissing,
            StateMismatch,
            UnsafeEntry,
            DuplicateEntry,
            FileMissing,
            FileUnreadable,
            FileChanged,
            FileUnlisted,
            ExhibitUnbound,
            AnchorInvalid,
            AnchorMismatch,
            AnchorTimeOrder,
            SignatureInvalid,
            SigningKeyMismatch,
            HeadNotExtended,
            PriorPackMismatch,
            DataMismatch,
            OpeningMismatch,
            PrevLinkMismatch,
            Incomplete,
            ManifestInvalid,
        ] {
            assert_eq!(serde_json::to_string(&c)?, format!("\"{}\"", c.as_str()));
        }
        for s in [CheckStatus::Ok, CheckStatus::Warning, CheckStatus::Failed] {
            assert_eq!(serde_json::to_string(&s)?, format!("\"{}\"", s.as_str()));
        }
        Ok(())
    }
}
