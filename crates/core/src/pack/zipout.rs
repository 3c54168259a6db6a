//! Writing the pack's ZIP: every entry stored (no compression) so a plain reader (verify.html) can find each
//! file's bytes from the central directory, with fixed permissions and the export time on every entry.

use std::io::Write;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::error::{Error, Result};

/// The ZIP being written.
pub(crate) struct PackZip {
    zip: ZipWriter<std::fs::File>,
    path: PathBuf,
    time: zip::DateTime,
}

impl PackZip {
    /// Starts a ZIP in `file` (at `path`, for messages); `exported_at` is the journal-format time.
    pub fn new(file: std::fs::File, path: &Path, exported_at: &str) -> Self {
        let num = |a: usize, b: usize| {
            exported_at
                .get(a..b)
                .and_then(|s| s.parse::<u16>().ok())
                .unwrap_or(0)
        };
        let time = zip::DateTime::from_date_and_time(
            num(0, 4),
            num(5, 7) as u8,
            num(8, 10) as u8,
            num(11, 13) as u8,
            num(14, 16) as u8,
            num(17, 19) as u8,
        )
        .unwrap_or_default();
        Self {
            zip: ZipWriter::new(file),
            path: path.to_path_buf(),
            time,
        }
    }

    fn err(&self, e: impl std::fmt::Display) -> Error {
        Error::new(
            crate::ErrorKind::WriteFailed,
            format!("could not write {}: {e}", self.path.display()),
        )
    }

    fn options(&self, size: u64) -> SimpleFileOptions {
        SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(self.time)
            .unix_permissions(0o644)
            .large_file(size >= 0xFFFF_0000)
    }

    /// Starts an entry of `size` bytes; write its bytes to [`PackZip::writer`].
    pub fn start(&mut self, name: &str, size: u64) -> Result<()> {
        let o = self.options(size);
        self.zip.start_file(name, o).map_err(|e| self.err(e))
    }

    /// The writer for the current entry.
    pub fn writer(&mut self) -> &mut ZipWriter<std::fs::File> {
        &mut self.zip
    }

    /// Writes a whole entry.
    pub fn put(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        self.start(name, bytes.len() as u64)?;
        let r = self.zip.write_all(bytes);
        r.map_err(|e| self.err(e))
    }

    /// Finishes the ZIP and makes it durable.
    pub fn finish(self) -> Result<()> {
        let path = self.path.clone();
        let file = self.zip.finish().map_err(|e| {
            Error::new(
                crate::ErrorKind::WriteFailed,
                format!("could not write {}: {e}", path.display()),
            )
        })?;
        file.sync_all().map_err(|e| Error::write(&path, &e))
    }
}
