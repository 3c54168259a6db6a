//! `show --json` gives, for each attachment, `captured_at` (the best capture or creation time, or null),
//! `captured_at_source` (the tag it came from) and `times` (every time found, each with `tag`, `value` and
//! `offset`): checked against `exiftool -j` on the files of tests/fixtures/capture in the test itself.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::*;

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/capture")
        .join(name)
}

/// `exiftool -j -G0` of a file: its one object.
fn exiftool(path: &Path) -> TestResult<serde_json::Value> {
    let out = Command::new("exiftool")
        .args(["-j", "-G0", "-time:all", "-a"])
        .arg(path)
        .output()?;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    Ok(v[0].clone())
}

#[test]
fn show_json_gives_capture_time_source_and_every_time() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    ok(&cli(&vault, &["init"], &pass())?)?;
    let files = [
        "xmp-createdate.jpg",
        "datetime-only.jpg",
        "offset-original.jpg",
        "screenshot-xmp.png",
        "photo.heic",
        "tiff-original.tif",
        "maker-panasonic.jpg",
        "maker-olympus.jpg",
        "app12-pictureinfo.jpg",
        "xmp-extended.jpg",
        "png-modified.png",
        "gps-fix.jpg",
        "invalid.jpg",
    ];
    let mut args = vec!["add", "--summary", "Camera roll"];
    let paths: Vec<String> = files
        .iter()
        .map(|f| corpus(f).display().to_string())
        .collect();
    for p in &paths {
        args.push("--attach");
        args.push(p);
    }
    let out = ok(&cli(&vault, &args, &pass())?)?;
    let id = out.lines().last().unwrap_or_default().trim().to_string();
    let show: serde_json::Value =
        serde_json::from_str(&ok(&cli(&vault, &["show", &id, "--json"], &pass())?)?)?;
    let atts = show["attachments"].as_array().ok_or("attachments")?;
    assert_eq!(
        atts.len(),
        files.len(),
        "every file kept, the invalid one too"
    );
    for (f, path) in files.iter().zip(&paths) {
        let a = atts
            .iter()
            .find(|a| a["file_name"] == *f)
            .ok_or(format!("{f} listed"))?;
        let et = exiftool(Path::new(path))?;
        // exiftool's capture or creation time, best first; modify dates never.
        let want = [
            "EXIF:DateTimeOriginal",
            "XMP:DateTimeOriginal",
            "EXIF:CreateDate",
            "XMP:DateCreated",
            "XMP:CreateDate",
            "APP12:DateTimeOriginal",
            "MakerNotes:PanasonicDateTime",
            "MakerNotes:DateTimeUTC",
            "PNG:CreationTime",
            "PNG:CreateDate",
        ]
        .iter()
        .find_map(|t| et.get(*t).and_then(|v| v.as_str()).map(|v| (*t, v)));
        match want {
            Some((tag, value)) => {
                assert_eq!(a["captured_at_source"], tag, "{f}");
                let at = a["captured_at"]
                    .as_str()
                    .ok_or(format!("{f}: captured_at"))?;
                assert!(at.starts_with(value), "{f}: {at} vs exiftool's {value}");
            }
            None => {
                assert!(a["captured_at"].is_null(), "{f}: {}", a["captured_at"]);
                assert!(a["captured_at_source"].is_null(), "{f}");
            }
        }
        // Every time exiftool prints (bar the file system's, which it reads now), with its value and offset.
        let times = a["times"].as_array().ok_or(format!("{f}: times"))?;
        for (k, v) in et.as_object().into_iter().flatten() {
            let Some(value) = v.as_str() else { continue };
            if k.starts_with("File:") || k.starts_with("Composite:") || k.contains("OffsetTime") {
                continue;
            }
            if k == "SourceFile" || k.contains("SubSecTime") {
                continue;
            }
            // The GPS date and time stamps are kept joined, as exiftool's Composite:GPSDateTime (checked below).
            if k == "EXIF:GPSDateStamp" || k == "EXIF:GPSTimeStamp" {
                continue;
            }
            let t = times
                .iter()
                .find(|t| t["tag"] == k.as_str())
                .ok_or(format!("{f}: {k} not in times {times:?}"))?;
            assert_eq!(t["value"], value, "{f}: {k}");
            assert!(t.get("offset").is_some(), "{f}: {k} has an offset member");
            if k == "EXIF:DateTimeOriginal" {
                if let Some(off) = et.get("EXIF:OffsetTimeOriginal") {
                    assert_eq!(&t["offset"], off, "{f}");
                }
            }
        }
    }
    // The DateTime-only JPEG: no capture time, and its one time labelled as modified.
    let only = atts
        .iter()
        .find(|a| a["file_name"] == "datetime-only.jpg")
        .ok_or("datetime-only")?;
    let m = only["times"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["tag"] == "EXIF:ModifyDate"))
        .ok_or("modify date listed")?;
    assert_eq!(m["kind"], "modified");
    assert!(m["offset"].is_null());
    // A phone photo with a location: the GPS fix time is listed as exiftool joins it, in UTC, and is not the
    // capture time (that is the camera's DateTimeOriginal, with its zone).
    let gps = atts
        .iter()
        .find(|a| a["file_name"] == "gps-fix.jpg")
        .ok_or("gps-fix")?;
    let et = exiftool(&corpus("gps-fix.jpg"))?;
    let fix = gps["times"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["tag"] == "Composite:GPSDateTime"))
        .ok_or("the GPS fix time listed")?;
    assert_eq!(fix["value"], et["Composite:GPSDateTime"]);
    assert_eq!(fix["value"], "2023:06:15 13:30:05.5Z");
    assert_eq!(
        (&fix["kind"], &fix["offset"]),
        (&"gps_fix".into(), &"Z".into())
    );
    assert_eq!(gps["captured_at_source"], "EXIF:DateTimeOriginal");
    assert_eq!(gps["captured_at"], "2023:06:15 14:30:04+01:00");
    assert_eq!(
        gps["location"], true,
        "the card says the file carries a location"
    );
    Ok(())
}

#[test]
fn attach_how_device_and_describe_attachment_are_recorded_and_shown() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let vault = tmp.path().join("v");
    ok(&cli(&vault, &["init"], &pass())?)?;
    let out = ok(&cli(&vault, &["add", "--summary", "Photo"], &pass())?)?;
    let id = out.lines().last().unwrap_or_default().trim().to_string();
    let photo = corpus("exif-original.jpg").display().to_string();
    let out = ok(&cli(
        &vault,
        &[
            "attach",
            &id,
            &photo,
            "--how",
            "a photo I took on my phone",
            "--device",
            "my old phone",
        ],
        &pass(),
    )?)?;
    let att = out
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    // Only the device corrected: the way it was captured stays.
    let out = ok(&cli(
        &vault,
        &["describe-attachment", &att, "--device", "my iPhone 13"],
        &pass(),
    )?)?;
    assert!(
        out.contains("how captured: a photo I took on my phone; device: my iPhone 13"),
        "{out}"
    );
    let show: serde_json::Value =
        serde_json::from_str(&ok(&cli(&vault, &["show", &id, "--json"], &pass())?)?)?;
    let a = &show["attachments"][0];
    assert_eq!(a["capture_method"], "a photo I took on my phone");
    assert_eq!(a["device"], "my iPhone 13");
    let history = show["history"].to_string();
    assert!(history.contains("device: my old phone"), "{history}");
    assert!(history.contains("device: my iPhone 13"), "{history}");
    // Neither option: a usage error, nothing recorded.
    let bad = cli(&vault, &["describe-attachment", &att], &pass())?;
    assert_eq!(bad.status.code(), Some(1));
    // An unknown attachment: a clear error.
    let bad = cli(
        &vault,
        &["describe-attachment", "999", "--how", "x"],
        &pass(),
    )?;
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no attachment 999"));
    Ok(())
}
