//! Crash safety of a change of keys: `evident-cli rekey` is killed with SIGKILL at random moments, many times
//! (`EVIDENT_REKEY_CRASH_RUNS`, default 100). After every kill the vault must open with the old passphrase or the
//! new one, never neither, and `verify` must pass. A quarter of the kills are spread over the measured life of one
//! run, a quarter over the part of it where keys.json holds the rotation, a quarter come a random time after the
//! re-encryption of the database begins and a quarter a random time after it commits.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use common::*;

/// A small deterministic PRNG (xorshift), so a failing run can be repeated with the printed seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn verify_with(vault: &Path, pass: &str) -> TestResult<Output> {
    cli(vault, &["verify"], &format!("{pass}\n"))
}

fn says(out: &Output, what: &str) -> bool {
    String::from_utf8_lossy(&out.stderr).contains(what)
}

/// Whether the database has a rollback journal of more than a megabyte: the re-encryption's.
fn big_journal(vault: &Path) -> bool {
    std::fs::metadata(vault.join("evident.db-journal")).is_ok_and(|m| m.len() > 1024 * 1024)
}

/// Moments of the first, measured run, from its start.
#[derive(Debug, Default)]
struct Moments {
    rotation: Option<Duration>,
    journal_first: Option<Duration>,
    journal_last: Option<Duration>,
    finished: Option<Duration>,
}

/// Where kills are aimed, from the measured moments.
struct Spans {
    rotation: Duration,
    changing: Duration,
    reencrypting: Duration,
    after_commit: Duration,
}

impl Moments {
    fn spans(&self) -> Option<Spans> {
        let (r, f) = (self.rotation?, self.finished?);
        let (jf, jl) = (
            self.journal_first.unwrap_or(r),
            self.journal_last.unwrap_or(r),
        );
        Some(Spans {
            rotation: r,
            changing: f.saturating_sub(r) + Duration::from_millis(10),
            reencrypting: jl.saturating_sub(jf),
            after_commit: f.saturating_sub(jl),
        })
    }
}

#[test]
fn sigkill_during_rekey_always_leaves_the_old_or_the_new_secrets_working() -> TestResult {
    let runs: u64 = std::env::var("EVIDENT_REKEY_CRASH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos() as u64
        | 1;
    eprintln!("rekey crash test: {runs} runs, seed {seed}");
    let mut rng = Rng(seed);
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    ok(&cli(&vault, &["init"], &pass())?)?;
    // Some megabytes in the database, so that re-encrypting it takes a share of a run that kills land in.
    let shot = tmp.path().join("screenshot.png");
    let mut data = vec![0u8; 4 * 1024 * 1024];
    for b in data.iter_mut() {
        *b = rng.next() as u8;
    }
    std::fs::write(&shot, &data)?;
    let id = ok(&cli(
        &vault,
        &[
            "add",
            "--summary",
            "kept through every change of keys",
            "--attach",
            shot.to_str().ok_or("path")?,
        ],
        &pass(),
    )?)?;
    let id = id.lines().last().unwrap_or_default().to_string();

    let mut current = PASS.to_string();
    let mut full = Duration::from_millis(50);
    let mut m = Moments::default();
    let (mut killed, mut completed, mut pending, mut hot_journal) = (0, 0, 0, 0);
    let (mut stayed_old, mut became_new, mut undone, mut finished) = (0, 0, 0, 0);
    for run in 0..runs {
        let new = format!("passphrase number {run} of the crash test");
        let t0 = Instant::now();
        let mut child = spawn(&vault, &["rekey"], &format!("{current}\n{new}\n"))?;
        if run == 0 {
            // The whole life of one run (spawn, unlock, check, wrap, re-encrypt, record, print), and within it,
            // polled: when the rotation appeared in keys.json (after the four Argon2id derivations), when the
            // re-encryption's rollback journal (as large as the database) was first and last seen (it commits
            // when the journal goes; the switch out of WAL mode before it has a small journal of its own), and
            // when the rotation left keys.json again.
            while child.try_wait()?.is_none() {
                let now = t0.elapsed();
                let rotating = std::fs::read_to_string(vault.join("keys.json"))
                    .is_ok_and(|k| k.contains("\"rotation\""));
                if rotating && m.rotation.is_none() {
                    m.rotation = Some(now);
                }
                if !rotating && m.rotation.is_some() && m.finished.is_none() {
                    m.finished = Some(now);
                }
                if big_journal(&vault) {
                    m.journal_first.get_or_insert(now);
                    m.journal_last = Some(now);
                }
                std::thread::sleep(Duration::from_micros(200));
            }
            let out = child.wait_with_output()?;
            let stdout = ok(&out)?;
            assert!(stdout.contains("destroy them"), "{stdout}");
            full = t0.elapsed().max(Duration::from_millis(50));
            eprintln!("rekey crash test: one rekey takes {full:?}; {m:?}");
            current = new;
            continue;
        }
        // A quarter of the kills at a random moment of the whole life; a quarter at a random moment while the
        // rotation is in keys.json; a quarter a random time after the re-encryption's journal appears, and a
        // quarter after it goes (the commit), each up to half its measured span (noticing takes time too).
        let random = |rng: &mut Rng, span: Duration| {
            Duration::from_micros(rng.next() % (span.as_micros() as u64 + 1))
        };
        match (run % 4, m.spans()) {
            (1, Some(s)) => {
                let from = s.rotation.saturating_sub(Duration::from_millis(10));
                std::thread::sleep(from + random(&mut rng, s.changing));
            }
            (2, Some(s)) => {
                while child.try_wait()?.is_none() && !big_journal(&vault) {
                    std::thread::sleep(Duration::from_micros(50));
                }
                std::thread::sleep(random(&mut rng, s.reencrypting / 2));
            }
            (3, Some(s)) => {
                let mut seen = false;
                while child.try_wait()?.is_none() {
                    let there = big_journal(&vault);
                    if seen && !vault.join("evident.db-journal").exists() {
                        break;
                    }
                    seen |= there;
                    std::thread::sleep(Duration::from_micros(50));
                }
                std::thread::sleep(random(&mut rng, s.after_commit / 2));
            }
            _ => std::thread::sleep(random(&mut rng, full)),
        }
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait()?;
        let mut stdout = String::new();
        if let Some(mut o) = child.stdout.take() {
            o.read_to_string(&mut stdout)?;
        }
        let done = status.success();
        if done {
            completed += 1;
            assert!(stdout.contains("New recovery key"), "{stdout}");
        } else {
            killed += 1;
        }
        // What the kill left on disk, before anything opens the vault.
        let keys = std::fs::read_to_string(vault.join("keys.json"))?;
        if keys.contains("\"rotation\"") {
            pending += 1;
        }
        if vault.join("evident.db-journal").exists() {
            hot_journal += 1;
        }
        // The old or the new passphrase opens it, tried in a random order, and the full check passes.
        let (first, second) = if rng.next().is_multiple_of(2) {
            (current.clone(), new.clone())
        } else {
            (new.clone(), current.clone())
        };
        let mut opened = None;
        for pass in [&first, &second] {
            let out = verify_with(&vault, pass)?;
            match out.status.code() {
                Some(0) => {
                    if says(&out, "has been undone") {
                        undone += 1;
                    }
                    if says(&out, "has now been finished") {
                        finished += 1;
                    }
                    opened = Some(pass.clone());
                    break;
                }
                Some(1) => continue,
                _ => {
                    return Err(format!(
                        "run {run} (seed {seed}): verify with the {} passphrase failed: {}{}",
                        if *pass == new { "new" } else { "old" },
                        String::from_utf8_lossy(&out.stdout),
                        String::from_utf8_lossy(&out.stderr)
                    )
                    .into())
                }
            }
        }
        let Some(opened) = opened else {
            return Err(format!(
                "run {run} (seed {seed}): neither the old nor the new passphrase opens the vault"
            )
            .into());
        };
        if opened == new {
            became_new += 1;
            current = new;
        } else {
            assert!(
                !done,
                "run {run}: rekey said it was done, but the old passphrase still opens the vault"
            );
            stayed_old += 1;
        }
    }
    eprintln!(
        "rekey crash test: {killed} killed mid-way, {completed} completed; after the kill {pending} left a \
         rotation in keys.json and {hot_journal} a rollback journal; then {stayed_old} opened with the old \
         passphrase ({undone} undone at open) and {became_new} with the new one ({finished} finished at open)"
    );
    assert!(
        killed >= runs / 4,
        "the kills must land while the process is running ({killed} of {runs})"
    );
    assert!(
        pending > 0,
        "some kills must land while the keys are being changed (seed {seed})"
    );
    // Everything is still there, under the passphrase now in force.
    let out = ok(&cli(
        &vault,
        &["show", &id, "--json"],
        &format!("{current}\n"),
    )?)?;
    assert!(out.contains("kept through every change of keys"));
    ok(&verify_with(&vault, &current)?)?;
    Ok(())
}

/// The recovery key printed by `init`, `rekey` or `recovery-key` (the line of 8 groups of 4).
fn printed_key(stdout: &str) -> TestResult<String> {
    Ok(stdout
        .lines()
        .find(|l| l.len() == 39 && l.split('-').count() == 8)
        .ok_or("no recovery key printed")?
        .to_string())
}

#[test]
fn rekey_and_recovery_key_verbs() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    let old_recovery = printed_key(&ok(&cli(&vault, &["init"], &pass())?)?)?;
    ok(&cli(&vault, &["add", "--summary", "kept"], &pass())?)?;
    let new = "a completely new passphrase";

    // A wrong current secret: exit 1, one line, nothing changed.
    let keys = std::fs::read(vault.join("keys.json"))?;
    for verb in ["rekey", "recovery-key", "passwd"] {
        let out = cli(&vault, &[verb], &format!("not the passphrase\n{new}\n"))?;
        assert_eq!(out.status.code(), Some(1), "{verb}");
        let err = String::from_utf8(out.stderr)?;
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("does not unlock"), "{err}");
    }
    assert_eq!(std::fs::read(vault.join("keys.json"))?, keys);

    // rekey: current (here the recovery key), then new; prints the new recovery key and the warning.
    let out = ok(&cli(
        &vault,
        &["rekey"],
        &format!("{old_recovery}\n{new}\n"),
    )?)?;
    assert!(out.contains("destroy them"), "{out}");
    assert!(out.contains("Older backups"), "{out}");
    let recovery = printed_key(&out)?;
    assert_ne!(recovery, old_recovery);
    for old in [PASS, old_recovery.as_str()] {
        let out = cli(&vault, &["verify"], &format!("{old}\n"))?;
        assert_eq!(
            out.status.code(),
            Some(1),
            "an old secret still opens the vault"
        );
    }
    ok(&cli(&vault, &["verify"], &format!("{new}\n"))?)?;
    ok(&cli(&vault, &["verify"], &format!("{recovery}\n"))?)?;

    // recovery-key: replaces the recovery key only.
    let out = ok(&cli(&vault, &["recovery-key"], &format!("{new}\n"))?)?;
    let replaced = printed_key(&out)?;
    assert!(out.contains("evident-cli rekey"), "{out}");
    assert_eq!(
        cli(&vault, &["verify"], &format!("{recovery}\n"))?
            .status
            .code(),
        Some(1)
    );
    ok(&cli(&vault, &["verify"], &format!("{replaced}\n"))?)?;
    let list = ok(&cli(&vault, &["list", "--json"], &format!("{new}\n"))?)?;
    assert!(list.contains("kept"));
    // The full check passes after both changes.
    let out = ok(&cli(&vault, &["verify", "--json"], &format!("{new}\n"))?)?;
    assert!(
        out.contains("\"ok\": true") || out.contains("\"ok\":true"),
        "{out}"
    );
    Ok(())
}
