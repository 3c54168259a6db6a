//! Evident desktop app entry point.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(e) = evident_app::run() {
        eprintln!("Evident could not start: {e}");
        std::process::exit(1);
    }
}
