//! Files that never end or block: devices and FIFOs are refused at once, never read (no hang, no growth).

mod common;

use std::time::{Duration, Instant};

use common::{fields, temp_vault, TestResult};
use evident_core::ErrorKind;

#[test]
fn a_device_is_refused_at_once() -> TestResult {
    let mut t = temp_vault()?;
    let id = t.vault.record_incident(fields("Device"), &[])?;
    let started = Instant::now();
    let err = t
        .vault
        .attach_file(id, std::path::Path::new("/dev/zero"))
        .err()
        .ok_or("a device must be refused")?;
    assert_eq!(err.kind(), ErrorKind::FileUnreadable);
    assert!(
        err.message().contains("not a regular file"),
        "{}",
        err.message()
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(t.vault.attachments_of(id)?.is_empty());
    Ok(())
}

#[test]
fn a_fifo_is_refused_without_blocking() -> TestResult {
    let mut t = temp_vault()?;
    t.vault.record_incident(fields("FIFO"), &[])?;
    let fifo = t.tmp.path().join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status()?;
    assert!(made.success());
    let started = Instant::now();
    let err = t
        .vault
        .record_incident_with_files(fields("With a FIFO"), &[], &[fifo])
        .err()
        .ok_or("a FIFO must be refused")?;
    assert!(
        err.message().contains("not a regular file"),
        "{}",
        err.message()
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(t.vault.incident_count()?, 1, "nothing half-recorded");
    Ok(())
}

#[test]
fn an_image_exhibit_too_big_to_preview_is_listed_in_the_pdf_as_not_reproduced() -> TestResult {
    use evident_core::pack::{PackRequest, PackSelection, Recipient};
    let mut t = temp_vault()?;
    let id = t.vault.record_incident(fields("Huge screenshot"), &[])?;
    // A real small PNG followed by 65 MiB: past what a preview (or the PDF) would ever load.
    let mut huge = common::png(10, 10);
    huge.resize(huge.len() + 65 * 1024 * 1024, 0);
    let a = t.vault.attach_bytes(id, "huge.png", &huge, None)?;
    assert!(!a.has_preview);
    t.vault
        .attach_bytes(id, "small.png", &common::png(10, 10), None)?;
    let out = t.tmp.path().join("pack.zip");
    t.vault.export_pack(
        &PackRequest {
            selection: PackSelection {
                all: true,
                ..Default::default()
            },
            recipient: Recipient {
                name: "DC Jane Officer".into(),
                organisation: "Example Constabulary".into(),
                crime_reference: None,
            },
            author_name: "Alice Bloggs".into(),
            author_contact: String::new(),
            initials: None,
            redactions: Vec::new(),
        },
        &out,
    )?;
    let pdf = t.tmp.path().join("report.pdf");
    let unzip = std::process::Command::new("unzip")
        .arg("-p")
        .arg(&out)
        .arg("report.pdf")
        .output()?;
    std::fs::write(&pdf, unzip.stdout)?;
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()?;
    let text = String::from_utf8(text.stdout)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        text.matches("could not be reproduced").count(),
        1,
        "only the huge one is not reproduced: {text}"
    );
    Ok(())
}

#[test]
fn a_photo_with_gps_is_named_before_and_after_export() -> TestResult {
    use evident_core::pack::PackSelection;
    let mut t = temp_vault()?;
    let id = t.vault.record_incident(fields("Photo at the door"), &[])?;
    let jpeg = |name: &str| -> TestResult<std::path::PathBuf> {
        let img =
            image::RgbImage::from_fn(32, 16, |x, y| image::Rgb([x as u8 * 8, y as u8 * 16, 90]));
        let path = t.tmp.path().join(name);
        img.save(&path)?;
        Ok(path)
    };
    let located = jpeg("doorstep.jpg")?;
    let ok = std::process::Command::new("exiftool")
        .args([
            "-q",
            "-overwrite_original",
            "-GPSLatitude=51.5007",
            "-GPSLatitudeRef=N",
        ])
        .args(["-GPSLongitude=0.1246", "-GPSLongitudeRef=W"])
        .arg(&located)
        .status()?;
    assert!(ok.success(), "exiftool wrote the GPS tags");
    let plain = jpeg("plain.jpg")?;
    let a = t.vault.attach_file(id, &located)?;
    t.vault.attach_file(id, &plain)?;
    let s = t.vault.pack_selection_summary(&PackSelection {
        all: true,
        ..Default::default()
    })?;
    assert_eq!(s.located.len(), 1, "{:?}", s.located);
    assert_eq!(s.located[0].attachment_id, a.id);
    assert_eq!(s.located[0].file_name, "doorstep.jpg");
    Ok(())
}
