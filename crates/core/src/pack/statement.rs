//! The statement helper: from the records in a pack, a draft witness statement in the style of form MG11 and
//! a draft Victim Personal Statement, each as an editable ODT and as plain text (`statement/` in the pack).
//! Both are headed as drafts to help an officer take a statement, never as signed statements: the section 9
//! declaration and the signature are left for the officer and the witness. The witness statement is in the
//! first person and the diarist's own words, in date order; each exhibit mark (`AB/3`) appears once, in the
//! sentence that produces it, with its continuity (what it is, its own times, when it was put in the diary
//! and that it has been kept there unaltered since, with its SHA-256). Each person's basis for attribution is
//! given as the diarist's belief. Times are UK times.

use super::odt::{self, Block};
use super::select::{Exhibit, PackData, PackIncident, PackPerson};
use crate::time;

/// Paths of the drafts inside the pack.
pub const MG11_ODT: &str = "statement/witness-statement-DRAFT.odt";
/// Plain-text copy of the witness statement draft.
pub const MG11_TXT: &str = "statement/witness-statement-DRAFT.txt";
/// The Victim Personal Statement draft.
pub const VPS_ODT: &str = "statement/victim-personal-statement-DRAFT.odt";
/// Plain-text copy of the Victim Personal Statement draft.
pub const VPS_TXT: &str = "statement/victim-personal-statement-DRAFT.txt";

/// Who the statement is from and for.
pub struct StatementInfo<'a> {
    /// The diarist (the witness).
    pub author_name: &'a str,
    /// Crime references, if any.
    pub crime_references: &'a [String],
}

const DRAFT_NOTICE: &str = "DRAFT TO HELP TAKE A STATEMENT. THIS IS NOT A SIGNED STATEMENT. It was put together by \
Evident from the diarist's own diary entries, for the officer taking the statement to go through with the \
witness, correct and complete. Nothing in it is evidence until the witness has read it, agreed it and signed \
it with the declaration below.";

/// "On Sat 28 Mar 2026 at 21:30 GMT", "On Sun 2 Aug 2026 (I did not record the time; in my words, after the
/// evening surgery)", "At a time I did not record".
fn when_phrase(i: &PackIncident) -> String {
    match &i.fields.occurred {
        None => "At a time I did not record".to_string(),
        Some(o) if o.date_only() => {
            let words = i.fields.time_words.trim();
            if words.is_empty() {
                format!("On {} (I did not record the time)", time::uk_day(&o.start))
            } else {
                format!(
                    "On {} (I did not record the time; in my words, {words})",
                    time::uk_day(&o.start)
                )
            }
        }
        Some(o) => {
            let t = time::uk_text(&o.start, false);
            let (day, hour) = t.rsplit_once(", ").unwrap_or((t.as_str(), ""));
            let mut s = format!("On {day} at {hour}");
            if let Some(e) = &o.end {
                s.push_str(&format!(" until {}", time::uk_text(e, false)));
            }
            if o.approximate {
                s.push_str(" (approximately)");
            }
            s
        }
    }
}

fn what_it_is(e: &Exhibit) -> &'static str {
    if e.media_type.starts_with("image/") {
        "a picture file (a screenshot or photograph)"
    } else if e.media_type.starts_with("text/") || e.media_type.starts_with("message/") {
        "a text file (a message export, note or email)"
    } else if e.media_type.starts_with("audio/") {
        "a sound recording"
    } else if e.media_type.starts_with("video/") {
        "a video"
    } else {
        "a file"
    }
}

/// The sentence that produces an exhibit, with its continuity.
fn exhibit_sentence(e: &Exhibit) -> String {
    let mut s = format!(
        "I produce {} named \"{}\" as exhibit {}.",
        what_it_is(e),
        e.original_file_name,
        e.reference
    );
    let exif = e.exif.clone().unwrap_or_default();
    let file_device = [exif.make, exif.model]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    // What the diarist recorded (attachment.described); a gap is left for the officer where they said nothing.
    const ASK: &str = "[to be completed with the witness]";
    s.push_str(&format!(
        " How I captured it: {}. The device I used: {}",
        e.capture_method.as_deref().unwrap_or(ASK),
        e.device.as_deref().unwrap_or(ASK)
    ));
    if !file_device.is_empty() {
        s.push_str(&format!(
            " (the file itself names the device as {file_device})"
        ));
    }
    s.push('.');
    // The capture time is a capture or creation tag only, never a modify date (crate::capture); older entries
    // hold only the EXIF capture time.
    match crate::capture::capture_time(&e.times) {
        Some(c) => s.push_str(&format!(
            " The file records a time of {} ({}; {}).",
            c.exif_style()
                .map(|x| time::exif_uk(&x))
                .unwrap_or_else(|| c.at.clone()),
            c.label,
            c.zone
        )),
        None if e.times.is_empty() => {
            if let Some(c) = exif.captured_at.as_deref() {
                s.push_str(&format!(
                    " The file records that it was captured at {}.",
                    time::exif_uk(c)
                ));
            }
        }
        None => s.push_str(" The file records no capture or creation time."),
    }
    s.push_str(&format!(
        " I put it into my diary on {}, and it has been kept there unaltered since then (its SHA-256 \
         fingerprint is {}).",
        time::uk_text(&e.added_at, false),
        e.sha256
    ));
    s
}

fn person_words(p: &PackPerson) -> String {
    let f = &p.fields;
    let mut who = Vec::new();
    if !f.name.is_empty() {
        who.push(f.name.clone());
    }
    if !f.handles.is_empty() {
        who.push(format!("the account {}", f.handles.join(", ")));
    }
    if who.is_empty() {
        who.push(p.name.clone());
    }
    who.join(", ")
}

/// The crime references, or a place for the officer to write one.
fn crime_refs(info: &StatementInfo<'_>) -> String {
    if info.crime_references.is_empty() {
        "[officer]".to_string()
    } else {
        info.crime_references.join("; ")
    }
}

/// The witness statement draft, as blocks.
pub fn witness_statement(d: &PackData, info: &StatementInfo<'_>) -> Vec<Block> {
    let mut b = vec![
        Block::Notice(DRAFT_NOTICE.to_string()),
        Block::Heading(1, "Witness statement (draft, in the style of form MG11)".into()),
        Block::Para(format!(
            "Statement of: {}\nCrime reference: {}\nAge if under 18: [officer]    Occupation: [officer]",
            info.author_name,
            crime_refs(info)
        )),
        Block::Para(
            "Declaration (Criminal Justice Act 1967, s.9; Magistrates' Courts Act 1980, s.5B): [to be completed \
             by the officer with the witness]\nSignature: [left blank]    Date: [left blank]"
                .into(),
        ),
        Block::Para(format!(
            "I am {}. I have kept a diary of the incidents described below, writing each one down in the diary \
             app Evident. This statement is taken from that diary; the times below are UK times.",
            info.author_name
        )),
    ];
    for i in &d.incidents {
        let f = &i.fields;
        let mut s = format!("{}, ", when_phrase(i));
        let what = if f.description.trim().is_empty() {
            f.summary.trim().to_string()
        } else {
            format!(
                "{}. In my diary I wrote: \"{}\"",
                f.summary.trim().trim_end_matches('.'),
                f.description.trim()
            )
        };
        s.push_str(&format!("this happened: {what}"));
        if !s.ends_with(['.', '"', '!', '?']) {
            s.push('.');
        }
        if let Some(c) = &i.channel_label {
            s.push_str(&format!(" How it reached me: {}.", c.to_lowercase()));
        }
        if !f.location.trim().is_empty() {
            s.push_str(&format!(" Where: {}.", f.location.trim()));
        }
        if !f.url.trim().is_empty() || !f.account_handle.trim().is_empty() {
            s.push_str(&format!(
                " It was posted{}{}{}.",
                if f.platform.is_empty() {
                    String::new()
                } else {
                    format!(" on {}", f.platform)
                },
                if f.account_handle.is_empty() {
                    String::new()
                } else {
                    format!(" by the account {}", f.account_handle)
                },
                if f.url.is_empty() {
                    String::new()
                } else {
                    format!(" at {}", f.url)
                }
            ));
        }
        let subjects: Vec<String> = i
            .people
            .iter()
            .filter(|p| p.role == "subject")
            .map(|p| p.name.clone())
            .collect();
        if !subjects.is_empty() {
            s.push_str(&format!(
                " I believe this was done by {}.",
                subjects.join(" and ")
            ));
        }
        let wit: Vec<String> = i
            .people
            .iter()
            .filter(|p| p.role == "witness")
            .map(|p| p.name.clone())
            .collect();
        if !wit.is_empty() {
            s.push_str(&format!(" {} saw it.", wit.join(" and ")));
        } else if !f.witnesses.trim().is_empty() {
            s.push_str(&format!(" Witnesses: {}.", f.witnesses.trim()));
        }
        s.push_str(&format!(
            " I wrote this down on {}.",
            time::uk_text(&i.recorded_at, false)
        ));
        b.push(Block::Heading(
            2,
            format!("Incident {}: {}", i.id, f.summary.trim()),
        ));
        b.push(Block::Para(s));
        for r in &i.exhibits {
            if let Some(e) = d.exhibits.iter().find(|e| &e.reference == r) {
                b.push(Block::Para(exhibit_sentence(e)));
            }
        }
    }
    let named: Vec<&PackPerson> = d.people.iter().filter(|p| p.incident_count > 0).collect();
    if !named.is_empty() {
        b.push(Block::Heading(
            2,
            "Who I believe is responsible, and why".into(),
        ));
        for p in named {
            let basis = p.fields.attribution_basis.trim();
            b.push(Block::Para(format!(
                "I believe {} is responsible for {} of these incidents. {}",
                person_words(p),
                p.incident_count,
                if basis.is_empty() {
                    "What I base this on: [to be completed with the witness].".to_string()
                } else {
                    format!("I base this on the following (my belief): {basis}")
                }
            )));
        }
    }
    b.push(Block::Para(
        "[End of the draft. The officer completes the statement with the witness, who reads it, corrects it \
         and signs each page.]"
            .into(),
    ));
    b
}

/// The Victim Personal Statement draft, from the impact entries, as blocks.
pub fn victim_personal_statement(d: &PackData, info: &StatementInfo<'_>) -> Vec<Block> {
    let mut b = vec![
        Block::Notice(DRAFT_NOTICE.replace("the declaration below", "a declaration")),
        Block::Heading(1, "Victim Personal Statement (draft)".into()),
        Block::Para(format!(
            "Statement of: {}\nCrime reference: {}\nSignature: [left blank]    Date: [left blank]",
            info.author_name,
            crime_refs(info)
        )),
        Block::Para(
            "This is how these incidents have affected me, in the words I wrote in my diary at the time."
                .into(),
        ),
    ];
    let mut any = false;
    for i in &d.incidents {
        let impact = i.fields.impact.trim();
        if impact.is_empty() {
            continue;
        }
        any = true;
        b.push(Block::Para(format!(
            "{} ({}): {impact}",
            when_phrase(i),
            i.fields.summary.trim()
        )));
    }
    if !any {
        b.push(Block::Para(
            "[No impact was written in the diary for these incidents: to be completed with the witness.]"
                .into(),
        ));
    }
    b.push(Block::Para(
        "[To be completed with the witness: the effect on my health, family, work and public role, and \
         whether I would like to read this statement in court.]"
            .into(),
    ));
    b
}

/// The four files of `statement/`: (path, bytes).
pub fn files(
    d: &PackData,
    info: &StatementInfo<'_>,
) -> crate::error::Result<Vec<(&'static str, Vec<u8>)>> {
    let w = witness_statement(d, info);
    let v = victim_personal_statement(d, info);
    Ok(vec![
        (MG11_ODT, odt::write(&w)?),
        (MG11_TXT, odt::plain_text(&w).into_bytes()),
        (VPS_ODT, odt::write(&v)?),
        (VPS_TXT, odt::plain_text(&v).into_bytes()),
    ])
}
