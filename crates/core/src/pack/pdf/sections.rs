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
use super::layout::{Layout, BODY, F, LABEL_W, LEFT, LINE, WIDTH};
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

/// The crime references the pack carries: the one the recipient gave, then every police report's.
pub(super) fn crime_references(d: &PackData, info: &ReportInfo<'_>) -> Vec<String> {
    let mut refs: Vec<String> = info
        .recipient
        .crime_reference
        .iter()
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
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
    refs
}

/// One person in a line: name, handles, "anonymous".
fn person_line(p: &super::super::select::PackPerson) -> String {
    let f = &p.fields;
    let mut parts = Vec::new();
    if !f.name.is_empty() {
        parts.push(f.name.clone());
    }
    if !f.handles.is_empty() {
        parts.push(f.handles.join(", "));
    }
    if !f.aliases.is_empty() {
        parts.push(format!("also known as {}", f.aliases.join(", ")));
    }
    if f.anonymous {
        parts.push("anonymous account or unknown person".into());
    }
    if parts.is_empty() {
        parts.push(p.name.clone());
    }
    parts.join("; ")
}

/// The first page: what this is, in thirty seconds. Who kept the record and against whom (as the diarist's
/// belief), how many incidents over what dates, the most serious (red flags), reports made with crime
/// references, and how to verify. The diarist's phone number and address are never here: they are on the
/// contact page at the end.
pub(super) fn cover(l: &mut Layout, d: &PackData, info: &ReportInfo<'_>, st: &Stamped<'_>) {
    l.space(6.0);
    l.para_at(F::Bold, 22.0, LEFT, WIDTH, "Evidence pack");
    l.para_at(
        F::Regular,
        12.0,
        LEFT,
        WIDTH,
        &format!(
            "A diary of incidents kept by {}, with its original files",
            info.author_name
        ),
    );
    l.space(4.0);
    l.rule();
    let subjects: Vec<_> = d.people.iter().filter(|p| p.incident_count > 0).collect();
    let against = if subjects.is_empty() {
        "No one is named as responsible".to_string()
    } else {
        subjects
            .iter()
            .map(|p| {
                format!(
                    "{} ({} incident{})",
                    person_line(p),
                    p.incident_count,
                    if p.incident_count == 1 { "" } else { "s" }
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    l.kv("Record kept by", info.author_name);
    l.kv(
        "Against",
        &format!("As the diarist believes (not a finding):\n{against}"),
    );
    let days: Vec<&str> = d
        .incidents
        .iter()
        .filter_map(|i| i.fields.occurred.as_ref().map(|o| o.start.as_str()))
        .collect();
    let range = match (days.first(), days.last()) {
        (Some(a), Some(b)) => format!(", from {} to {}", time::uk_day(a), time::uk_day(b)),
        _ => String::new(),
    };
    l.kv(
        "Incidents",
        &format!(
            "{} incident{}{range}; {} exhibit{}",
            d.incidents.len(),
            if d.incidents.len() == 1 { "" } else { "s" },
            d.exhibits.len(),
            if d.exhibits.len() == 1 { "" } else { "s" }
        ),
    );
    let serious: Vec<String> = d
        .incidents
        .iter()
        .filter(|i| !i.fields.red_flags.is_empty())
        .map(|i| {
            format!(
                "No. {}, {}: {} [{}]",
                i.id,
                occurred_text(i),
                i.fields.summary,
                labels(&i.fields.red_flags)
            )
        })
        .collect();
    l.kv(
        "Most serious (red flags)",
        &if serious.is_empty() {
            "None ticked".to_string()
        } else {
            serious.join("\n")
        },
    );
    let mut reports = Vec::new();
    for i in &d.incidents {
        for r in &i.reports {
            let x = &r.fields;
            let mut s = format!("No. {}: {}", i.id, x.to.as_str());
            if !x.organisation.is_empty() {
                s.push_str(&format!(" ({})", x.organisation));
            }
            if !x.reference.is_empty() {
                s.push_str(&format!(", reference {}", x.reference));
            }
            reports.push(s);
        }
    }
    l.kv(
        "Reports already made",
        &if reports.is_empty() {
            "None logged".to_string()
        } else {
            reports.join("\n")
        },
    );
    let refs = crime_references(d, info);
    l.kv(
        "Crime references",
        &if refs.is_empty() {
            "None given".to_string()
        } else {
            refs.join("; ")
        },
    );
    l.kv(
        "Prepared for",
        &[info.recipient.name.as_str(), &info.recipient.organisation]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", "),
    );
    l.kv("Pack id", info.pack_id);
    l.kv("Exported", &rec_time(info.exported_at));
    l.space(4.0);
    l.rule();
    l.para_at(F::Bold, 10.5, LEFT, WIDTH, "How to verify this pack");
    l.para(
        "1. In the unzipped folder run: sha256sum -c SHA256SUMS (every line must say OK). \
         2. Open verify.html in a web browser and choose the folder or the ZIP: it checks every file, every \
         exhibit and the whole chain, offline. 3. Or run: evident-cli verify-pack PACK.zip. \
         VERIFY.txt gives each step and what it proves; the integrity statement at the end of this report says \
         what the checks prove and what they do not.",
    );
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
    l.space(4.0);
    l.para(
        "This is a selection from a fuller private diary: the diarist chose what goes in. Each incident was \
         written down by the diarist, with the time it was recorded taken from their computer's clock; \
         corrections are amendments with reasons, and the original wording is kept. Names and handles of the \
         people involved are the diarist's belief, not a finding. Every time is UK time (GMT or BST). The \
         diarist's contact details are on the last page, kept apart for disclosure.",
    );
}

/// Every URL and account handle in the pack, for a platform preservation request, with where each appears.
pub(super) fn preservation(l: &mut Layout, d: &PackData) {
    let mut rows: Vec<(String, String, Vec<String>)> = Vec::new();
    let mut add = |what: &str, kind: &str, platform: &str, at: String| {
        let what = what.trim();
        if what.is_empty() {
            return;
        }
        let kind = if platform.trim().is_empty() {
            kind.to_string()
        } else {
            format!("{kind} ({})", platform.trim())
        };
        match rows.iter_mut().find(|r| r.0 == what) {
            Some(r) => {
                if !r.2.contains(&at) {
                    r.2.push(at);
                }
            }
            None => rows.push((what.to_string(), kind, vec![at])),
        }
    };
    for i in &d.incidents {
        let at = format!("incident {}", i.id);
        add(&i.fields.url, "URL", &i.fields.platform, at.clone());
        add(&i.fields.account_handle, "Account", &i.fields.platform, at);
    }
    for p in &d.people {
        for h in &p.fields.handles {
            add(h, "Account", "", format!("person {}", p.id));
        }
    }
    l.heading("For a preservation request: every URL and account", 14.0);
    if rows.is_empty() {
        l.para("No URL or account handle is recorded in this pack.");
        return;
    }
    l.para(
        "Every web address and account handle recorded in this pack, ready to send to a platform with a \
         request to preserve the content and account data. They are as the diarist recorded them.",
    );
    l.space(2.0);
    let table: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(w, k, at)| vec![w, k, at.join(", ")])
        .collect();
    l.table(
        &[270.0, 110.0, 115.0],
        &["URL or handle", "What", "Where in this pack"],
        &table,
    );
}

/// Witnesses: people linked as witnesses, and what the diarist wrote under "Witnesses".
pub(super) fn witnesses(l: &mut Layout, d: &PackData) {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for p in &d.people {
        if !p.witness_incident_ids.is_empty() {
            rows.push(vec![
                person_line(p),
                p.witness_incident_ids
                    .iter()
                    .map(|i| format!("incident {i}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ]);
        }
    }
    for i in &d.incidents {
        if !i.fields.witnesses.trim().is_empty() {
            rows.push(vec![
                i.fields.witnesses.trim().to_string(),
                format!("incident {} (as the diarist wrote it)", i.id),
            ]);
        }
    }
    l.heading("Witnesses", 14.0);
    if rows.is_empty() {
        l.para("No witness is recorded in this pack.");
        return;
    }
    l.table(&[300.0, 195.0], &["Witness", "Incidents"], &rows);
}

/// The diarist's contact details, on a page of their own at the end, as an MG11 keeps them on its back page:
/// not for disclosure to the defence. The only place in the report that holds them.
pub(super) fn contact_page(l: &mut Layout, info: &ReportInfo<'_>) {
    l.new_page();
    l.heading("Contact details of the diarist: not for disclosure", 16.0);
    l.para(
        "This page holds the diarist's contact details, kept off every other page of this report so that the \
         rest can be served without them (as the back page of an MG11 is). Remove this page before disclosure.",
    );
    l.space(6.0);
    l.kv("Name", info.author_name);
    l.kv(
        "Contact details",
        if info.author_contact.trim().is_empty() {
            "None given"
        } else {
            info.author_contact
        },
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
        l.kv("Basis (diarist's belief)", &f.attribution_basis);
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
    for n in st
        .clock
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
    // An imported incident: what it came from, and that it is proven unchanged since import (incident.rs).
    if let Some(rest) = i
        .history
        .iter()
        .find(|h| h.kind == "incident.recorded")
        .and_then(|h| h.description.strip_prefix("Original record, imported "))
    {
        l.kv("Imported", rest);
    }
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
    l.para_at(
        F::Bold,
        10.0,
        LEFT,
        WIDTH,
        "History (when each step was recorded, by the computer's clock)",
    );
    for h in &i.history {
        let title = if h.kind == "incident.recorded" {
            "Original record".to_string()
        } else {
            h.description.clone()
        };
        // The hash of an added or withdrawn file goes on a line of its own, never split.
        let (title, hash) = match title.split_once(" (SHA-256 ") {
            Some((t, rest)) => (
                t.to_string(),
                rest.split(|c: char| !c.is_ascii_hexdigit())
                    .next()
                    .map(str::to_string),
            ),
            None => (title, None),
        };
        l.para_at(
            F::Regular,
            BODY,
            LEFT + 8.0,
            WIDTH - 8.0,
            &format!(
                "{} — {title} (diary entry no. {} in chain.json)",
                rec_time(&h.recorded_at),
                h.seq
            ),
        );
        if let Some(hash) = hash.filter(|h| h.len() == 64) {
            l.hash_line(LEFT + LABEL_W, "    SHA-256", &hash);
        }
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
    let notes = &st.clock;
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
            "How captured",
            &e.capture_method
                .as_deref()
                .map(|m| format!("{m} (the diarist's words)"))
                .unwrap_or_else(|| "Not said".into()),
        );
        l.kv(
            "Device",
            &e.device
                .as_deref()
                .map(|m| format!("{m} (the diarist's words)"))
                .unwrap_or_else(|| "Not said".into()),
        );
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
        .filter(|e| imaging::reproducible(&e.media_type))
        .collect();
    if shown.is_empty() {
        return Ok(());
    }
    l.new_page();
    l.heading("Image exhibits", 16.0);
    l.para("Each image exhibit is reproduced below (scaled to fit the page); the original file is in the exhibits folder.");
    let prepared_all = images::prepare_all(&shown, load)?;
    for (e, prepared) in shown.into_iter().zip(prepared_all) {
        // The caption, the image and its hash stay on one page.
        let need = match &prepared {
            Some((_, w, h)) => super::layout::image_size(*w, *h).1 + 10.0 + 4.0 * LINE,
            None => 6.0 * LINE,
        };
        l.ensure(need);
        l.space(8.0);
        l.para_at(
            F::Bold,
            10.5,
            LEFT,
            WIDTH,
            &format!("Exhibit {} — {}", e.reference, e.original_file_name),
        );
        match prepared {
            Some((img, w, h)) => l.image(img, w, h),
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

/// Largest text exhibit reproduced in the report; a larger one is listed with a pointer to its file.
const TEXT_MAX: u64 = 256 * 1024;
/// At most this many lines of one text exhibit are reproduced.
const TEXT_LINES: usize = 400;

/// Whether an exhibit is text to reproduce (a message export, a .txt, an email with its headers).
fn is_text(e: &Exhibit) -> bool {
    e.media_type.starts_with("text/") || e.media_type.starts_with("message/")
}

/// The text exhibits (message exports, .txt, emails: headers and body), reproduced as text in the monospace
/// font, with the mark and hash; a file too large is listed with where to find it.
pub(super) fn text_exhibits(
    l: &mut Layout,
    d: &PackData,
    load: &dyn Fn(i64) -> Result<Vec<u8>>,
) -> Result<()> {
    let shown: Vec<&Exhibit> = d.exhibits.iter().filter(|e| is_text(e)).collect();
    if shown.is_empty() {
        return Ok(());
    }
    l.new_page();
    l.heading("Text exhibits", 16.0);
    l.para(
        "Each text exhibit (a message export, a text file, an email with its headers and body) is reproduced \
         below as text; the original file is in the exhibits folder.",
    );
    for e in shown {
        l.ensure(8.0 * LINE);
        l.space(8.0);
        l.para_at(
            F::Bold,
            10.5,
            LEFT,
            WIDTH,
            &format!("Exhibit {} — {}", e.reference, e.original_file_name),
        );
        l.hash_line(LEFT + LABEL_W, "SHA-256", &e.sha256);
        if e.size > TEXT_MAX {
            l.para(&format!(
                "Too long to reproduce here ({}); the original is {} in this pack.",
                human_size(e.size),
                e.file
            ));
            continue;
        }
        let bytes = load(e.attachment_id)?;
        let text = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
        let total = text.lines().count();
        let body: Vec<&str> = text.lines().take(TEXT_LINES).collect();
        l.space(2.0);
        l.para_at(F::Mono, 8.0, LEFT + 6.0, WIDTH - 6.0, &body.join("\n"));
        if total > TEXT_LINES {
            l.para(&format!(
                "… {} more lines in {} in this pack.",
                total - TEXT_LINES,
                e.file
            ));
        }
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
        "What this proves. When the checks listed at the end of this statement pass, the records and files in this pack are \
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
    l.para_at(F::Bold, 10.5, LEFT, WIDTH, "The checks");
    for (n, c) in [
        "Every file is the one listed: in the unzipped folder, sha256sum -c SHA256SUMS (every line says OK).",
        "SHA256SUMS is as exported: gpg --verify SHA256SUMS.asc SHA256SUMS with signing-key.asc imported \
         (VERIFY.txt, check 2); the key's fingerprint is on the first page.",
        "Each exhibit is the file recorded: its SHA-256 equals the one in its attachment.added entry of chain.json.",
        "The chain is unbroken: verify.html, or evident-cli verify-pack PACK.zip, recomputes every entry hash \
         of chain.json to the head below (the rules are in FORMAT.md).",
        "The records say what the chain says: verify.html and evident-cli verify-pack replay the chain and \
         compare incidents.json and incidents.csv field by field; evident-cli verify-pack also renders this \
         report again and compares it byte for byte.",
        "The time-stamps: openssl ts -verify for each token in anchors (VERIFY.txt, check 5).",
    ]
    .iter()
    .enumerate()
    {
        l.kv(&format!("Check {}", n + 1), c);
    }
    l.space(6.0);
    l.kv("Chain ends at entry", &d.chain_head.seq.to_string());
    l.hash_line(LEFT + LABEL_W, "Chain head hash", &d.chain_head.entry_hash);
}
