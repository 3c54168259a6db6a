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

/// Test builds: with this variable naming a folder, the app's file dialogs (attach, export, backup, save the
/// recovery key) are answered from it instead of being shown (see [`test_answer`]).
pub const TEST_DIALOG_DIR: &str = "EVIDENT_TEST_DIALOG_DIR";

/// Answers a file dialog without showing it: only in test builds, and only with [`TEST_DIALOG_DIR`] set. A save
/// dialog (`save_as`, its suggested name) is answered `<dir>/<suggested name>`, an open dialog with every file in
/// `<dir>/open`, by name. First, as GTK's file chooser does when a file is chosen, each answer is added to the
/// desktop's Recent files: the command must take it out again ([`chosen`]), which the end-to-end test checks for
/// each dialog. `None`: show the real dialog.
#[cfg(feature = "test-hooks")]
pub fn test_answer<R: Runtime>(
    app: &AppHandle<R>,
    save_as: Option<&str>,
) -> IpcResult<Option<Vec<std::path::PathBuf>>> {
    let Some(dir) = std::env::var_os(TEST_DIALOG_DIR).map(std::path::PathBuf::from) else {
        return Ok(None);
    };
    let paths = match save_as {
        Some(name) => vec![dir.join(name)],
        None => {
            let mut files: Vec<_> = std::fs::read_dir(dir.join("open"))
                .map(|rd| {
                    rd.filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.is_file())
                        .collect()
                })
                .unwrap_or_default();
            files.sort();
            files
        }
    };
    #[cfg(target_os = "linux")]
    {
        let uris = crate::recent::gtk_recent::uris(&paths);
        let added = on_main_thread(app, move || {
            uris.iter()
                .all(|u| crate::recent::gtk_recent::add_like_the_file_chooser(u))
        })?;
        if !added {
            // The check that the command takes the entry out again would prove nothing.
            return Err(IpcError::new(
                ErrorKind::DialogFailed,
                "test dialog: GTK's recent-files list did not take the chosen file",
                None,
            ));
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
    Ok(Some(paths))
}

/// Answers a file dialog without showing it: never, outside test builds.
#[cfg(not(feature = "test-hooks"))]
pub fn test_answer<R: Runtime>(
    _app: &AppHandle<R>,
    _save_as: Option<&str>,
) -> IpcResult<Option<Vec<std::path::PathBuf>>> {
    Ok(None)
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
