//! Folder helpers shared by the core's and the CLI's tests (included with `#[path]`): copying a vault folder,
//! as someone putting back an older copy would.
#![allow(dead_code)]

use std::path::Path;

/// Copies the files of the folder `from` (not its subfolders) into `to`, made if missing.
pub fn copy_dir(from: &Path, to: &Path) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        std::fs::copy(e.path(), to.join(e.file_name()))?;
    }
    Ok(())
}
