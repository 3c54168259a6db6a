//! Bulk import recorded in a real SQLCipher vault: a folder of 200 mixed images (EXIF and not, two duplicates,
//! a hostile file), the CSV and XLSX diaries, a WhatsApp export with media, an X archive fragment and a
//! mis-encoded Facebook JSON (fixtures in tests/fixtures/import/). Each checks the incidents recorded, the exact
//! bytes kept, duplicates, and that a cancel mid-import records nothing. (A kill -9 mid-import is in the CLI's
//! tests/import.rs: it needs a process to kill.)

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use common::{temp_vault, TestResult};
use evident_core::import::folder::{self, Grouping, TimeSource};
use evident_core::import::{diary, facebook, whatsapp, x, SourceFile, MAX_SOURCE_BYTES};
use evident_core::incident::IncidentFilter;
use evident_core::vault::{FolderIncident, MessageMode};
use evident_core::ErrorKind;

fn fixture(name: &str) -> TestResult<SourceFile> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/import")
        .join(name);
    Ok(SourceFile::read(&p, MAX_SOURCE_BYTES)?)
}

/// A JPEG (distinct per seed) with an EXIF DateTimeOriginal when `taken` is given (`2026:11:21 09:15:00`).
pub fn jpeg(seed: u32, taken: Option<&str>) -> TestResult<Vec<u8>> {
    let img = image::RgbImage::from_fn(24, 16, |x, y| {
        image::Rgb([
            (seed % 251) as u8,
            (x * 9 + seed / 251) as u8,
            (y * 13) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img)?;
    let Some(taken) = taken else {
        return Ok(out);
    };
    // APP1 "Exif": a big-endian TIFF with IFD0 → Exif IFD → DateTimeOriginal (tag 0x9003, ASCII, 20 bytes).
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    tiff.extend_from_slice(&[0, 1, 0x87, 0x69, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]);
    tiff.extend_from_slice(&[0, 1, 0x90, 0x03, 0, 2, 0, 0, 0, 20, 0, 0, 0, 44, 0, 0, 0, 0]);
    tiff.extend_from_slice(taken.as_bytes());
    tiff.push(0);
    let mut app1 = b"Exif\x00\x00".to_vec();
    app1.extend_from_slice(&tiff);
    let mut with = out[..2].to_vec();
    with.extend_from_slice(&[0xFF, 0xE1]);
    with.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    with.extend_from_slice(&app1);
    with.extend_from_slice(&out[2..]);
    Ok(with)
}

/// 200 images: 120 JPEGs with EXIF over three days, 78 PNGs and JPEGs without; then two duplicates (one copy
/// of a file in the folder, one of a file already in the vault) and a FIFO.
fn make_folder(dir: &Path, already: &Path) -> TestResult<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for i in 0..120u32 {
        let day = 21 + i / 40;
        let taken = format!(
            "2026:11:{day} {:02}:{:02}:00",
            8 + (i % 40) / 4,
            (i % 4) * 10
        );
        let p = dir.join(format!("IMG_{i:04}.jpg"));
        std::fs::write(&p, jpeg(i, Some(&taken))?)?;
        paths.push(p);
    }
    for i in 120..198u32 {
        let p = if i % 2 == 0 {
            let p = dir.join(format!("Screenshot_{i:04}.png"));
            std::fs::write(&p, common::png(10 + i % 7, 10 + i / 7))?;
            p
        } else {
            let p = dir.join(format!("Photo_{i:04}.jpg"));
            std::fs::write(&p, jpeg(i, None)?)?;
            p
        };
        paths.push(p);
    }
    // Duplicate within the folder, and the copy of a file already in the vault.
    std::fs::copy(&paths[5], dir.join("IMG_0005 copy.jpg"))?;
    std::fs::copy(already, dir.join("already-in-vault.jpg"))?;
    // A hostile file: a FIFO named like a screenshot (opening it would block forever).
    let fifo = dir.join("Screenshot_fifo.png");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()?
        .success();
    assert!(ok, "mkfifo");
    Ok(paths)
}

#[test]
fn a_folder_of_200_images_with_duplicates_and_a_hostile_file() -> TestResult {
    let mut t = temp_vault()?;
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("camera roll");
    std::fs::create_dir(&dir)?;
    // One photo already in the vault.
    let already = tmp.path().join("earlier.jpg");
    std::fs::write(&already, jpeg(9999, Some("2026:11:01 10:00:00"))?)?;
    let earlier = t.vault.record_incident(common::fields("Earlier"), &[])?;
    let earlier_att = t.vault.attach_file(earlier, &already)?;
    make_folder(&dir, &already)?;

    let calls = std::sync::Mutex::new(0usize);
    let scan = folder::scan(
        std::slice::from_ref(&dir),
        &|_, _| *calls.lock().unwrap_or_else(|e| e.into_inner()) += 1,
        &AtomicBool::new(false),
    )?;
    assert_eq!(scan.files.len(), 200, "198 images and two copies");
    assert_eq!(scan.refused.len(), 1, "the FIFO: {:?}", scan.refused);
    assert!(scan.refused[0].reason.contains("not a regular file"));
    assert_eq!(*calls.lock().unwrap_or_else(|e| e.into_inner()), 201);
    let exif = scan
        .files
        .iter()
        .filter(|f| f.time_source == TimeSource::Exif)
        .count();
    assert_eq!(
        exif, 122,
        "120 with EXIF, the copy of one, and the earlier photo"
    );
    let first = scan
        .files
        .iter()
        .find(|f| f.file_name == "IMG_0000.jpg")
        .ok_or("IMG_0000")?;
    assert_eq!(first.taken_at.as_deref(), Some("2026-11-21T08:00:00+00:00"));

    let proposals = folder::propose(&scan.files, Grouping::Day);
    assert!(
        proposals.len() >= 4,
        "three EXIF days and the file-time day(s)"
    );
    let batch: Vec<FolderIncident> = proposals
        .iter()
        .map(|p| FolderIncident {
            fields: evident_core::incident::IncidentFields {
                summary: p.summary.clone(),
                occurred: p.start.as_ref().map(|s| evident_core::incident::Occurred {
                    start: s.clone(),
                    end: p.end.clone(),
                    approximate: p.time_source != TimeSource::Exif,
                }),
                ..Default::default()
            },
            files: p
                .files
                .iter()
                .map(|&i| scan.files[i as usize].clone())
                .collect(),
            people: vec![],
            dated_by_user: false,
        })
        .collect();
    // The person changes one proposal's date by hand before recording.
    let mut batch = batch;
    let by_hand = "2026-10-03T18:45:00+01:00";
    let last = batch.len() - 1;
    batch[last].fields.occurred = Some(evident_core::incident::Occurred {
        start: by_hand.into(),
        end: None,
        approximate: false,
    });
    batch[last].dated_by_user = true;
    let before = t.vault.journal_entries(1)?.len();
    let report = t
        .vault
        .import_folder(&batch, &|_, _| {}, &AtomicBool::new(false))?;
    assert_eq!(report.attachments, 198);
    let hand = t.vault.incident(*report.incidents.last().ok_or("none")?)?;
    assert_eq!(
        hand.fields.occurred.as_ref().map(|o| o.start.as_str()),
        Some(by_hand)
    );
    assert_eq!(report.duplicates.len(), 2, "{:?}", report.duplicates);
    assert!(report
        .duplicates
        .iter()
        .any(|d| d.existing_attachment == Some(earlier_att.id)));
    assert_eq!(
        report.incidents.len(),
        proposals.len() - report.empty_proposals as usize
    );
    assert_eq!(
        t.vault.count_incidents(&IncidentFilter::default())?,
        1 + report.incidents.len() as i64
    );
    // Exact bytes, and every file is in one incident.
    let mut n = 0;
    for id in &report.incidents {
        for a in t.vault.attachments_of(*id)? {
            let original = std::fs::read(dir.join(&a.file_name))?;
            assert_eq!(t.vault.attachment_bytes(a.id)?, original, "{}", a.file_name);
            n += 1;
        }
    }
    assert_eq!(n, 198);
    // The chain says where each came from.
    let entries = t.vault.journal_entries(before as u64 + 1)?;
    let recorded: Vec<serde_json::Value> = entries
        .iter()
        .filter(|e| e.kind == "incident.recorded")
        .map(|e| serde_json::from_slice(&e.payload))
        .collect::<Result<_, _>>()?;
    assert_eq!(recorded.len(), report.incidents.len());
    // Where each date came from: the hand-set one says so, the others say EXIF or file time.
    let sources: Vec<&str> = recorded
        .iter()
        .map(|p| p["import"]["time_source"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(sources.last(), Some(&"user"), "{sources:?}");
    assert!(
        sources[..sources.len() - 1]
            .iter()
            .all(|s| ["exif", "file_time"].contains(s)),
        "{sources:?}"
    );
    for p in &recorded {
        let import = &p["import"];
        assert_eq!(import["kind"], "folder");
        assert!(import["note"]
            .as_str()
            .unwrap_or("")
            .contains("since it was imported"));
        assert!(import["sources"][0]["sha256"]
            .as_str()
            .is_some_and(|s| s.len() == 64));
        assert!(p["incident_id"].is_i64());
    }
    // The full check passes.
    assert!(t.vault.verify(&mut |_| {})?.ok, "verify after import");
    Ok(())
}

#[test]
fn a_cancel_mid_import_records_nothing() -> TestResult {
    let mut t = temp_vault()?;
    let tmp = tempfile::tempdir()?;
    for i in 0..20u32 {
        std::fs::write(tmp.path().join(format!("{i}.jpg")), jpeg(i, None)?)?;
    }
    let cancel = AtomicBool::new(false);
    let scan = folder::scan(&[tmp.path().to_path_buf()], &|_, _| {}, &cancel)?;
    let batch: Vec<FolderIncident> = folder::propose(&scan.files, Grouping::File)
        .into_iter()
        .map(|p| FolderIncident {
            fields: evident_core::incident::IncidentFields {
                summary: p.summary,
                ..Default::default()
            },
            files: p
                .files
                .iter()
                .map(|&i| scan.files[i as usize].clone())
                .collect(),
            people: vec![],
            dated_by_user: false,
        })
        .collect();
    let head = t.vault.head()?;
    let err = t
        .vault
        .import_folder(
            &batch,
            &|done, _| {
                if done == 10 {
                    cancel.store(true, Ordering::Relaxed);
                }
            },
            &cancel,
        )
        .err()
        .ok_or("cancelled")?;
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    assert_eq!(t.vault.head()?, head, "nothing recorded");
    assert_eq!(t.vault.incident_count()?, 0);
    // A file changed after it was scanned: nothing recorded either.
    std::fs::write(tmp.path().join("3.jpg"), b"changed")?;
    let err = t
        .vault
        .import_folder(&batch, &|_, _| {}, &AtomicBool::new(false))
        .err()
        .ok_or("changed file")?;
    assert_eq!(err.kind(), ErrorKind::FileUnreadable);
    assert_eq!(t.vault.head()?, head);
    Ok(())
}

fn check_diary(name: &str) -> TestResult {
    let mut t = temp_vault()?;
    let src = fixture(name)?;
    let table = diary::read_table(&src)?;
    let map = diary::guess_map(&table);
    let preview = diary::preview(&table, &map, 5)?;
    assert_eq!(preview.problems.len(), 1);
    let report = t
        .vault
        .import_diary(&src, &preview.rows, &AtomicBool::new(false))?;
    assert_eq!(report.incidents.len(), 3);
    assert_eq!(report.attachments, 1);
    let holder = report.source_incident.ok_or("holder")?;
    let held = t.vault.incident(holder)?;
    assert!(held.summary.starts_with("Imported diary"));
    assert_eq!(held.attachments.len(), 1);
    assert_eq!(t.vault.attachment_bytes(held.attachments[0].id)?, src.bytes);
    let first = t.vault.incident(report.incidents[0])?;
    assert_eq!(
        first.occurred_at.as_deref(),
        Some("2026-11-21T21:30:00+00:00")
    );
    assert_eq!(first.people.len(), 1);
    assert_eq!(first.people[0].name, "Dave Smith");
    let second = t.vault.incident(report.incidents[1])?;
    assert_eq!(
        second.people[0].id, first.people[0].id,
        "one person, linked twice"
    );
    // The row number and the source are in the chain.
    let entry = t
        .vault
        .journal_entries(1)?
        .into_iter()
        .filter(|e| e.kind == "incident.recorded")
        .nth(1)
        .ok_or("entry")?;
    let p: serde_json::Value = serde_json::from_slice(&entry.payload)?;
    assert_eq!(p["import"]["item"], "row 2");
    assert_eq!(p["import"]["sources"][0]["sha256"], src.sha256.as_str());
    assert_eq!(p["import"]["sources"][0]["name"], name);
    assert_eq!(p["import"]["source_incident_id"], holder);
    // The same diary again: the file is a duplicate (reported), the rows are recorded again only if asked.
    let again = t
        .vault
        .import_diary(&src, &preview.rows[..1], &AtomicBool::new(false))?;
    assert_eq!(again.duplicates.len(), 1);
    assert_eq!(again.attachments, 0);
    assert!(t.vault.verify(&mut |_| {})?.ok);
    Ok(())
}

#[test]
fn csv_diary_is_recorded() -> TestResult {
    check_diary("diary.csv")
}

#[test]
fn xlsx_diary_is_recorded() -> TestResult {
    check_diary("diary.xlsx")
}

#[test]
fn whatsapp_messages_from_one_sender_become_incidents() -> TestResult {
    let mut t = temp_vault()?;
    let src = fixture("whatsapp.zip")?;
    let export = whatsapp::read(&src)?;
    let chosen: Vec<u32> = export
        .filter(Some("Dave Smith"), "")
        .map(|m| m.index)
        .collect();
    assert_eq!(chosen.len(), 4);
    let report = t.vault.import_messages(
        &src,
        &export,
        &chosen,
        MessageMode::EachIncident,
        &AtomicBool::new(false),
    )?;
    assert_eq!(report.incidents.len(), 4);
    assert_eq!(report.people_added.len(), 1);
    let first = t.vault.incident(report.incidents[0])?;
    assert_eq!(first.fields.platform, "WhatsApp");
    assert_eq!(first.fields.account_handle, "Dave Smith");
    assert_eq!(first.fields.post_time_shown, "21/11/2026, 21:30");
    assert_eq!(
        first.description,
        "You will regret standing\nfor election, mark my words"
    );
    assert_eq!(first.people[0].name, "Dave Smith");
    let holder = t.vault.incident(report.source_incident.ok_or("holder")?)?;
    assert_eq!(
        t.vault.attachment_bytes(holder.attachments[0].id)?,
        src.bytes,
        "kept whole"
    );
    // A message that names a file the export holds gets that file, byte for byte, and the chain names it as a
    // source of the message.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(src.bytes.clone()))?;
    for (k, name) in [
        (1usize, "IMG-20261121-WA0001.jpg"),
        (2, "VID-20261122-WA0002.jpg"),
    ] {
        let mut want = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(name)?, &mut want)?;
        let inc = t.vault.incident(report.incidents[k])?;
        assert_eq!(inc.attachments.len(), 1, "{name}");
        assert_eq!(inc.attachments[0].file_name, name);
        assert_eq!(t.vault.attachment_bytes(inc.attachments[0].id)?, want);
        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&want));
        assert_eq!(inc.attachments[0].sha256, sha);
    }
    assert!(t
        .vault
        .incident(report.incidents[0])?
        .attachments
        .is_empty());
    assert_eq!(report.attachments, 3, "the export and two media files");
    let sources: Vec<String> = t
        .vault
        .journal_entries(1)?
        .iter()
        .filter(|e| e.kind == "incident.recorded")
        .filter_map(|e| serde_json::from_slice::<serde_json::Value>(&e.payload).ok())
        .map(|p| p["import"]["sources"].to_string())
        .collect();
    assert!(
        sources.iter().any(|s| s.contains("IMG-20261121-WA0001.jpg")
            && s.contains("WhatsApp Chat")
            || s.contains("IMG-20261121-WA0001.jpg") && s.contains(".zip")),
        "{sources:?}"
    );
    // Quoted in one incident instead.
    let one = t.vault.import_messages(
        &src,
        &export,
        &chosen[..2],
        MessageMode::OneIncident,
        &AtomicBool::new(false),
    )?;
    assert_eq!(one.incidents.len(), 1);
    assert_eq!(one.people_added.len(), 0, "the same person again");
    let quoted = t.vault.incident(one.incidents[0])?;
    assert!(quoted
        .description
        .contains("[21/11/2026, 21:30] Dave Smith: You will regret"));
    Ok(())
}

#[test]
fn x_and_facebook_messages_are_recorded_verbatim() -> TestResult {
    let mut t = temp_vault()?;
    let src = fixture("x-archive.zip")?;
    let export = x::read(&src)?;
    let chosen: Vec<u32> = export.filter(Some("111"), "").map(|m| m.index).collect();
    let report = t.vault.import_messages(
        &src,
        &export,
        &chosen,
        MessageMode::EachIncident,
        &AtomicBool::new(false),
    )?;
    let first = t.vault.incident(report.incidents[0])?;
    assert_eq!(
        first.description,
        "Resign or else. Café regulars know your face 😡"
    );
    assert_eq!(first.fields.post_time_shown, "2026-11-21T21:30:00.000Z");
    assert_eq!(first.fields.channel.as_deref(), Some("social_media"));

    let src = fixture("message_1.json")?;
    let export = facebook::read(&src)?;
    let chosen: Vec<u32> = export
        .filter(Some("Dave Smith"), "")
        .map(|m| m.index)
        .collect();
    let report = t.vault.import_messages(
        &src,
        &export,
        &chosen,
        MessageMode::EachIncident,
        &AtomicBool::new(false),
    )?;
    assert_eq!(report.incidents.len(), 2);
    let last = t.vault.incident(report.incidents[1])?;
    assert_eq!(
        last.description,
        "Zoë told me about the naïve little plan — résumé's finished 🔥"
    );
    let holder = t.vault.incident(report.source_incident.ok_or("holder")?)?;
    assert_eq!(
        t.vault.attachment_bytes(holder.attachments[0].id)?,
        src.bytes,
        "the original, still mis-encoded"
    );
    assert!(t.vault.verify(&mut |_| {})?.ok);
    Ok(())
}
