//! `evident-cli verify-pack` checks every claim of a pack against its chain: a description changed in
//! incidents.json, or in incidents.csv, with SHA256SUMS made again, exits 2 naming the incident and the field;
//! an incident added to incidents.json without its recording entry exits 2; the honest pack exits 0.

use std::io::Read;

mod common;
#[path = "../../core/tests/common/packzip.rs"]
mod packzip;

use common::*;
use packzip::{replace_in, rewrite, Sums};

type Edit = Box<dyn Fn(&str, Vec<u8>) -> Vec<u8>>;

#[test]
fn verify_pack_exits_2_naming_the_incident_and_field_of_a_changed_claim() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    ok(&cli(&vault, &["init"], &format!("{PASS}\n"))?)?;
    let out = ok(&cli(
        &vault,
        &[
            "add",
            "--summary",
            "=HYPERLINK(\"x\") threat",
            "--description",
            "He said \"I will be there.\"",
            "--person",
            "Mallory",
            "--occurred",
            "2026-10-01 10:00",
        ],
        &format!("{PASS}\n"),
    )?)?;
    let id = out.trim().lines().last().unwrap_or_default().to_string();
    ok(&cli(
        &vault,
        &[
            "amend",
            &id,
            "--reason",
            "Exact words",
            "--description",
            "He said \"I will be there tonight.\"",
        ],
        &format!("{PASS}\n"),
    )?)?;
    let zip = tmp.path().join("pack.zip");
    let zip_s = zip.to_string_lossy().into_owned();
    ok(&cli(
        &vault,
        &[
            "export",
            "--out",
            &zip_s,
            "--all",
            "--recipient-name",
            "DC Smith",
            "--author-name",
            "Alice Bloggs",
        ],
        &format!("{PASS}\n"),
    )?)?;
    let nowhere = tmp.path().join("no-vault-here");
    let good = cli(&nowhere, &["verify-pack", &zip_s], "")?;
    assert_eq!(
        good.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&good.stdout)
    );

    let cases: [(&str, Edit, String); 3] = [
        (
            "json",
            Box::new(replace_in("incidents.json", "I will be there tonight.", "I will kill you tonight.")),
            format!("incidents.json: incident {id}: description in incidents.json differs from the chain"),
        ),
        (
            "csv",
            Box::new(replace_in("incidents.csv", "I will be there tonight.", "I will kill you tonight.")),
            format!("incidents.csv: incident {id}: description in incidents.csv differs from the chain"),
        ),
        (
            "added",
            Box::new(|name: &str, b: Vec<u8>| {
                if name != "incidents.json" {
                    return b;
                }
                let mut v: serde_json::Value = serde_json::from_slice(&b).unwrap_or_default();
                if let Some(list) = v["incidents"].as_array_mut() {
                    let mut extra = list[0].clone();
                    extra["id"] = 77.into();
                    list.push(extra);
                }
                let mut out = serde_json::to_vec_pretty(&v).unwrap_or_default();
                out.push(b'\n');
                out
            }),
            "incident 77: in incidents.json, but chain.json does not reveal the entry that recorded it".to_string(),
        ),
    ];
    for (name, edit, want) in cases {
        let bad = tmp.path().join(format!("{name}.zip"));
        rewrite(&zip, &bad, &*edit, Sums::Remade)?;
        let out = cli(&nowhere, &["verify-pack", &bad.to_string_lossy()], "")?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{name}: {stdout}");
        assert!(stdout.contains(&want), "{name}: {want:?} not in {stdout}");
        let json = cli(
            &nowhere,
            &["verify-pack", "--json", &bad.to_string_lossy()],
            "",
        )?;
        assert_eq!(json.status.code(), Some(2));
        let v: serde_json::Value = serde_json::from_slice(&json.stdout)?;
        assert!(
            v["failures"]
                .as_array()
                .is_some_and(|f| f.iter().any(|f| f["code"] == "data_mismatch")),
            "{name}: {v}"
        );
    }
    Ok(())
}

/// `export --redact incident:ID:FIELD` and `--redact-earlier`: the values are in no file of the pack, which
/// still verifies (exit 0); a field that cannot be redacted is refused with exit 1 and nothing written.
#[test]
fn export_redact_leaves_the_value_out_and_the_pack_still_verifies() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    ok(&cli(&vault, &["init"], &format!("{PASS}\n"))?)?;
    let out = ok(&cli(
        &vault,
        &[
            "add",
            "--summary",
            "Shouted at me",
            "--description",
            "Jane SECRETNEIGHBOUR saw it.",
            "--occurred",
            "2026-10-01 10:00",
        ],
        &format!("{PASS}\n"),
    )?)?;
    let id = out.trim().lines().last().unwrap_or_default().to_string();
    ok(&cli(
        &vault,
        &[
            "amend",
            &id,
            "--reason",
            "Took her name out",
            "--description",
            "A neighbour saw it.",
        ],
        &format!("{PASS}\n"),
    )?)?;
    let zip = tmp.path().join("pack.zip");
    let zip_s = zip.to_string_lossy().into_owned();
    let earlier = format!("incident:{id}:description");
    let bad = format!("incident:{id}:occurred");
    let refused = cli(
        &vault,
        &[
            "export",
            "--out",
            &zip_s,
            "--all",
            "--recipient-name",
            "DC Smith",
            "--author-name",
            "Alice Bloggs",
            "--redact",
            &bad,
        ],
        &format!("{PASS}\n"),
    )?;
    assert_eq!(refused.status.code(), Some(1));
    assert!(!zip.exists());
    ok(&cli(
        &vault,
        &[
            "export",
            "--out",
            &zip_s,
            "--all",
            "--recipient-name",
            "DC Smith",
            "--author-name",
            "Alice Bloggs",
            "--redact-earlier",
            &earlier,
        ],
        &format!("{PASS}\n"),
    )?)?;
    let mut z = zip::ZipArchive::new(std::fs::File::open(&zip)?)?;
    let mut json = String::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i)?;
        let mut b = Vec::new();
        e.read_to_end(&mut b)?;
        let text = String::from_utf8_lossy(&b);
        assert!(
            !text.contains("SECRETNEIGHBOUR"),
            "{} holds the value",
            e.name()
        );
        if e.name() == "incidents.json" {
            json = text.into_owned();
        }
    }
    assert!(json.contains("[redacted by the diarist]") && json.contains("A neighbour saw it."));
    let nowhere = tmp.path().join("no-vault-here");
    let good = cli(&nowhere, &["verify-pack", &zip_s], "")?;
    assert_eq!(
        good.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&good.stdout)
    );
    Ok(())
}
