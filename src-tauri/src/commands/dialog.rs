//! Native file dialogs (rfd, GTK on Linux). GTK must be driven from the main thread, so dialogs are
//! dispatched there and the (async) command waits for the answer.

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
