//! Shared helpers for tests that read, forge and check evidence packs: read and rewrite a pack ZIP (remaking
//! SHA256SUMS the way a forger would), run the recipient's tools, and run the pack's own verify.html in headless
//! Chromium. Used by the core's pack tests and, through `#[path]`, by the CLI's.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

type Res<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// Every entry of a ZIP, in order, as (name, bytes).
pub fn read_zip(zip: &Path) -> Res<Vec<(String, Vec<u8>)>> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip)?)?;
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i)?;
        let mut b = Vec::new();
        e.read_to_end(&mut b)?;
        out.push((e.name().to_string(), b));
    }
    Ok(out)
}

/// One entry of a ZIP.
pub fn entry(zip: &Path, name: &str) -> Res<Vec<u8>> {
    let mut b = Vec::new();
    zip::ZipArchive::new(std::fs::File::open(zip)?)?
        .by_name(name)?
        .read_to_end(&mut b)?;
    Ok(b)
}

/// Writes `files` as a stored (uncompressed) ZIP, in the order given.
pub fn write_zip(dst: &Path, files: &[(String, Vec<u8>)]) -> Res {
    let mut w = zip::ZipWriter::new(std::fs::File::create(dst)?);
    let o =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (n, b) in files {
        w.start_file(n.as_str(), o)?;
        w.write_all(b)?;
    }
    w.finish()?;
    Ok(())
}

/// What to do with SHA256SUMS after an edit.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Sums {
    /// Made again over the edited files, as a forger would, so only the deeper checks can notice.
    Remade,
    /// Left as they were, so the hash check notices.
    Kept,
}

/// SHA256SUMS made again for `files`: the names the old SHA256SUMS listed that are still there, with their new
/// hashes, then any file that is new (never the signature over SHA256SUMS itself).
pub fn remake_sums(files: &mut [(String, Vec<u8>)]) {
    let hash = |b: &[u8]| hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b));
    let old = files
        .iter()
        .find(|(n, _)| n == "SHA256SUMS")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let listed: Vec<&str> = old
        .lines()
        .filter_map(|l| l.split_once("  ").map(|(_, n)| n))
        .collect();
    let mut sums = String::new();
    for name in &listed {
        if let Some((n, b)) = files.iter().find(|(n, _)| n == name) {
            sums.push_str(&format!("{}  {n}\n", hash(b)));
        }
    }
    for (n, b) in files.iter() {
        let new = !listed.contains(&n.as_str());
        if new && n != "SHA256SUMS" && n != "SHA256SUMS.asc" && !n.ends_with('/') {
            sums.push_str(&format!("{}  {n}\n", hash(b)));
        }
    }
    for (n, b) in files.iter_mut() {
        if n == "SHA256SUMS" {
            *b = sums.clone().into_bytes();
        }
    }
}

/// Copies a ZIP through `edit` (name, bytes) -> bytes, with SHA256SUMS made again or kept.
pub fn rewrite(src: &Path, dst: &Path, edit: &dyn Fn(&str, Vec<u8>) -> Vec<u8>, sums: Sums) -> Res {
    let mut files: Vec<(String, Vec<u8>)> = read_zip(src)?
        .into_iter()
        .map(|(n, b)| {
            let b = edit(&n, b);
            (n, b)
        })
        .collect();
    if sums == Sums::Remade {
        remake_sums(&mut files);
    }
    write_zip(dst, &files)
}

/// An edit that replaces `from` with `to` in one file of the pack.
pub fn replace_in(
    file: &'static str,
    from: &'static str,
    to: &'static str,
) -> impl Fn(&str, Vec<u8>) -> Vec<u8> {
    move |name, b| {
        if name == file {
            String::from_utf8_lossy(&b).replace(from, to).into_bytes()
        } else {
            b
        }
    }
}

/// Runs a command; its stdout, or an error with its output when it fails.
pub fn run(cmd: &mut Command) -> Res<String> {
    let out = cmd.output()?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `unzip -q ZIP -d TO`, as a recipient does.
pub fn unzip(zip: &Path, to: &Path) -> Res {
    run(Command::new("unzip").arg("-q").arg(zip).arg("-d").arg(to))?;
    Ok(())
}

/// Text with every run of white space made one space (pdftotext breaks lines where it likes).
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs the pack's own verify.html in headless Chromium (tests/pack/verify_html.mjs) and gives its JSON result
/// (`status`, `failures`, `page_errors`, …); `None` when the harness is not installed (`npm ci --prefix
/// tests/pack`) and EVIDENT_REQUIRE_BROWSER is unset.
pub fn browser(zip: &Path) -> Res<Option<serde_json::Value>> {
    browser_on(zip, zip)
}

/// [`browser`] with the verify.html of the pack `html_from`, opened on `target` (a ZIP or an unzipped folder).
pub fn browser_on(html_from: &Path, target: &Path) -> Res<Option<serde_json::Value>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/pack");
    if !root.join("node_modules/playwright-core").exists()
        || !Path::new("/usr/bin/chromium").exists()
    {
        if std::env::var_os("EVIDENT_REQUIRE_BROWSER").is_some() {
            return Err("tests/pack/node_modules missing: run `npm ci --prefix tests/pack`".into());
        }
        eprintln!("SKIPPED verify.html browser check: run `npm ci --prefix tests/pack`");
        return Ok(None);
    }
    let dir = html_from.with_extension("html-check");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("verify.html"), entry(html_from, "verify.html")?)?;
    let out = Command::new("node")
        .arg(root.join("verify_html.mjs"))
        .arg(dir.join("verify.html"))
        .arg(target)
        .output()?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    Ok(Some(serde_json::from_str(stdout.trim()).map_err(|e| {
        format!(
            "verify_html.mjs: {e}: {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })?))
}

/// [`browser`]'s result as (status, failures as text).
pub fn browser_verify(zip: &Path) -> Res<Option<(String, String)>> {
    Ok(browser(zip)?.map(|v| {
        (
            v["status"].as_str().unwrap_or_default().to_string(),
            v["failures"].to_string(),
        )
    }))
}
