//! Crash safety: `evident-cli add` with attachments is killed with SIGKILL at random moments, many times. No
//! incident whose id was printed may ever be lost, and the chain must still verify.

mod common;

use std::io::Read;
use std::time::{Duration, Instant};

use common::*;

/// A small deterministic PRNG (xorshift), so a failing run can be repeated with the printed seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn sigkill_at_random_moments_never_loses_a_printed_incident() -> TestResult {
    let runs: u64 = std::env::var("EVIDENT_CRASH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos() as u64
        | 1;
    eprintln!("crash test: {runs} runs, seed {seed}");
    let mut rng = Rng(seed);
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    ok(&cli(&vault, &["init"], &pass())?)?;
    let shot = tmp.path().join("screenshot.png");
    let mut data = vec![0u8; 3 * 1024 * 1024];
    for b in data.iter_mut() {
        *b = rng.next() as u8;
    }
    std::fs::write(&shot, &data)?;
    // Measure one full run to spread the kills over its whole life (unlock, writes, commit, print).
    let mut printed: Vec<String> = Vec::new();
    let mut killed = 0;
    let mut full = Duration::from_millis(50);
    for run in 0..runs {
        let t0 = Instant::now();
        let shot_path = shot.to_str().ok_or("path")?;
        let summary = format!("crash run {run}");
        let mut child = spawn(
            &vault,
            &[
                "add",
                "--summary",
                &summary,
                "--person",
                "@someone",
                "--attach",
                shot_path,
                "--attach",
                shot_path,
            ],
            &pass(),
        )?;
        if run == 0 {
            let out = child.wait_with_output()?;
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let s = String::from_utf8(out.stdout)?;
            printed.push(s.lines().last().unwrap_or_default().to_string());
            // The whole life of one run (spawn, unlock, writes, commit, print): kills are spread over it.
            full = t0.elapsed().max(Duration::from_millis(50));
            continue;
        }
        let delay = Duration::from_micros(rng.next() % (full.as_micros() as u64 + 1));
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait()?;
        if !status.success() {
            killed += 1;
        }
        let mut out = String::new();
        if let Some(mut o) = child.stdout.take() {
            o.read_to_string(&mut out)?;
        }
        if let Some(id) = out
            .lines()
            .last()
            .filter(|l| l.chars().all(|c| c.is_ascii_digit()) && !l.is_empty())
        {
            printed.push(id.to_string());
        }
    }
    eprintln!(
        "crash test: {killed} runs killed mid-way, {} ids printed",
        printed.len()
    );
    assert!(
        killed >= runs / 4,
        "the kills must land while the process is running ({killed} of {runs})"
    );
    // Every printed id is there, and the whole vault verifies.
    let out = cli(&vault, &["list", "--json"], &pass())?;
    let list: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let ids: Vec<String> = list
        .as_array()
        .ok_or("not a list")?
        .iter()
        .map(|i| i["id"].to_string())
        .collect();
    // Atomicity: no incident is left half-recorded (every one has both its files).
    for inc in list.as_array().ok_or("not a list")? {
        assert_eq!(
            inc["attachments"].as_array().map(|a| a.len()),
            Some(2),
            "incident {} was left half-recorded",
            inc["id"]
        );
    }
    for id in &printed {
        assert!(ids.contains(id), "incident {id} was printed but is lost");
        let inc = list
            .as_array()
            .and_then(|a| a.iter().find(|i| &i["id"].to_string() == id))
            .ok_or("missing")?;
        assert_eq!(
            inc["attachments"].as_array().map(|a| a.len()),
            Some(2),
            "incident {id} lost an attachment"
        );
    }
    let out = cli(&vault, &["verify"], &pass())?;
    assert!(
        out.status.success(),
        "verify after crashes: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}
