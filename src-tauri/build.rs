//! Build script of the desktop app: Tauri's code generation, with permissions generated for each of
//! Evident's own commands (so the capability can allow exactly those and nothing else).

include!("src/command_names.rs");

fn main() {
    let attrs = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attrs) {
        println!("cargo:warning=tauri build failed: {e:#}");
        std::process::exit(1);
    }
}
