//! The golden anchor vectors (tests/fixtures/anchors/, made once by tests/fixtures/make_anchor_vectors.py, an
//! independent Python implementation of docs/FORMAT.md §5 with a throwaway openssl TSA): every chain is intact,
//! `ok_*` anchors verify offline against the CA recorded in them, and `fail_*` fail `anchor::check_proof` for
//! their stated reason at their stated entry. They live in a subfolder because their failures are the anchor
//! check's, not `journal::verify_chain`'s (tests/fixtures/*.json are checked by `vault.rs` and the pack's
//! verify.html test).

use base64::Engine as _;
use evident_core::anchor::check_proof;
use evident_core::journal::{verify_chain, ChainProof};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn vectors() -> TestResult<Vec<(String, serde_json::Value)>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/anchors");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if name.ends_with(".json") {
            out.push((name, serde_json::from_slice(&std::fs::read(&path)?)?));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The revealed `anchor.recorded` payloads of a vector, with their entries' seq.
fn anchors(doc: &serde_json::Value) -> TestResult<Vec<(u64, serde_json::Value)>> {
    let mut out = Vec::new();
    for e in doc["entries"].as_array().ok_or("no entries")? {
        if e["kind"] == "anchor.recorded" {
            let payload = e["payload"].as_str().ok_or("no payload")?;
            out.push((
                e["seq"].as_u64().ok_or("no seq")?,
                serde_json::from_str(payload)?,
            ));
        }
    }
    Ok(out)
}

#[test]
fn anchor_vectors_verify_or_fail_for_their_stated_reason() -> TestResult {
    let mut seen = (0, 0);
    for (name, doc) in vectors()? {
        let proof: ChainProof = serde_json::from_value(doc.clone())?;
        // Every anchor vector's chain is intact (the fail vectors were rehashed after the change).
        let chain = verify_chain(&proof);
        assert!(
            chain.is_ok(),
            "{name}: the chain itself must verify: {chain:?}"
        );
        let result = check_proof(&proof);
        if name.starts_with("ok_") {
            assert_eq!(doc["expect"], "ok", "{name}");
            let views = result.map_err(|f| format!("{name}: {f:?}"))?;
            let recorded = anchors(&doc)?;
            assert!(!recorded.is_empty(), "{name} has no anchor");
            assert_eq!(views.len(), recorded.len(), "{name}");
            for (view, (seq, p)) in views.iter().zip(&recorded) {
                assert_eq!(view.seq, *seq, "{name}");
                assert_eq!(view.covers_seq, p["covers_seq"], "{name}");
                assert_eq!(view.covers_hash, p["covers_hash"], "{name}");
                assert_eq!(view.gen_time, p["gen_time"], "{name}");
                assert_eq!(view.tsa_name, p["tsa_name"], "{name}");
            }
            seen.0 += 1;
        } else if name.starts_with("fail_") {
            let f = result
                .err()
                .ok_or(format!("{name} verified but must fail"))?;
            assert_eq!(doc["expect"]["error"], f.error.as_str(), "{name}: {f:?}");
            assert_eq!(doc["expect"]["seq"], f.seq, "{name}: {f:?}");
            seen.1 += 1;
        }
    }
    assert!(seen.0 >= 2 && seen.1 >= 5, "{seen:?}");
    Ok(())
}

/// The Python side read genTime, serial, policy and the TSA's name from each genuine token itself: the Rust
/// token reader must say exactly the same (FORMAT.md §5: RFC 3339 UTC with genTime's fraction kept, serial in
/// lowercase hex without the sign byte, policy dotted, the signer certificate's common name).
#[test]
fn anchor_vectors_record_what_their_tokens_say() -> TestResult {
    let mut checked = 0;
    for (name, doc) in vectors()? {
        if !name.starts_with("ok_") {
            continue;
        }
        for (seq, p) in anchors(&doc)? {
            let token = base64::engine::general_purpose::STANDARD
                .decode(p["token"].as_str().ok_or("no token")?)?;
            let digest: [u8; 32] = hex::decode(p["covers_hash"].as_str().ok_or("no hash")?)?
                .try_into()
                .map_err(|_| "covers_hash is not 32 bytes")?;
            let ca = p["ca_pem"].as_str().ok_or("no ca_pem")?;
            let stamp = evident_core::tsa::verify_token(&token, &digest, ca)
                .map_err(|e| format!("{name} entry {seq}: {e:?}"))?;
            assert_eq!(p["gen_time"], stamp.gen_time, "{name} entry {seq}");
            assert_eq!(p["serial"], stamp.serial, "{name} entry {seq}");
            assert_eq!(p["policy"], stamp.policy, "{name} entry {seq}");
            assert_eq!(p["tsa_name"], stamp.tsa_name, "{name} entry {seq}");
            assert_eq!(stamp.imprint, digest, "{name} entry {seq}");
            checked += 1;
        }
    }
    assert!(checked >= 3, "{checked} anchors checked");
    Ok(())
}
