//! Anchors in the vault against a real RFC 3161 TSA on loopback: a token recorded as an entry and checked by the
//! full check; the TSA down (queued, logging goes on, a later retry succeeds); a tampered token caught even when
//! the attacker rehashes the chain; a chain recorded with a clock set back reported as existing only since its
//! anchor.

mod common;
#[path = "common/tsa.rs"]
mod tsa_server;

use common::{fields, temp_vault};
use evident_core::journal::{body_hash, entry_hash, payload_hash};
use tsa_server::{openssl_tsa, Framing, HttpServer, TestResult, TestTsa};

#[test]
fn an_anchor_is_recorded_checked_and_counted() -> TestResult {
    let tsa = TestTsa::start("tsa_rsa")?;
    let mut t = temp_vault()?;
    let v = &mut t.vault;
    v.record_incident(fields("Threatening email"), &[])?;
    let before = v.anchor_status()?;
    assert!(before.last.is_none());
    assert_eq!(before.unanchored, 2, "vault.created and the incident");

    let attempts = v.anchor_now(Some(vec![tsa.config()?]))?;
    assert_eq!(attempts.len(), 1);
    let a = attempts[0].anchor.clone().ok_or("no anchor recorded")?;
    assert_eq!(a.covers_seq, 2);
    assert_eq!(a.seq, 3);
    assert_eq!(
        tsa.server.requests().len(),
        1,
        "one request, to the TSA only"
    );

    let s = v.anchor_status()?;
    assert_eq!(s.last.as_ref().map(|l| l.seq), Some(3));
    assert_eq!(s.unanchored, 0, "the anchor entry itself needs no anchor");
    assert!(s.queued.is_none());

    // Asking again at the same head sends nothing.
    let again = v.anchor_now(Some(vec![tsa.config()?]))?;
    assert!(again[0].already && again[0].anchor.is_none());
    assert_eq!(tsa.server.requests().len(), 1);

    v.record_incident(fields("A second email"), &[])?;
    assert_eq!(v.anchor_status()?.unanchored, 1);

    let r = v.verify(&mut |_| {})?;
    assert!(r.ok, "{:?}", r.problems);
    assert_eq!(r.anchors.len(), 1);
    assert_eq!(r.anchors[0].gen_time, a.gen_time);
    Ok(())
}

#[test]
fn the_tsa_down_queues_logging_goes_on_and_a_retry_succeeds() -> TestResult {
    let mut tsa = TestTsa::start("tsa_rsa")?;
    let config = tsa.config()?;
    tsa.server.stop();
    let mut t = temp_vault()?;
    let v = &mut t.vault;
    v.set_anchoring(true)?;
    v.record_incident(fields("Before the failure"), &[])?;

    let started = std::time::Instant::now();
    let attempts = v.anchor_now(Some(vec![config.clone()]))?;
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(attempts[0].anchor.is_none());
    assert!(attempts[0]
        .error
        .as_deref()
        .unwrap_or("")
        .contains("could not be reached"));
    let q = v.anchor_status()?.queued.ok_or("the failure is queued")?;
    assert_eq!(q.attempts, 1);
    assert!(
        q.next_try_at > q.last_try_at,
        "back-off before the next try"
    );
    assert!(
        !v.anchor_due()?,
        "not due again before the back-off has passed"
    );
    assert!(v.anchors()?.is_empty(), "nothing half-recorded");

    // Logging goes on.
    v.record_incident(fields("During the failure"), &[])?;
    assert_eq!(v.anchor_status()?.unanchored, 3);

    // The TSA is back (same PKI, a new address): the retry succeeds and clears the queue.
    let back = HttpServer::start(openssl_tsa(
        tsa.pki.dir(),
        "tsa_rsa",
        Framing::ContentLength,
    ))?;
    let config = evident_core::tsa::TsaConfig {
        url: back.url(),
        ..config
    };
    let attempts = v.anchor_now(Some(vec![config]))?;
    assert!(attempts[0].anchor.is_some(), "{:?}", attempts[0].error);
    let s = v.anchor_status()?;
    assert!(s.queued.is_none());
    assert_eq!(s.unanchored, 0);
    assert!(v.verify(&mut |_| {})?.ok);
    Ok(())
}

#[test]
fn a_token_for_another_ca_is_refused_and_nothing_is_recorded() -> TestResult {
    let tsa = TestTsa::start("tsa_rsa")?;
    let mut t = temp_vault()?;
    let v = &mut t.vault;
    let wrong = evident_core::tsa::TsaConfig {
        url: tsa.server.url(),
        ca_pem: tsa.pki.read("other.crt")?,
    };
    let attempts = v.anchor_now(Some(vec![wrong]))?;
    assert!(attempts[0].anchor.is_none());
    assert!(v.anchors()?.is_empty());
    assert_eq!(v.journal_entries(1)?.len(), 1, "only vault.created");
    Ok(())
}

/// Rewrites the last entry's payload and rehashes it (an attacker with the key in hand): the chain still links.
fn rewrite_last(t: &common::TempVault, edit: impl Fn(&mut serde_json::Value)) -> TestResult {
    let conn = t.vault.tamper_connection();
    let (seq, at, kind, payload, prev): (i64, String, String, Vec<u8>, Vec<u8>) = conn.query_row(
        "SELECT seq, recorded_at, kind, payload, prev_hash FROM journal ORDER BY seq DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    let mut v: serde_json::Value = serde_json::from_slice(&payload)?;
    edit(&mut v);
    let payload = serde_json::to_vec(&v)?;
    let ph = payload_hash(&payload);
    let bh = body_hash(&at, &kind, &ph);
    let prev: [u8; 32] = prev.try_into().map_err(|_| "hash")?;
    let eh = entry_hash(seq as u64, &prev, &bh);
    conn.execute(
        "UPDATE journal SET payload = ?1, payload_hash = ?2, body_hash = ?3, entry_hash = ?4 WHERE seq = ?5",
        rusqlite::params![payload, &ph[..], &bh[..], &eh[..], seq],
    )?;
    Ok(())
}

#[test]
fn a_tampered_token_is_caught_even_when_the_chain_is_rehashed() -> TestResult {
    let tsa = TestTsa::start("tsa_rsa")?;
    let mut t = temp_vault()?;
    t.vault.record_incident(fields("Threat"), &[])?;
    t.vault.anchor_now(Some(vec![tsa.config()?]))?;
    assert!(t.vault.verify(&mut |_| {})?.ok);
    // One byte of the token changed, and everything rehashed.
    rewrite_last(&t, |v| {
        let tok = v["token"].as_str().unwrap_or_default().to_string();
        let mut bytes = base64_decode(&tok);
        let n = bytes.len();
        bytes[n - 10] ^= 0x01;
        v["token"] = base64_encode(&bytes).into();
    })?;
    let r = t.vault.verify(&mut |_| {})?;
    assert!(!r.ok);
    assert!(
        r.problems.iter().any(|p| p.code == "anchor_invalid"),
        "{:?}",
        r.problems
    );
    Ok(())
}

#[test]
fn an_anchor_moved_to_another_entry_is_caught() -> TestResult {
    let tsa = TestTsa::start("tsa_rsa")?;
    let mut t = temp_vault()?;
    t.vault.record_incident(fields("Threat"), &[])?;
    t.vault.anchor_now(Some(vec![tsa.config()?]))?;
    rewrite_last(&t, |v| v["covers_seq"] = 1.into())?;
    let r = t.vault.verify(&mut |_| {})?;
    assert!(
        r.problems.iter().any(|p| p.code == "anchor_mismatch"),
        "{:?}",
        r.problems
    );
    Ok(())
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .unwrap_or_default()
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}
