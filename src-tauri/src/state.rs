//! The app's state: the vault folder and the open vault (if unlocked), behind one mutex, plus the last
//! integrity result. Locking drops the `Vault`, which closes the database and wipes its key.
//!
//! Trusted time (see `anchoring`): each unlock gets a new generation number, so an anchoring job that started
//! under one unlock never records into a vault opened later; the background anchoring thread of the current
//! unlock is stopped at lock; one anchoring run at a time; and the debounce after a change.
//!
//! Test builds (feature `test-hooks`) also hold the test export folder, fixed when the app starts.

#[cfg(feature = "test-hooks")]
use std::path::Path;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use evident_core::Vault;

use crate::anchoring::Stop;
use crate::commands::verify::IntegrityView;
use crate::error::{IpcError, IpcResult};

/// How long after the last change the background thread waits before time-stamping (changes come in bursts).
pub const ANCHOR_DEBOUNCE: Duration = Duration::from_secs(120);

/// The open vault and the number of the unlock it belongs to.
#[derive(Debug, Default)]
struct Open {
    vault: Option<Vault>,
    generation: u64,
}

/// Shared state managed by Tauri.
#[derive(Debug)]
pub struct AppState {
    /// Where the vault lives (`EVIDENT_VAULT`, or the platform default).
    pub dir: PathBuf,
    open: Mutex<Open>,
    integrity: Mutex<Option<IntegrityView>>,
    anchor_debounce: Duration,
    anchor_run: Mutex<()>,
    anchor_worker: Mutex<Option<Arc<Stop>>>,
    /// Test builds: where exports go without the save dialog (`EVIDENT_TEST_EXPORT_DIR` at startup).
    #[cfg(feature = "test-hooks")]
    test_export_dir: Option<PathBuf>,
}

/// Locks a mutex. A panic elsewhere must not leave the app unusable: the data behind the lock is still
/// consistent (every core write is a transaction).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl AppState {
    /// State for the vault in `dir`, locked.
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            open: Mutex::new(Open::default()),
            integrity: Mutex::new(None),
            anchor_debounce: ANCHOR_DEBOUNCE,
            anchor_run: Mutex::new(()),
            anchor_worker: Mutex::new(None),
            #[cfg(feature = "test-hooks")]
            test_export_dir: None,
        }
    }

    /// The same state with another debounce before background time-stamping (tests shorten it).
    #[must_use]
    pub fn with_anchor_debounce(mut self, debounce: Duration) -> Self {
        self.anchor_debounce = debounce;
        self
    }

    /// How long after the last change the background thread waits before time-stamping.
    pub fn anchor_debounce(&self) -> Duration {
        self.anchor_debounce
    }

    /// Test builds: the same state, exporting into `dir` (when `Some`) without the save dialog.
    #[cfg(feature = "test-hooks")]
    #[must_use]
    pub fn with_test_export_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.test_export_dir = dir;
        self
    }

    /// Test builds: the test export folder, if one was given at startup.
    #[cfg(feature = "test-hooks")]
    pub fn test_export_dir(&self) -> Option<&Path> {
        self.test_export_dir.as_deref()
    }

    /// Runs `f` with the open vault, or fails with `locked`.
    pub fn with_vault<T>(
        &self,
        f: impl FnOnce(&mut Vault) -> evident_core::Result<T>,
    ) -> IpcResult<T> {
        let mut guard = lock(&self.open);
        match guard.vault.as_mut() {
            Some(v) => f(v).map_err(IpcError::from),
            None => Err(IpcError::locked()),
        }
    }

    /// [`AppState::with_vault`], also returning the number of the current unlock.
    pub fn with_vault_gen<T>(
        &self,
        f: impl FnOnce(&mut Vault) -> evident_core::Result<T>,
    ) -> IpcResult<(u64, T)> {
        let mut guard = lock(&self.open);
        let generation = guard.generation;
        match guard.vault.as_mut() {
            Some(v) => f(v).map(|t| (generation, t)).map_err(IpcError::from),
            None => Err(IpcError::locked()),
        }
    }

    /// Runs `f` with the open vault only if it is still the one of unlock `generation`; otherwise `locked`.
    pub fn with_vault_at<T>(
        &self,
        generation: u64,
        f: impl FnOnce(&mut Vault) -> evident_core::Result<T>,
    ) -> IpcResult<T> {
        let mut guard = lock(&self.open);
        if guard.generation != generation {
            return Err(IpcError::locked());
        }
        match guard.vault.as_mut() {
            Some(v) => f(v).map_err(IpcError::from),
            None => Err(IpcError::locked()),
        }
    }

    /// The number of the current unlock, if a vault is open.
    pub fn generation(&self) -> Option<u64> {
        let guard = lock(&self.open);
        guard.vault.as_ref().map(|_| guard.generation)
    }

    /// Whether a vault is open.
    pub fn is_unlocked(&self) -> bool {
        lock(&self.open).vault.is_some()
    }

    /// Puts an opened vault in place (replacing and closing any other, and stopping its background
    /// anchoring) and records its open check.
    pub fn set_vault(&self, vault: Vault) {
        self.stop_worker();
        let check = IntegrityView::from_open_check(vault.open_check());
        {
            let mut guard = lock(&self.open);
            guard.generation = guard.generation.wrapping_add(1);
            guard.vault = Some(vault);
        }
        *lock(&self.integrity) = Some(check);
    }

    /// Locks: stops background anchoring, drops the vault (closing the database, wiping the key) and the
    /// integrity result.
    pub fn lock(&self) {
        self.stop_worker();
        {
            let mut guard = lock(&self.open);
            guard.generation = guard.generation.wrapping_add(1);
            guard.vault = None;
        }
        *lock(&self.integrity) = None;
    }

    /// The last integrity result (open check or full verify).
    pub fn integrity(&self) -> Option<IntegrityView> {
        lock(&self.integrity).clone()
    }

    /// Records a full verify result.
    pub fn set_integrity(&self, v: IntegrityView) {
        *lock(&self.integrity) = Some(v);
    }

    /// Held while an anchoring run is under way: one run at a time, so two never ask for the same head.
    pub(crate) fn anchor_running(&self) -> MutexGuard<'_, ()> {
        lock(&self.anchor_run)
    }

    /// Keeps the stop signal of the background anchoring thread of this unlock, stopping any earlier one.
    pub(crate) fn set_worker(&self, stop: Arc<Stop>) {
        if let Some(old) = lock(&self.anchor_worker).replace(stop) {
            old.stop();
        }
    }

    fn stop_worker(&self) {
        if let Some(old) = lock(&self.anchor_worker).take() {
            old.stop();
        }
    }
}
