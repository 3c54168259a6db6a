//! Vault benchmarks. They print figures; they never assert timings. Run:
//! `cargo bench -p evident-core --bench vault` (EVIDENT_BENCH_SCALE=0.1 for a quick run).
//!
//! - commit of an incident with a 2 MB screenshot (p50/p99) beside the fsync floor measured in the same run
//! - full verify of 10,000 entries and 1 GB of attachments (MB/s) beside SHA-256 over the same bytes in memory
//! - unlock time
//! - open time and search time for a vault of 100,000 incidents

use std::io::Write;
use std::time::{Duration, Instant};

use evident_core::incident::{IncidentFields, IncidentFilter, Occurred};
use evident_core::{Passphrase, Vault};
use sha2::Digest;

type R = Result<(), Box<dyn std::error::Error>>;

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1000.0
}

fn fields(i: usize) -> IncidentFields {
    let words = [
        "threat", "email", "doorstep", "planning", "meeting", "surgery", "letter", "post",
        "account", "shouting",
    ];
    IncidentFields {
        occurred: Some(Occurred {
            start: format!(
                "2026-{:02}-{:02}T{:02}:{:02}:00+00:00",
                1 + i % 12,
                1 + i % 28,
                i % 24,
                i % 60
            ),
            end: None,
            approximate: false,
        }),
        kind: Some("inappropriate_communication".into()),
        channel: Some("social_media".into()),
        summary: format!(
            "Incident {i}: {} {} from account{}",
            words[i % 10],
            words[(i / 10) % 10],
            i % 997
        ),
        description: format!(
            "Verbatim text number {i}: {} {} {}",
            words[(i / 3) % 10],
            words[(i / 7) % 10],
            words[(i / 11) % 10]
        ),
        ..Default::default()
    }
}

fn rand_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut v = Vec::with_capacity(n);
    while v.len() < n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(n);
    v
}

/// SQLCipher read and write speed of 1 MiB attachment chunks at two page sizes (the measurement behind
/// `vault::PAGE_SIZE`).
fn page_size_measurement(dir: &std::path::Path, mb: usize) -> R {
    let chunk = rand_bytes(1024 * 1024, 9);
    for page in [4096u32, 16384] {
        let path = dir.join(format!("page{page}.db"));
        let conn = rusqlite::Connection::open(&path)?;
        conn.execute_batch(&format!(
            "PRAGMA key = \"x'{}'\"; PRAGMA cipher_page_size = {page}; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
             CREATE TABLE c (id INTEGER PRIMARY KEY, data BLOB NOT NULL);",
            "ab".repeat(32)
        ))?;
        let t = Instant::now();
        let tx = conn.unchecked_transaction()?;
        for i in 0..mb {
            tx.execute(
                "INSERT INTO c (id, data) VALUES (?1, ?2)",
                rusqlite::params![i as i64, chunk],
            )?;
        }
        tx.commit()?;
        let w = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let mut n = 0usize;
        let mut stmt = conn.prepare("SELECT data FROM c ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            n += r.get_ref(0)?.as_blob()?.len();
        }
        let r = t.elapsed().as_secs_f64();
        println!(
            "SQLCipher {page}-byte pages, 1 MiB chunks: write {:.0} MB/s, read {:.0} MB/s",
            (n as f64 / 1e6) / w,
            (n as f64 / 1e6) / r
        );
    }
    Ok(())
}

/// Attaches a 2 GB file from disk and reports time and the process's peak memory.
fn large_file(dir: &std::path::Path, pass: &Passphrase, gb: f64) -> R {
    let vdir = dir.join("large");
    let (mut v, _) = Vault::create(&vdir, pass)?;
    let id = v.record_incident(fields(1), &[])?;
    let path = dir.join("phone-video.mp4");
    let size = (gb * 1024.0 * 1024.0 * 1024.0) as usize;
    let mut f = std::fs::File::create(&path)?;
    let block = rand_bytes(8 * 1024 * 1024, 3);
    let mut written = 0;
    while written < size {
        let k = block.len().min(size - written);
        f.write_all(&block[..k])?;
        written += k;
    }
    drop(f);
    let before = peak_rss_kb();
    let t = Instant::now();
    let a = v.attach_file(id, &path)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "attach a {:.2} GB file from disk: {:.1} s ({:.0} MB/s); peak RSS before {} MB, after {} MB",
        a.size as f64 / 1e9,
        secs,
        a.size as f64 / 1e6 / secs,
        before / 1024,
        peak_rss_kb() / 1024
    );
    std::fs::remove_file(&path)?;
    drop(v);
    std::fs::remove_dir_all(&vdir)?;
    Ok(())
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn main() -> R {
    let scale: f64 = std::env::var("EVIDENT_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let n = |x: usize| ((x as f64 * scale) as usize).max(1);
    let tmp = tempfile::tempdir_in(
        std::env::var("EVIDENT_BENCH_DIR").unwrap_or_else(|_| env!("CARGO_TARGET_TMPDIR").into()),
    )?;
    let pass = Passphrase::new("benchmark passphrase".into());
    page_size_measurement(tmp.path(), n(256))?;
    large_file(tmp.path(), &pass, 2.0 * scale)?;

    // fsync floor: a 4 KiB write + fsync on the same file system.
    let mut floor = Vec::new();
    let path = tmp.path().join("fsync-floor");
    let mut f = std::fs::File::create(&path)?;
    for _ in 0..50 {
        let t = Instant::now();
        f.write_all(&[7u8; 4096])?;
        f.sync_all()?;
        floor.push(t.elapsed());
    }
    println!(
        "fsync floor (4 KiB write + fsync): p50 {:.2} ms, p99 {:.2} ms",
        pct(&mut floor, 0.5),
        pct(&mut floor, 0.99)
    );

    // Commit of an incident with a 2 MB screenshot.
    let dir = tmp.path().join("commit");
    let (mut v, _) = Vault::create(&dir, &pass)?;
    // A real PNG screenshot of about 2 MB (noise does not compress), so the preview is decoded and made too.
    let noise = rand_bytes(1000 * 700 * 3, 42);
    let img = image::RgbImage::from_raw(1000, 700, noise).ok_or("image")?;
    let mut shot = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut shot),
        image::ImageFormat::Png,
    )?;
    let mut times = Vec::new();
    for i in 0..n(100) {
        let t = Instant::now();
        let id = v.record_incident(fields(i), &[])?;
        let a = v.attach_bytes(id, "screenshot.png", &shot, None)?;
        times.push(t.elapsed());
        if i == 0 && !a.has_preview {
            return Err("the benchmark screenshot should get a preview".into());
        }
    }
    println!(
        "commit incident + {:.1} MB PNG screenshot with preview ({} runs): p50 {:.2} ms, p99 {:.2} ms",
        shot.len() as f64 / 1e6,
        times.len(),
        pct(&mut times, 0.5),
        pct(&mut times, 0.99)
    );
    drop(v);

    // Unlock time.
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let v = Vault::open(&dir, &pass)?;
        times.push(t.elapsed());
        drop(v);
    }
    println!(
        "unlock (Argon2id 64 MiB t=3 + SQLCipher open + fast check): p50 {:.0} ms",
        pct(&mut times, 0.5)
    );

    // Full verify of 10,000 entries and 1 GB of attachments.
    let dir = tmp.path().join("verify");
    let (mut v, _) = Vault::create(&dir, &pass)?;
    v.tamper_connection()
        .execute_batch("PRAGMA synchronous = OFF;")?;
    let atts = n(1024);
    let blob = rand_bytes(1024 * 1024, 7);
    let mut id = 0;
    for i in 0..n(9000) {
        id = v.record_incident(fields(i), &[])?;
        if i < atts {
            let mut b = blob.clone();
            b[..8].copy_from_slice(&(i as u64).to_le_bytes());
            v.attach_bytes(id, "photo.jpg", &b, None)?;
        }
    }
    let _ = id;
    drop(v);
    let v = Vault::open(&dir, &pass)?;
    if std::env::var_os("EVIDENT_BENCH_MEMSEC_OFF").is_some() {
        v.tamper_connection()
            .execute_batch("PRAGMA cipher_memory_security = OFF;")?;
        println!("(cipher_memory_security OFF for this comparison)");
    }
    let t = Instant::now();
    let mut phases: Vec<(String, f64)> = Vec::new();
    let r = v.verify(&mut |p| {
        if phases
            .last()
            .map(|(name, _)| name != &p.phase)
            .unwrap_or(true)
        {
            phases.push((p.phase.clone(), t.elapsed().as_secs_f64()));
        }
    })?;
    let secs = t.elapsed().as_secs_f64();
    let mut spans = Vec::new();
    for (i, (name, start)) in phases.iter().enumerate() {
        let end = phases.get(i + 1).map(|(_, s)| *s).unwrap_or(secs);
        spans.push(format!("{name} {:.2} s", end - start));
    }
    println!("full verify phases: {}", spans.join(", "));
    let t = Instant::now();
    let mut h = sha2::Sha256::new();
    for _ in 0..atts {
        h.update(&blob);
    }
    let _ = h.finalize();
    let mem = t.elapsed().as_secs_f64();
    let mb = r.bytes as f64 / 1e6;
    println!(
        "full verify: {} entries, {} attachments, {:.0} MB in {:.2} s = {:.0} MB/s (ok: {}); SHA-256 of the same bytes in memory: {:.0} MB/s",
        r.entries, r.attachments, mb, secs, mb / secs, r.ok, mb / mem
    );
    drop(v);

    // Open and search a vault of 100,000 incidents.
    let dir = tmp.path().join("big");
    let (mut v, _) = Vault::create(&dir, &pass)?;
    v.tamper_connection()
        .execute_batch("PRAGMA synchronous = OFF;")?;
    let count = n(100_000);
    let t = Instant::now();
    for i in 0..count {
        v.record_incident(fields(i), &[])?;
    }
    eprintln!(
        "(seeded {count} incidents in {:.1} s)",
        t.elapsed().as_secs_f64()
    );
    drop(v);
    let t = Instant::now();
    let v = Vault::open(&dir, &pass)?;
    println!(
        "open vault of {count} incidents (incl. unlock): {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let mut times = Vec::new();
    let mut hits = 0;
    for q in [
        "planning",
        "doorstep meeting",
        "account42",
        "verbatim",
        "zzzz-no-hit",
    ] {
        let t = Instant::now();
        hits += v
            .list_incidents(&IncidentFilter {
                text: Some(q.into()),
                limit: Some(200),
                ..Default::default()
            })?
            .len();
        times.push(t.elapsed());
    }
    println!("full-text search, first 200 results, {count} incidents: p50 {:.1} ms, max {:.1} ms ({hits} rows)", pct(&mut times, 0.5), pct(&mut times, 1.0));
    let t = Instant::now();
    let page = v.list_incidents(&IncidentFilter {
        limit: Some(200),
        ..Default::default()
    })?;
    println!(
        "timeline first page (200 of {count}): {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let _ = page;
    Ok(())
}
