//! The pack as an officer and a prosecutor read it (issue 10), over a diary of eight incidents like the one
//! reviewed: UK times (GMT/BST, "time not recorded" for a date alone, the delay, clock notes), exhibit marks,
//! the first page, the contact page, the statement drafts. Read with the recipient's tools: pdftotext,
//! pdftoppm, unzip; verify-pack must pass on every pack.

mod common;
#[path = "common/packzip.rs"]
mod packzip;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TestResult;
use evident_core::incident::{IncidentFields, Occurred};
use evident_core::pack::{verify_pack, PackRequest, PackSelection, Recipient};
use evident_core::person::PersonFields;
use evident_core::report::{ReportFields, ReportTarget};
use evident_core::Vault;
use packzip::{browser_verify, rewrite, run, squash, unzip, Sums};

const PHONE: &str = "07700 900123";
const ADDRESS: &str = "12 Acacia Avenue, Exampleton EX1 2AB";

fn at(s: &str) -> Option<Occurred> {
    Some(Occurred {
        start: s.into(),
        end: None,
        approximate: false,
    })
}

fn day(s: &str) -> Option<Occurred> {
    // As `time::parse_when` stores a date alone: approximate, noon UK time.
    let (t, approximate) = evident_core::time::parse_when(s).ok()?;
    Some(Occurred {
        start: t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        end: None,
        approximate,
    })
}

struct Diary {
    tv: common::TempVault,
    ids: Vec<i64>,
    work: PathBuf,
}

/// Eight incidents by two people (one anonymous account), a witness, reports with a crime reference, red flags,
/// a date-only incident with the diarist's words for the time, images, a text message export and an email.
fn diary() -> TestResult<Diary> {
    let mut tv = common::temp_vault()?;
    let v = &mut tv.vault;
    let troll = v.record_person(PersonFields {
        name: "Mallory Troll".into(),
        handles: vec!["@mallory_t on X".into()],
        attribution_basis: "The account uses his photo and named my street".into(),
        ..Default::default()
    })?;
    let anon = v.record_person(PersonFields {
        handles: vec!["@ward_watcher99 on Facebook".into()],
        anonymous: true,
        ..Default::default()
    })?;
    let wendy = v.record_person(PersonFields {
        name: "Wendy Witness".into(),
        ..Default::default()
    })?;
    let mut ids = Vec::new();
    let mut add = |v: &mut Vault, f: IncidentFields, who: &[i64]| -> TestResult<i64> {
        let id = v.record_incident(f, who)?;
        ids.push(id);
        Ok(id)
    };
    let i1 = add(
        v,
        IncidentFields {
            occurred: at("2026-03-28T21:30:00+00:00"),
            kind: Some("threat_of_harm".into()),
            channel: Some("email".into()),
            summary: "Threatening email about the planning vote".into(),
            description: "He wrote: you will regret this vote.".into(),
            impact: "I no longer open my email alone.".into(),
            red_flags: vec!["imminent_violence".into()],
            offences: vec!["osa2023_s181".into()],
            ..Default::default()
        },
        &[troll],
    )?;
    let i2 = add(
        v,
        IncidentFields {
            occurred: at("2026-07-14T18:05:00+01:00"),
            kind: Some("inappropriate_communication".into()),
            channel: Some("social_media".into()),
            platform: "X".into(),
            url: "https://x.example/mallory_t/status/1".into(),
            account_handle: "@mallory_t".into(),
            summary: "Post naming my street".into(),
            description: "Everyone knows where she lives: Acacia Avenue.".into(),
            impact: "My children are frightened to walk to school.".into(),
            red_flags: vec!["personal_info_released".into()],
            ..Default::default()
        },
        &[troll],
    )?;
    let i3 = add(
        v,
        IncidentFields {
            occurred: day("2026-08-02"),
            time_words: "after the evening surgery".into(),
            kind: Some("stalking".into()),
            channel: Some("street".into()),
            location: "Car park behind the library".into(),
            summary: "Followed to my car".into(),
            description: "A man followed me to my car and watched me drive away.".into(),
            witnesses: "Wendy Witness saw him at the door".into(),
            ..Default::default()
        },
        &[troll],
    )?;
    v.link_person(i3, wendy, "witness")?;
    let i4 = add(
        v,
        IncidentFields {
            occurred: at("2026-09-10T10:00:00+01:00"),
            kind: Some("misinformation".into()),
            channel: Some("social_media".into()),
            platform: "Facebook".into(),
            url: "https://facebook.example/groups/ward/posts/77".into(),
            account_handle: "@ward_watcher99".into(),
            summary: "False claim that I took bribes".into(),
            ..Default::default()
        },
        &[anon],
    )?;
    let i5 = add(
        v,
        IncidentFields {
            occurred: at("2026-09-12T22:40:00+01:00"),
            kind: Some("verbal_abuse".into()),
            channel: Some("text_message".into()),
            summary: "Abusive text messages".into(),
            impact: "I could not sleep that night.".into(),
            ..Default::default()
        },
        &[anon],
    )?;
    let i6 = add(
        v,
        IncidentFields {
            occurred: at("2026-10-01T08:15:00+01:00"),
            kind: Some("criminal_damage".into()),
            channel: Some("doorstep".into()),
            summary: "Car tyres slashed outside my home".into(),
            ..Default::default()
        },
        &[],
    )?;
    let i7 = add(
        v,
        IncidentFields {
            occurred: at("2026-10-20T12:00:00+01:00"),
            kind: Some("threat_of_harm".into()),
            channel: Some("letter".into()),
            summary: "Letter with a drawing of a knife".into(),
            red_flags: vec!["weapons".into()],
            ..Default::default()
        },
        &[troll],
    )?;
    let i8 = add(
        v,
        IncidentFields {
            occurred: at("2026-11-25T19:00:00+00:00"),
            kind: Some("protest_at_home".into()),
            channel: Some("doorstep".into()),
            summary: "Group outside my house".into(),
            ..Default::default()
        },
        &[],
    )?;
    v.log_report(
        i1,
        ReportFields {
            to: ReportTarget::Police,
            organisation: "Example Constabulary".into(),
            reference: "EX/26/4242".into(),
            ..Default::default()
        },
    )?;
    v.log_report(
        i2,
        ReportFields {
            to: ReportTarget::Platform,
            organisation: "X".into(),
            reference: "X-REPORT-991".into(),
            ..Default::default()
        },
    )?;
    v.attach_bytes(i1, "email.png", &common::png(320, 200), None)?;
    v.attach_bytes(
        i2,
        "post.png",
        &common::png(300, 500),
        Some("2026-07-14T17:10:00Z".into()),
    )?;
    v.attach_bytes(
        i4,
        "bribes.eml",
        b"From: ward_watcher99@example.invalid\r\nTo: me@example.invalid\r\nSubject: You took bribes\r\nDate: Thu, 10 Sep 2026 10:00:00 +0100\r\n\r\nEveryone will know what you did.\r\n",
        None,
    )?;
    v.attach_bytes(
        i5,
        "messages.txt",
        b"22:40 them: you are a disgrace\n22:41 them: watch yourself\n",
        None,
    )?;
    v.attach_bytes(i7, "letter.png", &common::png(200, 280), None)?;
    let _ = (i6, i8);
    let work = tv.tmp.path().join("work");
    std::fs::create_dir_all(&work)?;
    Ok(Diary { tv, ids, work })
}

fn request(selection: PackSelection) -> PackRequest {
    PackRequest {
        selection,
        recipient: Recipient {
            name: "DC Jane Officer".into(),
            organisation: "Example Constabulary".into(),
            crime_reference: Some("EX/26/4242".into()),
        },
        author_name: "Cllr Amira Begum".into(),
        author_contact: format!("{PHONE}\n{ADDRESS}"),
        initials: None,
        redactions: Vec::new(),
    }
}

/// The pages of report.pdf as pdftotext reads them (form feed between pages), and the unzipped folder.
fn export(d: &mut Diary, name: &str, sel: PackSelection) -> TestResult<(Vec<String>, PathBuf)> {
    let zip = d.work.join(format!("{name}.zip"));
    d.tv.vault.export_pack(&request(sel), &zip)?;
    let report = verify_pack(&zip)?;
    assert!(
        report.ok,
        "verify-pack on a fresh pack: {:?}",
        report.failures
    );
    assert!(report.report_checked);
    if let Some((status, fails)) = browser_verify(&zip)? {
        assert_eq!(status, "ok", "verify.html on a fresh pack: {fails}");
    }
    let dir = d.work.join(name);
    run(Command::new("unzip")
        .arg("-q")
        .arg(&zip)
        .arg("-d")
        .arg(&dir))?;
    let text = run(Command::new("pdftotext")
        .arg("-layout")
        .arg(dir.join("report.pdf"))
        .arg("-"))?;
    let pages = text.split('\u{c}').map(str::to_string).collect();
    Ok((pages, dir))
}

fn all() -> PackSelection {
    PackSelection {
        all: true,
        ..Default::default()
    }
}

#[test]
fn times_are_uk_times_and_a_date_alone_never_says_noon() -> TestResult {
    let mut d = diary()?;
    let (pages, dir) = export(&mut d, "times", all())?;
    // incidents.csv carries the same UK times beside the RFC 3339 ones (verify.html recomputes them).
    let csv = std::fs::read_to_string(dir.join("incidents.csv"))?;
    assert!(csv.contains("occurred_uk,recorded_uk,time_words"));
    assert!(csv.contains("\"Sun 2 Aug 2026, time not recorded\""));
    assert!(csv.contains("\"Tue 14 Jul 2026, 18:05 BST\""));
    let raw = pages.join("\n");
    let text = squash(&raw);
    // UK time with GMT or BST, never UTC with microseconds.
    assert!(text.contains("Sat 28 Mar 2026, 21:30 GMT"), "{text}");
    assert!(text.contains("Tue 14 Jul 2026, 18:05 BST"));
    assert!(!text.contains(" UTC"), "a time in UTC");
    assert!(
        !regex_like_micros(&text),
        "a time with microseconds in report.pdf"
    );
    // The date-only incident: "time not recorded" with the diarist's words, never 12:00.
    assert!(text.contains("Sun 2 Aug 2026, time not recorded"));
    assert!(text.contains("after the evening surgery"));
    for line in raw.lines().filter(|l| l.contains("2 Aug 2026")) {
        assert!(!line.contains("12:00"), "{line}");
    }
    // The delay, and back-filled entries flagged.
    assert!(text.contains("Recorded 8 months later"), "{text}");
    assert!(text.contains("was written up afterwards"));
    // The file time of post.png is in UK time too.
    assert!(text.contains("Tue 14 Jul 2026, 18:10:00 BST"));
    Ok(())
}

/// Whether the text holds a time with six-digit fractions (`12:34:56.123456`).
fn regex_like_micros(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(16).any(|w| {
        w[2] == b':'
            && w[5] == b':'
            && w[8] == b'.'
            && w[9..15].iter().all(u8::is_ascii_digit)
            && w[..2].iter().all(u8::is_ascii_digit)
    })
}

/// The exhibit marks incidents.json gives, by original file name.
fn marks(dir: &Path) -> TestResult<std::collections::BTreeMap<String, String>> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("incidents.json"))?)?;
    Ok(v["exhibits"]
        .as_array()
        .ok_or("no exhibits")?
        .iter()
        .map(|e| {
            (
                e["original_file_name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                e["reference"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect())
}

#[test]
fn marks_are_initials_and_a_number_and_stay_the_same_across_packs() -> TestResult {
    let mut d = diary()?;
    let (pages, full) = export(&mut d, "full", all())?;
    let all_marks = marks(&full)?;
    // "Cllr Amira Begum" gives AB, not CB; one mark per file, AB/1 to AB/5.
    let want: Vec<&str> = vec!["AB/1", "AB/2", "AB/3", "AB/4", "AB/5"];
    let mut got: Vec<&str> = all_marks.values().map(String::as_str).collect();
    got.sort();
    assert_eq!(got, want);
    assert_eq!(all_marks["post.png"], "AB/2");
    let text = squash(&pages.join("\n"));
    assert!(text.contains("AB/2"));
    assert!(!text.contains("CB/"), "a title made the initials");
    // Only the anonymous account's incidents, and only the letter: the marks do not move.
    let sel = PackSelection {
        incident_ids: vec![d.ids[3], d.ids[4], d.ids[6]],
        ..Default::default()
    };
    let (_, part) = export(&mut d, "part", sel)?;
    let some = marks(&part)?;
    assert_eq!(some.len(), 3);
    for (name, mark) in &some {
        assert_eq!(&all_marks[name], mark, "{name} renumbered");
    }
    assert!(part.join("exhibits/AB-5_letter.png").exists());

    // A later pack under another name (a new surname, other initials asked for) keeps the marks: they were
    // recorded in the chain by the first export, and every manifest records them.
    let zip = d.work.join("renamed.zip");
    let mut req = request(all());
    req.author_name = "Dr Amira Quinn".into();
    req.initials = Some("ZQ".into());
    assert_eq!(d.tv.vault.exhibit_initials(&req)?, "AB");
    d.tv.vault.export_pack(&req, &zip)?;
    let out = d.work.join("renamed");
    unzip(&zip, &out)?;
    assert_eq!(marks(&out)?, all_marks);
    let chain: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("chain.json"))?)?;
    let manifests: Vec<String> = chain["entries"]
        .as_array()
        .ok_or("no entries")?
        .iter()
        .filter(|e| e["kind"] == "pack.manifest")
        .map(|e| {
            let p: serde_json::Value =
                serde_json::from_str(e["payload"].as_str().unwrap_or("{}")).unwrap_or_default();
            p["exhibit_initials"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(
        manifests.last().map(String::as_str),
        Some("AB"),
        "{manifests:?}"
    );
    assert!(verify_pack(&zip)?.ok);
    // Marks renamed in the data files (SHA256SUMS made again) no longer match the manifest's initials.
    let bad = d.work.join("remarked.zip");
    rewrite(
        &zip,
        &bad,
        &|n, b| match n {
            "incidents.json" | "incidents.csv" => String::from_utf8_lossy(&b)
                .replace("AB/", "ZQ/")
                .replace("AB-", "ZQ-")
                .into_bytes(),
            _ => b,
        },
        Sums::Remade,
    )?;
    let r = verify_pack(&bad)?;
    assert!(!r.ok, "renamed marks passed");
    if let Some((status, fails)) = browser_verify(&bad)? {
        assert_eq!(status, "fail", "verify.html passed renamed marks: {fails}");
    }
    Ok(())
}

/// Lines of body text on a page as pdftotext gives it (the two header lines and the footer left out).
fn body_lines(page: &str) -> Vec<&str> {
    page.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter(|l| {
            !l.starts_with("OFFICIAL-SENSITIVE")
                && !l.starts_with("Record kept by")
                && !l.starts_with("Page ")
        })
        .collect()
}

#[test]
fn the_first_page_answers_what_is_this_and_contact_details_stay_on_their_page() -> TestResult {
    let mut d = diary()?;
    let (pages, dir) = export(&mut d, "cover", all())?;
    let pages: Vec<String> = pages.into_iter().filter(|p| !p.trim().is_empty()).collect();
    let first = squash(&pages[0]);
    for want in [
        "Record kept by Cllr Amira Begum",
        "Against As the diarist believes (not a finding):",
        "Mallory Troll; @mallory_t on X (4 incidents)",
        "@ward_watcher99 on Facebook; anonymous account or unknown person (2 incidents)",
        "8 incidents, from Sat 28 Mar 2026 to Wed 25 Nov 2026; 5 exhibits",
        "Most serious (red flags) No. 1, Sat 28 Mar 2026, 21:30 GMT: Threatening email about the planning vote",
        "Post naming my street",
        "Letter with a drawing of a knife",
        "EX/26/4242",
        "X-REPORT-991",
        "sha256sum -c SHA256SUMS",
        "verify.html",
    ] {
        assert!(first.contains(want), "first page lacks {want:?}: {first}");
    }
    // Every page carries the marking and the crime reference.
    for (n, p) in pages.iter().enumerate() {
        assert!(
            p.contains("OFFICIAL-SENSITIVE: contains personal information"),
            "page {}",
            n + 1
        );
        assert!(p.contains("Crime reference: EX/26/4242"), "page {}", n + 1);
    }
    // The phone number and address appear on the contact page only (the last), and in no other file but
    // pack.json (which report.pdf's contact page is made from).
    let last = pages.len() - 1;
    for (n, p) in pages.iter().enumerate() {
        let p = squash(p);
        let has =
            p.contains(PHONE) || p.contains("Acacia Avenue, Exampleton") || p.contains("EX1 2AB");
        if n == last {
            assert!(p.contains("not for disclosure") && p.contains(PHONE) && p.contains("EX1 2AB"));
        } else {
            assert!(!has, "contact details on page {}: {p}", n + 1);
        }
    }
    // Preservation block: every URL and handle; the witness list.
    let text = squash(&pages.join("\n"));
    for want in [
        "https://x.example/mallory_t/status/1",
        "https://facebook.example/groups/ward/posts/77",
        "@mallory_t",
        "@ward_watcher99",
        "Wendy Witness",
        "The account uses his photo and named my street",
        "the diarist's belief",
    ] {
        assert!(text.contains(want), "{want}");
    }
    // Layout: no near-blank page (a line run over), a caption never apart from its image's hash, whole hashes,
    // no "Entry 20" jargon, and the integrity statement's checks are there.
    for (n, p) in pages.iter().enumerate() {
        let body = body_lines(p);
        assert!(body.len() >= 3, "page {} is nearly blank: {body:?}", n + 1);
        for l in &body {
            assert!(!l.starts_with("Entry "), "jargon on page {}: {l}", n + 1);
        }
        for l in body
            .iter()
            .filter(|l| l.starts_with("Exhibit AB/") && l.contains(".png"))
        {
            let mark = l.split_whitespace().nth(1).unwrap_or_default();
            assert!(
                p.contains(&format!("{mark} SHA-256:")),
                "caption of {mark} apart from its image on page {}",
                n + 1
            );
        }
    }
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("incidents.json"))?)?;
    for e in v["exhibits"].as_array().ok_or("exhibits")? {
        let h = e["sha256"].as_str().unwrap_or_default();
        assert!(text.contains(h), "hash {h} not whole");
        // Wherever the first 16 digits appear, the whole hash follows.
        let raw = pages.join("\n");
        assert_eq!(
            raw.matches(&h[..16]).count(),
            raw.matches(h).count(),
            "a split {h}"
        );
    }
    let integrity = pages
        .iter()
        .position(|p| p.contains("Integrity statement"))
        .ok_or("no integrity statement")?;
    let rest = squash(&pages[integrity..].join("\n"));
    assert!(rest.contains("The checks") && rest.contains("sha256sum -c SHA256SUMS"));
    // Text exhibits are reproduced: the email's headers and body, the message export.
    assert!(text.contains("Subject: You took bribes"));
    assert!(text.contains("Everyone will know what you did."));
    assert!(text.contains("22:41 them: watch yourself"));
    // The pages as images, for the README.
    let png = d.work.join("pages");
    std::fs::create_dir_all(&png)?;
    run(Command::new("pdftoppm")
        .args(["-png", "-r", "60"])
        .arg(dir.join("report.pdf"))
        .arg(png.join("page")))?;
    assert!(std::fs::read_dir(&png)?.count() >= pages.len());
    if let Some(keep) = std::env::var_os("EVIDENT_PACK_PAGES") {
        let keep = PathBuf::from(keep);
        std::fs::create_dir_all(&keep)?;
        std::fs::copy(dir.join("report.pdf"), keep.join("report.pdf"))?;
    }
    Ok(())
}

/// The text of an ODT's content.xml (paragraph and heading text, line breaks as newlines), read with Python's
/// standard zipfile and XML parser, which also checks that the ODT is a well-formed package: `mimetype` first
/// and stored, the manifest listing content.xml and styles.xml.
fn odt_text(path: &Path) -> TestResult<String> {
    let script = r#"
import sys, zipfile, xml.dom.minidom as m
z = zipfile.ZipFile(sys.argv[1])
first = z.infolist()[0]
assert first.filename == 'mimetype' and first.compress_type == zipfile.ZIP_STORED, first
assert z.read('mimetype') == b'application/vnd.oasis.opendocument.text'
man = z.read('META-INF/manifest.xml').decode()
assert 'content.xml' in man and 'styles.xml' in man
m.parseString(z.read('styles.xml'))
doc = m.parseString(z.read('content.xml'))
out = []
def walk(n):
    for c in n.childNodes:
        if c.nodeType == c.TEXT_NODE: out.append(c.data)
        elif c.tagName == 'text:line-break': out.append('\n')
        else:
            walk(c)
            if c.tagName in ('text:p', 'text:h'): out.append('\n')
walk(doc.documentElement)
sys.stdout.write(''.join(out))
"#;
    run(Command::new("python3").arg("-c").arg(script).arg(path))
}

#[test]
fn the_statement_drafts_name_every_mark_once_with_its_continuity() -> TestResult {
    let mut d = diary()?;
    let (_, dir) = export(&mut d, "statement", all())?;
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS"))?;
    let mg11_odt = odt_text(&dir.join("statement/witness-statement-DRAFT.odt"))?;
    let mg11_txt = std::fs::read_to_string(dir.join("statement/witness-statement-DRAFT.txt"))?;
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("incidents.json"))?)?;
    for (name, text) in [("odt", &mg11_odt), ("txt", &mg11_txt)] {
        let text = squash(text);
        assert!(
            text.starts_with("DRAFT TO HELP TAKE A STATEMENT. THIS IS NOT A SIGNED STATEMENT."),
            "{name}"
        );
        assert!(text.contains("Signature: [left blank]"));
        assert!(text.contains("[to be completed by the officer with the witness]"));
        for e in v["exhibits"].as_array().ok_or("exhibits")? {
            let mark = e["reference"].as_str().unwrap_or_default();
            assert_eq!(
                text.matches(&format!("exhibit {mark}.")).count()
                    + text.matches(&format!("{mark} ")).count(),
                1,
                "{name}: {mark} not named exactly once: {text}"
            );
            // Its continuity, in the same sentence run: when it went into the diary, kept unaltered, its hash.
            let at = text.find(&format!("exhibit {mark}.")).ok_or("mark")?;
            let tail = &text[at..];
            let end = tail
                .find("I produce")
                .map(|i| i.max(1))
                .unwrap_or(tail.len());
            let sentence = &tail[..tail[1..].find("I produce").map(|i| i + 1).unwrap_or(end)];
            assert!(
                sentence.contains("I put it into my diary on"),
                "{name} {mark}: {sentence}"
            );
            assert!(sentence.contains("kept there unaltered since then"));
            assert!(sentence.contains(e["sha256"].as_str().unwrap_or_default()));
            assert!(sentence.contains("How I captured it: "));
        }
        // First person, own words, UK times, a date alone without a time, basis of attribution as belief.
        assert!(text.contains("On Sat 28 Mar 2026 at 21:30 GMT, this happened: Threatening email"));
        assert!(text.contains("In my diary I wrote: \"He wrote: you will regret this vote.\""));
        assert!(text.contains(
            "On Sun 2 Aug 2026 (I did not record the time; in my words, after the evening surgery)"
        ));
        assert!(
            text.contains("I base this on the following (my belief): The account uses his photo")
        );
        assert!(!text.contains("12:00 BST, this happened: Followed"));
        assert!(!text.contains(PHONE));
    }
    let vps = squash(&odt_text(
        &dir.join("statement/victim-personal-statement-DRAFT.odt"),
    )?);
    assert!(vps.contains("Victim Personal Statement (draft)"));
    assert!(vps.contains("I no longer open my email alone."));
    assert!(vps.contains("My children are frightened to walk to school."));
    assert!(vps.contains("I could not sleep that night."));
    for f in [
        "statement/witness-statement-DRAFT.odt",
        "statement/witness-statement-DRAFT.txt",
        "statement/victim-personal-statement-DRAFT.odt",
        "statement/victim-personal-statement-DRAFT.txt",
    ] {
        assert!(sums.contains(&format!("  {f}\n")), "{f} not in SHA256SUMS");
    }
    if let Some(keep) = std::env::var_os("EVIDENT_PACK_PAGES") {
        let keep = PathBuf::from(keep);
        std::fs::create_dir_all(&keep)?;
        std::fs::copy(
            dir.join("statement/witness-statement-DRAFT.odt"),
            keep.join("mg11.odt"),
        )?;
        std::fs::write(keep.join("mg11.txt"), &mg11_txt)?;
    }
    Ok(())
}

#[test]
fn a_portal_export_is_at_most_sixteen_files_and_its_zip_verifies() -> TestResult {
    let mut d = diary()?;
    // Twenty more small exhibits: more than a portal takes.
    for n in 0..20 {
        d.tv.vault.attach_bytes(
            d.ids[7],
            &format!("note-{n:02}.txt"),
            format!("note {n}\n").as_bytes(),
            None,
        )?;
    }
    let dir = d.work.join("portal");
    let p = d.tv.vault.export_portal(&request(all()), &dir)?;
    assert_eq!(p.files.len(), 16);
    assert_eq!(p.files[0].name, "report.pdf");
    assert_eq!(p.files[1].name, "evidence-pack.zip");
    assert_eq!(p.in_zip_only.len(), 25 - 14);
    for f in &p.files {
        let meta = std::fs::metadata(dir.join(&f.name))?;
        assert_eq!(meta.len(), f.bytes);
        assert!(meta.len() <= evident_core::pack::portal::PORTAL_MAX_BYTES);
    }
    let report = verify_pack(&dir.join("evidence-pack.zip"))?;
    assert!(report.ok, "{:?}", report.failures);
    // The loose exhibits are the pack's bytes, byte for byte.
    let unz = d.work.join("portal-unzipped");
    run(Command::new("unzip")
        .arg("-q")
        .arg(dir.join("evidence-pack.zip"))
        .arg("-d")
        .arg(&unz))?;
    for f in &p.files[2..] {
        assert_eq!(
            std::fs::read(dir.join(&f.name))?,
            std::fs::read(unz.join("exhibits").join(&f.name))?
        );
    }
    assert_eq!(
        std::fs::read(dir.join("report.pdf"))?,
        std::fs::read(unz.join("report.pdf"))?
    );
    // A second portal export into the same folder is refused.
    assert!(d.tv.vault.export_portal(&request(all()), &dir).is_err());
    Ok(())
}
