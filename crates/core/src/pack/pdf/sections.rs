//! The report's sections, in the order they appear: the cover sheet, the chronology, incidents by person
//! (course of conduct), one page run per incident with its history, reports and exhibits, the exhibit list,
//! the image exhibits reproduced, and the integrity statement. Also the wording of dates, sizes and amended
//! values as the report shows them.

use crate::error::Result;
use crate::imaging;
use crate::reference::reference;
use crate::time;

use super::super::select::{Exhibit, PackData, PackIncident};
use super::super::stamps::{RecordTime, TimeProof};
use super::images;
use super::layout::{Layout, BODY, BOTTOM, F, LABEL_W, LEFT, LINE, TOP, WIDTH};
use super::{ReportInfo, Stamped};

/// "Fri 20 Nov 2026, 21:30 GMT" (UK time), or the text as stored if it does not parse.
fn when(s: &str) -> String {
    time::uk_text(s, false)
}

/// When an incident happened, in words: a day alone says "time not recorded" (never "12:00"), with the
/// diarist's own words for the time when given.
pub(crate) fn occurred_text(inc: &PackIncident) -> String {
    occurred_words(inc.fields.occurred.as_ref(), &inc.fields.time_words)
}

fn occurred_words(o: Option<&crate::incident::Occurred>, words: &str) -> String {
    match o {
        None => "Not given".to_string(),
        Some(o) if o.date_only() => {
            let mut s = format!("{}, time not recorded", time::uk_day(&o.start));
            if !words.trim().is_empty() {
                s.push_str(&format!(" (in the diarist's words: \"{}\")", words.trim()));
            }
            s
        }
        Some(o) => {
            let mut s = when(&o.start);
            if let Some(e) = &o.end {
                s.push_str(&format!(" to {}", when(e)));
            }
            if o.approximate {
                s = format!("About {s}");
            }
            s
        }
    }
}

/// A recorded (device clock) time: UK time, to the second.
fn rec_time(s: &str) -> String {
    time::uk_text(s, true)
}

/// One plain sentence: what independent time-stamps prove about a record's time.
fn time_sentence(t: Option<&RecordTime>) -> String {
    let Some(t) = t else {
        return "Not independently time-stamped: the time is this computer's clock (the computer the diary was kept on).".to_string();
    };
    let said = t.sentence(&rec_time);
    let mut c = said.chars();
    let said: String = c
        .next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default();
    match t.proof {
        TimeProof::Anchored => format!("{said}: proven by an independent time-stamp."),
        TimeProof::AnchoredLate => {
            format!("{said}: it may have been written at any time before then.")
        }
        TimeProof::DeviceClock => {
            format!("{said} (the computer the diary was kept on).")
        }
    }
}

fn human_size(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB ({n} bytes)", n as f64 / 1048576.0)
    } else if n >= 1024 {
        format!("{:.1} KB ({n} bytes)", n as f64 / 1024.0)
    } else {
        format!("{n} bytes")
    }
}

fn labels(codes: &[String]) -> String {
    let r = reference();
    codes
        .iter()
        .map(|c| r.label_of(c))
        .collect::<Vec<_>>()
        .join("; ")
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "(empty)".to_string(),
        serde_json::Value::String(s) if s.is_empty() => "(empty)".to_string(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) if a.is_empty() => "(none)".to_string(),
        serde_json::Value::Array(a) => a.iter().map(json_text).collect::<Vec<_>>().join("; "),
        serde_json::Value::Object(_) if v.get("start").is_some() => {
            match serde_json::from_value::<crate::incident::Occurred>(v.clone()) {
                Ok(o) => occurred_words(Some(&o), ""),
                Err(_) => v.to_string(),
            }
        }
        other => other.to_string(),
    }
}

/// The cover sheet: who kept the record, for whom, what the pack holds and where the chain ends.
pub(super) fn cover(l: &mut Layout, d: &PackData, info: &ReportInfo<'_>, st: &Stamped<'_>) {
    l.space(30.0);
    l.para_at(F::Bold, 24.0, LEFT, WIDTH, "Evidence pack");
    l.space(4.0);
    l.para_at(
        F::Regular,
        13.0,
        LEFT,
        WIDTH,
        &format!("A record of incidents kept by {}", info.author_name),
    );
    l.space(18.0);
    l.rule();
    l.space(6.0);
    l.kv("Prepared by", info.author_name);
    l.kv("Contact", info.author_contact);
    l.kv("Prepared for", &info.recipient.name);
    l.kv("Organisation", &info.recipient.organisation);
    let mut refs: Vec<String> = info.recipient.crime_reference.iter().cloned().collect();
    for inc in &d.incidents {
        for r in &inc.reports {
            if r.fields.to == crate::report::ReportTarget::Police
                && !r.fields.reference.trim().is_empty()
                && !refs.contains(&r.fields.reference)
            {
                refs.push(r.fields.reference.clone());
            }
        }
    }
    let refs = if refs.is_empty() {
        "None given".to_string()
    } else {
        refs.join("; ")
    };
    l.kv("Crime references", &refs);
    l.kv("Pack id", info.pack_id);
    l.kv("Exported", &rec_time(info.exported_at));
    let times: Vec<&str> = d
        .incidents
        .iter()
        .filter_map(|i| i.fields.occurred.as_ref().map(|o| o.start.as_str()))
        .collect();
    if let (Some(a), Some(b)) = (times.first(), times.last()) {
        l.kv("Period covered", &format!("{} to {}", when(a), when(b)));
    }
    l.kv("Incidents", &d.incidents.len().to_string());
    l.kv("Exhibits", &d.exhibits.len().to_string());
    l.kv("People involved", &d.people.len().to_string());
    l.kv(
        "Chain proof",
        &format!("entries 1 to {} (chain.json)", d.chain_head.seq),
    );
    l.hash_line(LEFT + LABEL_W, "Chain head hash", &d.chain_head.entry_hash);
    // The diary's signing key (OpenPGP fingerprint): the same on every pack from this diary (VERIFY.txt, 2).
    l.hash_line(LEFT + LABEL_W, "Signing key", info.signing_fingerprint);
    let latest = st.anchors.iter().max_by_key(|a| (a.covers_seq, a.seq));
    l.kv(
        "Time-stamps",
        &match latest {
            None => "None: every time in this report is the diarist's computer's clock".to_string(),
            Some(a) => format!(
                "{} independent (RFC 3161); the latest shows entries 1 to {} existed no later than {} ({})",
                st.anchors.len(),
                a.covers_seq,
                rec_time(&a.gen_time),
                a.tsa_name
            ),
        },
    );
    l.space(10.0);
    l.rule();
    l.space(6.0);
    l.para(
        "This report was produced from a private diary kept with Evident. Each incident was written down by the \
         person named above, with the time it was recorded taken from their device's clock. Corrections are shown \
         as amendments with their reasons; the original wording is kept. The original files (exhibits) are in the \
         exhibits folder of this pack, byte for byte, named by exhibit reference. The integrity statement at the \
         end of this report explains what has been checked and how to check it yourself.",
    );
}

/// Every incident in the order it happened, as one table.
pub(super) fn chronology(l: &mut Layout, d: &PackData) {
    l.new_page();
    l.heading("Chronology", 16.0);
    l.para("Every incident in this pack in the order it happened.");
    l.space(4.0);
    let rows: Vec<Vec<String>> = d
        .incidents
        .iter()
        .map(|i| {
            vec![
                i.id.to_string(),
                occurred_text(i),
                i.kind_label.clone().unwrap_or_default(),
                i.fields.summary.clone(),
                i.people
                    .iter()
                    .map(|p| format!("{} ({})", p.name, p.role))
                    .collect::<Vec<_>>()
                    .join("; "),
                i.exhibits.join(", "),
            ]
        })
        .collect();
    l.table(
        &[30.0, 95.0, 75.0, 160.0, 80.0, 55.0],
        &["No.", "When", "Kind", "Summary", "People", "Exhibits"],
        &rows,
    );
}

/// Incidents by person (course of conduct); nothing when no person is named.
pub(super) fn people(l: &mut Layout, d: &PackData) {
    if d.people.is_empty() {
        return;
    }
    l.heading("Incidents by person (course of conduct)", 16.0);
    l.para(
        "Harassment in law needs a course of conduct: conduct on at least two occasions. Each person below is \
         listed with the incidents in this pack in which they are named as the person responsible.",
    );
    for p in &d.people {
        l.space(4.0);
        l.heading(&format!("{} (person {})", p.name, p.id), 11.5);
        let f = &p.fields;
        l.kv("Name", &f.name);
        l.kv("Also known as", &f.aliases.join("; "));
        l.kv("Handles / accounts", &f.handles.join("; "));
        l.kv("Anonymous", if f.anonymous { "Yes" } else { "" });
        l.kv("Description", &f.description);
        l.kv("Vehicle", &f.vehicle);
        l.kv("Notes", &f.notes);
        l.kv("Incidents", &p.incident_count.to_string());
        if let (Some(a), Some(b)) = (&p.first_at, &p.last_at) {
            l.kv("First", &when(a));
            l.kv("Last", &when(b));
        }
        if p.course_of_conduct {
            l.kv("Course of conduct", "Two or more incidents in this pack");
        }
        for id in &p.incident_ids {
            if let Some(i) = d.incidents.iter().find(|i| i.id == *id) {
                l.kv(
                    &format!("  Incident {id}"),
                    &format!("{}: {}", occurred_text(i), i.fields.summary),
                );
            }
        }
        if !p.witness_incident_ids.is_empty() {
            let ids: Vec<String> = p
                .witness_incident_ids
                .iter()
                .map(|i| i.to_string())
                .collect();
            l.kv("Witness to", &format!("incident {}", ids.join(", ")));
        }
    }
}

/// One incident: its fields, history (with every amendment's old and new values), reports and exhibits.
pub(super) fn incident(l: &mut Layout, d: &PackData, i: &PackIncident, st: &Stamped<'_>) {
    l.ensure(200.0);
    l.space(6.0);
    l.rule();
    l.heading(&format!("Incident {}: {}", i.id, i.fields.summary), 13.0);
    let f = &i.fields;
    l.kv("When it happened", &occurred_text(i));
    l.kv(
        "Recorded",
        &format!("{} (device clock)", rec_time(&i.recorded_at)),
    );
    if let Some(d) = super::super::clock::delay_text(i) {
        l.kv("Delay", &d);
    }
    for n in super::super::clock::notes(d)
        .iter()
        .filter(|n| n.incident_id == i.id && n.exhibit.is_none())
    {
        l.kv("Time to note", &n.message);
    }
    l.kv("Time-stamp", &time_sentence(st.incident(i.id)));
    if i.updated_at != i.recorded_at {
        l.kv("Last added to", &rec_time(&i.updated_at));
    }
    l.kv("Kind", i.kind_label.as_deref().unwrap_or(""));
    l.kv("How", i.channel_label.as_deref().unwrap_or(""));
    l.kv("Location", &f.location);
    l.kv("Platform", &f.platform);
    l.kv("URL", &f.url);
    l.kv("Account / handle", &f.account_handle);
    l.kv("Time shown on post", &f.post_time_shown);
    l.kv("Summary", &f.summary);
    l.kv("What was said or done", &f.description);
    l.kv("Impact", &f.impact);
    l.kv("Witnesses", &f.witnesses);
    l.kv("Red flags", &labels(&f.red_flags));
    l.kv("Possible offences", &labels(&f.offences));
    l.kv(
        "People",
        &i.people
            .iter()
            .map(|p| format!("{} ({}, person {})", p.name, p.role, p.person_id))
            .collect::<Vec<_>>()
            .join("; "),
    );
    l.space(4.0);
    l.para_at(F::Bold, 10.0, LEFT, WIDTH, "History");
    for h in &i.history {
        let title = if h.kind == "incident.recorded" {
            "Original record".to_string()
        } else {
            h.description.clone()
        };
        l.kv(
            &format!("Entry {}", h.seq),
            &format!("{} — {}", rec_time(&h.recorded_at), title),
        );
        if let Some(r) = &h.reason {
            l.kv("    Reason", r);
        }
        if h.kind == "incident.amended" {
            for c in &h.changes {
                l.kv(
                    &format!("    {}", c.field),
                    &format!("was: {}\nnow: {}", json_text(&c.old), json_text(&c.new)),
                );
            }
        }
    }
    if !i.reports.is_empty() {
        l.space(4.0);
        l.para_at(F::Bold, 10.0, LEFT, WIDTH, "Reports made");
        for r in &i.reports {
            let x = &r.fields;
            l.kv(
                "Reported to",
                &[x.to.as_str(), &x.organisation]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(": "),
            );
            l.kv("    How", &x.via);
            l.kv("    When", &x.reported_on);
            l.kv("    Reference", &x.reference);
            l.kv("    Officer / contact", &x.officer);
            l.kv("    Outcome", &x.outcome);
            l.kv("    Notes", &x.notes);
            l.kv("    Logged", &rec_time(&r.recorded_at));
        }
    }
    if !i.exhibits.is_empty() || !i.withdrawn_attachments.is_empty() {
        l.space(4.0);
        l.para_at(F::Bold, 10.0, LEFT, WIDTH, "Exhibits");
        for r in &i.exhibits {
            if let Some(e) = d.exhibits.iter().find(|e| &e.reference == r) {
                l.kv(r, &format!("{} ({})", e.original_file_name, e.media_type));
                l.hash_line(LEFT + LABEL_W, "    SHA-256", &e.sha256);
                l.kv("    Time-stamp", &time_sentence(st.exhibit(r)));
            }
        }
        for w in &i.withdrawn_attachments {
            l.kv(
                "Withdrawn",
                &format!(
                    "{} — withdrawn {} — reason: {}",
                    w.original_file_name,
                    rec_time(&w.withdrawn_at),
                    w.reason
                ),
            );
            l.hash_line(LEFT + LABEL_W, "    SHA-256", &w.sha256);
        }
    }
}

/// An exhibit's capture time (a capture or creation tag, never a modify date) and every time recorded at
/// attach time, each as written in the file, labelled with its source and its zone.
fn exhibit_times(l: &mut Layout, times: &[crate::capture::TimeTag]) {
    l.kv(
        "Capture time",
        &crate::capture::capture_time(times)
            .map(|c| format!("{}, {}; zone: {}", c.at, c.label, c.zone))
            .unwrap_or_else(|| {
                "None in file (no capture or creation time; a modify date is never one)".into()
            }),
    );
    for (i, t) in times.iter().enumerate() {
        l.kv(
            if i == 0 { "Times recorded" } else { "" },
            &format!("{}: {}; zone: {}", t.label(), t.value, t.zone()),
        );
    }
}

/// Every exhibit with its file in the pack, type, size, SHA-256, times and EXIF.
pub(super) fn exhibit_list(l: &mut Layout, d: &PackData, st: &Stamped<'_>) {
    l.new_page();
    l.heading("Exhibit list", 16.0);
    if d.exhibits.is_empty() {
        l.para("There are no exhibits in this pack.");
        return;
    }
    l.para("Each exhibit is in the exhibits folder of this pack under the name shown, byte for byte as it was attached.");
    let notes = super::super::clock::notes(d);
    for e in &d.exhibits {
        l.ensure(9.0 * LINE);
        l.space(4.0);
        l.para_at(
            F::Bold,
            10.5,
            LEFT,
            WIDTH,
            &format!("{} (incident {})", e.reference, e.incident_id),
        );
        l.kv("Original file name", &e.original_file_name);
        l.kv("File in pack", &e.file);
        l.kv("Type", &e.media_type);
        l.kv("Size", &human_size(e.size));
        l.hash_line(LEFT + LABEL_W, "SHA-256", &e.sha256);
        l.kv(
            "File modified",
            &e.file_modified_at
                .as_deref()
                .map(rec_time)
                .unwrap_or_else(|| "Not known".into()),
        );
        let exif = e.exif.clone().unwrap_or_default();
        if e.times.is_empty() {
            l.kv(
                "EXIF capture time",
                &exif
                    .captured_at
                    .as_deref()
                    .map(time::exif_uk)
                    .unwrap_or_else(|| "None in file".into()),
            );
        } else {
            exhibit_times(l, &e.times);
        }
        let device = [exif.make, exif.model, exif.software]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" / ");
        l.kv("EXIF device", &device);
        l.kv(
            "Attached",
            &format!("{} (device clock)", rec_time(&e.added_at)),
        );
        l.kv("Time-stamp", &time_sentence(st.exhibit(&e.reference)));
        for n in notes
            .iter()
            .filter(|n| n.exhibit.as_deref() == Some(e.reference.as_str()))
        {
            l.kv("Time to note", &n.message);
        }
    }
}

/// The image exhibits, each reproduced (scaled to fit) with its reference and hash, or a note where it
/// cannot be.
pub(super) fn image_exhibits(
    l: &mut Layout,
    d: &PackData,
    load: &dyn Fn(i64) -> Result<Vec<u8>>,
) -> Result<()> {
    let shown: Vec<&Exhibit> = d
        .exhibits
        .iter()
        .filter(|e| imaging::may_decode(&e.media_type))
        .collect();
    if shown.is_empty() {
        return Ok(());
    }
    l.new_page();
    l.heading("Image exhibits", 16.0);
    l.para("Each image exhibit is reproduced below (scaled to fit the page); the original file is in the exhibits folder.");
    let prepared_all = images::prepare_all(&shown, load)?;
    for (e, prepared) in shown.into_iter().zip(prepared_all) {
        l.ensure(120.0);
        l.space(8.0);
        l.para_at(
            F::Bold,
            10.5,
            LEFT,
            WIDTH,
            &format!("Exhibit {} — {}", e.reference, e.original_file_name),
        );
        match prepared {
            Some((img, w, h)) => {
                let max_h = (BOTTOM - TOP) * 0.72;
                let mut dh = WIDTH.min(w as f32 * 0.75) * h as f32 / w.max(1) as f32;
                dh = dh.min(max_h);
                l.ensure(dh + 4.0 + 3.0 * LINE);
                l.image(img, w, h);
            }
            None => l.para(&format!(
                "This image could not be reproduced here; the original is {} in this pack.",
                e.file
            )),
        }
        l.para_at(
            F::Bold,
            BODY,
            LEFT,
            WIDTH,
            &format!("{}  SHA-256:", e.reference),
        );
        l.hash_line(LEFT, "", &e.sha256);
    }
    Ok(())
}

/// What the hashes and the chain prove and do not prove, and how to check them.
pub(super) fn integrity(l: &mut Layout, d: &PackData, st: &Stamped<'_>) {
    l.new_page();
    l.heading("Integrity statement", 16.0);
    let paras = [
        "How the diary is kept. Evident keeps the diary encrypted on the diarist's own device. It is append-only, \
         like a pocket notebook: nothing is overwritten. A correction is a new amendment with a reason, and the \
         original stays. Every entry (an incident, an amendment, a person, an attachment, a report, this export) \
         is numbered and records the time it was written, taken from the device's clock, which cannot be edited.",
        "Hashes. A SHA-256 hash is a fingerprint of data: any change to the data, however small, gives a \
         completely different hash. Every original file (exhibit) was hashed when it was attached, and that hash \
         was written into the diary. Every diary entry is hashed together with the hash of the entry before it, \
         forming a chain: changing, removing or inserting any entry breaks every link after it.",
        "What this proves. When the checks described in VERIFY.txt pass, the records and files in this pack are \
         the ones in the diary's chain as it stood at this export: each exhibit's bytes are those hashed when it \
         was attached, and the incidents, people and reports are what the revealed entries of the chain say. \
         The incidents sit in one unbroken chain with the rest of the diary, whose other entries are not shown \
         (only their hashes are included, and each hides its content behind a random salt). On its own, the chain \
         proves order and integrity since the chain was made, not when: that is what the time-stamps below, and \
         any record fingerprint or earlier pack the recipient already holds, add.",
        "What this does not prove. The checks do not prove that what the records say is true, that a screenshot \
         shows a genuine message, who wrote a message, or that the device's clock was set correctly. Those are \
         matters of evidence for the investigator.",
        "Independent time-stamps. The device's clock can be set to any date by its owner. To show when the diary \
         existed, whatever that clock said, Evident asks an independent Time-Stamping Authority (TSA) to sign the \
         hash of the diary's newest entry together with the TSA's own time (an RFC 3161 time-stamp); only the hash \
         is sent, never any content. Each time-stamp is kept in the diary as an entry of its own. Because every \
         entry's hash covers the entry before it, a time-stamp of one entry proves that this entry, and every \
         entry before it, existed no later than the TSA's time.",
        "What a time-stamp does not prove. It does not prove when an entry was written before the time-stamp (an \
         entry recorded a month before its first time-stamp may have been written at any time in that month), \
         that what an entry says is true, or anything about the entries after the one it covers: their times are \
         the device's clock alone until a later time-stamp covers them. Each incident (as first recorded) and each \
         exhibit in this report says which applies to it, and flags a record whose first time-stamp came more than \
         a day after the time its device clock gave. An amendment is an entry of its own, with its own number in \
         the incident's history: a time-stamp covers it when the time-stamp covers that entry number.",
        "How to verify. The pack contains SHA256SUMS (run \"sha256sum -c SHA256SUMS\" in the unzipped folder on \
         Linux or macOS, or use \"Get-FileHash\" / \"certutil -hashfile FILE SHA256\" on Windows), chain.json \
         (the chain proof, format evident-chain-proof/1), anchors (each time-stamp, with the exact openssl \
         command lines to check it in VERIFY.txt), VERIFY.txt (the steps in plain English) and verify.html \
         (open it in a web browser and choose the unzipped folder or the ZIP: it checks every file, every exhibit \
         and the whole chain, offline, and that each time-stamp is for the entry it covers; it does not check a \
         time-stamp's signature). Evident's command-line tool does all of it, signatures included: \
         evident-cli verify-pack PACK.zip.",
    ];
    for p in paras {
        l.para(p);
        l.space(6.0);
    }
    const SHOWN: usize = 30;
    if st.anchors.is_empty() {
        l.para(&format!(
            "This diary had no independent time-stamp up to entry {}: every time in this report is the \
             diarist's computer's clock alone.",
            d.chain_head.seq
        ));
    } else {
        l.para(&format!(
            "This pack holds {} time-stamp{} (the anchors folder of the pack):",
            st.anchors.len(),
            if st.anchors.len() == 1 { "" } else { "s" }
        ));
        for a in st.anchors.iter().take(SHOWN) {
            l.kv(
                &format!("Entry {}", a.seq),
                &format!(
                    "entries 1 to {} existed no later than {} ({})",
                    a.covers_seq,
                    rec_time(&a.gen_time),
                    a.tsa_name
                ),
            );
        }
        if st.anchors.len() > SHOWN {
            l.para(&format!(
                "… and {} more, each listed in VERIFY.txt.",
                st.anchors.len() - SHOWN
            ));
        }
    }
    l.space(6.0);
    l.kv("Chain ends at entry", &d.chain_head.seq.to_string());
    l.hash_line(LEFT + LABEL_W, "Chain head hash", &d.chain_head.entry_hash);
}
