//! The `import` verb: bring in what a person already has. `import folder PATH…` (screenshots and photos,
//! grouped into incidents), `import diary FILE` (an old diary in CSV, XLSX or ODS; a legacy .xls is refused with a way forward), and
//! `import whatsapp|x|facebook FILE` (message exports: chosen messages become incidents). Each records
//! everything in one transaction, or with `--dry-run` prints what it would record (as JSON with `--json`).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use evident_core::import::diary::{self, ColumnMap, DiaryPreview};
use evident_core::import::folder::{self, Grouping, Proposal, Scan, TimeSource};
use evident_core::import::{self, MessageExport, SourceFile};
use evident_core::incident::{IncidentFields, Occurred};
use evident_core::vault::{Duplicate, FolderIncident, MessageMode};

use crate::shared::{open, print_json, user, Fail, Secrets};

/// Options of `import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    /// A folder (or files) of screenshots and photos: one incident per file, per day or per gap in time.
    Folder(FolderArgs),
    /// An old diary in CSV, XLSX or ODS (save a legacy .xls as .xlsx first): one incident per row.
    Diary(DiaryArgs),
    /// A WhatsApp "Export chat" (.txt, or the .zip with media).
    Whatsapp(MessageArgs),
    /// An X (Twitter) archive (.zip, or data/direct-messages.js or data/tweets.js).
    X(MessageArgs),
    /// A Facebook or Messenger download in JSON (message_1.json, or the .zip).
    Facebook(MessageArgs),
}

/// Options shared by every import.
#[derive(clap::Args)]
struct Common {
    /// Print what would be recorded, record nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct FolderArgs {
    /// Folders (their files, not subfolders) and files.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// How files become incidents: file (one each), day (one per UK day), gap (a new one after --gap minutes).
    #[arg(long, default_value = "file", value_parser = ["file", "day", "gap"])]
    group: String,
    /// The gap in minutes for `--group gap`.
    #[arg(long, default_value_t = 30)]
    gap: u32,
    /// Link this person (name, alias or handle; recorded if new) to every incident.
    #[arg(long)]
    person: Vec<String>,
    #[command(flatten)]
    common: Common,
}

#[derive(clap::Args)]
struct DiaryArgs {
    /// The diary: .csv, .xlsx or .ods (a legacy .xls is refused: save it as .xlsx).
    file: PathBuf,
    /// The date column: a letter (A), a number from 1, or its header. Guessed from the headers when not given.
    #[arg(long)]
    date: Option<String>,
    /// The time column, when the time is in a column of its own.
    #[arg(long)]
    time: Option<String>,
    /// The column that says what happened.
    #[arg(long)]
    what: Option<String>,
    /// The column naming who did it.
    #[arg(long)]
    who: Option<String>,
    /// The column saying how (in person, phone, email…).
    #[arg(long)]
    how: Option<String>,
    /// The column holding a reference (crime number, link).
    #[arg(long)]
    reference: Option<String>,
    #[command(flatten)]
    common: Common,
}

#[derive(clap::Args)]
struct MessageArgs {
    /// The export file.
    file: PathBuf,
    /// Only messages from this sender (as the export names them; repeat for several).
    #[arg(long)]
    from: Vec<String>,
    /// Only messages whose text contains this (case-insensitive).
    #[arg(long, default_value = "")]
    search: String,
    /// Only these messages, by number (from 1, as --dry-run lists them; repeat for several).
    #[arg(long)]
    message: Vec<u32>,
    /// Quote the chosen messages in one incident instead of one incident each.
    #[arg(long)]
    one_incident: bool,
    #[command(flatten)]
    common: Common,
}

/// `import`.
pub fn run(a: ImportArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    match a.what {
        What::Folder(f) => folder_cmd(f, dir, secrets),
        What::Diary(d) => diary_cmd(d, dir, secrets),
        What::Whatsapp(m) => messages_cmd(m, import::whatsapp::read, dir, secrets),
        What::X(m) => messages_cmd(m, import::x::read, dir, secrets),
        What::Facebook(m) => messages_cmd(m, import::facebook::read, dir, secrets),
    }
}

fn source_label(t: TimeSource) -> &'static str {
    match t {
        TimeSource::Exif => "capture time (EXIF)",
        TimeSource::FileTime => "file time",
        TimeSource::Unknown => "no date",
        TimeSource::User => "set by you",
    }
}

/// What a folder import would record.
#[derive(serde::Serialize)]
struct FolderPlan<'a> {
    proposals: Vec<PlannedIncident<'a>>,
    duplicates: Vec<Duplicate>,
    refused: &'a [folder::Refused],
}

#[derive(serde::Serialize)]
struct PlannedIncident<'a> {
    summary: &'a str,
    start: Option<&'a str>,
    end: Option<&'a str>,
    time_source: TimeSource,
    files: Vec<&'a str>,
}

fn fields_of(p: &Proposal) -> IncidentFields {
    IncidentFields {
        occurred: p.start.as_ref().map(|s| Occurred {
            start: s.clone(),
            end: p.end.clone(),
            approximate: p.time_source != TimeSource::Exif,
        }),
        summary: p.summary.clone(),
        ..Default::default()
    }
}

fn folder_cmd(a: FolderArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let grouping = match a.group.as_str() {
        "day" => Grouping::Day,
        "gap" => Grouping::Gap { minutes: a.gap },
        _ => Grouping::File,
    };
    let mut v = open(dir, secrets)?;
    let never = AtomicBool::new(false);
    let scan: Scan = folder::scan(
        &a.paths,
        &|done, total| {
            if done % 50 == 0 || done == total {
                eprintln!("evident-cli: read {done} of {total} files");
            }
        },
        &never,
    )?;
    for r in &scan.refused {
        eprintln!("evident-cli: not imported: {}: {}", r.path, r.reason);
    }
    let proposals = folder::propose(&scan.files, grouping);
    let mut people = Vec::new();
    if !a.common.dry_run {
        for p in &a.person {
            people.push(v.person_by_name_or_new(p)?);
        }
    }
    let batch: Vec<FolderIncident> = proposals
        .iter()
        .map(|p| FolderIncident {
            fields: fields_of(p),
            files: p
                .files
                .iter()
                .map(|&i| scan.files[i as usize].clone())
                .collect(),
            people: people.clone(),
            dated_by_user: false,
        })
        .collect();
    if a.common.dry_run {
        let hashes: Vec<String> = scan.files.iter().map(|f| f.sha256.clone()).collect();
        let existing = v.attachments_with_hashes(&hashes)?;
        let mut seen = std::collections::HashSet::new();
        let duplicates = scan
            .files
            .iter()
            .filter(|f| existing.contains_key(&f.sha256) || !seen.insert(f.sha256.clone()))
            .map(|f| Duplicate {
                file_name: f.file_name.clone(),
                path: f.path.clone(),
                sha256: f.sha256.clone(),
                existing_attachment: existing.get(&f.sha256).copied(),
            })
            .collect();
        let plan = FolderPlan {
            proposals: proposals
                .iter()
                .map(|p| PlannedIncident {
                    summary: &p.summary,
                    start: p.start.as_deref(),
                    end: p.end.as_deref(),
                    time_source: p.time_source,
                    files: p
                        .files
                        .iter()
                        .map(|&i| scan.files[i as usize].path.as_str())
                        .collect(),
                })
                .collect(),
            duplicates,
            refused: &scan.refused,
        };
        if a.common.json {
            return print_json(&plan);
        }
        for p in &plan.proposals {
            println!(
                "{}  {}  [{}]  {} file(s)",
                p.start.unwrap_or("no date"),
                p.summary,
                source_label(p.time_source),
                p.files.len()
            );
        }
        for d in &plan.duplicates {
            println!("duplicate (skipped): {} {}", d.sha256, d.path);
        }
        println!(
            "would record {} incident(s); nothing recorded (--dry-run)",
            plan.proposals.len()
        );
        return Ok(());
    }
    let report = v.import_folder(
        &batch,
        &|done, total| {
            if done % 50 == 0 || done == total {
                eprintln!("evident-cli: recorded {done} of {total} files");
            }
        },
        &never,
    )?;
    if a.common.json {
        return print_json(&report);
    }
    for d in &report.duplicates {
        println!("duplicate (skipped): {} {}", d.sha256, d.path);
    }
    println!(
        "recorded {} incident(s) with {} file(s); {} duplicate(s) skipped",
        report.incidents.len(),
        report.attachments,
        report.duplicates.len()
    );
    for id in &report.incidents {
        println!("{id}");
    }
    Ok(())
}

/// A column named by letter (`A`), number from 1, or header (case-insensitive).
fn column(spec: &Option<String>, headers: &[String], what: &str) -> Result<Option<u32>, Fail> {
    let Some(s) = spec.as_deref().map(str::trim) else {
        return Ok(None);
    };
    if let Ok(n) = s.parse::<u32>() {
        if n >= 1 && (n as usize) <= headers.len() {
            return Ok(Some(n - 1));
        }
    }
    if s.len() <= 2 && s.chars().all(|c| c.is_ascii_alphabetic()) {
        let n = s
            .to_ascii_uppercase()
            .bytes()
            .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1));
        if n >= 1 && (n as usize) <= headers.len() {
            return Ok(Some(n - 1));
        }
    }
    if let Some(i) = headers.iter().position(|h| h.eq_ignore_ascii_case(s)) {
        return Ok(Some(i as u32));
    }
    Err(user(format!(
        "--{what} {s}: no such column (the columns are: {})",
        headers.join(", ")
    )))
}

fn diary_cmd(a: DiaryArgs, dir: &Path, secrets: &mut Secrets) -> Result<(), Fail> {
    let src = SourceFile::read(&a.file, import::MAX_SOURCE_BYTES)?;
    let table = diary::read_table(&src)?;
    let mut map = diary::guess_map(&table);
    let h = &table.headers;
    let given = ColumnMap {
        date: column(&a.date, h, "date")?,
        time: column(&a.time, h, "time")?,
        what: column(&a.what, h, "what")?,
        who: column(&a.who, h, "who")?,
        how: column(&a.how, h, "how")?,
        reference: column(&a.reference, h, "reference")?,
    };
    map.date = given.date.or(map.date);
    map.time = given.time.or(map.time);
    map.what = given.what.or(map.what);
    map.who = given.who.or(map.who);
    map.how = given.how.or(map.how);
    map.reference = given.reference.or(map.reference);
    let preview: DiaryPreview = diary::preview(&table, &map, 5)?;
    for p in &preview.problems {
        eprintln!(
            "evident-cli: row {} not imported: {} ({})",
            p.at, p.reason, p.text
        );
    }
    if a.common.dry_run {
        if a.common.json {
            return print_json(&preview);
        }
        for r in &preview.rows {
            println!(
                "row {}: {} | {} | {}",
                r.row,
                r.fields
                    .occurred
                    .as_ref()
                    .map(|o| o.start.as_str())
                    .unwrap_or(""),
                r.who,
                r.fields.summary
            );
        }
        println!(
            "would record {} incident(s) and keep {} as an imported diary; {} row(s) do not parse; nothing recorded (--dry-run)",
            preview.rows.len(),
            src.name,
            preview.problems.len()
        );
        return Ok(());
    }
    let mut v = open(dir, secrets)?;
    let report = v.import_diary(&src, &preview.rows, &AtomicBool::new(false))?;
    if a.common.json {
        return print_json(&report);
    }
    println!(
        "recorded {} incident(s); the diary is kept as incident {}; {} row(s) not imported (listed above)",
        report.incidents.len(),
        report.source_incident.unwrap_or(0),
        preview.problems.len()
    );
    for id in &report.incidents {
        println!("{id}");
    }
    Ok(())
}

fn messages_cmd(
    a: MessageArgs,
    read: fn(&SourceFile) -> evident_core::Result<MessageExport>,
    dir: &Path,
    secrets: &mut Secrets,
) -> Result<(), Fail> {
    let src = SourceFile::read(&a.file, import::MAX_SOURCE_BYTES)?;
    let export = read(&src)?;
    for p in &export.problems {
        eprintln!("evident-cli: not read: {} {}: {}", p.at, p.reason, p.text);
    }
    for s in &a.from {
        if !export.senders.contains(s) {
            return Err(user(format!(
                "--from {s}: nobody of that name sent a message here (the senders are: {})",
                export.senders.join(", ")
            )));
        }
    }
    let chosen: Vec<&import::Message> = export
        .messages
        .iter()
        .filter(|m| a.from.is_empty() || (!m.system && a.from.contains(&m.sender)))
        .filter(|m| a.message.is_empty() || a.message.contains(&(m.index + 1)))
        .filter(|m| a.search.is_empty() || m.text.to_lowercase().contains(&a.search.to_lowercase()))
        .collect();
    let selecting = !a.from.is_empty() || !a.message.is_empty() || !a.search.is_empty();
    if a.common.dry_run {
        let shown: Vec<&import::Message> = chosen.clone();
        if a.common.json {
            #[derive(serde::Serialize)]
            struct Plan<'a> {
                platform: import::Platform,
                senders: &'a [String],
                messages: Vec<&'a import::Message>,
                chosen: bool,
            }
            return print_json(&Plan {
                platform: export.platform,
                senders: &export.senders,
                messages: shown,
                chosen: selecting,
            });
        }
        for m in &shown {
            println!(
                "{:>5}  {}  {}: {}",
                m.index + 1,
                m.shown_at,
                m.sender,
                import::shorten(&m.text, 100)
            );
        }
        println!(
            "{} message(s){}; nothing recorded (--dry-run)",
            shown.len(),
            if selecting {
                " would be recorded"
            } else {
                " in the export: choose with --from, --message or --search"
            }
        );
        return Ok(());
    }
    if !selecting {
        return Err(user(
            "choose the messages to import with --from SENDER, --message N or --search TEXT (list them with --dry-run)",
        ));
    }
    if chosen.is_empty() {
        return Err(user("no message matches: nothing recorded"));
    }
    let ids: Vec<u32> = chosen.iter().map(|m| m.index).collect();
    let mode = if a.one_incident {
        MessageMode::OneIncident
    } else {
        MessageMode::EachIncident
    };
    let mut v = open(dir, secrets)?;
    let report = v.import_messages(&src, &export, &ids, mode, &AtomicBool::new(false))?;
    if a.common.json {
        return print_json(&report);
    }
    println!(
        "recorded {} incident(s) from {} message(s); the export is kept as incident {}",
        report.incidents.len(),
        ids.len(),
        report.source_incident.unwrap_or(0)
    );
    for id in &report.incidents {
        println!("{id}");
    }
    Ok(())
}
