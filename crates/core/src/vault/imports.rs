//! The vault's imports: recording what a person confirmed from a folder of screenshots, an old diary or a
//! message export, in ONE transaction ([`Vault::write`]): either every incident, link and file of the batch is
//! durable when a call returns, or nothing was recorded (a cancel, an error or a kill leaves the vault as it
//! was). Files whose SHA-256 is already in the vault (or earlier in the same batch) are skipped and reported.
//!
//! Every imported incident is an `incident.recorded` entry whose payload carries, besides the usual
//! `incident_id` and `incident`, an `import` member (docs/FORMAT.md §3): what it came from (each source file's
//! name and SHA-256, the row or message in it), when it was imported, the original timestamp exactly as the
//! source shows it, and the statement that it is proven unchanged since import, not since it was made. Readers
//! that do not know the member ignore it. A diary or message export is kept whole as the attachment of an
//! "imported diary" / "imported export" record, which each imported incident names (`source_incident_id`).

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{people, Vault, Writer};
use crate::attachment::{open_file, reword_read_error, Source};
use crate::error::{Error, ErrorKind, Result};
use crate::import::diary::DiaryRow;
use crate::import::folder::{ScannedFile, TimeSource};
use crate::import::{shorten, MessageExport, Platform, SourceFile};
use crate::incident::{IncidentFields, Occurred, Role};
use crate::journal::EntryKind;
use crate::person::PersonFields;

/// What the chain says of every imported item: proven unchanged since import, not since it was made.
pub const IMPORT_NOTE: &str =
    "imported: proven unchanged since it was imported, not since it was made; its original time is as shown in the source";

/// What kind of import an item came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// A folder or selection of screenshots and photos.
    Folder,
    /// An old diary (CSV or spreadsheet).
    Diary,
    /// A WhatsApp export.
    Whatsapp,
    /// An X (Twitter) archive.
    X,
    /// A Facebook or Messenger download.
    Facebook,
}

impl From<Platform> for ImportKind {
    fn from(p: Platform) -> Self {
        match p {
            Platform::Whatsapp => Self::Whatsapp,
            Platform::X => Self::X,
            Platform::Facebook => Self::Facebook,
        }
    }
}

/// A source file as the chain names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SourceRef {
    /// The file's name, exactly.
    pub name: String,
    /// Its SHA-256, hex.
    pub sha256: String,
}

/// The `import` member of an imported incident's `incident.recorded` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportOrigin {
    /// The kind of import.
    pub kind: ImportKind,
    /// When it was imported (device clock, UTC).
    pub imported_at: String,
    /// The files it came from.
    pub sources: Vec<SourceRef>,
    /// Where in the source: `row 4`, `message 17`; none for a file of its own.
    pub item: Option<String>,
    /// The original timestamp exactly as the source shows it.
    pub shown_at: Option<String>,
    /// For files: where each proposed date came from.
    pub time_source: Option<TimeSource>,
    /// The record holding the original diary or export, if any.
    #[ts(type = "number | null")]
    pub source_incident_id: Option<i64>,
    /// [`IMPORT_NOTE`].
    pub note: String,
}

#[derive(Serialize)]
struct ImportedPayload<'a> {
    incident_id: i64,
    incident: &'a IncidentFields,
    import: &'a ImportOrigin,
}

/// A confirmed proposal from a folder import: the incident and its files.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FolderIncident {
    /// The incident's fields as confirmed or edited.
    pub fields: IncidentFields,
    /// The files, as scanned.
    pub files: Vec<ScannedFile>,
    /// People (by id) to link as subjects.
    #[ts(type = "Array<number>")]
    pub people: Vec<i64>,
    /// The person changed the proposed date by hand before recording: the chain's `import.time_source` says
    /// `user`, not where the proposal's date came from.
    #[serde(default)]
    pub dated_by_user: bool,
}

/// A file left out because its bytes are already in the vault (or earlier in the batch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Duplicate {
    /// The file's name.
    pub file_name: String,
    /// Where it is.
    pub path: String,
    /// Its SHA-256.
    pub sha256: String,
    /// The attachment already holding these bytes, if it was in the vault before this import.
    #[ts(type = "number | null")]
    pub existing_attachment: Option<i64>,
}

/// What an import recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportReport {
    /// The incidents recorded, in order.
    #[ts(type = "Array<number>")]
    pub incidents: Vec<i64>,
    /// The number of files attached.
    #[ts(type = "number")]
    pub attachments: u64,
    /// Files skipped as duplicates.
    pub duplicates: Vec<Duplicate>,
    /// Proposals left out because every one of their files was a duplicate.
    #[ts(type = "number")]
    pub empty_proposals: u64,
    /// The record holding the original diary or export, if any.
    #[ts(type = "number | null")]
    pub source_incident: Option<i64>,
    /// People recorded for this import.
    #[ts(type = "Array<number>")]
    pub people_added: Vec<i64>,
}

/// How chosen messages are recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum MessageMode {
    /// Each chosen message becomes an incident.
    EachIncident,
    /// The chosen messages are quoted in one incident.
    OneIncident,
}

fn cancelled() -> Error {
    Error::new(
        ErrorKind::Cancelled,
        "the import was cancelled: nothing was recorded",
    )
}

fn check_cancel(cancel: &AtomicBool) -> Result<()> {
    if cancel.load(Ordering::Relaxed) {
        Err(cancelled())
    } else {
        Ok(())
    }
}

/// Records an imported incident (fields already validated) with its origin, links people as subjects.
fn record_imported(
    w: &Writer<'_>,
    fields: &IncidentFields,
    origin: &ImportOrigin,
    people_ids: &[i64],
) -> Result<i64> {
    let id: i64 =
        w.tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM incident", [], |r| {
            r.get(0)
        })?;
    w.record(
        EntryKind::IncidentRecorded,
        &ImportedPayload {
            incident_id: id,
            incident: fields,
            import: origin,
        },
    )?;
    for pid in people_ids {
        people::link(w, id, *pid, Role::Subject)?;
    }
    Ok(id)
}

/// A person to link by a name or handle: found in the vault, or to be recorded in the import's transaction.
struct PeopleCache {
    known: BTreeMap<String, i64>,
    added: Vec<i64>,
}

impl PeopleCache {
    fn id(
        &mut self,
        w: &Writer<'_>,
        key: &str,
        fields: impl FnOnce() -> PersonFields,
    ) -> Result<i64> {
        if let Some(id) = self.known.get(&key.to_lowercase()) {
            return Ok(*id);
        }
        let id = people::record(w, fields().validated()?)?;
        self.known.insert(key.to_lowercase(), id);
        self.added.push(id);
        Ok(id)
    }
}

impl Vault {
    /// The attachments (not withdrawn) already holding each of these SHA-256s.
    pub fn attachments_with_hashes(&self, hashes: &[String]) -> Result<BTreeMap<String, i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM attachment WHERE sha256 = ?1 AND withdrawn_seq IS NULL ORDER BY id LIMIT 1",
        )?;
        let mut out = BTreeMap::new();
        for h in hashes {
            if let Some(id) = stmt
                .query_row([h], |r| r.get::<_, i64>(0))
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    e => Err(e),
                })?
            {
                out.insert(h.clone(), id);
            }
        }
        Ok(out)
    }

    fn people_cache(&self, names: &[&str]) -> Result<PeopleCache> {
        let mut known = BTreeMap::new();
        for n in names {
            if n.trim().is_empty() {
                continue;
            }
            if let Some(id) = self.find_person(n)? {
                known.insert(n.to_lowercase(), id);
            }
        }
        Ok(PeopleCache {
            known,
            added: Vec::new(),
        })
    }

    /// Records confirmed folder proposals in one transaction: each incident, its files (streamed in, each
    /// checked against the SHA-256 it had when scanned), its people. Duplicates are skipped and reported; a
    /// proposal left with no file is not recorded. `progress(done, total)` is called after each file; `cancel`
    /// is checked before each, and cancelling records nothing.
    pub fn import_folder(
        &mut self,
        incidents: &[FolderIncident],
        progress: &dyn Fn(usize, usize),
        cancel: &AtomicBool,
    ) -> Result<ImportReport> {
        let mut validated = Vec::with_capacity(incidents.len());
        for inc in incidents {
            validated.push(inc.fields.clone().validated()?);
        }
        let hashes: Vec<String> = incidents
            .iter()
            .flat_map(|i| i.files.iter().map(|f| f.sha256.clone()))
            .collect();
        let existing = self.attachments_with_hashes(&hashes)?;
        let mut report = ImportReport::default();
        let mut seen: HashSet<String> = HashSet::new();
        let mut plan: Vec<(usize, Vec<&ScannedFile>)> = Vec::new();
        for (i, inc) in incidents.iter().enumerate() {
            let mut keep = Vec::new();
            for f in &inc.files {
                if existing.contains_key(&f.sha256) || !seen.insert(f.sha256.clone()) {
                    report.duplicates.push(Duplicate {
                        file_name: f.file_name.clone(),
                        path: f.path.clone(),
                        sha256: f.sha256.clone(),
                        existing_attachment: existing.get(&f.sha256).copied(),
                    });
                } else {
                    keep.push(f);
                }
            }
            if keep.is_empty() {
                report.empty_proposals += 1;
            } else {
                plan.push((i, keep));
            }
        }
        let total: usize = plan.iter().map(|(_, f)| f.len()).sum();
        let (_, imported_at) = crate::time::now_utc();
        let (ids, previews) = self.write(|w| {
            let mut ids = Vec::new();
            let mut previews = Vec::new();
            let mut done = 0;
            for (i, files) in &plan {
                check_cancel(cancel)?;
                let inc = &incidents[*i];
                let sources = files
                    .iter()
                    .map(|f| SourceRef {
                        name: f.file_name.clone(),
                        sha256: f.sha256.clone(),
                    })
                    .collect();
                let ts = files
                    .iter()
                    .map(|f| f.time_source)
                    .fold(TimeSource::Exif, |a, b| match (a, b) {
                        (TimeSource::Unknown, _) | (_, TimeSource::Unknown) => TimeSource::Unknown,
                        (TimeSource::FileTime, _) | (_, TimeSource::FileTime) => {
                            TimeSource::FileTime
                        }
                        _ => TimeSource::Exif,
                    });
                let origin = ImportOrigin {
                    kind: ImportKind::Folder,
                    imported_at: imported_at.clone(),
                    sources,
                    item: None,
                    shown_at: files
                        .iter()
                        .find_map(|f| f.exif_time.clone().or_else(|| f.file_time.clone())),
                    time_source: Some(if inc.dated_by_user {
                        TimeSource::User
                    } else {
                        ts
                    }),
                    source_incident_id: None,
                    note: IMPORT_NOTE.to_string(),
                };
                let id = record_imported(w, &validated[*i], &origin, &inc.people)?;
                for f in files {
                    check_cancel(cancel)?;
                    let path = std::path::Path::new(&f.path);
                    let (mut reader, name, modified) = open_file(path)?;
                    let a = super::attachments::attach(
                        w,
                        id,
                        Source {
                            file_name: name,
                            reader: &mut reader,
                            modified,
                        },
                    )
                    .map_err(|e| reword_read_error(e, path))?;
                    let sha: String = w.tx.query_row(
                        "SELECT sha256 FROM attachment WHERE id = ?1",
                        [a.id],
                        |r| r.get(0),
                    )?;
                    if sha != f.sha256 {
                        return Err(Error::new(
                            ErrorKind::FileUnreadable,
                            format!(
                                "{} changed after it was read for import: nothing was recorded",
                                f.path
                            ),
                        )
                        .with_hint("Read the folder again and confirm."));
                    }
                    previews.push((a.id, super::attachments::build_preview(a.preview_source)));
                    done += 1;
                    progress(done, total);
                }
                ids.push(id);
            }
            Ok((ids, previews))
        })?;
        for (aid, p) in previews {
            if let Some(p) = p {
                self.store_preview(aid, &p);
            }
        }
        report.attachments = total as u64;
        report.incidents = ids;
        Ok(report)
    }

    /// Records an old diary in one transaction: an "imported diary" record holding the original file, then
    /// one incident per chosen row, each linked to the person named in its "who" cell (found by name, alias or
    /// handle, or recorded).
    pub fn import_diary(
        &mut self,
        source: &SourceFile,
        rows: &[DiaryRow],
        cancel: &AtomicBool,
    ) -> Result<ImportReport> {
        let mut fields = Vec::with_capacity(rows.len());
        for r in rows {
            fields.push(r.fields.clone().validated()?);
        }
        let names: Vec<&str> = rows.iter().map(|r| r.who.as_str()).collect();
        let mut cache = self.people_cache(&names)?;
        let duplicate = self.attachments_with_hashes(std::slice::from_ref(&source.sha256))?;
        let (_, imported_at) = crate::time::now_utc();
        let holder = IncidentFields {
            summary: format!("Imported diary: {}", source.name),
            description: format!(
                "The diary {} (SHA-256 {}), imported with {} rows as incidents. The file is kept here as it was.",
                source.name,
                source.sha256,
                rows.len()
            ),
            ..Default::default()
        }
        .validated()?;
        let (report, preview) = self.write(|w| {
            let mut report = ImportReport::default();
            let (holder_id, origin, preview) = record_holder(
                w,
                ImportKind::Diary,
                &imported_at,
                &holder,
                source,
                &duplicate,
                &mut report,
            )?;
            for (r, f) in rows.iter().zip(&fields) {
                check_cancel(cancel)?;
                let mut people_ids = Vec::new();
                let who = r.who.trim();
                if !who.is_empty() {
                    people_ids.push(cache.id(w, who, || person_named(who, None))?);
                }
                let row_origin = ImportOrigin {
                    item: Some(format!("row {}", r.row)),
                    shown_at: Some(r.shown_at.clone()),
                    source_incident_id: Some(holder_id),
                    ..origin.clone()
                };
                report
                    .incidents
                    .push(record_imported(w, f, &row_origin, &people_ids)?);
            }
            report.people_added = cache.added.clone();
            Ok((report, preview))
        })?;
        if let (Some(id), Some(p)) = preview {
            self.store_preview(id, &p);
        }
        Ok(report)
    }

    /// Records chosen messages of an export in one transaction: an "imported export" record holding the
    /// original file whole, then each chosen message as an incident (or all of them quoted in one), with the
    /// platform, the account handle, the original timestamp as shown and the text verbatim, linked to a person
    /// with that handle (found, or recorded).
    pub fn import_messages(
        &mut self,
        source: &SourceFile,
        export: &MessageExport,
        chosen: &[u32],
        mode: MessageMode,
        cancel: &AtomicBool,
    ) -> Result<ImportReport> {
        let platform = export.platform;
        let mut picked = Vec::new();
        for i in chosen {
            let m = export
                .messages
                .get(*i as usize)
                .ok_or_else(|| Error::invalid(format!("there is no message {i} in this export")))?;
            if m.cut {
                return Err(Error::invalid(format!(
                    "message {} is longer than {} characters: it cannot be recorded whole",
                    i + 1,
                    crate::import::MAX_TEXT_CHARS
                ))
                .with_hint("Leave it out: the export itself is kept whole with the others."));
            }
            picked.push(m);
        }
        if picked.is_empty() {
            return Err(Error::invalid("choose at least one message to import"));
        }
        let handle_key = |h: &str| format!("{h} on {}", platform.label());
        let keys: Vec<String> = picked.iter().map(|m| handle_key(&m.handle)).collect();
        let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let mut cache = self.people_cache(&key_refs)?;
        let duplicate = self.attachments_with_hashes(std::slice::from_ref(&source.sha256))?;
        let (_, imported_at) = crate::time::now_utc();
        let kind = ImportKind::from(platform);
        let holder = IncidentFields {
            summary: format!("Imported {} export: {}", platform.label(), source.name),
            description: format!(
                "The {} export {} (SHA-256 {}), kept whole; {} of its {} messages imported.",
                platform.label(),
                source.name,
                source.sha256,
                picked.len(),
                export.messages.len()
            ),
            platform: platform.label().to_string(),
            ..Default::default()
        }
        .validated()?;
        let message_fields = |m: &crate::import::Message| -> IncidentFields {
            IncidentFields {
                occurred: m.at.as_ref().map(|a| Occurred {
                    start: a.clone(),
                    end: None,
                    approximate: false,
                }),
                channel: Some(platform.channel().to_string()),
                platform: platform.label().to_string(),
                account_handle: m.handle.clone(),
                post_time_shown: m.shown_at.clone(),
                summary: format!(
                    "{} message from {}",
                    platform.label(),
                    shorten(&m.sender, 60)
                ),
                description: m.text.clone(),
                ..Default::default()
            }
        };
        // The media each chosen message names, read from the export's ZIP (bounded), to be attached to its
        // incident: by file name, as the export names them.
        let mut media: BTreeMap<u32, Vec<(String, Vec<u8>, String)>> = BTreeMap::new();
        if source.is_zip() && mode == MessageMode::EachIncident {
            let (mut zip, _) = crate::import::archive::Archive::open(std::io::Cursor::new(
                source.bytes.as_slice(),
            ))?;
            for m in &picked {
                for name in &m.media {
                    let entry = zip
                        .entries()
                        .iter()
                        .find(|e| e.name.rsplit('/').next() == Some(name.as_str()))
                        .cloned();
                    if let Some(e) = entry {
                        let bytes = zip.read(&e, MAX_MEDIA_BYTES)?;
                        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
                        media
                            .entry(m.index)
                            .or_default()
                            .push((name.clone(), bytes, sha));
                    }
                }
            }
        }
        let media_hashes: Vec<String> = media
            .values()
            .flatten()
            .map(|(_, _, sha)| sha.clone())
            .collect();
        let media_existing = self.attachments_with_hashes(&media_hashes)?;
        let mut media_previews = Vec::new();
        let (report, preview) = self.write(|w| {
            let mut report = ImportReport::default();
            let (holder_id, origin, preview) = record_holder(
                w,
                kind,
                &imported_at,
                &holder,
                source,
                &duplicate,
                &mut report,
            )?;
            match mode {
                MessageMode::EachIncident => {
                    for m in &picked {
                        check_cancel(cancel)?;
                        let pid = cache.id(w, &handle_key(&m.handle), || {
                            person_named(&m.sender, Some(handle_key(&m.handle)))
                        })?;
                        let files = media.get(&m.index).map(Vec::as_slice).unwrap_or_default();
                        let mut sources = origin.sources.clone();
                        sources.extend(files.iter().map(|(name, _, sha)| SourceRef {
                            name: name.clone(),
                            sha256: sha.clone(),
                        }));
                        let origin = ImportOrigin {
                            item: Some(format!("message {}", m.index + 1)),
                            shown_at: Some(m.shown_at.clone()),
                            source_incident_id: Some(holder_id),
                            sources,
                            ..origin.clone()
                        };
                        let f = message_fields(m).validated()?;
                        let id = record_imported(w, &f, &origin, &[pid])?;
                        report.incidents.push(id);
                        // The message's media, byte for byte, as attachments of its incident (the whole export
                        // stays with the holder record too); bytes already in the vault are reported, not added.
                        let mut seen = HashSet::new();
                        for (name, bytes, sha) in files {
                            if media_existing.contains_key(sha) || !seen.insert(sha.clone()) {
                                report.duplicates.push(Duplicate {
                                    file_name: name.clone(),
                                    path: format!("{} › {name}", source.name),
                                    sha256: sha.clone(),
                                    existing_attachment: media_existing.get(sha).copied(),
                                });
                                continue;
                            }
                            let a = super::attachments::attach(
                                w,
                                id,
                                Source {
                                    file_name: name.clone(),
                                    reader: &mut std::io::Cursor::new(bytes.as_slice()),
                                    modified: None,
                                },
                            )?;
                            report.attachments += 1;
                            media_previews
                                .push((a.id, super::attachments::build_preview(a.preview_source)));
                        }
                    }
                }
                MessageMode::OneIncident => {
                    let mut f = message_fields(picked[0]);
                    f.summary = format!(
                        "{} {} messages from {}",
                        picked.len(),
                        platform.label(),
                        shorten(&picked[0].sender, 60)
                    );
                    f.description = picked
                        .iter()
                        .map(|m| format!("[{}] {}: {}", m.shown_at, m.sender, m.text))
                        .collect::<Vec<_>>()
                        .join("\n\n");
                    let mut pids = Vec::new();
                    for m in &picked {
                        let pid = cache.id(w, &handle_key(&m.handle), || {
                            person_named(&m.sender, Some(handle_key(&m.handle)))
                        })?;
                        if !pids.contains(&pid) {
                            pids.push(pid);
                        }
                    }
                    let origin = ImportOrigin {
                        item: Some(
                            picked
                                .iter()
                                .map(|m| format!("message {}", m.index + 1))
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                        shown_at: Some(picked[0].shown_at.clone()),
                        source_incident_id: Some(holder_id),
                        ..origin.clone()
                    };
                    let f = f.validated()?;
                    report
                        .incidents
                        .push(record_imported(w, &f, &origin, &pids)?);
                }
            }
            report.people_added = cache.added.clone();
            Ok((report, preview))
        })?;
        if let (Some(id), Some(p)) = preview {
            self.store_preview(id, &p);
        }
        for (id, p) in media_previews {
            if let Some(p) = p {
                self.store_preview(id, &p);
            }
        }
        Ok(report)
    }
}

/// The most bytes one media file of a message export may have to be attached to its message.
pub const MAX_MEDIA_BYTES: u64 = 512 * 1024 * 1024;

/// A person for a name or handle: a name that looks like one, and the handle when there is one.
fn person_named(name: &str, handle: Option<String>) -> PersonFields {
    let mut p = PersonFields::default();
    let name = name.trim();
    if name.starts_with('@') {
        p.handles.push(name.to_string());
    } else {
        p.name = name.to_string();
    }
    if let Some(h) = handle {
        if !p.handles.contains(&h) {
            p.handles.push(h);
        }
    }
    if p.name.is_empty() && p.handles.is_empty() {
        p.anonymous = true;
    }
    p
}

/// The attachment made of a source file, and its preview to store after the commit.
type KeptSource = (Option<i64>, Option<crate::preview::Preview>);

/// Records the "imported diary/export" record holding the source file, and returns its id, the origin its
/// items start from, and the preview to store after the commit.
fn record_holder(
    w: &Writer<'_>,
    kind: ImportKind,
    imported_at: &str,
    holder: &IncidentFields,
    source: &SourceFile,
    duplicate: &BTreeMap<String, i64>,
    report: &mut ImportReport,
) -> Result<(i64, ImportOrigin, KeptSource)> {
    let origin = ImportOrigin {
        kind,
        imported_at: imported_at.to_string(),
        sources: vec![SourceRef {
            name: source.name.clone(),
            sha256: source.sha256.clone(),
        }],
        item: None,
        shown_at: None,
        time_source: None,
        source_incident_id: None,
        note: IMPORT_NOTE.to_string(),
    };
    let holder_id = record_imported(w, holder, &origin, &[])?;
    let preview = keep_source(w, holder_id, source, duplicate, report)?;
    report.source_incident = Some(holder_id);
    Ok((holder_id, origin, preview))
}

/// Keeps the original source file as the holder record's attachment (reported, not attached again, when the
/// vault already holds those bytes). Returns the preview to store after the commit.
fn keep_source(
    w: &Writer<'_>,
    holder_id: i64,
    source: &SourceFile,
    duplicate: &BTreeMap<String, i64>,
    report: &mut ImportReport,
) -> Result<(Option<i64>, Option<crate::preview::Preview>)> {
    if let Some(existing) = duplicate.get(&source.sha256) {
        report.duplicates.push(Duplicate {
            file_name: source.name.clone(),
            path: source.name.clone(),
            sha256: source.sha256.clone(),
            existing_attachment: Some(*existing),
        });
        return Ok((None, None));
    }
    let mut reader = std::io::Cursor::new(source.bytes.as_slice());
    let a = super::attachments::attach(
        w,
        holder_id,
        Source {
            file_name: source.name.clone(),
            reader: &mut reader,
            modified: None,
        },
    )?;
    report.attachments += 1;
    Ok((
        Some(a.id),
        super::attachments::build_preview(a.preview_source),
    ))
}
