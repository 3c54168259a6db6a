//! Evidence pack benchmarks. They PRINT figures and never assert timings.
//!
//! Run: `cargo bench -p evident-core --bench pack` (release profile). Scale with `EVIDENT_BENCH_N` (incidents
//! with one screenshot each, default 500 ≈ 1 GB) and `EVIDENT_BENCH_PDF_N` (incidents for the PDF-only run,
//! default 1000). Needs `zip`, `unzip` and `sha256sum` on PATH for the comparisons.
//!
//! 1. Export of N incidents with N screenshots (~2 MB PNG each), beside `zip -0` of the same files.
//! 2. `verify_pack` throughput beside `unzip` + `sha256sum -c SHA256SUMS` on the same pack.
//! 3. PDF generation for EVIDENT_BENCH_PDF_N incidents (text only).
//! 4. PDF generation for EVIDENT_BENCH_PDF_N incidents with EVIDENT_BENCH_PDF_IMAGES image exhibits (default
//!    500). `EVIDENT_BENCH_PDF_ONLY=1` stops after the PDF runs.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use evident_core::incident::{IncidentFields, Occurred};
use evident_core::pack::{verify_pack, PackRequest, PackSelection, Recipient};
use evident_core::{Passphrase, Vault};

type R<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn env_n(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// xorshift: fast, good enough for random-ish pixels.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// A real, decodable ~2 MB PNG: a gradient with low-bit noise (screenshots with photos compress about so).
fn base_png(seed: u64) -> R<Vec<u8>> {
    let mut rng = Rng(seed | 1);
    let (w, h) = (1000u32, 1000u32);
    let mut img = image::RgbImage::new(w, h);
    for (x, y, p) in img.enumerate_pixels_mut() {
        let r = rng.next();
        *p = image::Rgb([
            ((x / 4) as u8).wrapping_add((r & 0x1f) as u8),
            ((y / 4) as u8).wrapping_add(((r >> 8) & 0x1f) as u8),
            (((x + y) / 8) as u8).wrapping_add(((r >> 16) & 0x1f) as u8),
        ]);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)?;
    Ok(out.into_inner())
}

fn request(all: bool) -> PackRequest {
    PackRequest {
        selection: PackSelection {
            all,
            ..Default::default()
        },
        recipient: Recipient {
            name: "DC Bench".into(),
            organisation: "Bench Constabulary".into(),
            crime_reference: None,
        },
        author_name: "Alice Bloggs".into(),
        author_contact: String::new(),
        initials: None,
        redactions: Vec::new(),
    }
}

fn fields(i: usize) -> IncidentFields {
    IncidentFields {
        occurred: Some(Occurred {
            start: format!("2026-{:02}-{:02}T{:02}:15:00+00:00", 1 + i % 12, 1 + i % 28, i % 24),
            end: None,
            approximate: false,
        }),
        summary: format!("Incident {i}: abusive message received about the planning committee vote"),
        description: format!(
            "Message {i} said that I would regret my vote, that they know where I live and that they will be \
             waiting outside the ward surgery next week. It was sent from an account with no profile picture."
        ),
        impact: "I asked my partner to collect me after the surgery and I no longer walk home alone.".into(),
        url: format!("https://social.example/post/{i}"),
        account_handle: "@anon_account_123".into(),
        ..Default::default()
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn timed(cmd: &mut Command) -> R<f64> {
    let t = Instant::now();
    let st = cmd.status()?;
    if !st.success() {
        return Err(format!("{cmd:?} failed").into());
    }
    Ok(t.elapsed().as_secs_f64())
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

fn export_bench(n: usize) -> R {
    let tmp = tempfile::tempdir()?;
    let files = tmp.path().join("screenshots");
    std::fs::create_dir_all(&files)?;
    let t = Instant::now();
    let bases: Vec<Vec<u8>> = (0..8)
        .map(|s| base_png(0x9e37_79b9 + s))
        .collect::<R<_>>()?;
    for i in 0..n {
        // Unique bytes after IEND make every file distinct; decoders ignore them.
        let mut b = bases[i % bases.len()].clone();
        b.extend_from_slice(format!("unique-{i:08}").as_bytes());
        let mut f = std::fs::File::create(files.join(format!("Screenshot {i:04}.png")))?;
        f.write_all(&b)?;
    }
    let input = dir_bytes(&files);
    println!(
        "generated {n} PNG screenshots, {:.0} MB, in {:.1} s",
        mb(input),
        t.elapsed().as_secs_f64()
    );

    let (mut vault, _) = Vault::create(
        &tmp.path().join("vault"),
        &Passphrase::new("bench passphrase 123".into()),
    )?;
    let t = Instant::now();
    for i in 0..n {
        let id = vault.record_incident(fields(i), &[])?;
        vault.attach_file(id, &files.join(format!("Screenshot {i:04}.png")))?;
    }
    println!(
        "recorded {n} incidents and attached them in {:.1} s (setup, not the benchmark)",
        t.elapsed().as_secs_f64()
    );

    let pack = tmp.path().join("pack.zip");
    let t = Instant::now();
    let s = vault.export_pack(&request(true), &pack)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "EXPORT  {n} incidents + {} exhibits: {:.1} s, pack {:.0} MB ({:.0} MB/s of pack); phases: gather {} ms, \
         exhibits {} ms ({:.0} MB/s), PDF {} ms",
        s.exhibit_count,
        secs,
        mb(s.bytes),
        mb(s.bytes) / secs,
        s.timings.gather_ms,
        s.timings.exhibits_ms,
        mb(input) / (s.timings.exhibits_ms.max(1) as f64 / 1000.0),
        s.timings.pdf_ms
    );
    let zip0 = tmp.path().join("plain.zip");
    let secs = timed(
        Command::new("zip")
            .arg("-0")
            .arg("-q")
            .arg("-r")
            .arg(&zip0)
            .arg("screenshots")
            .current_dir(tmp.path()),
    )?;
    let zbytes = std::fs::metadata(&zip0)?.len();
    println!(
        "ZIP -0  same {n} files: {:.1} s, {:.0} MB ({:.0} MB/s)",
        secs,
        mb(zbytes),
        mb(zbytes) / secs
    );
    std::fs::remove_file(&zip0)?;
    std::fs::remove_dir_all(&files)?;

    let t = Instant::now();
    let r = verify_pack(&pack)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "VERIFY  verify_pack: ok={} {} files, {:.0} MB in {:.1} s ({:.0} MB/s), chain of {} entries",
        r.ok,
        r.files_checked,
        mb(r.bytes_checked),
        secs,
        mb(r.bytes_checked) / secs,
        r.entries
    );
    let out = tmp.path().join("unzipped");
    let unz = timed(
        Command::new("unzip")
            .arg("-q")
            .arg(&pack)
            .arg("-d")
            .arg(&out),
    )?;
    let secs = timed(
        Command::new("sh")
            .arg("-c")
            .arg("sha256sum -c --quiet SHA256SUMS")
            .current_dir(&out),
    )?;
    println!(
        "VERIFY  sha256sum -c on the same pack: {:.1} s ({:.0} MB/s), after unzip {:.1} s",
        secs,
        mb(r.bytes_checked) / secs,
        unz
    );
    Ok(())
}

fn pdf_bench(n: usize) -> R {
    let tmp = tempfile::tempdir()?;
    let (mut vault, _) = Vault::create(
        &tmp.path().join("vault"),
        &Passphrase::new("bench passphrase 123".into()),
    )?;
    for i in 0..n {
        vault.record_incident(fields(i), &[])?;
    }
    let pack = tmp.path().join("pack.zip");
    let s = vault.export_pack(&request(true), &pack)?;
    println!(
        "PDF     {n} incidents: report.pdf built in {} ms (whole export {} ms, gather {} ms), pack {:.1} MB",
        s.timings.pdf_ms,
        s.timings.total_ms,
        s.timings.gather_ms,
        mb(s.bytes)
    );
    Ok(())
}

/// A ~0.5 MB screenshot-like PNG (800 × 600, gradient with noise), distinct per seed.
fn small_png(seed: u64) -> R<Vec<u8>> {
    let mut rng = Rng(seed | 1);
    let img = image::RgbImage::from_fn(800, 600, |x, y| {
        let r = rng.next();
        image::Rgb([
            ((x / 4) as u8).wrapping_add((r & 0x0f) as u8),
            ((y / 4) as u8).wrapping_add(((r >> 8) & 0x0f) as u8),
            (((x + y) / 8) as u8).wrapping_add(((r >> 16) & 0x0f) as u8),
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)?;
    Ok(out.into_inner())
}

/// Figure 4: PDF time for `n` incidents with `images` image exhibits (issue 10's figure): every incident with
/// its fields, the first `images` with one screenshot each.
fn pdf_images_bench(n: usize, images: usize) -> R {
    let tmp = tempfile::tempdir()?;
    let (mut vault, _) = Vault::create(
        &tmp.path().join("vault"),
        &Passphrase::new("bench passphrase 123".into()),
    )?;
    let bases: Vec<Vec<u8>> = (0..8).map(|s| small_png(0x51ed + s)).collect::<R<_>>()?;
    for i in 0..n {
        let id = vault.record_incident(fields(i), &[])?;
        if i < images {
            let mut b = bases[i % bases.len()].clone();
            b.extend_from_slice(format!("unique-{i:08}").as_bytes());
            vault.attach_bytes(id, &format!("Screenshot {i:04}.png"), &b, None)?;
        }
    }
    let pack = tmp.path().join("pack.zip");
    let s = vault.export_pack(&request(true), &pack)?;
    println!(
        "PDF+IMG {n} incidents, {} image exhibits: report.pdf built in {} ms (whole export {} ms), pack {:.0} MB",
        s.exhibit_count,
        s.timings.pdf_ms,
        s.timings.total_ms,
        mb(s.bytes)
    );
    Ok(())
}

fn main() -> R {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing useful: run small then.
    let quick = !std::env::args().any(|a| a == "--bench");
    let n = env_n("EVIDENT_BENCH_N", if quick { 10 } else { 500 });
    let pdf_n = env_n("EVIDENT_BENCH_PDF_N", if quick { 20 } else { 1000 });
    pdf_bench(pdf_n)?;
    let img_n = env_n("EVIDENT_BENCH_PDF_IMAGES", if quick { 10 } else { 500 });
    pdf_images_bench(pdf_n, img_n)?;
    if std::env::var_os("EVIDENT_BENCH_PDF_ONLY").is_some() {
        return Ok(());
    }
    export_bench(n)?;
    Ok(())
}
