//! Evident desktop app entry point.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // First, before any secret exists in this process: no core dumps (RLIMIT_CORE 0 is inherited by the webview's
    // processes too).
    if let Err(e) = evident_core::hardening::no_core_dumps() {
        eprintln!("Evident: warning: {e}");
    }
    if let Err(e) = evident_app::run() {
        eprintln!("Evident could not start: {e}");
        std::process::exit(1);
    }
}
