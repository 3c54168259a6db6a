//! `add` and `amend` record everything the app can: place, platform, URL, account handle, time shown on the
//! post, witnesses, the diarist's words for the time, red flags and possible offences (codes from
//! assets/reference.json); an unknown code is refused with exit 1 and nothing recorded.

mod common;

use common::*;

#[test]
fn add_and_amend_take_every_incident_field() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    ok(&cli(&vault, &["init"], &pass())?)?;
    let out = ok(&cli(
        &vault,
        &[
            "add",
            "--summary",
            "Post naming my street",
            "--occurred",
            "2026-08-02",
            "--time-words",
            "after the evening surgery",
            "--place",
            "Outside the library",
            "--platform",
            "X",
            "--url",
            "https://x.example/1",
            "--handle",
            "@mallory_t",
            "--post-time",
            "2 Aug, 21:14",
            "--witnesses",
            "Wendy saw it",
            "--red-flag",
            "personal_info_released",
            "--red-flag",
            "weapons",
            "--offence",
            "osa2023_s181",
        ],
        &pass(),
    )?)?;
    let id = out.lines().last().ok_or("no id")?.trim().to_string();
    let show = |vault: &std::path::Path| -> TestResult<serde_json::Value> {
        Ok(serde_json::from_str(&ok(&cli(
            vault,
            &["show", &id, "--json"],
            &pass(),
        )?)?)?)
    };
    let f = show(&vault)?["fields"].clone();
    assert_eq!(f["location"], "Outside the library");
    assert_eq!(f["platform"], "X");
    assert_eq!(f["url"], "https://x.example/1");
    assert_eq!(f["account_handle"], "@mallory_t");
    assert_eq!(f["post_time_shown"], "2 Aug, 21:14");
    assert_eq!(f["witnesses"], "Wendy saw it");
    assert_eq!(f["time_words"], "after the evening surgery");
    assert_eq!(
        f["red_flags"],
        serde_json::json!(["personal_info_released", "weapons"])
    );
    assert_eq!(f["offences"], serde_json::json!(["osa2023_s181"]));

    ok(&cli(
        &vault,
        &[
            "amend",
            &id,
            "--reason",
            "Got the details right",
            "--place",
            "Library car park",
            "--red-flag",
            "",
            "--offence",
            "pha1997_s1",
            "--offence",
            "osa2023_s179",
        ],
        &pass(),
    )?)?;
    let f = show(&vault)?["fields"].clone();
    assert_eq!(f["location"], "Library car park");
    assert_eq!(f["red_flags"], serde_json::json!([]));
    assert_eq!(
        f["offences"],
        serde_json::json!(["pha1997_s1", "osa2023_s179"])
    );
    assert_eq!(f["url"], "https://x.example/1", "untouched fields stay");

    // An unknown code: exit 1, nothing recorded.
    let out = cli(
        &vault,
        &["add", "--summary", "x", "--offence", "not_a_law"],
        &pass(),
    )?;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not_a_law"));
    Ok(())
}
