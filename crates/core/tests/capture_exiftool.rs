//! Capture times compared with exiftool, the tool a defence expert checks with. Each file of
//! tests/fixtures/capture/ (made by its make.sh) is read by `exiftool -j -time:all -a -G1 -s` in the test
//! itself and by Evident, through the real vault (attached, recorded in the chain, shown): every time tag
//! exiftool finds that Evident reads must be found with the same value; the capture time must be the one
//! exiftool's tags give; a modify date is never a capture time.

mod common;

use std::path::{Path, PathBuf};

use common::{fields, temp_vault, TestResult};
use evident_core::capture::{self, TimeKind};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/capture")
}

fn fixtures() -> Result<Vec<PathBuf>, std::io::Error> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x != "sh"))
        .collect();
    v.sort();
    Ok(v)
}

/// exiftool's time tags of a file, as (Evident's tag name, value): `ExifIFD:CreateDate` → `EXIF:CreateDate`.
fn exiftool(path: &Path) -> Result<Vec<(String, String)>, Box<dyn std::error::Error>> {
    let out = std::process::Command::new("exiftool")
        .args(["-j", "-time:all", "-a", "-G1", "-s"])
        .arg(path)
        .output()
        .map_err(|e| format!("exiftool must be installed (libimage-exiftool-perl): {e}"))?;
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let mut tags = Vec::new();
    if let Some(obj) = json.get(0).and_then(|o| o.as_object()) {
        for (k, v) in obj {
            let Some((group, name)) = k.split_once(':') else {
                continue;
            };
            let family0 = match group {
                "IFD0" | "ExifIFD" | "IFD1" => "EXIF",
                g if g.starts_with("XMP") => "XMP",
                "PNG" => "PNG",
                "QuickTime" => "QuickTime",
                "Panasonic" | "Olympus" | "Pentax" => "MakerNotes",
                "PictureInfo" => "APP12",
                // The GPS fix time: Evident keeps exiftool's joined GPSDateStamp and GPSTimeStamp.
                "Composite" if name == "GPSDateTime" => "Composite",
                _ => continue, // System (the file system here), Composite: not tags in the file
            };
            let value = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            tags.push((format!("{family0}:{name}"), value));
        }
    }
    // Pentax keeps the date and the time of day in two tags; Evident joins them into one time.
    if let Some(p) = tags.iter().position(|(t, _)| t == "MakerNotes:Time") {
        let (_, time) = tags.remove(p);
        if let Some(d) = tags.iter_mut().find(|(t, _)| t == "MakerNotes:Date") {
            d.1 = format!("{} {time}", d.1);
        }
    }
    Ok(tags)
}

/// Tags Evident reads (their offsets and fractions are folded into the time they belong to).
fn is_time_tag(tag: &str) -> bool {
    !tag.contains("OffsetTime") && !tag.contains("SubSecTime")
}

/// The capture time exiftool's own tags give: capture and creation tags only, best first.
fn exiftool_capture(tags: &[(String, String)]) -> Option<(String, String)> {
    const ORDER: &[&str] = &[
        "EXIF:DateTimeOriginal",
        "XMP:DateTimeOriginal",
        "EXIF:CreateDate",
        "XMP:DateTimeDigitized",
        "XMP:DateCreated",
        "XMP:CreateDate",
        "APP12:DateTimeOriginal",
        "MakerNotes:PanasonicDateTime",
        "MakerNotes:Date",
        "MakerNotes:DateTimeUTC",
        "MakerNotes:TimeStamp",
        "QuickTime:CreateDate",
        "PNG:CreationTime",
        "PNG:CreateDate",
    ];
    ORDER
        .iter()
        .find_map(|want| tags.iter().find(|(t, _)| t == want).cloned())
}

#[test]
fn every_time_and_capture_time_agrees_with_exiftool() -> TestResult {
    let files = fixtures()?;
    assert!(files.len() >= 19, "the corpus is there: {files:?}");
    let mut with_capture = 0;
    let mut agree = 0;
    let mut tags_seen = 0;
    for path in &files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let et = exiftool(path)?;
        let bytes = std::fs::read(path)?;
        let ours = capture::read(&bytes);
        // Every time tag exiftool finds, Evident finds with the same value.
        for (tag, value) in et.iter().filter(|(t, _)| is_time_tag(t)) {
            tags_seen += 1;
            assert!(
                ours.times
                    .iter()
                    .any(|t| &t.tag == tag && &t.value == value),
                "{name}: exiftool has {tag} = {value}; Evident has {:?}",
                ours.times
            );
        }
        // And nothing exiftool does not.
        for t in &ours.times {
            assert!(
                et.iter().any(|(tag, v)| tag == &t.tag && v == &t.value),
                "{name}: Evident has {} = {} that exiftool does not",
                t.tag,
                t.value
            );
        }
        // Zones exiftool prints in the OffsetTime* tags are the ones Evident keeps.
        for (tag, off) in et.iter().filter(|(t, _)| t.contains("OffsetTime")) {
            let of = match tag.as_str() {
                "EXIF:OffsetTimeOriginal" => "EXIF:DateTimeOriginal",
                "EXIF:OffsetTimeDigitized" => "EXIF:CreateDate",
                _ => "EXIF:ModifyDate",
            };
            if let Some(t) = ours.times.iter().find(|t| t.tag == of) {
                assert_eq!(t.offset.as_deref(), Some(off.as_str()), "{name}: {tag}");
            }
        }
        let expected = exiftool_capture(&et);
        let got = capture::capture_time(&ours.times);
        if let Some((tag, value)) = &expected {
            with_capture += 1;
            let g = got
                .as_ref()
                .ok_or(format!("{name}: exiftool has {tag}, Evident none"))?;
            assert_eq!(&g.tag, tag, "{name}");
            assert!(
                g.at.starts_with(value.as_str()),
                "{name}: {} vs {value}",
                g.at
            );
            agree += 1;
        } else {
            assert_eq!(
                got, None,
                "{name}: exiftool has no capture or creation time"
            );
        }
        // A modify date is never the capture time.
        if let Some(g) = &got {
            assert!(
                !g.tag.contains("Modify") && !g.tag.contains("Metadata"),
                "{name}: {}",
                g.tag
            );
        }
        for t in &ours.times {
            if t.tag.contains("ModifyDate")
                || t.tag.contains("MetadataDate")
                || t.tag.contains("ModDate")
            {
                assert_eq!(t.kind, TimeKind::Modified, "{name}: {}", t.tag);
            }
        }
    }
    println!(
        "capture times: exiftool finds one in {with_capture} of {} files, Evident agrees on {agree}; {tags_seen} time tags compared",
        files.len()
    );
    Ok(())
}

/// The files the issue names, attached through the real vault: what `show --json` gives for each.
#[test]
fn attached_files_carry_labelled_times_in_the_chain() -> TestResult {
    let mut t = temp_vault()?;
    let id = t
        .vault
        .record_incident(fields("Photos from the camera roll"), &[])?;
    let dir = corpus();
    let cases: &[(&str, Option<(&str, &str)>)] = &[
        (
            "xmp-createdate.jpg",
            Some(("XMP:CreateDate", "2005:12:17 10:00:00")),
        ),
        ("datetime-only.jpg", None),
        (
            "offset-original.jpg",
            Some(("EXIF:DateTimeOriginal", "2023:06:15 14:30:00.250+01:00")),
        ),
        (
            "screenshot-xmp.png",
            Some(("XMP:DateCreated", "2024:01:20 18:45:00+00:00")),
        ),
        (
            "photo.heic",
            Some(("EXIF:DateTimeOriginal", "2022:09:10 11:12:13-07:00")),
        ),
        (
            "tiff-original.tif",
            Some(("EXIF:DateTimeOriginal", "2017:04:05 06:07:08")),
        ),
        (
            "png-text.png",
            Some(("PNG:CreationTime", "2020:08:09 10:11:12")),
        ),
        (
            "clip.mp4",
            Some(("QuickTime:CreateDate", "2021:05:06 07:08:09")),
        ),
        (
            "maker-panasonic.jpg",
            Some(("MakerNotes:PanasonicDateTime", "2019:03:04 05:06:07.12")),
        ),
        (
            "maker-pentax.jpg",
            Some(("MakerNotes:Date", "2005:12:17 10:00:01")),
        ),
        (
            "app12-pictureinfo.jpg",
            Some(("APP12:DateTimeOriginal", "2003:07:08 09:10:11")),
        ),
        (
            "xmp-extended.jpg",
            Some(("XMP:CreateDate", "2012:03:04 05:06:07+01:00")),
        ),
        ("invalid.jpg", None),
    ];
    for (file, _) in cases {
        t.vault.attach_file(id, &dir.join(file))?;
    }
    let atts = t.vault.attachments_of(id)?;
    assert_eq!(
        atts.len(),
        cases.len(),
        "every file is kept, the invalid one too"
    );
    for (file, want) in cases {
        let a = atts
            .iter()
            .find(|a| a.file_name == *file)
            .ok_or(format!("{file} attached"))?;
        match want {
            Some((tag, at)) => {
                assert_eq!(a.captured_at_source.as_deref(), Some(*tag), "{file}");
                assert_eq!(a.captured_at.as_deref(), Some(*at), "{file}");
            }
            None => {
                assert_eq!(a.captured_at, None, "{file}");
                assert_eq!(a.captured_at_source, None, "{file}");
            }
        }
        // The file system's time is listed, labelled, never a capture time.
        let fs = a
            .times
            .iter()
            .find(|t| t.kind == TimeKind::FileModified)
            .ok_or(format!("{file}: file time listed"))?;
        assert_eq!(fs.label(), "file modified (file system)");
    }
    // HEIC previews through libheif; the invalid file is kept with none.
    let preview_of = |name: &str| {
        atts.iter()
            .find(|a| a.file_name == name)
            .map(|a| a.has_preview)
    };
    assert_eq!(preview_of("photo.heic"), Some(true), "a HEIC has a preview");
    assert_eq!(preview_of("invalid.jpg"), Some(false));
    let heic = atts
        .iter()
        .find(|a| a.file_name == "photo.heic")
        .ok_or("heic")?;
    let p = t
        .vault
        .preview(heic.id)?
        .ok_or("the HEIC preview is kept")?;
    assert_eq!(p.width * 3, p.height * 4, "the 16x12 picture's shape");
    assert!(p.data.starts_with(&[0xff, 0xd8]), "a JPEG preview");
    let only_modified = atts
        .iter()
        .find(|a| a.file_name == "datetime-only.jpg")
        .ok_or("datetime-only")?;
    let m = only_modified
        .times
        .iter()
        .find(|t| t.tag == "EXIF:ModifyDate")
        .ok_or("the modify date listed")?;
    assert_eq!(m.label(), "modified by software (EXIF DateTime)");
    assert_eq!(m.value, "2008:07:31 10:38:11");
    assert_eq!(m.zone(), "no time zone in the file");
    assert!(only_modified
        .exif
        .as_ref()
        .is_none_or(|e| e.captured_at.is_none()));
    let offset = atts
        .iter()
        .find(|a| a.file_name == "offset-original.jpg")
        .ok_or("offset-original")?;
    let o = offset
        .times
        .iter()
        .find(|t| t.tag == "EXIF:DateTimeOriginal")
        .ok_or("original")?;
    assert_eq!(
        (o.offset.as_deref(), o.subsec.as_deref()),
        (Some("+01:00"), Some("250"))
    );
    assert_eq!(o.label(), "captured (EXIF DateTimeOriginal)");
    // Recorded in the chain: the times survive a fresh open (they are read back from the entry).
    let json = serde_json::to_value(&atts)?;
    assert!(json.to_string().contains("\"times\""));
    assert!(t.vault.verify(&mut |_| {})?.ok);
    Ok(())
}

/// A video whose movie header (`moov`) follows 3 MiB of media data, as phones write long clips: the header lies
/// beyond the first chunk read in memory, so it is found by its box offsets in the stored file. Checked against
/// exiftool on the same bytes.
#[test]
fn a_movie_header_after_the_media_data_is_read() -> TestResult {
    fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut b = ((8 + body.len()) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(body);
        b
    }
    // 2019-10-11 12:13:14 in seconds since 1904.
    let created: u32 = 1_570_795_994 + 2_082_844_800;
    let mut mvhd = vec![0u8; 4];
    mvhd.extend_from_slice(&created.to_be_bytes());
    mvhd.extend_from_slice(&(created + 30).to_be_bytes());
    mvhd.extend_from_slice(&1000u32.to_be_bytes());
    mvhd.extend_from_slice(&0u32.to_be_bytes());
    mvhd.extend_from_slice(&0x10000u32.to_be_bytes());
    mvhd.extend_from_slice(&[1, 0]);
    mvhd.extend_from_slice(&[0; 10]);
    for m in [0x10000u32, 0, 0, 0, 0x10000, 0, 0, 0, 0x4000_0000] {
        mvhd.extend_from_slice(&m.to_be_bytes());
    }
    mvhd.extend_from_slice(&[0; 24]);
    mvhd.extend_from_slice(&1u32.to_be_bytes());
    let mut file = bx(b"ftyp", b"isom\0\0\x02\0isomiso2mp41");
    file.extend(bx(b"free", &[]));
    // A 64-bit size, as large media boxes use.
    let media = vec![0x5au8; 3 * 1024 * 1024];
    file.extend_from_slice(&1u32.to_be_bytes());
    file.extend_from_slice(b"mdat");
    file.extend_from_slice(&(16 + media.len() as u64).to_be_bytes());
    file.extend_from_slice(&media);
    file.extend(bx(b"moov", &bx(b"mvhd", &mvhd)));
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("long-clip.mp4");
    std::fs::write(&path, &file)?;
    let et = exiftool(&path)?;
    let want = et
        .iter()
        .find(|(t, _)| t == "QuickTime:CreateDate")
        .map(|(_, v)| v.clone())
        .ok_or(format!("exiftool reads the header: {et:?}"))?;
    assert_eq!(want, "2019:10:11 12:13:14");
    // The first chunk alone does not reach the header.
    assert!(capture::read(&file[..1024 * 1024]).times.is_empty());
    let mut t = temp_vault()?;
    let id = t.vault.record_incident(fields("A long clip"), &[])?;
    t.vault.attach_file(id, &path)?;
    let a = t.vault.attachments_of(id)?.pop().ok_or("attached")?;
    assert_eq!(
        a.captured_at_source.as_deref(),
        Some("QuickTime:CreateDate")
    );
    assert_eq!(a.captured_at.as_deref(), Some(want.as_str()));
    assert!(a
        .times
        .iter()
        .any(|t| t.tag == "QuickTime:ModifyDate" && t.value == "2019:10:11 12:13:44"));
    assert!(t.vault.verify(&mut |_| {})?.ok);
    Ok(())
}

/// Truncated and damaged copies of every fixture: no panic, no hang; whatever is read stays well formed.
#[test]
fn truncated_and_damaged_fixtures_are_read_without_panic() -> TestResult {
    for path in fixtures()? {
        let bytes = std::fs::read(&path)?;
        let step = (bytes.len() / 97).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            let _ = capture::read(&bytes[..cut]);
            let mut flipped = bytes.clone();
            if let Some(b) = flipped.get_mut(cut) {
                *b ^= 0xa5;
            }
            let r = capture::read(&flipped);
            for t in r.times {
                assert!(t.value.chars().count() <= 64);
            }
        }
    }
    Ok(())
}

/// Figures, not a timed assert: reading the times of a large file that is not a known container (every byte
/// scanned for an XMP packet) and of a large JPEG whose segments are walked.
#[test]
fn reading_a_large_file_prints_its_time() -> TestResult {
    let mut gif = b"GIF89a".to_vec();
    gif.resize(16 * 1024 * 1024, 0x3c); // '<' everywhere: the worst case for the packet search
    let started = std::time::Instant::now();
    let r = capture::read(&gif);
    println!(
        "capture::read of a 16 MiB GIF of '<': {:?}, {} times",
        started.elapsed(),
        r.times.len()
    );
    let mut jpeg = std::fs::read(corpus().join("exif-original.jpg"))?;
    jpeg.resize(16 * 1024 * 1024, 0);
    let started = std::time::Instant::now();
    let r = capture::read(&jpeg);
    println!(
        "capture::read of a 16 MiB JPEG: {:?}, {} times",
        started.elapsed(),
        r.times.len()
    );
    assert_eq!(r.times.len(), 2, "the original and the modify date");
    Ok(())
}
