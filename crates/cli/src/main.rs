//! `evident-cli`: Evident's vault from the command line, for scripts, tests and recipients verifying a pack.
//!
//! This file holds the verbs and their help (the contract in the README), says which function runs each verb
//! (`cmd/`), and turns the outcome into the exit code: 0 success; 1 a user error (one line on standard error
//! saying what to do); 2 an integrity failure found by `verify` (or `verify-pack`, or `restore`'s check).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cmd::{
    add, amend, anchor, attach, backup, export, import, init, keys, list, report, show, verify,
    verify_pack, withdraw,
};
use shared::{Fail, Secrets};

mod cmd;
mod shared;

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
    Add(add::AddArgs),
    /// Attach files to an incident.
    Attach(attach::AttachArgs),
    /// Amend an incident (the original stays in its history).
    Amend(amend::AmendArgs),
    /// Record how an attachment was captured and on which device (kept in the chain; the newest is shown).
    DescribeAttachment(attach::DescribeArgs),
    /// Withdraw an attachment added by mistake (bytes purged; hash and reason kept).
    Withdraw(withdraw::WithdrawArgs),
    /// List incidents, newest first.
    List(list::ListArgs),
    /// Show one incident.
    Show(show::ShowArgs),
    /// Log a report made to an authority about an incident.
    Report(report::ReportArgs),
    /// Full integrity check; exit 2 if anything is wrong.
    Verify(verify::VerifyArgs),
    /// Acknowledge, with a reason (recorded in the chain), a problem noticed at an earlier open: until then it is
    /// shown at every open.
    Acknowledge(verify::AcknowledgeArgs),
    /// Back up the vault to one encrypted file.
    Backup(backup::BackupArgs),
    /// Restore a backup into the vault folder (which must not hold a vault); reads the passphrase or recovery key.
    Restore(backup::RestoreArgs),
    /// Change the passphrase (old, then new).
    Passwd,
    /// Someone may know the passphrase or recovery key: re-encrypt the vault under a new key (old passphrase, then
    /// new); prints the new recovery key. Older backups still open with the old secrets: destroy them.
    Rekey,
    /// Replace the recovery key (asks for the passphrase); prints the new one.
    RecoveryKey,
    /// Remember the vault's key in this device's keychain.
    Remember,
    /// Forget the key remembered on this device.
    Forget,
    /// Export an evidence pack (ZIP) of the chosen incidents for the police or council; recorded in the journal.
    Export(export::ExportArgs),
    /// Check an evidence pack: no vault or passphrase needed; exit 2 naming every file or entry that fails.
    VerifyPack(verify_pack::VerifyPackArgs),
    /// Time-stamp the chain head now with independent Time-Stamping Authorities (sends only its SHA-256).
    Anchor(anchor::AnchorArgs),
    /// Manage the Time-Stamping Authorities: list | add URL --ca FILE | remove URL | off | on.
    Tsa(anchor::TsaArgs),
    /// Bring in what you already have: `import folder|diary|whatsapp|x|facebook PATH …` (`--dry-run` prints what
    /// would be recorded; `--json`).
    Import(import::ImportArgs),
    /// Print the record fingerprint (head number, hash, six words) to send to someone as proof of the record by then.
    Fingerprint,
}

/// Runs the verb against the vault folder from `--vault`, else `$EVIDENT_VAULT`, else the platform default.
fn run(cli: Cli) -> Result<(), Fail> {
    let dir = cli
        .vault
        .or_else(|| std::env::var_os("EVIDENT_VAULT").map(PathBuf::from))
        .unwrap_or_else(evident_core::vault::default_vault_dir);
    let secrets = &mut Secrets::new();
    match cli.cmd {
        Cmd::Init => init::run(&dir, secrets),
        Cmd::Add(a) => add::run(a, &dir, secrets),
        Cmd::Attach(a) => attach::run(a, &dir, secrets),
        Cmd::Amend(a) => amend::run(a, &dir, secrets),
        Cmd::DescribeAttachment(a) => attach::describe(a, &dir, secrets),
        Cmd::Withdraw(a) => withdraw::run(a, &dir, secrets),
        Cmd::List(a) => list::run(a, &dir, secrets),
        Cmd::Show(a) => show::run(a, &dir, secrets),
        Cmd::Report(a) => report::run(a, &dir, secrets),
        Cmd::Verify(a) => verify::run(a, &dir, secrets),
        Cmd::Acknowledge(a) => verify::acknowledge(a, &dir, secrets),
        Cmd::Backup(a) => backup::backup(a, &dir, secrets),
        Cmd::Restore(a) => backup::restore(a, &dir, secrets),
        Cmd::Passwd => keys::passwd(&dir, secrets),
        Cmd::Rekey => keys::rekey(&dir, secrets),
        Cmd::RecoveryKey => keys::recovery_key(&dir, secrets),
        Cmd::Remember => keys::remember(&dir, secrets),
        Cmd::Forget => keys::forget(&dir, secrets),
        Cmd::Export(a) => export::run(a, &dir, secrets),
        Cmd::VerifyPack(a) => verify_pack::run(&a),
        Cmd::Anchor(a) => anchor::run(a, &dir, secrets),
        Cmd::Tsa(a) => anchor::tsa(a, &dir, secrets),
        Cmd::Fingerprint => anchor::fingerprint_cmd(&dir, secrets),
        Cmd::Import(a) => import::run(a, &dir, secrets),
    }
}

fn main() -> ExitCode {
    // Before any secret is read: no core dump of this process (it holds the data key and decrypted text).
    if let Err(e) = evident_core::hardening::no_core_dumps() {
        eprintln!("evident-cli: warning: {}", e.message());
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // Usage errors exit 1; --help and --version print to standard output and exit 0.
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
        Err(Fail { code, message }) => {
            eprintln!("{message}");
            ExitCode::from(code)
        }
    }
}
