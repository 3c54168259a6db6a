//! Completeness (docs/FORMAT.md §6): the back-links by which each version-2 entry about an incident or a person
//! names the previous entry about it, and the export manifest (`pack.manifest`) that lists what a pack holds and
//! the latest entry about each. Together they let a recipient check that no entry about an included incident or
//! person was withheld, while withheld entries stay nothing but hashes. Also checks the openings of committed
//! values ([`crate::commitment`]). Used by the chain check (packs, vectors) and the vault's full check.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::check::FailureCode;
use crate::commitment::Openings;
use crate::journal::{ChainFailure, ChainProof, EntryKind};

/// What an entry can be about: one incident's or one person's chain of entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// Entries naming `incident_id`.
    Incident(i64),
    /// `person.recorded` and `person.amended` entries of `person_id`.
    Person(i64),
}

impl Subject {
    fn describe(self) -> String {
        match self {
            Subject::Incident(i) => format!("incident {i}"),
            Subject::Person(p) => format!("person {p}"),
        }
    }
    fn link_member(self) -> &'static str {
        match self {
            Subject::Incident(_) => "prev_in_incident",
            Subject::Person(_) => "prev_in_person",
        }
    }
}

/// The subjects a payload is about.
pub fn subjects(kind: &str, v: &Value) -> Vec<Subject> {
    let mut out = Vec::new();
    if let Some(i) = v.get("incident_id").and_then(|x| x.as_i64()) {
        out.push(Subject::Incident(i));
    }
    if kind == EntryKind::PersonRecorded.as_str() || kind == EntryKind::PersonAmended.as_str() {
        if let Some(p) = v.get("person_id").and_then(|x| x.as_i64()) {
            out.push(Subject::Person(p));
        }
    }
    out
}

/// The payload's format version (`v`).
pub fn version(v: &Value) -> u64 {
    v.get("v").and_then(|x| x.as_u64()).unwrap_or(1)
}

/// A back-link as stated: `None` when it is `null` (the first entry about the subject).
type Link = Option<(u64, String)>;

fn link_of(v: &Value, member: &str) -> Result<Link, String> {
    match v.get(member) {
        None => Err(format!("it has no {member}")),
        Some(Value::Null) => Ok(None),
        Some(l) => {
            let seq = l.get("seq").and_then(|x| x.as_u64());
            let hash = l.get("entry_hash").and_then(|x| x.as_str());
            match (seq, hash) {
                (Some(s), Some(h)) => Ok(Some((s, h.to_string()))),
                _ => Err(format!("its {member} is malformed")),
            }
        }
    }
}

fn fail(error: FailureCode, seq: u64, message: String) -> ChainFailure {
    ChainFailure {
        error,
        seq,
        message,
    }
}

/// Follows revealed entries in order and checks each one's openings and back-links against what came before.
/// Works on a whole journal (every entry revealed: every link is checked exactly) and on a chain proof (a link to
/// a withheld entry is accepted here; the manifest's walk decides whether that withheld entry matters).
#[derive(Debug, Default)]
pub struct LinkCheck {
    /// The newest revealed entry about each subject so far.
    last: HashMap<Subject, u64>,
    /// Subjects of each revealed entry.
    about: HashMap<u64, Vec<Subject>>,
    /// Version of each revealed entry.
    versions: HashMap<u64, u64>,
    /// Back-links of each revealed version-2 entry.
    links: HashMap<(u64, Subject), Link>,
}

impl LinkCheck {
    /// Checks one revealed entry: `v` is its payload as hashed, `openings` beside it, and `hash_of(seq)` gives
    /// the entry hash (lowercase hex) of an earlier entry of the chain, revealed or not.
    pub fn note(
        &mut self,
        seq: u64,
        kind: &str,
        v: &Value,
        openings: Option<&Openings>,
        hash_of: &dyn Fn(u64) -> Option<String>,
    ) -> Result<(), ChainFailure> {
        let empty = Openings::new();
        crate::commitment::check(v, openings.unwrap_or(&empty)).map_err(|why| {
            fail(
                FailureCode::OpeningMismatch,
                seq,
                format!("entry {seq} ({kind}): {why}"),
            )
        })?;
        let ver = version(v);
        let subs = subjects(kind, v);
        if ver >= 2 {
            for s in &subs {
                let link = link_of(v, s.link_member()).map_err(|why| {
                    fail(
                        FailureCode::PayloadInvalid,
                        seq,
                        format!("entry {seq} ({kind}) is about {}, but {why}", s.describe()),
                    )
                })?;
                let last = self.last.get(s).copied();
                let bad = |why: String| {
                    fail(
                        FailureCode::PrevLinkMismatch,
                        seq,
                        format!(
                            "entry {seq} ({kind}) does not link to the entry before it about {}: {why}",
                            s.describe()
                        ),
                    )
                };
                match &link {
                    None => {
                        if let Some(l) = last {
                            return Err(bad(format!(
                                "it says it is the first, but entry {l} came before"
                            )));
                        }
                    }
                    Some((p, h)) => {
                        if *p >= seq || hash_of(*p).as_deref() != Some(h.as_str()) {
                            return Err(bad(format!("entry {p} does not have the hash it names")));
                        }
                        if self.about.contains_key(p) {
                            // The named entry is revealed: it must be about the same subject, and the newest.
                            if !self.about[p].contains(s) {
                                return Err(bad(format!("entry {p} is about something else")));
                            }
                            if last != Some(*p) {
                                return Err(bad(format!(
                                    "it names entry {p}, but entry {} came after it",
                                    last.unwrap_or(0)
                                )));
                            }
                        } else if last.is_some_and(|l| l > *p) {
                            return Err(bad(format!(
                                "it names entry {p}, but entry {} came after it",
                                last.unwrap_or(0)
                            )));
                        }
                    }
                }
                self.links.insert((seq, *s), link);
            }
        }
        for s in &subs {
            self.last.insert(*s, seq);
        }
        self.versions.insert(seq, ver);
        self.about.insert(seq, subs);
        Ok(())
    }
}

/// The payload of `pack.manifest` (docs/FORMAT.md §6).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ManifestPayload {
    /// The pack it describes.
    pub pack_id: String,
    /// From this entry on, every entry was written with back-links (the vault's first version-2 entry).
    pub complete_from_seq: u64,
    /// Included incidents: `{incident_id, latest_seq, latest_hash}`.
    pub incidents: Vec<ManifestIncident>,
    /// Included people: `{person_id, latest_seq, latest_hash}`.
    pub people: Vec<ManifestPerson>,
    /// The initials every exhibit mark of this diary begins with (`AB` of `AB/3`): fixed at the first export
    /// that records them and the same in every later manifest, so a mark means the same file in every pack.
    /// Absent in manifests written before marks were fixed (the pack's own marks are then read from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exhibit_initials: Option<String>,
}

impl ManifestPayload {
    /// The manifest a chain proof ends with, if its head is one.
    pub fn of_proof(proof: &ChainProof) -> Option<ManifestPayload> {
        let e = proof.entries.last()?;
        if e.kind.as_deref() != Some(EntryKind::PackManifest.as_str()) {
            return None;
        }
        serde_json::from_str(e.payload.as_deref()?).ok()
    }
}

/// An incident in a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestIncident {
    /// The incident.
    pub incident_id: i64,
    /// The newest entry about it.
    pub latest_seq: u64,
    /// Its hash.
    pub latest_hash: String,
}

/// A person in a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestPerson {
    /// The person.
    pub person_id: i64,
    /// The newest `person.recorded`/`person.amended` entry.
    pub latest_seq: u64,
    /// Its hash.
    pub latest_hash: String,
}

/// What the manifest walk proved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completeness {
    /// The manifest entry (the proof's head).
    pub manifest_seq: u64,
    /// The pack it describes.
    pub pack_id: String,
    /// Where completeness starts: every entry from here on carries back-links.
    pub complete_from_seq: u64,
    /// For each listed subject: `None` when its whole record is proven complete; `Some(seq)` when only from
    /// entry `seq` on (earlier entries were written by format version 1, without back-links).
    pub subjects: BTreeMap<Subject, Option<u64>>,
}

/// Checks a chain proof whole: the hashes (docs/FORMAT.md §2, [`crate::journal::verify_chain`]), then openings,
/// back-links and the manifest ([`check_proof`]). Returns the number of revealed entries and what was proven
/// complete.
pub fn verify(proof: &ChainProof) -> Result<(usize, Option<Completeness>), ChainFailure> {
    let revealed = crate::journal::verify_chain(proof)?;
    Ok((revealed, check_proof(proof)?))
}

/// Checks the openings and back-links of every revealed entry of `proof`, then, when its head is a revealed
/// `pack.manifest`, walks back from each listed incident's and person's latest entry: every entry on the way
/// must be revealed. Returns what was proven complete (`None` without a manifest).
pub fn check_proof(proof: &ChainProof) -> Result<Option<Completeness>, ChainFailure> {
    let hashes: Vec<&str> = proof
        .entries
        .iter()
        .map(|e| e.entry_hash.as_str())
        .collect();
    let hash_of = |seq: u64| -> Option<String> {
        (seq >= 1)
            .then(|| hashes.get(seq as usize - 1).map(|h| h.to_string()))
            .flatten()
    };
    let mut lc = LinkCheck::default();
    let mut payloads: HashMap<u64, (String, Value)> = HashMap::new();
    for e in &proof.entries {
        let (Some(kind), Some(payload)) = (&e.kind, &e.payload) else {
            continue;
        };
        let v: Value = serde_json::from_str(payload).map_err(|_| {
            fail(
                FailureCode::PayloadInvalid,
                e.seq,
                format!("entry {} is not JSON", e.seq),
            )
        })?;
        lc.note(e.seq, kind, &v, e.openings.as_ref(), &hash_of)?;
        payloads.insert(e.seq, (kind.clone(), v));
    }
    let head = proof.head.seq;
    let manifest = payloads
        .get(&head)
        .filter(|(kind, _)| kind == EntryKind::PackManifest.as_str());
    let Some((_, v)) = manifest else {
        // A chain written with back-links must end with its export manifest: cut before it, nothing would
        // show that an entry was withheld (a pack "made before version 2" cannot hold version-2 entries).
        if let Some(seq) = lc
            .versions
            .iter()
            .filter(|(_, v)| **v >= 2)
            .map(|(s, _)| *s)
            .min()
        {
            return Err(fail(
                FailureCode::ManifestInvalid,
                head,
                format!(
                    "the chain holds entries written with back-links (from entry {seq}) but does not end with an export manifest: nothing shows that no entry was withheld"
                ),
            ));
        }
        return Ok(None);
    };
    let bad = |why: String| {
        fail(
            FailureCode::ManifestInvalid,
            head,
            format!("the export manifest (entry {head}) {why}"),
        )
    };
    let m: ManifestPayload =
        serde_json::from_value(v.clone()).map_err(|e| bad(format!("cannot be read: {e}")))?;
    let mut out = Completeness {
        manifest_seq: head,
        pack_id: m.pack_id.clone(),
        complete_from_seq: m.complete_from_seq,
        subjects: BTreeMap::new(),
    };
    let listed = m
        .incidents
        .iter()
        .map(|i| {
            (
                Subject::Incident(i.incident_id),
                i.latest_seq,
                &i.latest_hash,
            )
        })
        .chain(
            m.people
                .iter()
                .map(|p| (Subject::Person(p.person_id), p.latest_seq, &p.latest_hash)),
        );
    let mut once = std::collections::HashSet::new();
    for (s, latest, latest_hash) in listed {
        if !once.insert(s) {
            return Err(bad(format!("lists {} twice", s.describe())));
        }
        if latest >= head || hash_of(latest).as_deref() != Some(latest_hash.as_str()) {
            return Err(bad(format!(
                "names entry {latest} as the latest about {}, but that entry does not have that hash",
                s.describe()
            )));
        }
        if lc.last.get(&s).is_some_and(|l| *l != latest) {
            return Err(fail(
                FailureCode::Incomplete,
                head,
                format!(
                    "the export manifest names entry {latest} as the latest about {}, but entry {} is newer",
                    s.describe(),
                    lc.last.get(&s).copied().unwrap_or(0)
                ),
            ));
        }
        let mut cur = latest;
        let proven_from = loop {
            let withheld = || {
                fail(
                    FailureCode::Incomplete,
                    cur,
                    format!(
                        "entry {cur}, about {}, was withheld: this pack does not hold the whole record of {}",
                        s.describe(),
                        s.describe()
                    ),
                )
            };
            let Some(subs) = lc.about.get(&cur) else {
                return Err(withheld());
            };
            if !subs.contains(&s) {
                return Err(bad(format!(
                    "walks to entry {cur}, which is not about {}",
                    s.describe()
                )));
            }
            if lc.versions.get(&cur).copied().unwrap_or(1) < 2 {
                if cur >= m.complete_from_seq {
                    return Err(bad(format!(
                        "says every entry from {} on has back-links, but entry {cur} has none",
                        m.complete_from_seq
                    )));
                }
                break Some(m.complete_from_seq);
            }
            match lc.links.get(&(cur, s)) {
                Some(Some((p, _))) => cur = *p,
                Some(None) => break None,
                None => return Err(withheld()),
            }
        };
        out.subjects.insert(s, proven_from);
    }
    Ok(Some(out))
}
