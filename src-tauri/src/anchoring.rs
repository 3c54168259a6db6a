//! Trusted time in the app: RFC 3161 time-stamps of the chain head, requested off the logging path.
//!
//! A run takes the job (what to cover, which services to ask) in a short section under the vault lock,
//! releases it, asks every service at once on its own thread (the network may be slow or absent), then takes
//! the lock again only to record each good token, or to note the failure in the core's retry queue (which sets
//! the back-off). Logging an incident never waits for the network: it only ever waits for those short sections.
//!
//! Runs happen:
//! - in the background: a thread started at each unlock (stopped at lock) wakes every 20 s and, when the core
//!   says an attempt is due (anchoring on, something new, back-off passed) and the last change is older than
//!   the debounce (2 minutes), runs the job;
//! - when the person presses "Time-stamp now";
//! - at lock and before an export, within a budget of 5 s that never holds up the lock or the export.
//!
//! After each run the app emits [`EVENT`] so the UI refreshes what it shows.

use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use evident_core::anchor::{AnchorAttempt, AnchorJob};
use evident_core::tsa::{self, Limits, Stamp, TsaConfig};
use evident_core::{ErrorKind, Vault};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::{IpcError, IpcResult};
use crate::state::{lock, AppState};

/// The event emitted after every anchoring run (its payload is empty: the UI asks for the status).
pub const EVENT: &str = "anchor-changed";

/// The most a lock or an export waits for a time-stamp.
pub const BUDGET: Duration = Duration::from_secs(5);

/// The longest the background thread sleeps between looks.
const TICK: Duration = Duration::from_secs(20);

/// Test builds: the environment variable that shortens the debounce (milliseconds), read once at startup.
#[cfg(feature = "test-hooks")]
pub const TEST_DEBOUNCE: &str = "EVIDENT_TEST_ANCHOR_DEBOUNCE_MS";

/// Test builds: the debounce from the environment, when the variable is set to a number (called once, at
/// startup).
#[cfg(feature = "test-hooks")]
pub fn test_debounce_from_env() -> Option<Duration> {
    std::env::var(TEST_DEBOUNCE)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
}

/// Network bounds within [`BUDGET`], for the attempts at lock and before an export.
fn quick_limits() -> Limits {
    Limits {
        connect: Duration::from_secs(3),
        read: Duration::from_secs(4),
        total: BUDGET,
        ..Limits::default()
    }
}

/// Tells a background thread to stop, waking it at once.
#[derive(Debug, Default)]
pub struct Stop {
    stopped: Mutex<bool>,
    wake: Condvar,
}

impl Stop {
    /// Asks the thread to stop.
    pub fn stop(&self) {
        *lock(&self.stopped) = true;
        self.wake.notify_all();
    }

    /// Sleeps up to `d`; true when asked to stop.
    fn wait(&self, d: Duration) -> bool {
        let guard = lock(&self.stopped);
        let (guard, _) = self
            .wake
            .wait_timeout_while(guard, d, |stopped| !*stopped)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *guard
    }
}

/// What a run found to do, read under the vault lock.
enum Prepared {
    /// Network anchoring is off: nothing is sent.
    Off,
    /// No time-stamping service is configured.
    NoService,
    /// Ask these services for this head.
    Job(AnchorJob),
}

fn prepare(v: &mut Vault) -> evident_core::Result<Prepared> {
    if !v.anchoring_enabled()? {
        return Ok(Prepared::Off);
    }
    if v.tsas()?.is_empty() {
        return Ok(Prepared::NoService);
    }
    v.anchor_job(None).map(Prepared::Job)
}

/// One exchange with one service: the request (the head's SHA-256 and a nonce), sent within `limits`, and the
/// reply verified against that service's CA certificates.
fn stamp_one(t: &TsaConfig, digest: &[u8; 32], limits: &Limits) -> evident_core::Result<Stamp> {
    let (request, nonce) = tsa::request(digest)?;
    let reply = tsa::send_with(&t.url, &request, limits)?;
    tsa::verify_response(&reply, digest, &nonce, &t.ca_pem)
}

/// Asks every service of the job at once, each on its own thread; the outcomes in the job's order.
fn stamp_all(job: &AnchorJob, limits: &Limits) -> Vec<evident_core::Result<Stamp>> {
    std::thread::scope(|s| {
        let running: Vec<_> = job
            .tsas
            .iter()
            .map(|t| s.spawn(move || stamp_one(t, &job.covers_hash, limits)))
            .collect();
        running
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(evident_core::Error::new(
                        ErrorKind::Internal,
                        "the time-stamp request stopped unexpectedly",
                    ))
                })
            })
            .collect()
    })
}

/// Records the outcomes under the vault lock (each good token as an anchor, checked again by the core) and
/// updates the retry queue: cleared when any service anchored this head, else the failure is queued.
fn record(
    v: &mut Vault,
    job: &AnchorJob,
    outcomes: Vec<evident_core::Result<Stamp>>,
) -> evident_core::Result<Vec<AnchorAttempt>> {
    let mut attempts: Vec<AnchorAttempt> = job
        .already
        .iter()
        .map(|url| AnchorAttempt {
            tsa_url: url.clone(),
            anchor: None,
            already: true,
            error: None,
        })
        .collect();
    let mut errors = Vec::new();
    for (t, outcome) in job.tsas.iter().zip(outcomes) {
        match outcome.and_then(|s| v.record_anchor(job, t, &s)) {
            Ok(view) => attempts.push(AnchorAttempt {
                tsa_url: t.url.clone(),
                anchor: Some(view),
                already: false,
                error: None,
            }),
            Err(e) => {
                errors.push(format!("{}: {}", t.url, e.message()));
                attempts.push(AnchorAttempt {
                    tsa_url: t.url.clone(),
                    anchor: None,
                    already: false,
                    error: Some(e.message().to_string()),
                });
            }
        }
    }
    if attempts.iter().any(|a| a.anchor.is_some() || a.already) {
        v.anchor_succeeded()?;
    } else if !errors.is_empty() {
        v.anchor_failed(&errors.join("; "))?;
    }
    Ok(attempts)
}

/// One anchoring run (see the module documentation), for the unlock `generation` when given (a background or
/// budgeted run: it never records into a vault unlocked after it started) or the current one. Blocks: call it
/// off the async runtime. Returns each service's outcome; fails when anchoring is off, no service is
/// configured, or the vault is locked.
pub fn run_on(
    state: &AppState,
    limits: &Limits,
    generation: Option<u64>,
) -> IpcResult<Vec<AnchorAttempt>> {
    let _one_at_a_time = state.anchor_running();
    let (generation, prepared) = match generation {
        Some(g) => (g, state.with_vault_at(g, prepare)?),
        None => state.with_vault_gen(prepare)?,
    };
    let job = match prepared {
        Prepared::Job(job) => job,
        Prepared::Off => {
            return Err(IpcError::new(
                ErrorKind::NotAllowed,
                "Time-stamping over the network is off, so nothing was sent.",
                Some("Turn on “Time-stamp over the network” below first."),
            ))
        }
        Prepared::NoService => {
            return Err(IpcError::new(
                ErrorKind::InvalidInput,
                "No time-stamping service is listed.",
                Some("Add one below: its address and its CA certificate file."),
            ))
        }
    };
    // The network, without the vault: logging goes on meanwhile.
    let outcomes = if job.tsas.is_empty() {
        Vec::new()
    } else {
        stamp_all(&job, limits)
    };
    state.with_vault_at(generation, |v| record(v, &job, outcomes))
}

/// [`run_on`] for the app's state, then tells the UI (event [`EVENT`]).
pub fn run<R: Runtime>(
    app: &AppHandle<R>,
    limits: &Limits,
    generation: Option<u64>,
) -> IpcResult<Vec<AnchorAttempt>> {
    let result = run_on(&app.state::<AppState>(), limits, generation);
    let _ = app.emit(EVENT, ());
    result
}

/// At lock and before an export: when anchoring is on and something is not time-stamped yet, tries within
/// [`BUDGET`] and returns, whatever happened, by then. (A run that takes longer finishes on its own thread; if
/// the vault was locked meanwhile its result is dropped, and the next unlock tries again.) Blocks for at most the
/// budget: call it off the async runtime.
pub fn attempt_within<R: Runtime>(app: &AppHandle<R>, budget: Duration) {
    let state = app.state::<AppState>();
    let worth = state.with_vault_gen(|v| {
        Ok(v.anchoring_enabled()? && !v.tsas()?.is_empty() && v.anchor_status()?.unanchored > 0)
    });
    let Ok((generation, true)) = worth else {
        return;
    };
    let (tx, rx) = mpsc::channel();
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("evident-anchor-now".into())
        .spawn(move || {
            let _ = tx.send(run(&app, &quick_limits(), Some(generation)));
        });
    if spawned.is_ok() {
        let _ = rx.recv_timeout(budget);
    }
}

/// Starts the background anchoring thread of the current unlock (stopping any earlier one). Called right
/// after a vault is opened; [`AppState::lock`] stops it.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let Some(generation) = state.generation() else {
        return;
    };
    let stop = Arc::new(Stop::default());
    state.set_worker(stop.clone());
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("evident-anchoring".into())
        .spawn(move || background(&app, &stop, generation));
    if spawned.is_err() {
        // Without the thread, time-stamps still come from "Time-stamp now", the lock and exports.
    }
}

/// The background thread: wakes every tick; anchors when the core says it is due and nothing has changed for
/// the debounce. Changes are seen as the head's number moving; what was there at unlock counts as old.
fn background<R: Runtime>(app: &AppHandle<R>, stop: &Stop, generation: u64) {
    let state = app.state::<AppState>();
    let debounce = state.anchor_debounce();
    let tick = (debounce / 2).clamp(Duration::from_millis(100), TICK);
    let mut seen: Option<u64> = None;
    let mut changed_at: Option<Instant> = None;
    while !stop.wait(tick) {
        let probe = state.with_vault_at(generation, |v| Ok((v.head()?.seq, v.anchor_due()?)));
        let (head, due) = match probe {
            Ok(p) => p,
            Err(e) if e.code == ErrorKind::Locked => return,
            Err(_) => continue,
        };
        if seen.is_some_and(|s| s != head) {
            changed_at = Some(Instant::now());
        }
        seen = Some(head);
        let settled = changed_at.is_none_or(|t| t.elapsed() >= debounce);
        if due && settled {
            let _ = run(app, &Limits::default(), Some(generation));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_wakes_a_waiting_thread_at_once() {
        let stop = Arc::new(Stop::default());
        let s2 = stop.clone();
        let t0 = Instant::now();
        let h = std::thread::spawn(move || s2.wait(Duration::from_secs(30)));
        std::thread::sleep(Duration::from_millis(50));
        stop.stop();
        assert!(h.join().unwrap_or(false));
        assert!(t0.elapsed() < Duration::from_secs(5));
        assert!(!Stop::default().wait(Duration::from_millis(1)));
    }

    #[test]
    fn quick_limits_fit_the_budget() {
        let l = quick_limits();
        assert!(l.connect <= BUDGET && l.read <= BUDGET && l.total <= BUDGET);
    }
}
