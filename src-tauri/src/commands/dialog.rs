//! Native file dialogs (rfd, GTK on Linux). GTK must be driven from the main thread, so dialogs are
//! dispatched there and the (async) command waits for the answer. Every file chosen in them is then kept out
//! of the desktop's Recent files ([`crate::recent`]).

use evident_core::ErrorKind;
use tauri::{AppHandle, Runtime};

use crate::error::{IpcError, IpcResult};

/// Runs `f` on the main (GUI) thread and waits for its result.
pub fn on_main_thread<R: Runtime, T: Send + 'static>(
    app: &AppHandle<R>,
    f: impl FnOnce() -> T + Send + 'static,
) -> IpcResult<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    app.run_on_main_thread(move || {
        let _ = tx.send(f());
    })
    .map_err(|e| {
        IpcError::new(
            ErrorKind::DialogFailed,
            format!("the file dialog could not be opened: {e}"),
            None,
        )
    })?;
    rx.recv().map_err(|_| {
        IpcError::new(
            ErrorKind::DialogFailed,
            "the file dialog closed unexpectedly",
            None,
        )
    })
}

/// Keeps files just chosen in a dialog out of the desktop's Recent files (see [`crate::recent`]).
pub fn chosen<R: Runtime>(app: &AppHandle<R>, paths: &[std::path::PathBuf]) {
    crate::recent::forget(app, paths);
}

/// Test builds only: does in the running app what GTK's file chooser does when a file is chosen (adds `path`
/// to GTK's recent-files list), then, when `forget` is true, what the app does after each of its dialogs.
/// Returns whether GTK took the entry. End-to-end tests use it because WebDriver cannot drive the GTK dialog.
#[cfg(feature = "test-hooks")]
#[tauri::command]
pub async fn test_recent_files<R: Runtime>(
    app: AppHandle<R>,
    path: String,
    forget: bool,
) -> IpcResult<bool> {
    let paths = vec![std::path::PathBuf::from(path)];
    #[cfg(target_os = "linux")]
    let added = {
        let uris = crate::recent::gtk_recent::uris(&paths);
        on_main_thread(&app, move || {
            uris.iter()
                .all(|u| crate::recent::gtk_recent::add_like_the_file_chooser(u))
        })?
    };
    #[cfg(not(target_os = "linux"))]
    let added = false;
    if forget {
        chosen(&app, &paths);
    }
    Ok(added)
}
