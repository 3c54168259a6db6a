//! Replays the revealed entries of a chain proof into the records a pack states, with no vault: each
//! incident's fields after its amendments, its people (linked and unlinked), reports, history, exhibits and
//! withdrawn attachments, and the people linked to it. The rules are the projection's
//! (`crate::projection`, `crate::change::apply`) and the history is `crate::incident::history`. The export
//! builds its data files from this replay of its own chain proof (redactions included), so they say exactly what
//! the revealed entries say.
//!
//! [`check_claims`] compares the result with `incidents.json` and `incidents.csv`, naming the incident and
//! the field of every difference. It proves that the data files say what the revealed entries say; that no
//! entry about an included incident was withheld is `crate::completeness`'s proof.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::attachment::{said, AddedPayload, DescribedPayload, WithdrawnPayload};
use crate::incident::{self, IncidentFields, LinkPayload, Role};
use crate::journal::{ChainProof, Entry, EntryKind, ProofHead};
use crate::person::{self, PersonFields};
use crate::report::{LoggedPayload, ReportView};

use super::data::{incidents_csv, CSV_COLUMNS};
use super::select::{
    exhibit_mark, exhibit_path, mark_initials, pack_person, Exhibit, PackData, PackIncident,
    PackPersonLink, WithdrawnAttachment, INCIDENTS_FORMAT,
};

/// An attachment as its revealed entries say.
#[derive(Debug, Clone)]
struct Att {
    added: AddedPayload,
    added_at: String,
    withdrawn: Option<(String, String)>,
    /// The newest description: how captured, on which device (`None` when not said).
    capture_method: Option<String>,
    device: Option<String>,
}

/// One incident as its revealed entries say.
#[derive(Debug, Clone)]
pub struct ReplayedIncident {
    /// Incident id.
    pub id: i64,
    /// The `incident.recorded` entry.
    pub recorded_seq: u64,
    recorded_at: String,
    updated_at: String,
    /// Fields after every revealed amendment.
    pub fields: IncidentFields,
    /// `(role, person)` linked now.
    links: BTreeSet<(Role, i64)>,
    reports: Vec<ReportView>,
    atts: BTreeMap<i64, Att>,
    entries: Vec<Entry>,
}

/// What the revealed entries of a chain proof say.
#[derive(Debug, Default)]
pub struct Replay {
    /// The vault id of entry 1, if revealed.
    pub vault_id: Option<String>,
    /// Incidents whose `incident.recorded` entry is revealed.
    pub incidents: BTreeMap<i64, ReplayedIncident>,
    people: BTreeMap<i64, PersonFields>,
    /// Revealed entries about an incident whose recording entry is not revealed: `(seq, incident_id)`.
    pub orphans: Vec<(u64, i64)>,
    /// Revealed entries that cannot be replayed: `(seq, why)`.
    pub unreadable: Vec<(u64, String)>,
}

fn parse<T: serde::de::DeserializeOwned>(payload: &Value) -> Result<T, String> {
    T::deserialize(payload).map_err(|e| e.to_string())
}

/// Replays every revealed entry of `proof`, in order.
pub fn replay(proof: &ChainProof) -> Replay {
    let mut r = Replay::default();
    for pe in &proof.entries {
        let Some(entry) = pe.as_entry() else {
            continue;
        };
        if let Err(why) = r.apply(entry) {
            r.unreadable.push((pe.seq, why));
        }
    }
    r
}

impl Replay {
    fn incident(&mut self, seq: u64, id: i64) -> Option<&mut ReplayedIncident> {
        if !self.incidents.contains_key(&id) {
            self.orphans.push((seq, id));
        }
        self.incidents.get_mut(&id)
    }

    fn apply(&mut self, e: Entry) -> Result<(), String> {
        let (seq, kind, at) = (e.seq, e.kind.clone(), e.recorded_at.clone());
        let (kind, at) = (kind.as_str(), at.as_str());
        let opened = e.opened().map_err(|err| err.to_string())?;
        let payload = &opened;
        let entry = || e.clone();
        match EntryKind::parse(kind) {
            Some(EntryKind::VaultCreated) => {
                let v: Value = parse(payload)?;
                self.vault_id = v
                    .get("vault_id")
                    .and_then(|x| x.as_str())
                    .map(str::to_string);
            }
            Some(EntryKind::IncidentRecorded) => {
                let p: incident::RecordedPayload = parse(payload)?;
                if self.incidents.contains_key(&p.incident_id) {
                    return Err(format!("incident {} is recorded twice", p.incident_id));
                }
                self.incidents.insert(
                    p.incident_id,
                    ReplayedIncident {
                        id: p.incident_id,
                        recorded_seq: seq,
                        recorded_at: at.to_string(),
                        updated_at: at.to_string(),
                        fields: p.incident,
                        links: BTreeSet::new(),
                        reports: Vec::new(),
                        atts: BTreeMap::new(),
                        entries: vec![entry()],
                    },
                );
            }
            Some(EntryKind::IncidentAmended) => {
                let p: incident::AmendedPayload = parse(payload)?;
                if let Some(i) = self.incident(seq, p.incident_id) {
                    i.fields =
                        crate::change::apply(&i.fields, &p.changes).map_err(|e| e.to_string())?;
                    i.updated_at = at.to_string();
                    i.entries.push(entry());
                }
            }
            Some(EntryKind::PersonRecorded) => {
                let p: person::RecordedPayload = parse(payload)?;
                self.people.insert(p.person_id, p.person);
            }
            Some(EntryKind::PersonAmended) => {
                let p: person::AmendedPayload = parse(payload)?;
                if let Some(old) = self.people.get(&p.person_id) {
                    let new = crate::change::apply(old, &p.changes).map_err(|e| e.to_string())?;
                    self.people.insert(p.person_id, new);
                }
            }
            Some(EntryKind::PersonLinked) | Some(EntryKind::PersonUnlinked) => {
                let p: LinkPayload = parse(payload)?;
                let linked = kind == EntryKind::PersonLinked.as_str();
                if let Some(i) = self.incident(seq, p.incident_id) {
                    if linked {
                        i.links.insert((p.role, p.person_id));
                    } else {
                        i.links.remove(&(p.role, p.person_id));
                    }
                    i.entries.push(entry());
                }
            }
            Some(EntryKind::AttachmentAdded) => {
                let p: AddedPayload = parse(payload)?;
                if let Some(i) = self.incident(seq, p.incident_id) {
                    i.updated_at = at.to_string();
                    i.atts.insert(
                        p.attachment_id,
                        Att {
                            added: p,
                            added_at: at.to_string(),
                            withdrawn: None,
                            capture_method: None,
                            device: None,
                        },
                    );
                    i.entries.push(entry());
                }
            }
            Some(EntryKind::AttachmentWithdrawn) => {
                let p: WithdrawnPayload = parse(payload)?;
                if let Some(i) = self.incident(seq, p.incident_id) {
                    if let Some(a) = i.atts.get_mut(&p.attachment_id) {
                        a.withdrawn = Some((at.to_string(), p.reason));
                    }
                    i.entries.push(entry());
                }
            }
            Some(EntryKind::AttachmentDescribed) => {
                let p: DescribedPayload = parse(payload)?;
                if let Some(i) = self.incident(seq, p.incident_id) {
                    if let Some(a) = i.atts.get_mut(&p.attachment_id) {
                        a.capture_method = said(&p.capture_method);
                        a.device = said(&p.device);
                    }
                    i.entries.push(entry());
                }
            }
            Some(EntryKind::ReportLogged) => {
                let p: LoggedPayload = parse(payload)?;
                if let Some(i) = self.incident(seq, p.incident_id) {
                    i.reports.push(ReportView {
                        id: p.report_id,
                        incident_id: p.incident_id,
                        recorded_at: at.to_string(),
                        fields: p.report,
                    });
                    i.entries.push(entry());
                }
            }
            Some(
                EntryKind::AnchorRecorded
                | EntryKind::PackExported
                | EntryKind::KeyChanged
                | EntryKind::SigningKeyCreated
                | EntryKind::IntegrityAcknowledged
                | EntryKind::PackManifest,
            ) => {}
            None => return Err(format!("unknown kind '{kind}'")),
        }
        Ok(())
    }

    fn name_of(&self, id: i64) -> Option<String> {
        self.people.get(&id).map(|p| p.display_name())
    }

    /// The replayed incidents in the export's order: when they happened (unknown first), then id.
    pub fn ordered_ids(&self) -> Vec<i64> {
        let mut keyed: Vec<(i64, i64)> = self
            .incidents
            .values()
            .map(|i| (incident::occurred_key(&i.fields).unwrap_or(i64::MIN), i.id))
            .collect();
        keyed.sort_unstable();
        keyed.into_iter().map(|(_, id)| id).collect()
    }

    /// The data files' model for `ids` (each replayed): what the export writes and what a verifier expects;
    /// `initials` begin each exhibit reference.
    pub fn pack_data(&self, ids: &[i64], initials: &str, head: ProofHead) -> PackData {
        let r = crate::reference::reference();
        let chosen: Vec<&ReplayedIncident> =
            ids.iter().filter_map(|id| self.incidents.get(id)).collect();
        let mut incidents = Vec::with_capacity(chosen.len());
        let mut exhibits = Vec::new();
        let mut person_ids = BTreeSet::new();
        for inc in chosen {
            let mut refs = Vec::new();
            let mut withdrawn = Vec::new();
            for (id, a) in &inc.atts {
                if let Some((w_at, reason)) = &a.withdrawn {
                    withdrawn.push(WithdrawnAttachment {
                        attachment_id: *id,
                        original_file_name: a.added.file_name.clone(),
                        sha256: a.added.sha256.clone(),
                        withdrawn_at: w_at.clone(),
                        reason: reason.clone(),
                    });
                    continue;
                }
                let reference = exhibit_mark(initials, *id);
                let file = exhibit_path(initials, *id, &a.added.file_name, &a.added.media_type);
                refs.push(reference.clone());
                exhibits.push(Exhibit {
                    reference,
                    file,
                    attachment_id: *id,
                    incident_id: inc.id,
                    original_file_name: a.added.file_name.clone(),
                    media_type: a.added.media_type.clone(),
                    size: a.added.size,
                    sha256: a.added.sha256.clone(),
                    file_modified_at: a.added.file_modified_at.clone(),
                    exif: a.added.exif.clone(),
                    times: a.added.times.clone().unwrap_or_default(),
                    capture_method: a.capture_method.clone(),
                    device: a.device.clone(),
                    added_at: a.added_at.clone(),
                });
            }
            // As the vault lists them: role descending (witnesses first), then person id; only people whose
            // record is known.
            let mut links: Vec<(Role, i64)> = inc
                .links
                .iter()
                .copied()
                .filter(|(_, p)| self.people.contains_key(p))
                .collect();
            links.sort_by(|a, b| b.0.as_str().cmp(a.0.as_str()).then(a.1.cmp(&b.1)));
            for (_, p) in &links {
                person_ids.insert(*p);
            }
            let mut reports = inc.reports.clone();
            reports.sort_by_key(|r| r.id);
            let history = incident::history(inc.entries.clone(), &|pid| self.name_of(pid))
                .unwrap_or_default();
            incidents.push(PackIncident {
                id: inc.id,
                recorded_at: inc.recorded_at.clone(),
                updated_at: inc.updated_at.clone(),
                kind_label: inc.fields.kind.as_ref().map(|k| r.label_of(k)),
                channel_label: inc.fields.channel.as_ref().map(|c| r.label_of(c)),
                fields: inc.fields.clone(),
                people: links
                    .iter()
                    .map(|(role, p)| PackPersonLink {
                        person_id: *p,
                        name: self.name_of(*p).unwrap_or_default(),
                        role: role.as_str().to_string(),
                    })
                    .collect(),
                reports,
                history,
                exhibits: refs,
                withdrawn_attachments: withdrawn,
            });
        }
        let mut people = Vec::new();
        for pid in person_ids {
            let fields = self.people.get(&pid).cloned().unwrap_or_default();
            people.push(pack_person(pid, fields, &incidents));
        }
        PackData {
            format: INCIDENTS_FORMAT.to_string(),
            vault_id: self.vault_id.clone().unwrap_or_default(),
            chain_head: head,
            incidents,
            people,
            exhibits,
        }
    }
}

/// One difference between the data files and the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimFailure {
    /// `incidents.json` or `incidents.csv`.
    pub file: &'static str,
    /// The entry it concerns, if one.
    pub seq: Option<u64>,
    /// What differs, naming the incident (or person, or exhibit) and the field.
    pub message: String,
}

/// What [`check_claims`] found.
#[derive(Debug, Default)]
pub struct ClaimsCheck {
    /// Every difference.
    pub failures: Vec<ClaimFailure>,
    /// Incidents whose every stated field was compared with the chain.
    pub incidents_checked: usize,
    /// The records as the chain says, for the incidents `incidents.json` lists (each with its recording entry
    /// revealed), in the export's order: what a re-rendered report.pdf is made from.
    pub expected: Option<PackData>,
}

/// A path inside an incident's JSON as a person reads it: `description`, `people[0].role`,
/// `history[2].reason` (the `fields.` prefix is left out).
fn field_name(path: &[String]) -> String {
    let mut s = String::new();
    for (i, p) in path.iter().enumerate() {
        if i == 0 && p == "fields" && path.len() > 1 {
            continue;
        }
        if p.starts_with('[') || s.is_empty() {
            s.push_str(p);
        } else {
            s.push('.');
            s.push_str(p);
        }
    }
    s
}

/// The paths at which `claimed` differs from `expected` (each object member compared; a member present on one
/// side only is a difference). Arrays of different lengths differ as a whole.
fn diff(expected: &Value, claimed: &Value, path: &mut Vec<String>, out: &mut Vec<String>) {
    match (expected, claimed) {
        (Value::Object(e), Value::Object(c)) => {
            for (k, ev) in e {
                path.push(k.clone());
                match c.get(k) {
                    Some(cv) => diff(ev, cv, path, out),
                    None => out.push(format!("{} (missing)", field_name(path))),
                }
                path.pop();
            }
            for k in c.keys().filter(|k| !e.contains_key(*k)) {
                path.push(k.clone());
                out.push(format!("{} (not in the chain)", field_name(path)));
                path.pop();
            }
        }
        (Value::Array(e), Value::Array(c)) if e.len() == c.len() => {
            for (i, (ev, cv)) in e.iter().zip(c).enumerate() {
                path.push(format!("[{i}]"));
                diff(ev, cv, path, out);
                path.pop();
            }
        }
        _ => {
            if expected != claimed {
                out.push(field_name(path));
            }
        }
    }
}

fn id_of(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(|x| x.as_i64())
}

/// Compares the records `list` (an array of objects keyed by `key`) with `expected`, naming each by `noun`.
fn compare_list(
    noun: &str,
    key: &str,
    expected: &[Value],
    claimed: Option<&Value>,
    out: &mut Vec<ClaimFailure>,
) {
    let Some(list) = claimed.and_then(|c| c.as_array()) else {
        out.push(ClaimFailure {
            file: "incidents.json",
            seq: None,
            message: format!("incidents.json has no list of {noun}s"),
        });
        return;
    };
    let by_id: BTreeMap<i64, &Value> = expected
        .iter()
        .filter_map(|v| id_of(v, key).map(|id| (id, v)))
        .collect();
    let mut seen = BTreeSet::new();
    for c in list {
        let Some(id) = id_of(c, key) else {
            out.push(ClaimFailure {
                file: "incidents.json",
                seq: None,
                message: format!("incidents.json lists a {noun} with no {key}"),
            });
            continue;
        };
        if !seen.insert(id) {
            out.push(ClaimFailure {
                file: "incidents.json",
                seq: None,
                message: format!("{noun} {id}: listed twice in incidents.json"),
            });
            continue;
        }
        let Some(e) = by_id.get(&id) else {
            out.push(ClaimFailure {
                file: "incidents.json",
                seq: None,
                message: format!(
                    "{noun} {id}: in incidents.json, but nothing revealed in chain.json says so"
                ),
            });
            continue;
        };
        let mut paths = Vec::new();
        diff(e, c, &mut Vec::new(), &mut paths);
        for p in paths {
            out.push(ClaimFailure {
                file: "incidents.json",
                seq: None,
                message: format!("{noun} {id}: {p} in incidents.json differs from the chain"),
            });
        }
    }
    for id in by_id.keys().filter(|id| !seen.contains(*id)) {
        out.push(ClaimFailure {
            file: "incidents.json",
            seq: None,
            message: format!(
                "{noun} {id}: the chain's revealed entries say it belongs in this pack, but incidents.json leaves it out"
            ),
        });
    }
    let order_c: Vec<i64> = list.iter().filter_map(|v| id_of(v, key)).collect();
    let order_e: Vec<i64> = expected.iter().filter_map(|v| id_of(v, key)).collect();
    if out.is_empty() && order_c != order_e {
        out.push(ClaimFailure {
            file: "incidents.json",
            seq: None,
            message: format!("the {noun}s in incidents.json are not in the export's order"),
        });
    }
}

/// Splits RFC 4180 text into rows of cells (quotes removed, `""` unescaped). `None` when a quote is left open.
pub fn parse_csv(text: &str) -> Option<Vec<Vec<String>>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut cell)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
                any = false;
            }
            c => cell.push(c),
        }
    }
    if quoted {
        return None;
    }
    if any {
        row.push(cell);
        rows.push(row);
    }
    Some(rows)
}

/// Compares `incidents.csv` with the CSV the export writes from `expected`, cell by cell (the cells as
/// written, so the `'` put before a leading `=`, `+`, `-` or `@` is part of what is compared), then byte for
/// byte.
fn check_csv(expected: &PackData, csv: &[u8], out: &mut Vec<ClaimFailure>) {
    let fail = |out: &mut Vec<ClaimFailure>, message: String| {
        out.push(ClaimFailure {
            file: "incidents.csv",
            seq: None,
            message,
        })
    };
    let want_bytes = incidents_csv(expected);
    let Some(want) = parse_csv(&String::from_utf8_lossy(&want_bytes)) else {
        return;
    };
    let Some(got) = std::str::from_utf8(csv).ok().and_then(parse_csv) else {
        fail(
            out,
            "incidents.csv is not UTF-8 CSV (a quote is left open)".into(),
        );
        return;
    };
    let header: Vec<String> = CSV_COLUMNS.iter().map(|(c, _)| c.to_string()).collect();
    if got.first() != Some(&header) {
        fail(
            out,
            "incidents.csv's header is not the export's columns".into(),
        );
        return;
    }
    let before = out.len();
    let wanted: BTreeMap<&str, &Vec<String>> = want
        .iter()
        .skip(1)
        .filter_map(|r| r.first().map(|id| (id.as_str(), r)))
        .collect();
    let mut seen = BTreeSet::new();
    for (n, row) in got.iter().enumerate().skip(1) {
        let id = row.first().map(String::as_str).unwrap_or_default();
        if !seen.insert(id.to_string()) {
            fail(out, format!("incident {id}: a second row in incidents.csv"));
            continue;
        }
        let Some(w) = wanted.get(id) else {
            fail(
                out,
                format!("row {n} of incidents.csv (incident '{id}') is not an incident the chain reveals"),
            );
            continue;
        };
        if row.len() != w.len() {
            fail(
                out,
                format!(
                    "incident {id}: its row in incidents.csv has {} cells, not {}",
                    row.len(),
                    w.len()
                ),
            );
            continue;
        }
        for ((c, g), e) in header.iter().zip(row).zip(w.iter()) {
            if g != e {
                fail(
                    out,
                    format!("incident {id}: {c} in incidents.csv differs from the chain"),
                );
            }
        }
    }
    for id in wanted.keys().filter(|id| !seen.contains(**id)) {
        fail(
            out,
            format!("incident {id}: revealed in the chain, but incidents.csv has no row for it"),
        );
    }
    if out.len() == before && csv != want_bytes.as_slice() {
        fail(
            out,
            "incidents.csv says what the chain says, but it is not written as the export writes it (rows reordered, quoting or line endings changed)".into(),
        );
    }
}

/// The exhibit-mark initials `incidents.json` uses (`AB` of `AB/3`); empty when it lists no exhibit. Read only
/// for packs whose manifest does not record them.
fn initials_of(claimed: &Value) -> String {
    claimed
        .get("exhibits")
        .and_then(|x| x.as_array())
        .and_then(|a| a.first())
        .and_then(|e| e.get("reference"))
        .and_then(|r| r.as_str())
        .and_then(mark_initials)
        .map(str::to_string)
        .unwrap_or_default()
}

/// Replays `proof` (already checked by `journal::verify_chain`) and compares the result with the bytes of
/// `incidents.json` and `incidents.csv` (`None` when missing: reported elsewhere). Every incident
/// `incidents.json` lists must have its `incident.recorded` entry revealed; every incident whose recording is
/// revealed must be listed; every field each one states must be the replayed value.
pub fn check_claims(proof: &ChainProof, json: Option<&[u8]>, csv: Option<&[u8]>) -> ClaimsCheck {
    let mut res = ClaimsCheck::default();
    let r = replay(proof);
    for (seq, why) in &r.unreadable {
        res.failures.push(ClaimFailure {
            file: "incidents.json",
            seq: Some(*seq),
            message: format!("entry {seq} of chain.json cannot be replayed: {why}"),
        });
    }
    for (seq, id) in &r.orphans {
        res.failures.push(ClaimFailure {
            file: "incidents.json",
            seq: Some(*seq),
            message: format!(
                "incident {id}: entry {seq} is about it, but chain.json does not reveal the entry that recorded it"
            ),
        });
    }
    let Some(json) = json else {
        return res;
    };
    let claimed: Value = match serde_json::from_slice(json) {
        Ok(v) => v,
        Err(e) => {
            res.failures.push(ClaimFailure {
                file: "incidents.json",
                seq: None,
                message: format!("incidents.json is not valid JSON: {e}"),
            });
            return res;
        }
    };
    let listed: Vec<i64> = claimed
        .get("incidents")
        .and_then(|x| x.as_array())
        .map(|a| a.iter().filter_map(|i| id_of(i, "id")).collect())
        .unwrap_or_default();
    for id in &listed {
        if !r.incidents.contains_key(id) {
            res.failures.push(ClaimFailure {
                file: "incidents.json",
                seq: None,
                message: format!(
                    "incident {id}: in incidents.json, but chain.json does not reveal the entry that recorded it"
                ),
            });
        }
    }
    for (id, inc) in &r.incidents {
        if !listed.contains(id) {
            res.failures.push(ClaimFailure {
                file: "incidents.json",
                seq: Some(inc.recorded_seq),
                message: format!(
                    "incident {id}: chain.json reveals its recording (entry {}), but incidents.json leaves it out",
                    inc.recorded_seq
                ),
            });
        }
    }
    let ids: Vec<i64> = r
        .ordered_ids()
        .into_iter()
        .filter(|id| listed.contains(id))
        .collect();
    // The marks' initials are the manifest's (fixed for the diary); a pack from before they were recorded
    // gives its own.
    let initials = crate::completeness::ManifestPayload::of_proof(proof)
        .and_then(|m| m.exhibit_initials)
        .unwrap_or_else(|| initials_of(&claimed));
    let expected = r.pack_data(&ids, &initials, proof.head.clone());
    let want = match serde_json::to_value(&expected) {
        Ok(v) => v,
        Err(_) => return res,
    };
    let mut out = Vec::new();
    // The pack as a whole.
    for key in ["format", "vault_id", "chain_head"] {
        if want.get(key) != claimed.get(key) {
            out.push(ClaimFailure {
                file: "incidents.json",
                seq: None,
                message: format!("{key} in incidents.json differs from the chain"),
            });
        }
    }
    if let Some(obj) = claimed.as_object() {
        for k in obj.keys() {
            if want.get(k).is_none() {
                out.push(ClaimFailure {
                    file: "incidents.json",
                    seq: None,
                    message: format!("incidents.json states '{k}', which the chain does not"),
                });
            }
        }
    }
    let empty = Vec::new();
    let arr = |k: &str| want.get(k).and_then(|x| x.as_array()).unwrap_or(&empty);
    let mut part = Vec::new();
    compare_list(
        "incident",
        "id",
        arr("incidents"),
        claimed.get("incidents"),
        &mut part,
    );
    res.incidents_checked = listed.len();
    out.append(&mut part);
    compare_list(
        "person",
        "id",
        arr("people"),
        claimed.get("people"),
        &mut part,
    );
    out.append(&mut part);
    compare_list(
        "exhibit of attachment",
        "attachment_id",
        arr("exhibits"),
        claimed.get("exhibits"),
        &mut part,
    );
    out.append(&mut part);
    if out.is_empty() && res.failures.is_empty() {
        let mut bytes = serde_json::to_vec_pretty(&expected).unwrap_or_default();
        bytes.push(b'\n');
        if bytes != json {
            out.push(ClaimFailure {
                file: "incidents.json",
                seq: None,
                message: "incidents.json says what the chain says, but it is not written as the export writes it (members repeated or reordered, or spacing changed)".into(),
            });
        }
    }
    res.failures.append(&mut out);
    if let Some(csv) = csv {
        check_csv(&expected, csv, &mut res.failures);
    }
    res.expected = Some(expected);
    res
}

/// VERIFY.txt's section on this check, numbered `n`: what is compared, what it proves and what it does not.
/// `manifest_seq` is the export manifest (the chain's head) and `complete_from` the first entry with back-links.
pub(crate) fn verify_section(n: u32, manifest_seq: u64, complete_from: u64) -> String {
    let from = if complete_from <= 1 {
        "Every entry of this diary carries these links, so each included record is proven complete from its\r\n   first entry.".to_string()
    } else {
        format!(
            "This diary's entries carry these links from entry {complete_from} on (earlier entries were written by\r\n   an older version of Evident): for a record begun before entry {complete_from}, completeness is proven\r\n   from entry {complete_from} on only; verify-pack and verify.html say which records that applies to."
        )
    };
    format!(
        "{n}. THE RECORDS SAY WHAT THE CHAIN SAYS, AND NOTHING ABOUT THEM WAS WITHHELD\r\n\
   (incidents.json, incidents.csv, report.pdf, chain.json)\r\n\
\r\n\
   The entries revealed in chain.json are replayed, in order, into the incidents of this pack: each\r\n\
   incident's fields after every amendment, the people linked and unlinked (and their roles), the\r\n\
   reports, the history with each amendment's reason, the exhibits (attachment id, SHA-256, file name,\r\n\
   size, type) and the withdrawn files. incidents.json and incidents.csv must state exactly these, field\r\n\
   by field (a CSV cell that starts with = + - or @ has a ' put before it, as README.txt says). Every\r\n\
   incident they list must have its \"incident.recorded\" entry revealed in chain.json, and every incident\r\n\
   whose recording is revealed must be listed. evident-cli verify-pack then renders report.pdf again\r\n\
   from these checked records and pack.json, and compares it with the report.pdf in the pack byte for\r\n\
   byte (this needs the Evident version named in pack.json). verify.html replays the chain and compares\r\n\
   incidents.json and incidents.csv the same way, and shows the checked records incident by incident,\r\n\
   but it does not read report.pdf: compare the report with the records it shows.\r\n\
\r\n\
   Completeness (FORMAT.md section 6): each entry about an incident or a person names the previous entry\r\n\
   about the same incident or person (\"prev_in_incident\", \"prev_in_person\"), and the chain's head,\r\n\
   entry {manifest_seq}, is this pack's export manifest (\"pack.manifest\"): the incidents and people it\r\n\
   holds and the newest entry about each. Following the links back from each, every entry on the way\r\n\
   must be revealed in chain.json, and incidents.json must list exactly the manifest's incidents. {from}\r\n\
\r\n\
   Redaction: a value the diarist left out of this pack reads \"[redacted by the diarist]\". The entry\r\n\
   holds a commitment to it (a salted SHA-256), so it is still part of the record and cannot have been\r\n\
   changed; only its text is not shown.\r\n\
\r\n\
   What this proves: incidents.json and incidents.csv say what the revealed chain entries say, field by\r\n\
   field, and (checked by evident-cli verify-pack) report.pdf is the rendering of exactly those records;\r\n\
   nothing in them was added or changed after the entries were recorded; and no entry about an included\r\n\
   incident or person (an amendment, a person linked or unlinked, a report, a file added or withdrawn)\r\n\
   was left out of the pack, from the point stated above. The report's cover details (pack id, export\r\n\
   time, who it is for, the diarist's name and contact) come from pack.json, which the chain does not\r\n\
   record. What it does not prove: anything about the incidents not in this pack (they show only\r\n\
   hashes), or what a redacted value said.\r\n\
\r\n"
    )
}
