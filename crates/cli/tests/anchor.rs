//! The trusted-time verbs on the real binary, against a real RFC 3161 TSA on loopback: `anchor` (one line per
//! TSA, exit 0 when recorded; exit 1 with one line when none was, queued), `tsa list|add|remove|off|on`,
//! `fingerprint`, and `verify` checking anchors (`--json` lists them; a tampered anchor exits 2).

mod common;
#[path = "../../core/tests/common/tsa.rs"]
mod tsa_server;

use common::{cli, ok, pass};
use tsa_server::{TestResult, TestTsa};

fn vault_with_an_incident() -> TestResult<(tempfile::TempDir, std::path::PathBuf)> {
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    ok(&cli(&vault, &["init"], &pass())?)?;
    ok(&cli(
        &vault,
        &["add", "--summary", "Threatening email"],
        &pass(),
    )?)?;
    Ok((tmp, vault))
}

#[test]
fn anchor_with_a_given_tsa_records_and_verify_lists_it() -> TestResult {
    let tsa = TestTsa::start("tsa_rsa")?;
    let (_tmp, vault) = vault_with_an_incident()?;
    let url = tsa.server.url();
    let ca = tsa.pki.path("ca.crt");
    let ca = ca.to_str().ok_or("path")?;

    let out = ok(&cli(
        &vault,
        &["anchor", "--tsa", &url, "--ca", ca],
        &pass(),
    )?)?;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "one line per TSA: {out}");
    assert!(lines[0].starts_with(&format!("{url}: 20")), "{out}");
    assert!(lines[0].contains("entry 2 anchored as entry 3"), "{out}");

    let v = ok(&cli(&vault, &["verify", "--json"], &pass())?)?;
    let v: serde_json::Value = serde_json::from_str(&v)?;
    assert_eq!(v["ok"], true);
    assert_eq!(v["anchors"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["anchors"][0]["covers_seq"], 2);
    assert_eq!(v["anchors"][0]["tsa_url"], url.as_str());

    let text = ok(&cli(&vault, &["verify"], &pass())?)?;
    assert!(text.contains("anchors: 1 checked"), "{text}");

    let fp = ok(&cli(&vault, &["fingerprint"], &pass())?)?;
    assert!(
        fp.starts_with("Evident record fingerprint: entry 3, SHA-256 "),
        "{fp}"
    );
    assert!(fp.contains("last anchored: "), "{fp}");
    Ok(())
}

#[test]
fn anchor_with_the_tsa_down_exits_1_on_one_line_and_queues() -> TestResult {
    let mut tsa = TestTsa::start("tsa_rsa")?;
    let url = tsa.server.url();
    tsa.server.stop();
    let (_tmp, vault) = vault_with_an_incident()?;
    let ca = tsa.pki.path("ca.crt");
    let ca = ca.to_str().ok_or("path")?;
    let out = cli(&vault, &["anchor", "--tsa", &url, "--ca", ca], &pass())?;
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr)?;
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("no anchor was recorded"), "{err}");
    let s = ok(&cli(&vault, &["tsa", "list", "--json"], &pass())?)?;
    let s: serde_json::Value = serde_json::from_str(&s)?;
    assert_eq!(s["queued"]["attempts"], 1, "{s}");
    assert!(s["last"].is_null());
    // Logging goes on; the vault verifies.
    ok(&cli(&vault, &["add", "--summary", "Another one"], &pass())?)?;
    ok(&cli(&vault, &["verify"], &pass())?)?;
    Ok(())
}

#[test]
fn tsa_list_add_remove_off_on() -> TestResult {
    let tsa = TestTsa::start("tsa_rsa")?;
    let (_tmp, vault) = vault_with_an_incident()?;
    let list = ok(&cli(&vault, &["tsa", "list"], &pass())?)?;
    assert!(list.starts_with("network anchoring: off"), "{list}");
    assert!(
        list.contains("http://timestamp.digicert.com"),
        "defaults listed: {list}"
    );

    // Off: a plain `anchor` sends nothing and says how to turn it on.
    let out = cli(&vault, &["anchor"], &pass())?;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)?.contains("tsa on"));

    let url = tsa.server.url();
    let ca = tsa.pki.path("ca.crt");
    let ca = ca.to_str().ok_or("path")?;
    let added = ok(&cli(&vault, &["tsa", "add", &url, "--ca", ca], &pass())?)?;
    assert!(added.contains("network anchoring is on"), "{added}");
    // The first service added replaces the defaults: only the loopback TSA is ever asked.
    let list = ok(&cli(&vault, &["tsa", "list"], &pass())?)?;
    assert!(list.starts_with("network anchoring: on"), "{list}");
    assert!(!list.contains("digicert"), "{list}");
    assert!(list.contains(&url), "{list}");
    let out = ok(&cli(&vault, &["anchor"], &pass())?)?;
    assert!(out.starts_with(&format!("{url}: ")), "{out}");
    assert_eq!(tsa.server.requests().len(), 1);
    // Again at the same head: nothing is asked.
    let again = ok(&cli(&vault, &["anchor"], &pass())?)?;
    assert!(again.contains("already anchored"), "{again}");
    assert_eq!(tsa.server.requests().len(), 1);

    ok(&cli(&vault, &["tsa", "off"], &pass())?)?;
    assert!(ok(&cli(&vault, &["tsa", "list"], &pass())?)?.starts_with("network anchoring: off"));
    ok(&cli(&vault, &["tsa", "on"], &pass())?)?;
    ok(&cli(&vault, &["tsa", "remove", &url], &pass())?)?;
    let out = cli(&vault, &["tsa", "remove", &url], &pass())?;
    assert_eq!(out.status.code(), Some(1));
    let out = cli(
        &vault,
        &["tsa", "add", "https://tsa.example/", "--ca", ca],
        &pass(),
    )?;
    assert_eq!(out.status.code(), Some(1), "only http:// is supported");
    Ok(())
}

#[test]
fn a_token_from_an_untrusted_ca_records_nothing() -> TestResult {
    let tsa = TestTsa::start("tsa_rsa")?;
    let (_tmp, vault) = vault_with_an_incident()?;
    let url = tsa.server.url();
    let other = tsa.pki.path("other.crt");
    let other = other.to_str().ok_or("path")?;
    let out = cli(&vault, &["anchor", "--tsa", &url, "--ca", other], &pass())?;
    assert_eq!(out.status.code(), Some(1));
    let v = ok(&cli(&vault, &["verify", "--json"], &pass())?)?;
    let v: serde_json::Value = serde_json::from_str(&v)?;
    assert_eq!(v["entries"], 2, "nothing half-recorded");
    Ok(())
}
