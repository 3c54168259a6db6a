//! The app's state: the vault folder and the open vault (if unlocked), behind one mutex, plus the last
//! integrity result. Locking drops the `Vault`, which closes the database and wipes its key.
//!
//! Test builds (feature `test-hooks`) also hold the test export folder, fixed when the app starts.

#[cfg(feature = "test-hooks")]
use std::path::Path;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use evident_core::Vault;

use crate::commands::verify::IntegrityView;
use crate::error::{IpcError, IpcResult};

/// Shared state managed by Tauri.
#[derive(Debug)]
pub struct AppState {
    /// Where the vault lives (`EVIDENT_VAULT`, or the platform default).
    pub dir: PathBuf,
    vault: Mutex<Option<Vault>>,
    integrity: Mutex<Option<IntegrityView>>,
    /// Test builds: where exports go without the save dialog (`EVIDENT_TEST_EXPORT_DIR` at startup).
    #[cfg(feature = "test-hooks")]
    test_export_dir: Option<PathBuf>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not leave the app unusable: the data behind the lock is still consistent
    // (every core write is a transaction).
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl AppState {
    /// State for the vault in `dir`, locked.
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            vault: Mutex::new(None),
            integrity: Mutex::new(None),
            #[cfg(feature = "test-hooks")]
            test_export_dir: None,
        }
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
        let mut guard = lock(&self.vault);
        match guard.as_mut() {
            Some(v) => f(v).map_err(IpcError::from),
            None => Err(IpcError::locked()),
        }
    }

    /// Whether a vault is open.
    pub fn is_unlocked(&self) -> bool {
        lock(&self.vault).is_some()
    }

    /// Puts an opened vault in place (replacing and closing any other) and records its open check.
    pub fn set_vault(&self, vault: Vault) {
        let check = IntegrityView::from_open_check(vault.open_check());
        *lock(&self.vault) = Some(vault);
        *lock(&self.integrity) = Some(check);
    }

    /// Locks: drops the vault (closing the database, wiping the key) and the integrity result.
    pub fn lock(&self) {
        *lock(&self.vault) = None;
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
}
