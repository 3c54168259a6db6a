//! Evidence pack tests with the tools a recipient has: unzip, sha256sum -c, qpdf --check, pdftotext,
//! pdfimages -list, and verify.html in headless Chromium (tests/pack/verify_html.mjs via playwright-core).

#[path = "common/packzip.rs"]
mod packzip;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use evident_core::incident::{IncidentFields, Occurred};
use evident_core::pack::{verify_pack, PackRequest, PackSelection, Recipient};
use evident_core::person::PersonFields;
use evident_core::report::ReportFields;
use evident_core::{Passphrase, Vault};
use packzip::{browser_verify, rewrite, run, squash, unzip, Sums};

type R = Result<(), Box<dyn std::error::Error>>;

struct Fixture {
    _dir: tempfile::TempDir,
    vault: Vault,
    /// Incident ids: [0] and [1] by Mallory, [2] excluded-marker incident.
    ids: Vec<i64>,
    /// Original bytes by attachment id.
    originals: BTreeMap<i64, Vec<u8>>,
    work: PathBuf,
}

fn png(w: u32, h: u32, seed: u8) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x as u8).wrapping_mul(seed),
            (y as u8).wrapping_add(seed),
            ((x ^ y) as u8),
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)?;
    Ok(out.into_inner())
}

fn jpeg(w: u32, h: u32) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let img =
        image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x / 3) as u8, (y / 2) as u8, 128]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)?;
    Ok(out.into_inner())
}

fn at(s: &str) -> Option<Occurred> {
    Some(Occurred {
        start: s.to_string(),
        end: None,
        approximate: false,
    })
}

#[allow(clippy::vec_init_then_push)]
fn fixture() -> Result<Fixture, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let (mut vault, _) = Vault::create(
        &dir.path().join("vault"),
        &Passphrase::new("correct horse battery staple".into()),
    )?;
    let mallory = vault.record_person(PersonFields {
        name: "Mallory Troll".into(),
        handles: vec!["@mallory_t on X".into()],
        ..Default::default()
    })?;
    let witness = vault.record_person(PersonFields {
        name: "Wendy Witness".into(),
        ..Default::default()
    })?;
    let mut ids = Vec::new();
    ids.push(vault.record_incident(
        IncidentFields {
            occurred: at("2026-10-01T21:30:00+01:00"),
            kind: None,
            summary: "INCLUDEDALPHA threatening email about the planning vote".into(),
            description: "He wrote: you will regret this vote INCLUDEDALPHADESC <script>alert(1)</script> \u{202E}gnp.exe".into(),
            impact: "I no longer open my email alone.".into(),
            url: "https://example.invalid/post/1".into(),
            ..Default::default()
        },
        &[mallory],
    )?);
    ids.push(
        vault.record_incident(
            IncidentFields {
                occurred: at("2026-10-05T09:00:00+01:00"),
                summary: "INCLUDEDBRAVO man waited outside ward surgery".into(),
                description:
                    "Stood by the door for an hour INCLUDEDBRAVODESC and followed me to the car."
                        .into(),
                ..Default::default()
            },
            &[mallory],
        )?,
    );
    ids.push(vault.record_incident(
        IncidentFields {
            occurred: at("2026-09-15T12:00:00+01:00"),
            summary: "EXCLUDEDSECRET private matter".into(),
            description: "EXCLUDEDSECRETDESC nothing to do with the case".into(),
            impact: "EXCLUDEDSECRETIMPACT".into(),
            ..Default::default()
        },
        &[],
    )?);
    vault.link_person(ids[1], witness, "witness")?;
    let mut amended = vault.incident_fields(ids[0])?;
    amended.description.push_str(" (he signed it M.)");
    vault.amend_incident(ids[0], "Added the signature I missed at first", amended)?;
    vault.log_report(
        ids[0],
        ReportFields {
            to: evident_core::report::ReportTarget::Police,
            organisation: "Example Constabulary".into(),
            reference: "CRIME/12345/26".into(),
            ..Default::default()
        },
    )?;
    let mut originals = BTreeMap::new();
    let mut p1 = png(640, 400, 7)?;
    p1.extend_from_slice(b"trailing bytes after IEND");
    let a = vault.attach_bytes(
        ids[0],
        "screenshot 1 CON <evil>.png",
        &p1,
        Some("2026-10-01T20:31:00Z".into()),
    )?;
    originals.insert(a.id, p1);
    let j1 = jpeg(800, 600)?;
    let a = vault.attach_bytes(ids[1], "IMG_0001.jpg", &j1, None)?;
    originals.insert(a.id, j1);
    let t1 = b"Voicemail transcript: you'll see.\n".to_vec();
    let a = vault.attach_bytes(ids[1], "voicemail.txt", &t1, None)?;
    originals.insert(a.id, t1);
    let mistake = png(50, 50, 3)?;
    let w = vault.attach_bytes(ids[1], "wrong.png", &mistake, None)?;
    vault.withdraw_attachment(w.id, "Attached the wrong screenshot")?;
    let secret = b"EXCLUDEDSECRETFILE contents".to_vec();
    let a = vault.attach_bytes(ids[2], "EXCLUDEDSECRETNAME.txt", &secret, None)?;
    originals.insert(a.id, secret);
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work)?;
    Ok(Fixture {
        _dir: dir,
        vault,
        ids,
        originals,
        work,
    })
}

fn request(selection: PackSelection) -> PackRequest {
    PackRequest {
        selection,
        recipient: Recipient {
            name: "DC Jane Officer".into(),
            organisation: "Example Constabulary".into(),
            crime_reference: Some("CRIME/12345/26".into()),
        },
        author_name: "Alice Bloggs".into(),
        author_contact: "alice@example.invalid".into(),
        initials: None,
        redactions: Vec::new(),
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn full_pack_passes_the_recipients_tools() -> R {
    let mut f = fixture()?;
    let zip = f.work.join("pack.zip");
    let head_before = f.vault.head()?;
    let s = f.vault.export_pack(
        &request(PackSelection {
            all: true,
            ..Default::default()
        }),
        &zip,
    )?;
    assert_eq!(s.incident_ids.len(), 3);
    assert_eq!(s.exhibit_count, 4);
    // The first export makes the diary's signing key (entry head_before + 1), then the export manifest (+ 2),
    // the head of this pack's chain; the export itself is recorded after (+ 3).
    assert_eq!(s.head_seq, head_before.seq + 2);
    assert_eq!(
        s.export_seq,
        head_before.seq + 3,
        "export recorded in the journal"
    );
    assert!(
        f.vault.verify(&mut |_| {})?.ok,
        "vault verifies after export"
    );

    let out = f.work.join("unzipped");
    unzip(&zip, &out)?;
    // sha256sum -c, exactly as a recipient runs it.
    let sums = run(Command::new("sha256sum")
        .arg("-c")
        .arg("SHA256SUMS")
        .current_dir(&out))?;
    assert!(sums.lines().all(|l| l.ends_with(": OK")), "{sums}");
    let sums_file = std::fs::read(out.join("SHA256SUMS"))?;
    assert_eq!(
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&sums_file)),
        s.pack_sha256
    );
    // qpdf --check
    run(Command::new("qpdf")
        .arg("--check")
        .arg(out.join("report.pdf")))?;
    // pdftotext: summaries, descriptions, every exhibit's full SHA-256, page numbering.
    let text = run(Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(out.join("report.pdf"))
        .arg("-"))?;
    let flat = squash(&text);
    for id in &f.ids {
        let inc = f.vault.incident_fields(*id)?;
        assert!(
            flat.contains(&squash(&inc.summary)),
            "summary of {id} missing"
        );
        let desc = squash(&evident_core::pack::sanitize::clean_text(&inc.description));
        assert!(flat.contains(&desc), "description of {id} missing: {desc}");
    }
    let data: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("incidents.json"))?)?;
    let exhibits = data["exhibits"].as_array().cloned().unwrap_or_default();
    assert_eq!(exhibits.len(), 4);
    for ex in &exhibits {
        let sha = ex["sha256"].as_str().unwrap_or_default();
        assert!(
            text.lines().any(|l| l.contains(sha)),
            "SHA-256 {sha} not on one line in the PDF text"
        );
        // Byte-identical to the original.
        let id = ex["attachment_id"].as_i64().unwrap_or_default();
        let file = ex["file"].as_str().unwrap_or_default();
        assert_eq!(std::fs::read(out.join(file))?, f.originals[&id], "{file}");
    }
    assert!(text.contains("Page 1 of "), "page numbering");
    assert!(text.contains(&s.pack_id));
    assert!(
        text.contains("Added the signature I missed at first"),
        "amendment reason"
    );
    assert!(text.contains("CRIME/12345/26"));
    assert!(text.contains("Integrity statement"));
    // Exhibit names are sanitised.
    let names: Vec<String> = files_under(&out.join("exhibits"))
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    assert!(
        names.contains(&"AB-1_screenshot 1 CON _evil_.png".to_string()),
        "{names:?}"
    );
    // pdfimages -list: both image exhibits.
    let images = run(Command::new("pdfimages")
        .arg("-list")
        .arg(out.join("report.pdf")))?;
    assert_eq!(
        images
            .lines()
            .skip(2)
            .filter(|l| l.contains("image"))
            .count(),
        2,
        "{images}"
    );
    // The built-in verifier agrees.
    let rep = verify_pack(&zip)?;
    assert!(rep.ok, "{:?}", rep.failures);
    assert_eq!(rep.exhibits_checked, 4);
    // No anchor in this diary: no anchors/ folder, and every incident and exhibit says its time is the clock's.
    assert!(rep.anchors.is_empty() && !out.join("anchors").exists());
    assert_eq!(rep.times.len(), 3 + 4);
    for t in &rep.times {
        assert_eq!(
            t.statement,
            "not independently time-stamped: the time is this computer's clock"
        );
    }
    assert_eq!(
        flat.matches("Not independently time-stamped: the time is this computer's clock")
            .count(),
        3 + 2 * 4,
        "each incident, and each exhibit in its incident and in the exhibit list"
    );
    assert!(flat.contains("None: every time in this report is the diarist's computer's clock"));
    let verify_txt = std::fs::read_to_string(out.join("VERIFY.txt"))?;
    assert!(verify_txt.contains("This pack has no time-stamps"));
    Ok(())
}

#[test]
fn same_selection_gives_the_same_records_each_under_its_own_manifest() -> R {
    let mut f = fixture()?;
    let sel = PackSelection {
        incident_ids: vec![f.ids[0], f.ids[1]],
        ..Default::default()
    };
    let (a, b) = (f.work.join("a.zip"), f.work.join("b.zip"));
    let sa = f.vault.export_pack(&request(sel.clone()), &a)?;
    let sb = f.vault.export_pack(&request(sel), &b)?;
    assert_ne!(sa.pack_id, sb.pack_id);
    assert!(
        sb.head_seq > sa.export_seq,
        "each export ends its chain with its own manifest"
    );
    unzip(&a, &f.work.join("a"))?;
    unzip(&b, &f.work.join("b"))?;
    let json = |d: &str| -> Result<serde_json::Value, Box<dyn std::error::Error>> {
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(f.work.join(d).join("incidents.json"))?)?;
        v.as_object_mut().map(|o| o.remove("chain_head"));
        Ok(v)
    };
    assert_eq!(
        json("a")?,
        json("b")?,
        "the same records, whatever the head"
    );
    for p in files_under(&f.work.join("a")) {
        let rel = p.strip_prefix(f.work.join("a"))?.to_path_buf();
        let name = rel.to_string_lossy();
        if name.starts_with("exhibits/") || name == "incidents.csv" {
            assert_eq!(
                std::fs::read(&p)?,
                std::fs::read(f.work.join("b").join(&rel))?,
                "{name} differs between two exports of the same selection"
            );
        }
    }
    Ok(())
}

#[test]
fn subset_reveals_nothing_of_excluded_incidents() -> R {
    let mut f = fixture()?;
    let zip = f.work.join("subset.zip");
    let s = f.vault.export_pack(
        &request(PackSelection {
            person_id: Some(1),
            ..Default::default()
        }),
        &zip,
    )?;
    assert_eq!(s.incident_ids, vec![f.ids[0], f.ids[1]]);
    let out = f.work.join("subset");
    unzip(&zip, &out)?;
    let mut texts = Vec::new();
    for p in files_under(&out) {
        texts.push((
            p.display().to_string(),
            String::from_utf8_lossy(&std::fs::read(&p)?).into_owned(),
        ));
    }
    texts.push((
        "report.pdf (text)".into(),
        run(Command::new("pdftotext")
            .arg(out.join("report.pdf"))
            .arg("-"))?,
    ));
    for (name, t) in &texts {
        assert!(
            !t.contains("EXCLUDEDSECRET"),
            "{name} leaks an excluded incident"
        );
    }
    assert!(texts.iter().any(|(_, t)| t.contains("INCLUDEDALPHA")));
    // The chain is still whole: withheld entries are hashes only.
    let proof: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("chain.json"))?)?;
    let entries = proof["entries"].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len() as u64, s.head_seq);
    assert!(entries.iter().any(|e| e.get("payload").is_none()));
    assert!(verify_pack(&zip)?.ok);
    Ok(())
}

#[test]
fn tampered_packs_fail_and_name_the_culprit() -> R {
    let mut f = fixture()?;
    let zip = f.work.join("good.zip");
    f.vault.export_pack(
        &request(PackSelection {
            all: true,
            ..Default::default()
        }),
        &zip,
    )?;
    if let Some((status, fails)) = browser_verify(&zip)? {
        assert_eq!(status, "ok", "verify.html on a good pack: {fails}");
    }
    let target = "exhibits/AB-2_IMG_0001.jpg";
    assert!(zip::ZipArchive::new(std::fs::File::open(&zip)?)?
        .index_for_name(target)
        .is_some());

    // 1. One exhibit changed (one byte), SHA256SUMS left alone.
    let bad1 = f.work.join("bad-exhibit.zip");
    rewrite(
        &zip,
        &bad1,
        &|n, mut b| {
            if n == target {
                b[100] ^= 0x55;
            }
            b
        },
        Sums::Kept,
    )?;
    let r = verify_pack(&bad1)?;
    assert!(!r.ok);
    assert!(
        r.failures.iter().any(|x| x.file.as_deref() == Some(target)),
        "{:?}",
        r.failures
    );
    if let Some((status, fails)) = browser_verify(&bad1)? {
        assert_eq!(status, "fail");
        assert!(fails.contains(target), "{fails}");
    }

    // 2. The same exhibit changed AND SHA256SUMS recomputed: only the chain's attachment hash catches it.
    let bad2 = f.work.join("bad-exhibit-sums.zip");
    rewrite(
        &zip,
        &bad2,
        &|n, mut b| {
            if n == target {
                b[100] ^= 0x55;
            }
            b
        },
        Sums::Remade,
    )?;
    let r = verify_pack(&bad2)?;
    assert!(!r.ok);
    assert!(
        r.failures.iter().any(|x| x.file.as_deref() == Some(target)
            && x.message.contains("recorded when it was attached")),
        "{:?}",
        r.failures
    );
    if let Some((status, fails)) = browser_verify(&bad2)? {
        assert_eq!(status, "fail");
        assert!(
            fails.contains(target) && fails.contains("recorded when it was attached"),
            "{fails}"
        );
    }

    // 3. One revealed payload changed in chain.json (SHA256SUMS recomputed): the entry is named.
    let bad3 = f.work.join("bad-payload.zip");
    rewrite(
        &zip,
        &bad3,
        &|n, b| {
            if n == "chain.json" {
                String::from_utf8_lossy(&b)
                    .replace("regret this vote", "regret this VOTE")
                    .into_bytes()
            } else {
                b
            }
        },
        Sums::Remade,
    )?;
    let r = verify_pack(&bad3)?;
    assert!(!r.ok);
    let chain_fail = r
        .failures
        .iter()
        .find(|x| x.file.as_deref() == Some("chain.json"))
        .ok_or("no chain failure")?;
    let seq = chain_fail.seq.ok_or("no seq")?;
    assert!(
        chain_fail.message.contains(&format!("entry {seq}")),
        "{chain_fail:?}"
    );
    if let Some((status, fails)) = browser_verify(&bad3)? {
        assert_eq!(status, "fail");
        assert!(
            // The text is kept as a committed value (FORMAT.md §6): its opening no longer matches.
            fails.contains(&format!("entry {seq}")) && fails.contains("opening_mismatch"),
            "{fails}"
        );
    }
    Ok(())
}

#[test]
fn unsafe_entries_are_refused() -> R {
    let f = fixture()?;
    let zip = f.work.join("evil.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&zip)?);
    let o =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("../escape.txt", o)?;
    w.write_all(b"x")?;
    w.start_file("/etc/evil", o)?;
    w.write_all(b"x")?;
    w.add_symlink("exhibits/link", "/etc/passwd", o)?;
    w.finish()?;
    let r = verify_pack(&zip)?;
    assert!(!r.ok);
    for n in ["../escape.txt", "/etc/evil", "exhibits/link"] {
        assert!(
            r.failures
                .iter()
                .any(|x| x.file.as_deref() == Some(n) && x.message.contains("unsafe")),
            "{n}: {:?}",
            r.failures
        );
    }
    assert!(!f.work.join("escape.txt").exists() && !Path::new("/etc/evil").exists());
    Ok(())
}

#[test]
fn selection_summary_counts_what_an_export_would_include() -> R {
    let mut f = fixture()?;
    let count =
        |v: &Vault, sel: PackSelection| -> Result<(usize, usize), Box<dyn std::error::Error>> {
            let s = v.pack_selection_summary(&sel)?;
            Ok((s.incident_count, s.exhibit_count))
        };
    // Withdrawn attachments are not exhibits.
    let all = PackSelection {
        all: true,
        ..Default::default()
    };
    assert_eq!(count(&f.vault, all)?, (3, 4));
    let picked = PackSelection {
        incident_ids: vec![f.ids[1], f.ids[1]],
        ..Default::default()
    };
    assert_eq!(count(&f.vault, picked.clone())?, (1, 2));
    let mallory = f
        .vault
        .list_people()?
        .into_iter()
        .find(|p| p.fields.name == "Mallory Troll")
        .ok_or("no Mallory")?
        .id;
    let person = PackSelection {
        person_id: Some(mallory),
        ..Default::default()
    };
    assert_eq!(count(&f.vault, person)?, (2, 3));
    let early = PackSelection {
        to: Some("2026-09-30".into()),
        ..Default::default()
    };
    assert_eq!(count(&f.vault, early)?, (1, 1));
    let none = PackSelection {
        from: Some("2030-01-01".into()),
        ..Default::default()
    };
    assert_eq!(count(&f.vault, none)?, (0, 0));
    let nothing = f.vault.pack_selection_summary(&PackSelection::default());
    assert!(nothing.is_err_and(|e| e.code() == "invalid_input"));
    let missing = PackSelection {
        incident_ids: vec![9999],
        ..Default::default()
    };
    assert!(f.vault.pack_selection_summary(&missing).is_err());

    // The export includes exactly what the summary said.
    let s = f
        .vault
        .export_pack(&request(picked), &f.work.join("picked.zip"))?;
    assert_eq!((s.incident_ids.len(), s.exhibit_count), (1, 2));

    // The request is checked before any vault work.
    let mut r = request(PackSelection::default());
    assert_eq!(r.check()?, "AB");
    r.initials = Some("ab1".into());
    assert_eq!(r.check()?, "AB1");
    r.initials = Some("A/B".into());
    assert!(r.check().is_err());
    r.initials = None;
    r.author_name = " ".into();
    assert!(r.check().is_err());
    Ok(())
}
