//! `evident-cli`: Evident's vault from the command line, for scripts, tests and recipients verifying a pack.
//!
//! Exit codes: 0 success; 1 a user error (one line on standard error saying what to do); 2 an integrity failure
//! found by `verify` (or `verify-pack`).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use evident_core::incident::{IncidentFields, IncidentFilter, Occurred};
use evident_core::{Error, ErrorKind, Passphrase, Secret, Vault};

mod pack_cmd;

/// Evident: a private, encrypted, tamper-evident diary of abuse and intimidation.
#[derive(Parser)]
#[command(name = "evident-cli", version, about)]
struct Cli {
    /// Vault folder (default: $EVIDENT_VAULT, else the platform data directory, ~/.local/share/evident/vault).
    #[arg(long, global = true)]
    vault: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Create a vault and print its recovery key (write it down: it is shown once).
    Init,
    /// Record an incident; prints its id as the last line once it is safely on disk.
    Add {
        /// One line: what happened (required).
        #[arg(long)]
        summary: String,
        #[command(flatten)]
        details: Details,
        /// A person involved (name or @handle); repeat for several. New names are recorded as people.
        #[arg(long = "person")]
        people: Vec<String>,
        /// A file to attach; repeat for several.
        #[arg(long = "attach")]
        attach: Vec<PathBuf>,
    },
    /// Attach files to an incident.
    Attach {
        /// Incident id.
        id: i64,
        /// Files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Amend an incident (the original stays in its history).
    Amend {
        /// Incident id.
        id: i64,
        /// Why it is being corrected (required).
        #[arg(long)]
        reason: String,
        /// New summary.
        #[arg(long)]
        summary: Option<String>,
        #[command(flatten)]
        details: Details,
    },
    /// Withdraw an attachment added by mistake (bytes purged; hash and reason kept).
    Withdraw {
        /// Attachment id.
        attachment_id: i64,
        /// Why (required).
        #[arg(long)]
        reason: String,
    },
    /// List incidents, newest first.
    List {
        /// Output JSON.
        #[arg(long)]
        json: bool,
        /// Full-text search.
        #[arg(long)]
        search: Option<String>,
    },
    /// Show one incident.
    Show {
        /// Incident id.
        id: i64,
        /// Output JSON.
        #[arg(long)]
        json: bool,
    },
    /// Log a report made to an authority about an incident.
    Report {
        /// Incident id.
        id: i64,
        /// platform, council, police, party or other.
        #[arg(long)]
        to: String,
        /// Which organisation or platform.
        #[arg(long, default_value = "")]
        organisation: String,
        /// Reference or crime reference number.
        #[arg(long, default_value = "")]
        reference: String,
        /// Date reported.
        #[arg(long, default_value = "")]
        date: String,
        /// Officer or contact.
        #[arg(long, default_value = "")]
        officer: String,
    },
    /// Full integrity check; exit 2 if anything is wrong.
    Verify {
        /// Output JSON.
        #[arg(long)]
        json: bool,
    },
    /// Back up the vault to one encrypted file.
    Backup {
        /// Backup file to create.
        file: PathBuf,
    },
    /// Restore a backup into the vault folder (which must not hold a vault); reads the passphrase or recovery key.
    Restore {
        /// Backup file.
        file: PathBuf,
    },
    /// Change the passphrase (old, then new).
    Passwd,
    /// Remember the vault's key in this device's keychain.
    Remember,
    /// Forget the key remembered on this device.
    Forget,
    /// Export an evidence pack (ZIP) of the chosen incidents for the police or council; recorded in the journal.
    Export(pack_cmd::ExportArgs),
    /// Check an evidence pack: no vault or passphrase needed; exit 2 naming every file or entry that fails.
    VerifyPack(pack_cmd::VerifyPackArgs),
}

/// The incident fields `add` and `amend` both take; each one given replaces the field.
#[derive(clap::Args)]
struct Details {
    /// What was said or done, verbatim where possible.
    #[arg(long)]
    description: Option<String>,
    /// Kind of abuse (e.g. threat_of_harm).
    #[arg(long)]
    kind: Option<String>,
    /// How it happened (e.g. email, social_media, doorstep).
    #[arg(long)]
    channel: Option<String>,
    /// When it happened: "2026-11-20 21:30" (UK time), "2026-11-20" (approximate) or RFC 3339 (add: default now).
    #[arg(long)]
    occurred: Option<String>,
    /// The impact on you.
    #[arg(long)]
    impact: Option<String>,
}

impl Details {
    /// Writes the given fields into `f` (an empty kind or channel clears it).
    fn apply_to(self, f: &mut IncidentFields) -> Result<(), Fail> {
        if let Some(s) = self.description {
            f.description = s;
        }
        if let Some(s) = self.kind {
            f.kind = Some(s).filter(|s| !s.is_empty());
        }
        if let Some(s) = self.channel {
            f.channel = Some(s).filter(|s| !s.is_empty());
        }
        if let Some(s) = self.impact {
            f.impact = s;
        }
        if let Some(w) = self.occurred {
            f.occurred = Some(occurred(&w)?);
        }
        Ok(())
    }
}

/// A failure: exit code and the message for standard error.
struct Fail(u8, String);

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        let mut msg = format!("evident-cli: {}", e.message());
        if let Some(h) = e.hint() {
            msg.push_str(&format!(" — {h}"));
        }
        let code = if e.kind() == ErrorKind::Integrity {
            2
        } else {
            1
        };
        Fail(code, msg.replace('\n', " "))
    }
}

fn user(msg: impl Into<String>) -> Fail {
    Fail(1, format!("evident-cli: {}", msg.into()))
}

/// Reads secrets from the terminal, or one per line from standard input when it is not a terminal.
struct Secrets {
    lines: Option<std::io::Lines<std::io::StdinLock<'static>>>,
}

impl Secrets {
    fn new() -> Self {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            Self { lines: None }
        } else {
            Self {
                lines: Some(stdin.lock().lines()),
            }
        }
    }

    fn read(&mut self, prompt: &str) -> Result<String, Fail> {
        match &mut self.lines {
            Some(lines) => match lines.next() {
                Some(Ok(l)) => Ok(l.trim_end_matches('\r').to_string()),
                _ => Err(user(format!(
                    "expected the {} as a line on standard input",
                    prompt.trim_end_matches(": ").to_lowercase()
                ))),
            },
            None => rpassword::prompt_password(prompt)
                .map_err(|e| user(format!("could not read the passphrase: {e}"))),
        }
    }
}

fn open(dir: &Path, secrets: &mut Secrets) -> Result<Vault, Fail> {
    if !Vault::exists(dir) {
        return Err(user(format!(
            "there is no vault at {} — create one with `evident-cli init`, or pass --vault PATH",
            dir.display()
        )));
    }
    if Vault::is_remembered(dir) {
        if let Ok(v) = Vault::open_remembered(dir) {
            return Ok(warn_check(v));
        }
    }
    let p = secrets.read("Passphrase: ")?;
    let v = Vault::open_secret(dir, &Secret::guess(p))?;
    Ok(warn_check(v))
}

fn warn_check(v: Vault) -> Vault {
    let c = v.open_check();
    if c.status != "ok" {
        eprintln!(
            "evident-cli: warning: {} — run `evident-cli verify`",
            c.message
        );
    }
    v
}

fn occurred(s: &str) -> Result<Occurred, Fail> {
    let (t, approximate) = evident_core::time::parse_when(s)?;
    Ok(Occurred {
        start: t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        end: None,
        approximate,
    })
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<(), Fail> {
    let s = serde_json::to_string_pretty(v).map_err(|e| user(e.to_string()))?;
    println!("{s}");
    Ok(())
}

fn run(cli: Cli) -> Result<(), Fail> {
    let dir = cli
        .vault
        .or_else(|| std::env::var_os("EVIDENT_VAULT").map(PathBuf::from))
        .unwrap_or_else(evident_core::vault::default_vault_dir);
    let mut secrets = Secrets::new();
    match cli.cmd {
        Cmd::Export(a) => pack_cmd::export(&dir, &mut secrets, a)?,
        Cmd::VerifyPack(a) => pack_cmd::verify_pack(&a)?,
        Cmd::Init => {
            let p1 = secrets.read("New passphrase: ")?;
            if std::io::stdin().is_terminal() {
                let p2 = secrets.read("Repeat passphrase: ")?;
                if p1 != p2 {
                    return Err(user("the two passphrases differ; nothing was created"));
                }
            }
            let (_v, recovery) = Vault::create(&dir, &Passphrase::new(p1))?;
            println!("Vault created at {}", dir.display());
            println!("Recovery key (write it down and keep it safe; it is shown only now):");
            println!("{}", recovery.expose_display());
        }
        Cmd::Add {
            summary,
            details,
            people,
            attach,
        } => {
            for f in &attach {
                if !f.is_file() {
                    return Err(user(format!(
                        "{} is not a file that can be read; nothing was recorded",
                        f.display()
                    )));
                }
            }
            let mut v = open(&dir, &mut secrets)?;
            // Default: now, in the device's local time.
            let mut fields = IncidentFields {
                occurred: Some(Occurred {
                    start: chrono::Local::now()
                        .fixed_offset()
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                    end: None,
                    approximate: false,
                }),
                summary,
                ..Default::default()
            };
            details.apply_to(&mut fields)?;
            let fields = fields.validated()?;
            let mut ids = Vec::new();
            for p in &people {
                ids.push(v.person_by_name_or_new(p)?);
            }
            // One transaction: the incident, its people and its files are recorded together or not at all.
            let (id, atts) = v.record_incident_with_files(fields, &ids, &attach)?;
            for a in atts {
                println!("attachment {} {} {}", a.id, a.sha256, a.file_name);
            }
            println!("{id}");
        }
        Cmd::Attach { id, files } => {
            let mut v = open(&dir, &mut secrets)?;
            for f in &files {
                let a = v.attach_file(id, f)?;
                println!("{} {} {}", a.id, a.sha256, a.file_name);
            }
        }
        Cmd::Amend {
            id,
            reason,
            summary,
            details,
        } => {
            let mut v = open(&dir, &mut secrets)?;
            let mut f = v.incident_fields(id)?;
            if let Some(s) = summary {
                f.summary = s;
            }
            details.apply_to(&mut f)?;
            let changes = v.amend_incident(id, &reason, f)?;
            if changes.is_empty() {
                println!("nothing changed; no amendment recorded");
            } else {
                for c in changes {
                    println!("amended {}: {} -> {}", c.field, c.old, c.new);
                }
            }
        }
        Cmd::Withdraw {
            attachment_id,
            reason,
        } => {
            let mut v = open(&dir, &mut secrets)?;
            v.withdraw_attachment(attachment_id, &reason)?;
            println!("attachment {attachment_id} withdrawn: its bytes were purged; its hash and your reason are kept");
        }
        Cmd::List { json, search } => {
            let v = open(&dir, &mut secrets)?;
            let list = v.list_incidents(&IncidentFilter {
                text: search,
                ..Default::default()
            })?;
            if json {
                let mut all = Vec::with_capacity(list.len());
                for i in &list {
                    all.push(v.incident(i.id)?);
                }
                print_json(&all)?;
            } else {
                for i in list {
                    let people: Vec<_> = i.people.iter().map(|p| p.name.as_str()).collect();
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        i.id,
                        i.occurred_at.unwrap_or_default(),
                        i.kind.unwrap_or_default(),
                        i.channel.unwrap_or_default(),
                        i.summary,
                        people.join(", ")
                    );
                }
            }
        }
        Cmd::Show { id, json } => {
            let v = open(&dir, &mut secrets)?;
            let d = v.incident(id)?;
            if json {
                print_json(&d)?;
            } else {
                println!("Incident {}: {}", d.id, d.summary);
                println!("Occurred: {}", d.occurred_at.clone().unwrap_or_default());
                println!("Recorded: {}", d.recorded_at);
                println!(
                    "Kind: {}  Channel: {}",
                    d.kind.clone().unwrap_or_default(),
                    d.channel.clone().unwrap_or_default()
                );
                println!("What was said or done: {}", d.description);
                for p in &d.people {
                    println!("Person {} ({}): {}", p.id, p.role, p.name);
                }
                for a in &d.attachments {
                    let w = a
                        .withdrawn
                        .as_ref()
                        .map(|w| format!(" [withdrawn {}: {}]", w.at, w.reason))
                        .unwrap_or_default();
                    println!(
                        "Attachment {}: {} {} bytes {} sha256 {}{w}",
                        a.id, a.file_name, a.size, a.media_type, a.sha256
                    );
                }
                for h in &d.history {
                    println!(
                        "#{} {} {}{}",
                        h.seq,
                        h.recorded_at,
                        h.description,
                        h.reason
                            .as_ref()
                            .map(|r| format!(" — reason: {r}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        Cmd::Report {
            id,
            to,
            organisation,
            reference,
            date,
            officer,
        } => {
            let mut v = open(&dir, &mut secrets)?;
            let rid = v.log_report(
                id,
                evident_core::report::ReportFields {
                    to,
                    organisation,
                    reference,
                    reported_on: date,
                    officer,
                    ..Default::default()
                },
            )?;
            println!("{rid}");
        }
        Cmd::Verify { json } => {
            let v = open(&dir, &mut secrets)?;
            let r = v.verify(&mut |_| {})?;
            if json {
                print_json(&r)?;
            } else if r.ok {
                println!(
                    "OK: {} entries and {} attachments ({} bytes) verified; head {}",
                    r.entries, r.attachments, r.bytes, r.head_hash
                );
            } else {
                for p in &r.problems {
                    println!("FAILED: {}", p.message);
                }
            }
            if !json {
                for n in &r.notices {
                    println!("note: {n}");
                }
            }
            if !r.ok {
                return Err(Fail(
                    2,
                    format!(
                        "evident-cli: integrity check failed: {}",
                        r.problems.first().map(|p| p.message.as_str()).unwrap_or("")
                    ),
                ));
            }
        }
        Cmd::Backup { file } => {
            let v = open(&dir, &mut secrets)?;
            let n = v.backup_to(&file)?;
            println!(
                "backup written to {} ({n} bytes of encrypted database)",
                file.display()
            );
        }
        Cmd::Restore { file } => {
            let s = secrets.read("Passphrase or recovery key: ")?;
            let (_v, report) = Vault::restore(&file, &dir, &Secret::guess(s))?;
            if report.ok {
                println!(
                    "restored to {} and verified: {} entries",
                    dir.display(),
                    report.entries
                );
            } else {
                return Err(Fail(
                    2,
                    format!(
                        "evident-cli: restored, but the check failed: {}",
                        report
                            .problems
                            .first()
                            .map(|p| p.message.as_str())
                            .unwrap_or("")
                    ),
                ));
            }
        }
        Cmd::Passwd => {
            let old = secrets.read("Current passphrase or recovery key: ")?;
            let new = secrets.read("New passphrase: ")?;
            if std::io::stdin().is_terminal() {
                let again = secrets.read("Repeat new passphrase: ")?;
                if again != new {
                    return Err(user("the two new passphrases differ; nothing was changed"));
                }
            }
            if !Vault::exists(&dir) {
                return Err(user(format!("there is no vault at {}", dir.display())));
            }
            let mut v = Vault::open_secret(&dir, &Secret::guess(old))?;
            v.change_passphrase(&Passphrase::new(new))?;
            println!("passphrase changed");
        }
        Cmd::Remember => {
            let mut v = open(&dir, &mut secrets)?;
            v.remember_on_device()?;
            println!("remembered on this device");
        }
        Cmd::Forget => {
            let mut v = open(&dir, &mut secrets)?;
            v.forget_on_device()?;
            println!("forgotten on this device");
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(()) => {
            let _ = std::io::stdout().flush();
            ExitCode::SUCCESS
        }
        Err(Fail(code, msg)) => {
            eprintln!("{msg}");
            ExitCode::from(code)
        }
    }
}
