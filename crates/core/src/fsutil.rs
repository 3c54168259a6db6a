//! Durable file writes: write to a temporary sibling, fsync, rename, fsync the folder.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically and durably. Only ever used for non-secret files (keys.json, head) or
/// for files that are themselves encrypted.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_opt(path, bytes, true)
}

/// As [`write_atomic`], with or without fsync.
pub fn write_atomic_opt(path: &Path, bytes: &[u8], sync: bool) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp"));
    let mut f = std::fs::File::create(&tmp).map_err(|e| Error::write(&tmp, &e))?;
    f.write_all(bytes).map_err(|e| Error::write(&tmp, &e))?;
    if sync {
        f.sync_all().map_err(|e| Error::write(&tmp, &e))?;
    }
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| Error::write(path, &e))?;
    if sync {
        sync_dir(dir);
    }
    Ok(())
}

/// Fsyncs a directory so a rename in it is durable (best effort: not every platform allows it).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Makes a folder private to its owner (0700 on Unix; elsewhere the platform's per-user data folder applies).
pub fn private_dir(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    #[cfg(not(unix))]
    let _ = dir;
}
