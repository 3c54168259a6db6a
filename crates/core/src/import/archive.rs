//! Reading files out of a ZIP (a WhatsApp export with media, an X archive, a Facebook download) within bounds:
//! a limited number of entries, each entry's declared and actual size limited, the total limited, names that
//! climb out of the archive (`..`, absolute paths, drive letters) refused, and nothing but regular files
//! read (symbolic links and special entries are skipped). Everything stays in memory: nothing is extracted.

use std::io::{Read, Seek};

use crate::error::{Error, ErrorKind, Result};

/// The most entries an archive may list.
pub const MAX_ENTRIES: usize = 100_000;
/// The most bytes all the entries read from one archive may add up to.
pub const MAX_TOTAL: u64 = 4 * 1024 * 1024 * 1024;
/// Compressed data may not expand more than this many times (a "zip bomb" expands millions of times).
pub const MAX_RATIO: u64 = 1000;

/// One entry of an archive, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveEntry {
    /// The entry's path inside the archive, with `/` separators.
    pub name: String,
    /// Its size once expanded, as the archive declares it.
    pub size: u64,
    /// Its position in the archive.
    pub index: usize,
}

/// A ZIP opened for bounded reading.
pub struct Archive<R: Read + Seek> {
    zip: zip::ZipArchive<R>,
    entries: Vec<ArchiveEntry>,
}

fn bad(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidInput, message)
}

/// Whether an entry name stays inside the archive: no `..`, no absolute path, no drive letter, no NUL.
pub fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.starts_with('\\')
        && !name.contains('\0')
        && !name.contains(':')
        && !name.split(['/', '\\']).any(|p| p == "..")
}

impl<R: Read + Seek> Archive<R> {
    /// Opens a ZIP and lists its regular files. Unsafe names and non-file entries are left out (and counted
    /// in [`Archive::refused`]); an archive that lists too many entries or too much data is refused whole.
    pub fn open(reader: R) -> Result<(Self, usize)> {
        let mut zip = zip::ZipArchive::new(reader).map_err(|e| {
            bad(format!("this is not a ZIP file that can be read ({e})"))
                .with_hint("Choose the .zip the app exported, or the chat's .txt file.")
        })?;
        if zip.len() > MAX_ENTRIES {
            return Err(bad(format!(
                "the archive lists {} files; at most {MAX_ENTRIES} are read",
                zip.len()
            )));
        }
        let mut entries = Vec::new();
        let mut refused = 0;
        let mut total: u64 = 0;
        for i in 0..zip.len() {
            let f = zip
                .by_index_raw(i)
                .map_err(|e| bad(format!("the archive is damaged ({e})")))?;
            let name = f.name().to_string();
            let is_link = f
                .unix_mode()
                .is_some_and(|m| m & 0o170000 != 0o100000 && m & 0o170000 != 0);
            if f.is_dir() {
                continue;
            }
            if !safe_name(&name) || is_link || f.is_symlink() {
                refused += 1;
                continue;
            }
            total = total.saturating_add(f.size());
            if f.compressed_size() > 0
                && f.size() / f.compressed_size().max(1) > MAX_RATIO
                && f.size() > 1024 * 1024
            {
                return Err(bad(format!(
                    "'{name}' in the archive expands {} times: refused as a possible zip bomb",
                    f.size() / f.compressed_size().max(1)
                )));
            }
            entries.push(ArchiveEntry {
                name,
                size: f.size(),
                index: i,
            });
        }
        if total > MAX_TOTAL {
            return Err(bad(format!(
                "the archive expands to {total} bytes; at most {MAX_TOTAL} are read"
            )));
        }
        Ok((Self { zip, entries }, refused))
    }

    /// The regular files listed, in archive order.
    pub fn entries(&self) -> &[ArchiveEntry] {
        &self.entries
    }

    /// The first entry whose name ends with `suffix` (case-insensitive), if any.
    pub fn find(&self, suffix: &str) -> Option<&ArchiveEntry> {
        let s = suffix.to_ascii_lowercase();
        self.entries
            .iter()
            .find(|e| e.name.to_ascii_lowercase().ends_with(&s))
    }

    /// Reads one listed entry whole, at most `limit` bytes (its declared size is checked first, and the read
    /// stops at the limit whatever the archive declared).
    pub fn read(&mut self, entry: &ArchiveEntry, limit: u64) -> Result<Vec<u8>> {
        if entry.size > limit {
            return Err(bad(format!(
                "'{}' in the archive is {} bytes; at most {limit} are read",
                entry.name, entry.size
            )));
        }
        let f = self.zip.by_index(entry.index).map_err(|e| {
            bad(format!(
                "'{}' cannot be read from the archive ({e})",
                entry.name
            ))
        })?;
        let mut out = Vec::with_capacity(entry.size.min(limit) as usize);
        f.take(limit + 1).read_to_end(&mut out).map_err(|e| {
            bad(format!(
                "'{}' cannot be read from the archive ({e})",
                entry.name
            ))
        })?;
        if out.len() as u64 > limit {
            return Err(bad(format!(
                "'{}' in the archive is larger than it says: refused",
                entry.name
            )));
        }
        Ok(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in files {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn names_that_climb_out_are_refused() {
        assert!(safe_name("WhatsApp Chat.txt"));
        assert!(safe_name("media/IMG-1.jpg"));
        assert!(!safe_name("../evil.txt"));
        assert!(!safe_name("a/../../evil.txt"));
        assert!(!safe_name("/etc/passwd"));
        assert!(!safe_name("C:\\x.txt"));
        assert!(!safe_name("a\\..\\b"));
        let bytes = zip_of(&[("../x.txt", b"x"), ("ok.txt", b"ok")]);
        let (mut a, refused) = Archive::open(Cursor::new(bytes)).unwrap();
        assert_eq!(refused, 1);
        assert_eq!(a.entries().len(), 1);
        let e = a.find("ok.txt").unwrap().clone();
        assert_eq!(a.read(&e, 10).unwrap(), b"ok");
        assert_eq!(a.read(&e, 1).unwrap_err().kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn a_zip_bomb_is_refused() {
        let zeros = vec![0u8; 20 * 1024 * 1024];
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file(
            "bomb.txt",
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        w.write_all(&zeros).unwrap();
        let bytes = w.finish().unwrap().into_inner();
        let err = Archive::open(Cursor::new(bytes)).err().unwrap();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("zip bomb"), "{}", err.message());
    }

    #[test]
    fn not_a_zip_is_a_typed_error() {
        let err = Archive::open(Cursor::new(b"hello".to_vec())).err().unwrap();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }
}
