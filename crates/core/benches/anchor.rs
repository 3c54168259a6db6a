//! Trusted-time benchmarks. They print figures; they never assert timings. Run:
//! `cargo bench -p evident-core --bench anchor` (EVIDENT_BENCH_SCALE=0.1 for a quick run).
//!
//! - logging an incident with network anchoring on (and a TSA that is down) beside anchoring off: the logging
//!   path makes no request, so the two should match
//! - verifying 1,000 anchors: the vault's full check with them, and the token checks alone
//!
//! Tokens come from a real RFC 3161 TSA on loopback (`openssl ts -reply`), as in the tests.

#[path = "../tests/common/tsa.rs"]
mod tsa_server;

use std::time::{Duration, Instant};

use evident_core::incident::IncidentFields;
use evident_core::{Passphrase, Vault};

type R = Result<(), Box<dyn std::error::Error>>;

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1000.0
}

fn scale(n: usize) -> usize {
    let s: f64 = std::env::var("EVIDENT_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    ((n as f64 * s).round() as usize).max(5)
}

fn incident(i: usize) -> IncidentFields {
    IncidentFields {
        summary: format!("Incident {i}: a threatening message"),
        description: "Verbatim text of the message.".into(),
        ..Default::default()
    }
}

fn logging(tsa: &tsa_server::TestTsa) -> R {
    let n = scale(300);
    let mut rows = Vec::new();
    for on in [false, true] {
        let tmp = tempfile::tempdir()?;
        let (mut v, _) = Vault::create(
            &tmp.path().join("v"),
            &Passphrase::new("bench passphrase".into()),
        )?;
        if on {
            // Anchoring on, its TSA down and a failure queued: exactly what a person offline has.
            let config = tsa.config()?;
            v.tsa_add("http://127.0.0.1:9/", &config.ca_pem)?;
            v.anchor_failed("the time-stamping service could not be reached")?;
        }
        let mut times = Vec::with_capacity(n);
        for i in 0..n {
            let t = Instant::now();
            v.record_incident(incident(i), &[])?;
            times.push(t.elapsed());
        }
        rows.push((on, pct(&mut times, 0.5), pct(&mut times, 0.99)));
    }
    println!("Logging an incident ({n} each), commit included:");
    for (on, p50, p99) in rows {
        println!(
            "  anchoring {:<3}: p50 {p50:.2} ms, p99 {p99:.2} ms",
            if on { "on" } else { "off" }
        );
    }
    Ok(())
}

fn verify_many(tsa: &tsa_server::TestTsa) -> R {
    let n = scale(1000);
    let tmp = tempfile::tempdir()?;
    let (mut v, _) = Vault::create(
        &tmp.path().join("v"),
        &Passphrase::new("bench passphrase".into()),
    )?;
    let config = tsa.config()?;
    let t = Instant::now();
    for i in 0..n {
        v.record_incident(incident(i), &[])?;
        let a = v.anchor_now(Some(vec![config.clone()]))?;
        if a.first().and_then(|x| x.anchor.as_ref()).is_none() {
            return Err(format!(
                "anchor {i} failed: {:?}",
                a.first().and_then(|x| x.error.clone())
            )
            .into());
        }
    }
    let made = t.elapsed();
    let entries = v.journal_entries(1)?;
    let t = Instant::now();
    let r = v.verify(&mut |_| {})?;
    let full = t.elapsed();
    if !r.ok || r.anchors.len() != n {
        return Err(format!("verify: ok {} with {} anchors", r.ok, r.anchors.len()).into());
    }
    // The token checks alone: signature, chain to the CA, time-stamping usage, imprint.
    let tokens: Vec<(Vec<u8>, [u8; 32])> = entries
        .iter()
        .filter(|e| e.kind == "anchor.recorded")
        .filter_map(|e| {
            let p: serde_json::Value = serde_json::from_slice(&e.payload).ok()?;
            use base64::Engine as _;
            let tok = base64::engine::general_purpose::STANDARD
                .decode(p["token"].as_str()?)
                .ok()?;
            let h: [u8; 32] = hex::decode(p["covers_hash"].as_str()?)
                .ok()?
                .try_into()
                .ok()?;
            Some((tok, h))
        })
        .collect();
    let t = Instant::now();
    for (tok, h) in &tokens {
        evident_core::tsa::verify_token(tok, h, &config.ca_pem)?;
    }
    let alone = t.elapsed();
    println!(
        "{n} anchors from the loopback TSA (each a request, an openssl process and a commit): made in {:.1} s",
        made.as_secs_f64()
    );
    println!(
        "Full verify of {} entries including {n} anchors: {:.0} ms; the {} token checks alone: {:.0} ms ({:.2} ms each)",
        entries.len(),
        full.as_secs_f64() * 1000.0,
        tokens.len(),
        alone.as_secs_f64() * 1000.0,
        alone.as_secs_f64() * 1000.0 / tokens.len().max(1) as f64
    );
    Ok(())
}

fn main() -> R {
    let tsa = tsa_server::TestTsa::start("tsa_rsa")?;
    logging(&tsa)?;
    verify_many(&tsa)?;
    Ok(())
}
