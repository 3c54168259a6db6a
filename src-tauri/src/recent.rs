//! Keeps the app's file dialogs out of the desktop's Recent files.
//!
//! GTK's file chooser (what rfd shows on Linux) adds every file chosen in it, saves included, to the person's
//! Recent files (`$XDG_DATA_HOME/recently-used.xbel`), where anyone at the computer sees them in Files → Recent.
//! GTK's own switch (`gtk-recent-files-enabled = false`, or `gtk-recent-files-max-age = 0`) does not help: GTK
//! then rewrites the file *empty* each time a dialog is used, wiping the person's whole list, which is both a
//! loss and a sign that something happened. So, instead, after each dialog the app takes out of the list only
//! the files chosen in it: GTK adds the file in the background a moment after the dialog closes and writes the
//! list 250 ms later, so the app looks for the entry at once and then every 20 ms, and removes it from GTK's
//! in-memory list before that write. It keeps looking for a minute in case the add comes late (then the entry
//! may have been on disk for a moment). Everything else in the list is left as it was.

use std::path::PathBuf;

use tauri::{AppHandle, Runtime};

/// How long and how often to look for the entries of one dialog: every 20 ms for 3 s, then every 500 ms until
/// one minute has passed.
fn schedule() -> impl Iterator<Item = std::time::Duration> {
    use std::time::Duration;
    std::iter::repeat_n(Duration::from_millis(20), 150)
        .chain(std::iter::repeat_n(Duration::from_millis(500), 114))
}

/// Takes `paths` (just chosen in a file dialog) out of the desktop's Recent files, now and as soon as GTK adds
/// them. Returns at once; the work happens on the GUI thread. Does nothing outside Linux.
pub fn forget<R: Runtime>(app: &AppHandle<R>, paths: &[PathBuf]) {
    #[cfg(target_os = "linux")]
    {
        let uris = gtk_recent::uris(paths);
        if uris.is_empty() {
            return;
        }
        let app = app.clone();
        let _ = std::thread::Builder::new()
            .name("evident-recent".into())
            .spawn(move || {
                let uris = std::sync::Arc::new(uris);
                for wait in schedule() {
                    let u = uris.clone();
                    if app
                        .run_on_main_thread(move || {
                            gtk_recent::remove(&u);
                        })
                        .is_err()
                    {
                        return;
                    }
                    std::thread::sleep(wait);
                }
            });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (app, paths);
}

/// GTK's recent-files list (Linux).
#[cfg(target_os = "linux")]
pub mod gtk_recent {
    use std::path::PathBuf;

    use gtk::prelude::*;

    /// The URIs GTK's file chooser records for `paths` (the same conversion GTK uses: `g_file_get_uri`).
    pub fn uris(paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| gtk::gio::File::for_path(p).uri().to_string())
            .collect()
    }

    /// Removes each of `uris` from GTK's recent-files list if it is there; returns how many were removed. Only
    /// on GTK's main thread (elsewhere it does nothing and returns 0).
    pub fn remove(uris: &[String]) -> usize {
        if !gtk::is_initialized_main_thread() {
            return 0;
        }
        let Some(manager) = gtk::RecentManager::default() else {
            return 0;
        };
        uris.iter()
            .filter(|u| manager.has_item(u) && manager.remove_item(u).is_ok())
            .count()
    }

    /// What GTK's file chooser does when a file is chosen (`gtk_recent_manager_add_item`): used by tests.
    pub fn add_like_the_file_chooser(uri: &str) -> bool {
        if !gtk::is_initialized_main_thread() {
            return false;
        }
        gtk::RecentManager::default().is_some_and(|m| m.add_item(uri))
    }
}

/// The real GTK file chooser (`GtkFileChooserNative`, as rfd builds it) under Xvfb, with a private
/// `XDG_DATA_HOME` holding a Recent files list. The outer test re-runs this test binary under `xvfb-run` with
/// that environment (GLib reads it once per process); the inner one, `real_chooser_inner`, does the work.
#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    use gtk::prelude::*;

    use super::gtk_recent;

    type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

    const CHILD: &str = "EVIDENT_RECENT_TEST_CHILD";

    /// A Recent files list with one entry from yesterday (GTK drops entries older than 30 days on write).
    fn seed_xbel() -> String {
        let t = (chrono::Utc::now() - chrono::Duration::days(1))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<xbel version="1.0"
      xmlns:bookmark="http://www.freedesktop.org/standards/desktop-bookmarks"
      xmlns:mime="http://www.freedesktop.org/standards/shared-mime-info"
>
  <bookmark href="file:///home/someone/holiday.jpg" added="{t}" modified="{t}" visited="{t}">
    <info>
      <metadata owner="http://freedesktop.org">
        <mime:mime-type type="image/jpeg"/>
        <bookmark:applications>
          <bookmark:application name="Image Viewer" exec="&apos;eog %u&apos;" modified="{t}" count="1"/>
        </bookmark:applications>
      </metadata>
    </info>
  </bookmark>
</xbel>"#
        )
    }

    fn iterate_for(d: Duration) {
        let end = Instant::now() + d;
        while Instant::now() < end {
            while gtk::events_pending() {
                gtk::main_iteration_do(false);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Opens the GTK file chooser for `target` (save: its name in its folder; open: the file selected),
    /// presses its accept button programmatically, and returns the chosen path. When `forget`, then does what
    /// the app does after a dialog: looks every 20 ms for the new entries and removes them.
    fn choose(target: &Path, save: bool, forget: bool) -> TestResult<PathBuf> {
        let action = if save {
            gtk::FileChooserAction::Save
        } else {
            gtk::FileChooserAction::Open
        };
        let dialog =
            gtk::FileChooserNative::new(Some("test"), None::<&gtk::Window>, action, None, None);
        let folder = target.parent().ok_or("no folder")?;
        dialog.set_current_folder(folder);
        if save {
            dialog.set_current_name(&target.file_name().ok_or("no name")?.to_string_lossy());
        } else {
            dialog.select_filename(target);
        }
        let answer = std::rc::Rc::new(std::cell::RefCell::new(None));
        let a = answer.clone();
        dialog.connect_response(move |d, r| {
            *a.borrow_mut() = Some((r, d.filename()));
        });
        dialog.show();
        iterate_for(Duration::from_millis(500));
        let mut pressed = false;
        for w in gtk::Window::list_toplevels() {
            if let Ok(d) = w.downcast::<gtk::Dialog>() {
                d.response(gtk::ResponseType::Accept);
                pressed = true;
            }
        }
        assert!(pressed, "the chooser's dialog was on screen");
        let start = Instant::now();
        while answer.borrow().is_none() && start.elapsed() < Duration::from_secs(10) {
            iterate_for(Duration::from_millis(20));
        }
        let (response, file) = answer.borrow_mut().take().ok_or("no answer")?;
        assert_eq!(response, gtk::ResponseType::Accept);
        let file = file.ok_or("no file chosen")?;
        if forget {
            // As `forget`, on this (GTK's main) thread: every 20 ms for 3 s.
            let uris = gtk_recent::uris(std::slice::from_ref(&file));
            for wait in super::schedule().take(150) {
                gtk_recent::remove(&uris);
                iterate_for(wait);
            }
        } else {
            iterate_for(Duration::from_secs(3));
        }
        Ok(file)
    }

    /// Run by `the_real_file_chooser_leaves_recent_files_as_they_were` in a child process.
    #[test]
    #[ignore = "run by the_real_file_chooser_leaves_recent_files_as_they_were, under Xvfb"]
    fn real_chooser_inner() -> TestResult {
        if std::env::var_os(CHILD).is_none() {
            return Ok(());
        }
        gtk::init()?;
        let data = PathBuf::from(std::env::var_os("XDG_DATA_HOME").ok_or("XDG_DATA_HOME")?);
        let files = PathBuf::from(std::env::var_os("EVIDENT_RECENT_TEST_FILES").ok_or("files")?);
        let xbel = data.join("recently-used.xbel");
        let before = std::fs::read(&xbel)?;

        // Save (recovery key, backup, pack) and open (attach, restore): the list stays byte for byte as it was.
        let key = choose(&files.join("evident-recovery-key.txt"), true, true)?;
        assert_eq!(key, files.join("evident-recovery-key.txt"));
        let shot = files.join("screenshot.png");
        std::fs::write(&shot, b"\x89PNG\r\n\x1a\n")?;
        choose(&shot, false, true)?;
        let after = std::fs::read_to_string(&xbel)?;
        assert_eq!(
            after.as_bytes(),
            &before[..],
            "Recent files changed:\n{after}"
        );

        // The control: without the app's step, the chooser does add the file (so the check above can fail).
        let pack = files.join("evidence-pack.zip");
        choose(&pack, true, false)?;
        let control = std::fs::read_to_string(&xbel)?;
        assert!(control.contains("evidence-pack.zip"), "{control}");
        assert!(control.contains("holiday.jpg"), "{control}");
        assert!(!control.contains("evident-recovery-key"), "{control}");
        Ok(())
    }

    #[test]
    fn the_real_file_chooser_leaves_recent_files_as_they_were() -> TestResult {
        if std::process::Command::new("xvfb-run")
            .arg("--help")
            .output()
            .is_err()
        {
            eprintln!("xvfb-run is missing (apt-get install xvfb xauth): test not run");
            return Ok(());
        }
        let tmp = tempfile::tempdir()?;
        let data = tmp.path().join("data");
        let home = tmp.path().join("home");
        let files = tmp.path().join("files");
        for d in [&data, &home, &files] {
            std::fs::create_dir(d)?;
        }
        std::fs::write(data.join("recently-used.xbel"), seed_xbel())?;
        let out = std::process::Command::new("xvfb-run")
            .args(["-a", "-s", "-screen 0 1024x768x24"])
            .arg(std::env::current_exe()?)
            .args([
                "--exact",
                "recent::tests::real_chooser_inner",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, "1")
            .env("XDG_DATA_HOME", &data)
            .env("HOME", &home)
            .env("EVIDENT_RECENT_TEST_FILES", &files)
            .env("GTK_USE_PORTAL", "0")
            .env("NO_AT_BRIDGE", "1")
            .output()?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(())
    }
}
