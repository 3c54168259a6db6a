//! `evident-cli import folder|diary|whatsapp|x|facebook`: the real binary on the fixtures in
//! tests/fixtures/import/ and on generated folders; `--dry-run` records nothing; a SIGKILL at random moments
//! of a folder import leaves either the whole batch or none of it, and the chain verifies.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/import")
        .join(name)
}

fn count(vault: &Path) -> TestResult<usize> {
    let out = cli(vault, &["list", "--json"], &pass())?;
    let list: serde_json::Value = serde_json::from_str(&ok(&out)?)?;
    Ok(list.as_array().ok_or("not a list")?.len())
}

/// A file the vault takes as a PNG (its signature) followed by `size` bytes from `seed`.
fn fake_png(path: &Path, seed: u64, size: usize) -> TestResult {
    let mut x = (seed << 1) | 1;
    let mut data = b"\x89PNG\r\n\x1a\n".to_vec();
    data.reserve(size);
    for _ in 0..size {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        data.push(x as u8);
    }
    std::fs::write(path, data)?;
    Ok(())
}

#[test]
fn dry_run_prints_and_records_nothing_then_import_records() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    ok(&cli(&vault, &["init"], &pass())?)?;
    let diary = fixture("diary.csv");
    let diary = diary.to_str().ok_or("path")?;

    let out = ok(&cli(
        &vault,
        &["import", "diary", diary, "--dry-run", "--json"],
        &pass(),
    )?)?;
    let plan: serde_json::Value = serde_json::from_str(&out)?;
    assert_eq!(plan["rows"].as_array().map(Vec::len), Some(3));
    assert_eq!(plan["problems"][0]["at"], 4);
    assert_eq!(count(&vault)?, 0, "a dry run records nothing");

    let out = cli(&vault, &["import", "diary", diary], &pass())?;
    let text = ok(&out)?;
    assert!(String::from_utf8_lossy(&out.stderr).contains("row 4 not imported"));
    assert!(text.contains("recorded 3 incident(s)"), "{text}");
    assert_eq!(count(&vault)?, 4, "three rows and the imported diary");

    // Columns chosen by hand: a header, a letter, a number.
    let out = ok(&cli(
        &vault,
        &[
            "import",
            "diary",
            diary,
            "--dry-run",
            "--json",
            "--date",
            "Date",
            "--what",
            "C",
            "--who",
            "4",
        ],
        &pass(),
    )?)?;
    let plan: serde_json::Value = serde_json::from_str(&out)?;
    assert_eq!(plan["map"]["what"], 2);
    let bad = cli(
        &vault,
        &["import", "diary", diary, "--what", "Nope"],
        &pass(),
    )?;
    assert_eq!(bad.status.code(), Some(1));

    // WhatsApp: the list, then one sender's messages.
    let chat = fixture("whatsapp.zip");
    let chat = chat.to_str().ok_or("path")?;
    let out = ok(&cli(
        &vault,
        &["import", "whatsapp", chat, "--dry-run", "--json"],
        &pass(),
    )?)?;
    let plan: serde_json::Value = serde_json::from_str(&out)?;
    assert_eq!(
        plan["senders"],
        serde_json::json!(["Dave Smith", "Jo Bloggs"])
    );
    let none = cli(&vault, &["import", "whatsapp", chat], &pass())?;
    assert_eq!(none.status.code(), Some(1), "nothing chosen");
    let out = ok(&cli(
        &vault,
        &["import", "whatsapp", chat, "--from", "Dave Smith", "--json"],
        &pass(),
    )?)?;
    let report: serde_json::Value = serde_json::from_str(&out)?;
    assert_eq!(report["incidents"].as_array().map(Vec::len), Some(4));
    let id = report["incidents"][0].to_string();
    let show: serde_json::Value =
        serde_json::from_str(&ok(&cli(&vault, &["show", &id, "--json"], &pass())?)?)?;
    assert_eq!(show["fields"]["post_time_shown"], "21/11/2026, 21:30");
    assert_eq!(show["fields"]["platform"], "WhatsApp");

    for (verb, file, from) in [
        ("x", "x-archive.zip", "111"),
        ("facebook", "message_1.json", "Dave Smith"),
    ] {
        let f = fixture(file);
        let out = ok(&cli(
            &vault,
            &[
                "import",
                verb,
                f.to_str().ok_or("path")?,
                "--from",
                from,
                "--one-incident",
                "--json",
            ],
            &pass(),
        )?)?;
        let report: serde_json::Value = serde_json::from_str(&out)?;
        assert_eq!(
            report["incidents"].as_array().map(Vec::len),
            Some(1),
            "{verb}"
        );
    }

    // A folder: dry run names the duplicate; the import skips it.
    let folder = tmp.path().join("shots");
    std::fs::create_dir(&folder)?;
    for i in 0..5 {
        fake_png(&folder.join(format!("s{i}.png")), i + 1, 1000)?;
    }
    std::fs::copy(folder.join("s0.png"), folder.join("s0 copy.png"))?;
    let f = folder.to_str().ok_or("path")?;
    let out = ok(&cli(
        &vault,
        &[
            "import",
            "folder",
            f,
            "--group",
            "day",
            "--dry-run",
            "--json",
        ],
        &pass(),
    )?)?;
    let plan: serde_json::Value = serde_json::from_str(&out)?;
    assert_eq!(plan["duplicates"].as_array().map(Vec::len), Some(1));
    let before = count(&vault)?;
    let out = ok(&cli(&vault, &["import", "folder", f, "--json"], &pass())?)?;
    let report: serde_json::Value = serde_json::from_str(&out)?;
    assert_eq!(report["attachments"], 5);
    assert_eq!(report["duplicates"].as_array().map(Vec::len), Some(1));
    assert_eq!(count(&vault)? - before, 5);
    ok(&cli(&vault, &["verify"], &pass())?)?;

    // The pack says plainly what an imported incident came from, and it verifies (the replay agrees).
    let pack = tmp.path().join("pack.zip");
    ok(&cli(
        &vault,
        &[
            "export",
            "--out",
            pack.to_str().ok_or("path")?,
            "--all",
            "--recipient-name",
            "PC Test",
            "--author-name",
            "Jo Bloggs",
        ],
        &pass(),
    )?)?;
    ok(&cli(
        &vault,
        &["verify-pack", pack.to_str().ok_or("path")?],
        "",
    )?)?;
    let f = std::fs::File::open(&pack)?;
    let mut z = zip::ZipArchive::new(f)?;
    let name = (0..z.len())
        .filter_map(|i| z.by_index(i).ok().map(|e| e.name().to_string()))
        .find(|n| n.ends_with("incidents.json"))
        .ok_or("incidents.json")?;
    let mut text = String::new();
    std::io::Read::read_to_string(&mut z.by_name(&name)?, &mut text)?;
    assert!(
        text.contains("proven unchanged since it was imported, not since it was made"),
        "incidents.json names the import"
    );
    assert!(text.contains("row 2; time as shown in the source: 21/11/2026 21:30"));
    Ok(())
}

#[test]
fn sigkill_mid_import_leaves_the_whole_batch_or_none() -> TestResult {
    let runs: u64 = std::env::var("EVIDENT_IMPORT_CRASH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    ok(&cli(&vault, &["init"], &pass())?)?;
    let files = 30;
    let mut expected = 0usize;
    let mut full = Duration::from_millis(200);
    let mut killed = 0;
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    for run in 0..runs {
        let dir = tmp.path().join(format!("run{run}"));
        std::fs::create_dir(&dir)?;
        for i in 0..files {
            fake_png(
                &dir.join(format!("{i:03}.png")),
                run * 1000 + i + 1,
                512 * 1024,
            )?;
        }
        let d = dir.to_str().ok_or("path")?;
        let t0 = Instant::now();
        let mut child = spawn(&vault, &["import", "folder", d], &pass())?;
        if run == 0 {
            ok(&child.wait_with_output()?)?;
            full = t0.elapsed();
            expected += files as usize;
        } else {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            std::thread::sleep(Duration::from_micros(rng % (full.as_micros() as u64 + 1)));
            let _ = child.kill();
            let status = child.wait()?;
            if status.success() {
                expected += files as usize;
            } else {
                killed += 1;
            }
        }
        let now = count(&vault)?;
        // All or nothing: a killed run left either none of its 30 incidents or (if it had committed) all.
        assert!(
            now == expected || now == expected + files as usize,
            "run {run}: {now} incidents, expected {expected} or {}",
            expected + files as usize
        );
        expected = now;
        std::fs::remove_dir_all(&dir)?;
    }
    eprintln!("import crash test: {killed} of {runs} runs killed, {expected} incidents kept; first run took {full:?}");
    assert!(
        killed >= runs / 4,
        "the kills must land mid-import ({killed} of {runs})"
    );
    // Every incident kept has its file.
    let out = cli(&vault, &["list", "--json"], &pass())?;
    let list: serde_json::Value = serde_json::from_str(&ok(&out)?)?;
    for inc in list.as_array().ok_or("not a list")? {
        assert_eq!(
            inc["attachments"].as_array().map(Vec::len),
            Some(1),
            "incident {}",
            inc["id"]
        );
    }
    ok(&cli(&vault, &["verify"], &pass())?)?;
    Ok(())
}
