//! Selection: which incidents go into a pack, and everything the pack says about them, gathered from the vault
//! into one deterministic model (the same selection always gives the same model). Also decides which journal
//! entries the chain proof reveals.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::attachment::ExifInfo;
use crate::error::{Error, Result};
use crate::incident::{HistoryItem, IncidentFields, IncidentFilter};
use crate::journal::{self, ChainProof, Entry, EntryKind, ProofHead};
use crate::person::PersonFields;
use crate::report::ReportView;
use crate::vault::Vault;

use super::{PackSelection, RedactSubject, Redaction};
use crate::commitment::{Opening, RedactedAs};
use crate::completeness::Subject;

/// Format string of `incidents.json`.
pub const INCIDENTS_FORMAT: &str = "evident-pack-incidents/1";

/// One exhibit: an attachment's original file in the pack.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Exhibit {
    /// Exhibit mark, e.g. `AB/3`: the diarist's initials and the attachment's number in the diary (see
    /// [`exhibit_mark`]), the same in every pack.
    pub reference: String,
    /// Path inside the pack, e.g. `exhibits/AB-3_screenshot.png`.
    pub file: String,
    /// Attachment id in the vault (the `attachment_id` of its `attachment.added` entry in chain.json).
    pub attachment_id: i64,
    /// Incident it belongs to.
    pub incident_id: i64,
    /// File name exactly as it was attached.
    pub original_file_name: String,
    /// Media type sniffed from the content.
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the original bytes (hex), as recorded when attached.
    pub sha256: String,
    /// The file's modification time when attached.
    pub file_modified_at: Option<String>,
    /// EXIF fields (capture time, device).
    pub exif: Option<ExifInfo>,
    /// Every time tag recorded at attach time, each with its tag, source, kind, value and zone (the
    /// `times` member of its `attachment.added` entry); left out when none was recorded (older entries).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub times: Vec<crate::capture::TimeTag>,
    /// How the diarist captured it, as last described (`attachment.described`); left out when not said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_method: Option<String>,
    /// On which device, as last described; left out when not said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// When attached (device clock, UTC).
    pub added_at: String,
}

/// An attachment that was withdrawn (bytes purged): listed, never included.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WithdrawnAttachment {
    /// Attachment id.
    pub attachment_id: i64,
    /// Original name.
    pub original_file_name: String,
    /// SHA-256 of the purged bytes.
    pub sha256: String,
    /// When withdrawn.
    pub withdrawn_at: String,
    /// Why.
    pub reason: String,
}

/// A person linked to an incident, as the pack shows them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackPersonLink {
    /// Person id.
    pub person_id: i64,
    /// Display name.
    pub name: String,
    /// `subject` or `witness`.
    pub role: String,
}

/// One incident in the pack.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackIncident {
    /// Incident id.
    pub id: i64,
    /// When first recorded (device clock, UTC).
    pub recorded_at: String,
    /// When last changed (device clock, UTC).
    pub updated_at: String,
    /// Current fields (after amendments).
    pub fields: IncidentFields,
    /// Label of the kind.
    pub kind_label: Option<String>,
    /// Label of the channel.
    pub channel_label: Option<String>,
    /// People linked now.
    pub people: Vec<PackPersonLink>,
    /// Reports made.
    pub reports: Vec<ReportView>,
    /// History: the original record, then every amendment and change, with reasons and times.
    pub history: Vec<HistoryItem>,
    /// Exhibit references of its attachments.
    pub exhibits: Vec<String>,
    /// Withdrawn attachments (no file).
    pub withdrawn_attachments: Vec<WithdrawnAttachment>,
}

/// A person in the pack, with the course of conduct within the pack.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackPerson {
    /// Person id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Everything recorded about them.
    pub fields: PersonFields,
    /// Incidents in this pack where they are the subject, in date order.
    pub incident_ids: Vec<i64>,
    /// Incidents in this pack where they are a witness.
    pub witness_incident_ids: Vec<i64>,
    /// Number of incidents in this pack where they are the subject.
    pub incident_count: usize,
    /// Earliest occurred time among those.
    pub first_at: Option<String>,
    /// Latest occurred time among those.
    pub last_at: Option<String>,
    /// Two or more incidents: may amount to a course of conduct.
    pub course_of_conduct: bool,
}

/// Everything the data files say: `incidents.json` is exactly this, serialised.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackData {
    /// `evident-pack-incidents/1`.
    pub format: String,
    /// The vault's id.
    pub vault_id: String,
    /// The head of the chain proof (chain.json) these records sit in.
    pub chain_head: ProofHead,
    /// Incidents in date order.
    pub incidents: Vec<PackIncident>,
    /// People linked to them.
    pub people: Vec<PackPerson>,
    /// Exhibits in reference order.
    pub exhibits: Vec<Exhibit>,
}

/// Incident ids matching the selection, in date order (when it happened, then id). Fails when none match.
pub(crate) fn select_ids(vault: &Vault, sel: &PackSelection) -> Result<Vec<i64>> {
    let ids = matching_ids(vault, sel)?;
    if ids.is_empty() {
        return Err(Error::invalid(
            "no incidents match this choice: the pack would be empty",
        ));
    }
    // Date order: occurred time (unknown first), then id.
    let mut keyed = Vec::with_capacity(ids.len());
    for id in ids {
        let occurred = crate::incident::occurred_key(&vault.incident_fields(id)?);
        keyed.push((occurred.unwrap_or(i64::MIN), id));
    }
    keyed.sort_unstable();
    Ok(keyed.into_iter().map(|(_, id)| id).collect())
}

/// Incident ids matching the selection (hand-picked ids checked to exist), in no particular order; may be
/// empty. Fails when nothing is chosen at all.
pub(crate) fn matching_ids(vault: &Vault, sel: &PackSelection) -> Result<Vec<i64>> {
    let mut ids: Vec<i64>;
    if !sel.incident_ids.is_empty() {
        ids = sel.incident_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        for id in &ids {
            vault.incident_fields(*id)?;
        }
    } else {
        let any_filter = sel.from.is_some()
            || sel.to.is_some()
            || sel.person_id.is_some()
            || !sel.kinds.is_empty();
        if !any_filter && !sel.all {
            return Err(Error::invalid(
                "choose what goes in the pack: all incidents, a date range, a person, kinds, or chosen incidents",
            ));
        }
        let filter = IncidentFilter {
            from: sel.from.clone(),
            to: sel.to.clone(),
            person_id: sel.person_id,
            ..Default::default()
        };
        if let Some(p) = sel.person_id {
            vault.person_fields(p)?;
        }
        ids = vault
            .list_incidents(&filter)?
            .into_iter()
            .filter(|i| {
                sel.kinds.is_empty() || i.kind.as_ref().is_some_and(|k| sel.kinds.contains(k))
            })
            .map(|i| i.id)
            .collect();
    }
    Ok(ids)
}

/// The people a pack shows: those linked now to the chosen incidents. Only their records are revealed (a person
/// unlinked from an included incident is named by id in its history, nothing more).
pub(crate) fn linked_people(vault: &Vault, ids: &[i64]) -> Result<BTreeSet<i64>> {
    let mut out = BTreeSet::new();
    for id in ids {
        for p in vault.incident(*id)?.people {
            out.insert(p.id);
        }
    }
    Ok(out)
}

/// A redaction resolved against the vault: the subject, the field, and the value to keep (when only earlier
/// values are left out).
#[derive(Debug, Clone)]
pub(crate) struct RedactionPlan {
    subject: Subject,
    field: String,
    keep: Option<serde_json::Value>,
}

/// Checks each redaction (the incident is in the pack; the field is a text or list-of-texts field) and resolves
/// it. Whether each value of the field can be left out (written as a commitment) is checked by [`chain_proof`].
pub(crate) fn redaction_plan(
    vault: &Vault,
    redactions: &[Redaction],
    ids: &BTreeSet<i64>,
) -> Result<Vec<RedactionPlan>> {
    let mut out = Vec::new();
    for r in redactions {
        let (subject, now) = match r.subject {
            RedactSubject::Incident => {
                if !ids.contains(&r.id) {
                    return Err(Error::invalid(format!(
                        "incident {} is not in this pack, so nothing of it can be redacted",
                        r.id
                    )));
                }
                (
                    Subject::Incident(r.id),
                    serde_json::to_value(vault.incident_fields(r.id)?)?,
                )
            }
            RedactSubject::Person => (
                Subject::Person(r.id),
                serde_json::to_value(vault.person_fields(r.id)?)?,
            ),
        };
        let current = now.get(&r.field).cloned();
        match &current {
            Some(serde_json::Value::String(_)) => {}
            Some(serde_json::Value::Array(a)) if a.iter().all(|x| x.is_string()) => {}
            _ => {
                return Err(Error::invalid(format!(
                    "'{}' is not a text field of {} {} that can be redacted",
                    r.field,
                    if r.subject == RedactSubject::Incident {
                        "incident"
                    } else {
                        "person"
                    },
                    r.id
                )))
            }
        }
        out.push(RedactionPlan {
            subject,
            field: r.field.clone(),
            keep: if r.earlier_only { current } else { None },
        });
    }
    Ok(out)
}

fn payload_i64(e: &Entry, key: &str) -> Option<i64> {
    serde_json::from_slice::<serde_json::Value>(&e.payload)
        .ok()
        .and_then(|v| v.get(key).and_then(|x| x.as_i64()))
}

/// The commitments in `v` (a payload as hashed) that hold values of `field`, and whether the payload holds that
/// field's value in the clear (written before format version 2).
fn field_values<'a>(kind: &str, v: &'a serde_json::Value, field: &str) -> (Vec<&'a str>, bool) {
    let mut cs = Vec::new();
    let mut clear = false;
    let mut take = |x: &'a serde_json::Value| match crate::commitment::as_commitment(x) {
        Some(c) => cs.push(c),
        None => clear = true,
    };
    let record = ["incident", "person"].into_iter().find_map(|k| v.get(k));
    if kind == EntryKind::IncidentRecorded.as_str() || kind == EntryKind::PersonRecorded.as_str() {
        if let Some(x) = record.and_then(|r| r.get(field)) {
            take(x);
        }
    } else if kind == EntryKind::IncidentAmended.as_str()
        || kind == EntryKind::PersonAmended.as_str()
    {
        for c in v
            .get("changes")
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
        {
            if c.get("field").and_then(|f| f.as_str()) == Some(field) {
                for side in ["old", "new"] {
                    if let Some(x) = c.get(side) {
                        take(x);
                    }
                }
            }
        }
    }
    (cs, clear)
}

/// The chain proof: every entry, revealing entry 1, every entry of the chosen incidents, the person records of
/// the people shown (`people`), every anchor (`anchor.recorded`: the time-stamps, docs/FORMAT.md §5), the signing
/// key, and the head (this export's manifest). Revealed version-2 entries carry their openings, but a redacted
/// value's opening is replaced by the redaction (docs/FORMAT.md §6).
pub(crate) fn chain_proof(
    entries: &[Entry],
    incident_ids: &BTreeSet<i64>,
    people: &BTreeSet<i64>,
    redactions: &[RedactionPlan],
) -> Result<ChainProof> {
    let last = entries.last().map(|e| e.seq).unwrap_or(0);
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let reveal = e.seq == 1
            || e.seq == last
            || match EntryKind::parse(&e.kind) {
                Some(EntryKind::PersonRecorded | EntryKind::PersonAmended) => {
                    payload_i64(e, "person_id").is_some_and(|p| people.contains(&p))
                }
                Some(
                    EntryKind::IncidentRecorded
                    | EntryKind::IncidentAmended
                    | EntryKind::PersonLinked
                    | EntryKind::PersonUnlinked
                    | EntryKind::AttachmentAdded
                    | EntryKind::AttachmentWithdrawn
                    | EntryKind::AttachmentDescribed
                    | EntryKind::ReportLogged,
                ) => payload_i64(e, "incident_id").is_some_and(|i| incident_ids.contains(&i)),
                // Time-stamps of the chain head: hashes, times and the TSA's token, no personal content.
                Some(EntryKind::AnchorRecorded) => true,
                // The key that signs packs (its public half), so the signature can be tied to the diary.
                Some(EntryKind::SigningKeyCreated) => true,
                // Any other entry naming an included incident (kinds added later) is part of its record.
                _ => payload_i64(e, "incident_id").is_some_and(|i| incident_ids.contains(&i)),
            };
        let mut pe = journal::proof_entry(e, reveal);
        if reveal && !redactions.is_empty() {
            redact(e, &mut pe, redactions)?;
        }
        out.push(pe);
    }
    let head = entries.last();
    Ok(ChainProof {
        format: journal::PROOF_FORMAT.to_string(),
        head: ProofHead {
            seq: head.map(|e| e.seq).unwrap_or(0),
            entry_hash: head.map(|e| hex::encode(e.entry_hash)).unwrap_or_default(),
        },
        entries: out,
    })
}

/// Replaces the openings of redacted values in one revealed entry.
fn redact(e: &Entry, pe: &mut journal::ProofEntry, plans: &[RedactionPlan]) -> Result<()> {
    let v: serde_json::Value = serde_json::from_slice(&e.payload)?;
    let subjects = crate::completeness::subjects(&e.kind, &v);
    for plan in plans.iter().filter(|p| subjects.contains(&p.subject)) {
        let (cs, clear) = field_values(&e.kind, &v, &plan.field);
        if clear {
            return Err(Error::invalid(format!(
                "'{}' of {} was recorded (entry {}) before values could be redacted (format version 1), so it cannot be left out of a pack",
                plan.field,
                match plan.subject {
                    Subject::Incident(i) => format!("incident {i}"),
                    Subject::Person(p) => format!("person {p}"),
                },
                e.seq
            ))
            .with_hint("Leave this field in, or do not include this record."));
        }
        let Some(openings) = pe.openings.as_mut() else {
            continue;
        };
        for c in cs {
            let Some(Opening::Open { value, .. }) = openings.get(c) else {
                continue;
            };
            let value: serde_json::Value = serde_json::from_str(value)?;
            if plan.keep.as_ref() == Some(&value) {
                continue;
            }
            let redacted = if value.is_array() {
                RedactedAs::List
            } else {
                RedactedAs::Text
            };
            openings.insert(c.to_string(), Opening::Redacted { redacted });
        }
    }
    Ok(())
}

/// An exhibit's mark as police write it: the diarist's initials, a slash, and the attachment's number in the
/// diary (`AB/3`). The number is the `attachment_id` recorded in the chain when the file was attached and is
/// never reused (a withdrawn file keeps its number), so a mark means the same file in every pack of the diary,
/// whatever the selection.
pub fn exhibit_mark(initials: &str, attachment_id: i64) -> String {
    format!("{initials}/{attachment_id}")
}

/// Where an exhibit's file goes in the pack: `exhibits/AB-3_` and a safe form of its original name (a file
/// name cannot hold the mark's slash).
pub fn exhibit_path(
    initials: &str,
    attachment_id: i64,
    file_name: &str,
    media_type: &str,
) -> String {
    format!(
        "exhibits/{initials}-{attachment_id}_{}",
        super::sanitize::exhibit_file_name(file_name, media_type)
    )
}

/// The initials a mark begins with (`AB` of `AB/3`), if it is a mark.
pub fn mark_initials(reference: &str) -> Option<&str> {
    reference.rsplit_once('/').map(|(i, _)| i)
}

/// Titles, honours and post-nominals left out of initials ("Cllr Amira Begum OBE" gives AB).
const TITLES: &[&str] = &[
    "cllr",
    "councillor",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "rev",
    "revd",
    "reverend",
    "hon",
    "rt",
    "the",
    "mp",
    "msp",
    "ms",
    "mla",
    "am",
    "obe",
    "mbe",
    "cbe",
    "kbe",
    "dbe",
    "jp",
    "dl",
    "qc",
    "kc",
    "phd",
    "bsc",
    "ba",
    "ma",
    "esq",
];

/// Exhibit reference initials from a name: first letters of the first and last words, titles and
/// post-nominals left out, upper case (`Cllr Amira Begum` gives `AB`).
pub fn default_initials(name: &str) -> String {
    let words: Vec<&str> = name
        .split_whitespace()
        .filter(|w| {
            let bare: String = w
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_lowercase();
            !bare.is_empty() && !TITLES.contains(&bare.as_str())
        })
        .collect();
    let mut s = String::new();
    for w in [words.first(), words.last()].into_iter().flatten() {
        if let Some(c) = w.chars().find(|c| c.is_alphanumeric()) {
            s.extend(c.to_uppercase());
        }
    }
    if words.len() == 1 {
        s.truncate(s.chars().next().map(|c| c.len_utf8()).unwrap_or(0));
    }
    if s.is_empty() {
        "EX".to_string()
    } else {
        s
    }
}

/// Checks initials: 1 to 4 ASCII letters or digits.
pub(crate) fn check_initials(s: &str) -> Result<String> {
    let s = s.trim().to_uppercase();
    if s.is_empty() || s.len() > 4 || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::invalid(format!(
            "exhibit initials must be 1 to 4 letters or digits, like AB (not '{s}')"
        )));
    }
    Ok(s)
}

/// A person as the pack shows them: their incidents within the pack (the course of conduct is counted there
/// only), those they witnessed, and the first and last dates. Shared by the export and the pack's replay.
pub(crate) fn pack_person(
    pid: i64,
    fields: PersonFields,
    incidents: &[PackIncident],
) -> PackPerson {
    let mut subj: BTreeMap<usize, i64> = BTreeMap::new();
    let mut wit = Vec::new();
    for (pos, inc) in incidents.iter().enumerate() {
        for l in &inc.people {
            if l.person_id == pid {
                if l.role == "subject" {
                    subj.insert(pos, inc.id);
                } else {
                    wit.push(inc.id);
                }
            }
        }
    }
    let times: Vec<String> = subj
        .keys()
        .filter_map(|pos| {
            incidents[*pos]
                .fields
                .occurred
                .as_ref()
                .map(|o| o.start.clone())
        })
        .collect();
    let count = subj.len();
    PackPerson {
        id: pid,
        name: fields.display_name(),
        fields,
        incident_ids: subj.into_values().collect(),
        witness_incident_ids: wit,
        incident_count: count,
        first_at: times.first().cloned(),
        last_at: times.last().cloned(),
        course_of_conduct: count >= 2,
    }
}
