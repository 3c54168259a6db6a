//! The pack's machine-readable and plain-text files: `incidents.csv`, `README.txt` (what each file and column
//! is) and `VERIFY.txt` (how to check the pack without Evident). None of them carries the export time, so
//! the same selection always gives the same bytes.

use super::select::{PackData, PackIncident};
use super::stamps::{self, PackStamps};

/// CSV columns of `incidents.csv`, with what each holds (also written to README.txt).
pub const CSV_COLUMNS: &[(&str, &str)] = &[
    ("incident_id", "Incident number in the diary."),
    ("occurred_start", "When it happened (start), RFC 3339 with UTC offset."),
    ("occurred_end", "End of the span, if it lasted a while; empty otherwise."),
    ("approximate", "\"yes\" when the time is approximate."),
    ("recorded_at", "When it was first recorded, by this device's clock (UTC)."),
    ("updated_at", "When it was last amended or added to (UTC)."),
    ("kind", "Kind of abuse (code)."),
    ("kind_label", "Kind of abuse (words)."),
    ("channel", "How it reached the person (code)."),
    ("channel_label", "How it reached the person (words)."),
    ("location", "Where it happened."),
    ("platform", "Platform, for online incidents."),
    ("url", "Address of the post, message or page."),
    ("account_handle", "Account that posted or sent it."),
    ("post_time_shown", "Date and time shown on the post, as shown."),
    ("summary", "One line: what happened."),
    ("description", "What was said or done, verbatim where possible."),
    ("impact", "The impact on the person."),
    ("witnesses", "Witnesses."),
    ("red_flags", "Police red flags present (codes, separated by \"; \")."),
    ("offences", "Possible offences tagged by the person (codes, \"; \"); not a finding that a crime was committed."),
    ("people", "People involved: name (role), separated by \"; \"."),
    ("reports", "Reports made: to / organisation / reference, separated by \"; \"."),
    ("exhibits", "Exhibit references, separated by \"; \" (files in exhibits/)."),
    ("amendments", "Number of amendments (each with its reason in report.pdf and incidents.json)."),
    ("occurred_uk", "When it happened in UK time (GMT or BST), as report.pdf shows it; \"time not recorded\" when only the date is known."),
    ("recorded_uk", "When it was first recorded, in UK time (GMT or BST), to the second."),
    ("time_words", "The diarist's own words for the time, when only the date is known."),
];

/// When it happened in UK time, as the report shows it (without the diarist's words): "Sat 28 Mar 2026, 21:30
/// GMT", "About …", "… to …", or "Sun 2 Aug 2026, time not recorded".
pub(crate) fn occurred_uk(inc: &PackIncident) -> String {
    use crate::time;
    match &inc.fields.occurred {
        None => String::new(),
        Some(o) if o.date_only() => format!("{}, time not recorded", time::uk_day(&o.start)),
        Some(o) => {
            let mut s = time::uk_text(&o.start, false);
            if let Some(e) = &o.end {
                s.push_str(&format!(" to {}", time::uk_text(e, false)));
            }
            if o.approximate {
                s = format!("About {s}");
            }
            s
        }
    }
}

/// One CSV cell: quoted when needed; a leading `=`, `+`, `-`, `@` is prefixed with `'` so spreadsheets show
/// the text instead of running it as a formula (incidents.json keeps the exact text).
fn cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn row(inc: &PackIncident) -> Vec<String> {
    let f = &inc.fields;
    let occ = f.occurred.as_ref();
    let amendments = inc
        .history
        .iter()
        .filter(|h| h.kind == "incident.amended")
        .count();
    vec![
        inc.id.to_string(),
        occ.map(|o| o.start.clone()).unwrap_or_default(),
        occ.and_then(|o| o.end.clone()).unwrap_or_default(),
        if occ.is_some_and(|o| o.approximate) {
            "yes"
        } else {
            "no"
        }
        .to_string(),
        inc.recorded_at.clone(),
        inc.updated_at.clone(),
        f.kind.clone().unwrap_or_default(),
        inc.kind_label.clone().unwrap_or_default(),
        f.channel.clone().unwrap_or_default(),
        inc.channel_label.clone().unwrap_or_default(),
        f.location.clone(),
        f.platform.clone(),
        f.url.clone(),
        f.account_handle.clone(),
        f.post_time_shown.clone(),
        f.summary.clone(),
        f.description.clone(),
        f.impact.clone(),
        f.witnesses.clone(),
        f.red_flags.join("; "),
        f.offences.join("; "),
        inc.people
            .iter()
            .map(|p| format!("{} ({})", p.name, p.role))
            .collect::<Vec<_>>()
            .join("; "),
        inc.reports
            .iter()
            .map(|r| {
                [
                    r.fields.to.as_str(),
                    &r.fields.organisation,
                    &r.fields.reference,
                ]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" / ")
            })
            .collect::<Vec<_>>()
            .join("; "),
        inc.exhibits.join("; "),
        amendments.to_string(),
        occurred_uk(inc),
        crate::time::uk_text(&inc.recorded_at, true),
        f.time_words.clone(),
    ]
}

/// `incidents.csv`: RFC 4180, UTF-8 with a byte-order mark (so spreadsheets read it as UTF-8), CRLF lines.
pub fn incidents_csv(data: &PackData) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    out.push_str(
        &CSV_COLUMNS
            .iter()
            .map(|(c, _)| *c)
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for inc in &data.incidents {
        out.push_str(
            &row(inc)
                .iter()
                .map(|c| cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// `README.txt`: what is in the pack, the columns of the data files, and the record fingerprint.
pub(crate) fn readme(data: &PackData, time: &PackStamps) -> String {
    let mut s = String::new();
    s.push_str("EVIDENCE PACK - CONTENTS\r\n========================\r\n\r\n");
    s.push_str("This pack was exported from Evident, a private diary kept by the person named on the cover of\r\n");
    s.push_str("report.pdf. It holds:\r\n\r\n");
    for (f, d) in [
        ("report.pdf", "The report: cover sheet, chronology, incidents by person, one section per incident, exhibit list, images and integrity statement."),
        ("exhibits/", "The original files, byte for byte, named by exhibit mark (AB/3 is in AB-3_) plus a safe form of the original name; a mark is the diarist's initials and the file's number in the diary, the same in every pack."),
        ("incidents.csv", "One row per incident (columns below). Opens in any spreadsheet."),
        ("incidents.json", "The same records in full (every field, people, reports, history with amendments, exhibits)."),
        ("chain.json", "The chain proof: the hashes of every diary entry, and the full entries of the incidents in this pack and of every time-stamp."),
        ("anchors/", "Independent time-stamps (RFC 3161) of the diary: NNNNNN.tsr is the token recorded in entry NNNNNN, ca-N.pem the certificates it was checked against (see VERIFY.txt, section 5)."),
        ("pack.json", "Pack id, export time and counts."),
        ("statement/", "Drafts to help an officer take a statement (not signed statements): a witness statement in the style of form MG11 and a Victim Personal Statement, each as an editable ODT and as plain text."),
        ("SHA256SUMS", "The SHA-256 of every other file. Check with: sha256sum -c SHA256SUMS"),
        ("SHA256SUMS.asc", "The diary's OpenPGP signature over SHA256SUMS (see VERIFY.txt, section 2)."),
        ("signing-key.asc", "The public key that made that signature: the diary's own signing key, also recorded in chain.json."),
        ("FORMAT.md", "The exact format of chain.json and of each diary entry, for checking the chain without Evident."),
        ("VERIFY.txt", "How to check this pack yourself, step by step, and what the check proves."),
        ("verify.html", "Opens in a web browser and does every check for you, offline."),
    ] {
        s.push_str(&format!("  {f:<16}{d}\r\n"));
    }
    s.push_str(&format!(
        "\r\nIncidents: {}    Exhibits: {}    People: {}    Time-stamps: {}\r\n",
        data.incidents.len(),
        data.exhibits.len(),
        data.people.len(),
        time.stamps.len()
    ));
    s.push_str("\r\nCOLUMNS OF incidents.csv\r\n------------------------\r\n");
    for (c, d) in CSV_COLUMNS {
        s.push_str(&format!("  {c:<16}{d}\r\n"));
    }
    s.push_str("\r\nA cell that starts with = + - or @ is shown with a leading ' so that a spreadsheet does not treat\r\n");
    s.push_str("it as a formula; incidents.json has the exact text.\r\n");
    s.push_str("\r\nincidents.json\r\n--------------\r\n");
    s.push_str("  format          \"evident-pack-incidents/1\"\r\n");
    s.push_str("  vault_id        Id of the diary (also in entry 1 of chain.json).\r\n");
    s.push_str("  chain_head      The last entry of chain.json: {seq, entry_hash}.\r\n");
    s.push_str("  incidents[]     id, recorded_at, updated_at, fields (as the CSV), kind_label, channel_label,\r\n");
    s.push_str("                  people[] {person_id, name, role}, reports[], history[] {seq, recorded_at, kind,\r\n");
    s.push_str("                  description, reason, changes[] {field, old, new}}, exhibits[] (references),\r\n");
    s.push_str("                  withdrawn_attachments[] (removed by the diarist; hash kept, no file).\r\n");
    s.push_str("  people[]        id, name, fields, incident_ids (as subject, in date order), witness_incident_ids,\r\n");
    s.push_str("                  incident_count, first_at, last_at, course_of_conduct (2 or more incidents).\r\n");
    s.push_str("  exhibits[]      reference, file, attachment_id, incident_id, original_file_name, media_type,\r\n");
    s.push_str("                  size, sha256, file_modified_at, exif {captured_at, make, model, software},\r\n");
    s.push_str("                  times[] {tag, source, kind, value, offset, subsec} (when recorded), added_at.\r\n");
    s.push_str(
        "\r\nEach history item's seq is the number of the matching entry in chain.json.\r\n",
    );
    s.push_str("\r\nRECORD FINGERPRINT\r\n------------------\r\n");
    s.push_str(&stamps::fingerprint_section(&data.chain_head));
    s
}

/// `VERIFY.txt`: plain-English steps to check the pack independently, each saying what it proves and what it
/// does not, with the exact `gpg` lines for the signature and `openssl ts -verify` lines for the time-stamps.
/// `signer` is the signing key's fingerprint (40 hex) and the chain entry that records it.
pub(crate) fn verify_txt(
    data: &PackData,
    time: &PackStamps,
    signer: (&str, u64),
    complete_from: u64,
) -> String {
    let head = &data.chain_head;
    let mut s = String::from(
        "HOW TO CHECK THIS EVIDENCE PACK\r\n\
===============================\r\n\
\r\n\
You do not need Evident to check this pack. Each check below says what it proves and what it does not.\r\n\
The rules behind them are in FORMAT.md, in this pack.\r\n\
\r\n\
1. EVERY FILE IS THE ONE LISTED IN SHA256SUMS\r\n\
\r\n\
   SHA256SUMS lists the SHA-256 fingerprint of every other file in the pack (except SHA256SUMS.asc, the\r\n\
   signature over SHA256SUMS itself).\r\n\
\r\n\
   Linux or macOS: open a terminal in the unzipped folder and run\r\n\
       sha256sum -c SHA256SUMS\r\n\
   (on older macOS: shasum -a 256 -c SHA256SUMS). Every line must say OK.\r\n\
\r\n\
   Windows (PowerShell, in the unzipped folder):\r\n\
       Get-FileHash -Algorithm SHA256 report.pdf\r\n\
   or in a Command Prompt:\r\n\
       certutil -hashfile report.pdf SHA256\r\n\
   and compare the result with the line for that file in SHA256SUMS (case does not matter).\r\n\
   To check every file at once in PowerShell:\r\n\
       Get-Content SHA256SUMS | ForEach-Object { $h,$f = $_ -split '  ',2; \
if ((Get-FileHash -Algorithm SHA256 -LiteralPath $f).Hash -ne $h) { \"FAILED: $f\" } else { \"OK: $f\" } }\r\n\
\r\n\
   What this proves: each file is byte for byte the file SHA256SUMS lists. What it does not prove, on its\r\n\
   own: that SHA256SUMS is the one made at export. Anyone can change a file and write a new SHA256SUMS;\r\n\
   the signature (check 2) is what shows SHA256SUMS is as exported.\r\n\
   Files a computer adds when the folder is opened or re-zipped (.DS_Store, files starting with ._,\r\n\
   __MACOSX/, Thumbs.db, desktop.ini) are not part of the pack: sha256sum ignores them, and verify.html\r\n\
   and evident-cli verify-pack list them as added after export without failing. Any other file not in\r\n\
   SHA256SUMS was not part of the pack as exported.\r\n\
\r\n",
    );
    s.push_str(&super::signature::verify_section(2, signer.0, signer.1));
    s.push_str(&format!(
        "3. EACH EXHIBIT IS THE FILE THAT WAS RECORDED\r\n\
\r\n\
   Each exhibit's SHA-256 was computed when it was added to the diary, and is written in the diary\r\n\
   entry that added it (an \"attachment.added\" entry in chain.json, field \"sha256\"), in the exhibit list\r\n\
   of report.pdf, and under each image in report.pdf. The hash of the file in exhibits/ must be the same.\r\n\
\r\n\
   What this proves: the file is the one whose hash was written into the diary when it was attached,\r\n\
   unchanged since then (as far as the chain itself is unchanged: check 4). What it does not prove: that\r\n\
   the file is genuine, who made it, or that a screenshot shows a real message.\r\n\
\r\n\
4. THE RECORDS SIT IN AN UNBROKEN CHAIN (chain.json)\r\n\
\r\n\
   The diary is a numbered sequence of entries. Each entry's hash covers its content (when it was\r\n\
   recorded, its kind and its text) and the hash of the entry before it, so changing, removing or\r\n\
   inserting any entry breaks every link after it. chain.json lists every entry from 1 to {seq}: the\r\n\
   full content of the entries about the incidents in this pack, of the time-stamps and of the signing\r\n\
   key, and only the hashes of the others (which stay private; each carries a random salt so its\r\n\
   content cannot be guessed from its hash).\r\n\
   The exact rules are in FORMAT.md in this pack (sections 1, 2 and 4, format \"evident-chain-proof/1\"):\r\n\
       payload_hash = SHA-256(payload)\r\n\
       body_hash    = SHA-256(\"evident.entry.body.v1\" 0x00 || len+recorded_at || len+kind || payload_hash)\r\n\
       entry_hash   = SHA-256(\"evident.entry.link.v1\" 0x00 || seq (8 bytes) || previous entry_hash || body_hash)\r\n\
   (len = 8-byte big-endian length in bytes; the first entry's previous hash is 32 zero bytes).\r\n\
\r\n\
   The chain in this pack ends at entry {seq} with hash\r\n\
       {hash}\r\n\
   The same head is printed in report.pdf and recorded in the diary as this export.\r\n\
\r\n\
   What this proves: the revealed entries are exactly the entries at those places in one chain that\r\n\
   ends at entry {seq}, and each was recorded in that order. What it does not prove by itself: when the\r\n\
   chain was made. Whoever holds the diary could have written a whole new, self-consistent chain before\r\n\
   making this pack. The chain is tied to an earlier moment only by something you or someone else\r\n\
   received earlier: a head (the record fingerprint, below), an earlier pack from the same diary\r\n\
   (check 6), or an independent time-stamp (check 5). Against such a head, the entries up to it are\r\n\
   unchanged since it was received.\r\n\
\r\n",
        seq = head.seq,
        hash = head.entry_hash,
    ));
    s.push_str(&stamps::verify_section(time, &time.times, 5));
    s.push_str(
        "6. AGAINST WHAT YOU ALREADY HOLD: A HEAD NOTED EARLIER, OR AN EARLIER PACK\r\n\
\r\n\
   With Evident's command-line tool (it needs no diary and no passphrase):\r\n\
       evident-cli verify-pack PACK.zip --expect-head SEQ:HASH\r\n\
   checks that this pack's chain has entry SEQ with exactly that hash (a head you noted earlier, e.g.\r\n\
   from a record fingerprint: entry 41 and its 64-digit hash are written 41:<hash>), and\r\n\
       evident-cli verify-pack PACK.zip --prior EARLIER_PACK.zip\r\n\
   checks that an earlier pack verifies, was signed with the same key, and that its head is in this\r\n\
   pack's chain with the same hash. Either proves this pack extends what you held, unchanged up to that\r\n\
   point; neither proves anything about entries after it.\r\n\
\r\n",
    );
    s.push_str(&super::replay::verify_section(
        7,
        data.chain_head.seq,
        complete_from,
    ));
    s.push_str("RECORD FINGERPRINT: A HEAD SENT TO SOMEONE EARLIER\r\n\r\n");
    s.push_str(&stamps::fingerprint_section(head));
    s.push_str(
        "\r\n\
THE EASY WAY: open verify.html (in this pack) in any web browser, choose the unzipped folder or the\r\n\
ZIP file, and it runs checks 1, 3, 4 and 7 offline and names any file or entry that fails. It does NOT\r\n\
check the signature (check 2): it shows the signing key's fingerprint for you to compare, and the gpg\r\n\
line above or evident-cli verify-pack checks the signature. It checks that each time-stamp is for the\r\n\
hash of the entry it covers and reads its time, but it does NOT check the TSA's signature or\r\n\
certificate: use the openssl lines above for that. Evident's command-line tool checks everything,\r\n\
including the signature and each time-stamp's signature and certificate chain (against the CA\r\n\
certificates in the pack):  evident-cli verify-pack PACK.zip\r\n\
\r\n\
WHAT THE CHECKS PROVE, AND WHAT THEY DO NOT\r\n\
\r\n\
If every check passes, they prove that: every file in the pack is as it was when the pack was signed\r\n\
with this diary's key at export (checks 1 and 2); each exhibit is the file whose hash was recorded in\r\n\
the diary when it was attached (check 3); nothing recorded about the included incidents and people was\r\n\
left out (check 7); the records shown sit, in the order they were recorded, in\r\n\
one unbroken chain from the diary's first entry to the head (check 4), and are unchanged since any\r\n\
earlier head or pack you hold that this chain contains (check 6); corrections were made as amendments,\r\n\
with the original kept; and where an independent time-stamp covers a record, that the record existed\r\n\
no later than the time-stamp's time (check 5).\r\n\
They do not prove: who holds the signing key; when a record was written, beyond the diarist's computer\r\n\
clock, where no time-stamp covers it; that the diary was not rebuilt before the first head anyone\r\n\
else received; that what the records say is true; or that a screenshot shows a genuine message.\r\n\
Those are matters of evidence, for the investigator.\r\n",
    );
    s
}
