//! A portal-sized export: police upload portals take few files (Axon Citizen: 16 files of up to 2 GB each per
//! submission). Besides the one ZIP, [`Vault::export_portal`] writes into a folder at most
//! [`PORTAL_MAX_FILES`] files, each at most [`PORTAL_MAX_BYTES`]: `report.pdf`, the complete evidence pack
//! (the ZIP: data, verification files and every exhibit, checkable with `verify-pack` and `verify.html`), and
//! as many exhibits on their own (byte for byte, named by mark) as fit, so the officer can open them directly.
//! Exhibits that do not fit are in the ZIP and are listed.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::vault::Vault;

use super::{PackRequest, PackSummary};

/// Most files a portal takes in one submission (Axon Citizen).
pub const PORTAL_MAX_FILES: usize = 16;
/// Largest file a portal takes (Axon Citizen: 2 GB).
pub const PORTAL_MAX_BYTES: u64 = 2_000_000_000;
/// Name of the complete pack in the portal folder.
pub const PORTAL_PACK: &str = "evidence-pack.zip";

/// One file of a portal export.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PortalFile {
    /// Its name in the folder.
    pub name: String,
    /// Its size in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
}

/// What a portal export wrote.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PortalSummary {
    /// The complete pack (the ZIP in the folder).
    pub pack: PackSummary,
    /// The files written, at most [`PORTAL_MAX_FILES`].
    pub files: Vec<PortalFile>,
    /// Exhibit marks not written on their own (too many, or too large): they are in the ZIP.
    pub in_zip_only: Vec<String>,
}

impl Vault {
    /// Exports the chosen incidents for an upload portal into `dir` (created if missing; must not already hold
    /// a pack): see the module documentation. The export is recorded in the journal like any other.
    pub fn export_portal(&mut self, req: &PackRequest, dir: &Path) -> Result<PortalSummary> {
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, &e))?;
        let zip_path = dir.join(PORTAL_PACK);
        if zip_path.exists() || dir.join("report.pdf").exists() {
            return Err(Error::invalid(format!(
                "{} already holds a portal export: choose an empty folder",
                dir.display()
            )));
        }
        let pack = self.export_pack(req, &zip_path)?;
        if pack.bytes > PORTAL_MAX_BYTES {
            return Err(Error::invalid(format!(
                "the pack is {} bytes, more than a portal takes in one file ({PORTAL_MAX_BYTES}); it is at {}: choose fewer incidents for the portal",
                pack.bytes,
                zip_path.display()
            )));
        }
        let bad = |e: &dyn std::fmt::Display| {
            Error::internal(format!("the pack just written cannot be read: {e}"))
        };
        let mut z = zip::ZipArchive::new(
            std::fs::File::open(&zip_path).map_err(|e| Error::write(&zip_path, &e))?,
        )
        .map_err(|e| bad(&e))?;
        let mut files = Vec::new();
        let copy =
            |z: &mut zip::ZipArchive<std::fs::File>, inner: &str, name: &str| -> Result<u64> {
                let mut f = z.by_name(inner).map_err(|e| bad(&e))?;
                let out = dir.join(name);
                let mut w = std::fs::File::create(&out).map_err(|e| Error::write(&out, &e))?;
                let n = std::io::copy(&mut (&mut f).take(PORTAL_MAX_BYTES + 1), &mut w)
                    .map_err(|e| Error::write(&out, &e))?;
                w.sync_all().map_err(|e| Error::write(&out, &e))?;
                Ok(n)
            };
        let n = copy(&mut z, "report.pdf", "report.pdf")?;
        files.push(PortalFile {
            name: "report.pdf".into(),
            bytes: n,
        });
        files.push(PortalFile {
            name: PORTAL_PACK.into(),
            bytes: pack.bytes,
        });
        let exhibits: Vec<(String, String, u64)> = (0..z.len())
            .filter_map(|i| {
                let f = z.by_index(i).ok()?;
                let name = f.name().to_string();
                name.strip_prefix("exhibits/")
                    .map(|short| (name.clone(), short.to_string(), f.size()))
            })
            .collect();
        let mut in_zip_only = Vec::new();
        for (inner, short, size) in exhibits {
            if files.len() < PORTAL_MAX_FILES && size <= PORTAL_MAX_BYTES {
                let n = copy(&mut z, &inner, &short)?;
                files.push(PortalFile {
                    name: short,
                    bytes: n,
                });
            } else {
                in_zip_only.push(short);
            }
        }
        crate::fsutil::sync_dir(dir);
        Ok(PortalSummary {
            pack,
            files,
            in_zip_only,
        })
    }
}
