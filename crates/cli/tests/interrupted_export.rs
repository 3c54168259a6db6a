//! An export killed while the pack is being written leaves a hidden plaintext `.partial` file; the next unlock
//! removes it.

mod common;

use std::time::{Duration, Instant};

use common::{cli, ok, pass, spawn, TestResult};

#[test]
fn the_next_unlock_removes_what_a_killed_export_left() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    ok(&cli(&vault, &["init"], &pass())?)?;
    // A big exhibit, so that writing the pack takes long enough to be caught in the act.
    let big = tmp.path().join("recording.bin");
    let mut data = vec![0u8; 48 * 1024 * 1024];
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for b in data.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    std::fs::write(&big, &data)?;
    let big_s = big.to_str().ok_or("path")?;
    ok(&cli(
        &vault,
        &["add", "--summary", "Voicemail", "--attach", big_s],
        &pass(),
    )?)?;

    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir)?;
    let pack = out_dir.join("pack.zip");
    let partial = out_dir.join(".pack.zip.partial");
    let pack_s = pack.to_str().ok_or("path")?;
    let mut child = spawn(
        &vault,
        &[
            "export",
            "--out",
            pack_s,
            "--all",
            "--recipient-name",
            "DC Smith",
            "--author-name",
            "A B",
        ],
        &pass(),
    )?;
    let started = Instant::now();
    while !partial.exists() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(partial.exists(), "the export never started writing");
    child.kill()?;
    child.wait()?;
    assert!(
        partial.exists(),
        "killed mid-way: the plaintext is still there"
    );
    assert!(!pack.exists());

    // Any unlock cleans up.
    ok(&cli(&vault, &["list"], &pass())?)?;
    assert!(!partial.exists(), "the next unlock removes it");
    assert!(!pack.exists());
    ok(&cli(&vault, &["verify"], &pass())?)?;
    Ok(())
}
