//! WhatsApp "Export chat": the `.txt` file alone, or the ZIP the app makes when media is included. UK formats
//! from Android (`21/11/2026, 21:30 - Name: text`) and iPhone (`[21/11/2026, 21:30:15] Name: text`), with two-
//! or four-digit years, seconds, 12-hour times; lines that do not start a message continue the one before
//! (multi-line messages); lines with no sender are the platform's own (system lines); `<Media omitted>`,
//! `IMG-….jpg (file attached)` and `<attached: …>` name media.

use std::io::Cursor;

use super::archive::Archive;
use super::date::{parse_date, parse_time, UkDate};
use super::{bounded_text, shorten, Message, MessageExport, Platform, SourceFile, SourceProblem};
use crate::error::{Error, ErrorKind, Result};

/// Reads an export: a ZIP (the chat's `.txt` inside it, and the names of its media) or the `.txt` itself.
pub fn read(src: &SourceFile) -> Result<MessageExport> {
    if src.is_zip() {
        let (mut zip, _refused) = Archive::open(Cursor::new(src.bytes.as_slice()))?;
        let chat = zip
            .entries()
            .iter()
            .find(|e| e.name.to_ascii_lowercase().ends_with(".txt"))
            .cloned()
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidInput,
                    format!("{} holds no chat (.txt) file", src.name),
                )
                .with_hint("Choose the ZIP that WhatsApp's \"Export chat\" made.")
            })?;
        let bytes = zip.read(&chat, super::MAX_TEXT_BYTES)?;
        let text = super::utf8_text(&chat.name, &bytes)?;
        let mut export = parse(text);
        export.media = zip
            .entries()
            .iter()
            .filter(|e| e.index != chat.index)
            .map(|e| e.name.clone())
            .collect();
        Ok(export)
    } else {
        let text = super::utf8_text(&src.name, &src.bytes)?;
        Ok(parse(text))
    }
}

/// A message's first line: the time as shown, when it is, and the rest of the line.
struct Header<'a> {
    shown: &'a str,
    when: UkDate,
    rest: &'a str,
}

/// Reads `21/11/2026, 21:30 - rest` or `[21/11/2026, 21:30:15] rest`.
fn header(line: &str) -> Option<Header<'_>> {
    let line = line.trim_start_matches(['\u{feff}', '\u{200e}']);
    let (inner, rest, shown) = if let Some(body) = line.strip_prefix('[') {
        let close = body.find(']')?;
        (
            &body[..close],
            body[close + 1..].trim_start(),
            &body[..close],
        )
    } else {
        let dash = line.find(" - ")?;
        (&line[..dash], &line[dash + 3..], &line[..dash])
    };
    if inner.len() > 40 {
        return None;
    }
    let comma = inner.find(',')?;
    let date = parse_date(&inner[..comma])?;
    // Only numeric dates start a message line: "21/11/2026" or "21.11.26".
    if !inner[..comma].trim().bytes().next()?.is_ascii_digit() {
        return None;
    }
    let time = parse_time(&inner[comma + 1..])?;
    Some(Header {
        shown,
        when: UkDate {
            date,
            time: Some(time),
        },
        rest,
    })
}

/// Media named in a message's text.
fn media_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim().trim_start_matches('\u{200e}');
        if let Some(name) = l.strip_suffix(" (file attached)") {
            out.push(name.trim().to_string());
        } else if let Some(name) = l
            .strip_prefix("<attached: ")
            .and_then(|s| s.strip_suffix('>'))
        {
            out.push(name.trim().to_string());
        }
    }
    out
}

/// Parses the text of an export.
pub fn parse(text: &str) -> MessageExport {
    let mut messages: Vec<Message> = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        if let Some(h) = header(line) {
            if messages.len() >= super::MAX_ITEMS {
                problems.push(SourceProblem {
                    at: line_no,
                    reason: format!(
                        "only the first {} messages are read; this one and the rest are not",
                        super::MAX_ITEMS
                    ),
                    text: shorten(line, 80),
                });
                break;
            }
            let (sender, body, system) = match h.rest.find(": ") {
                Some(c) if c > 0 && !h.rest[..c].contains('\n') => {
                    let body = &h.rest[c + 2..];
                    // iPhone writes the platform's own lines under the chat's name, starting with U+200E.
                    let system = body.starts_with('\u{200e}') && media_in(body).is_empty();
                    (h.rest[..c].to_string(), body.to_string(), system)
                }
                _ => (String::new(), h.rest.to_string(), true),
            };
            let (text, cut) = bounded_text(&body);
            messages.push(Message {
                index: messages.len() as u32,
                handle: sender.clone(),
                sender,
                shown_at: h.shown.to_string(),
                at: super::uk_rfc3339(h.when),
                text,
                cut,
                media: Vec::new(),
                system,
                thread: None,
            });
        } else if let Some(last) = messages.last_mut() {
            if !last.cut {
                let joined = format!("{}\n{}", last.text, line);
                let (t, cut) = bounded_text(&joined);
                last.text = t;
                last.cut = cut;
            }
        } else if !line.trim().is_empty() {
            problems.push(SourceProblem {
                at: line_no,
                reason: "this line comes before any message and does not start one".to_string(),
                text: shorten(line, 80),
            });
        }
    }
    for m in &mut messages {
        m.media = media_in(&m.text);
    }
    MessageExport::new(Platform::Whatsapp, messages, problems)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const ANDROID: &str = "\u{feff}21/11/2026, 21:28 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.
21/11/2026, 21:30 - Dave Smith: You will regret standing
for election, mark my words
21/11/2026, 21:31 - Dave Smith: IMG-20261121-WA0001.jpg (file attached)
21/11/2026, 21:32 - Cllr Jo Bloggs: Please stop contacting me.
22/11/26, 9:05 am - Dave Smith: <Media omitted>
22/11/2026, 10:00 - Dave Smith changed this group's icon
";

    #[test]
    fn android_export() {
        let e = parse(ANDROID);
        assert_eq!(e.messages.len(), 6);
        assert!(e.problems.is_empty());
        let m = &e.messages[1];
        assert_eq!(m.sender, "Dave Smith");
        assert_eq!(m.shown_at, "21/11/2026, 21:30");
        assert_eq!(m.at.as_deref(), Some("2026-11-21T21:30:00+00:00"));
        assert_eq!(
            m.text,
            "You will regret standing\nfor election, mark my words"
        );
        assert!(!m.system);
        assert!(e.messages[0].system);
        assert!(e.messages[5].system);
        assert_eq!(e.messages[2].media, vec!["IMG-20261121-WA0001.jpg"]);
        assert_eq!(
            e.messages[4].at.as_deref(),
            Some("2026-11-22T09:05:00+00:00")
        );
        assert_eq!(e.senders, vec!["Dave Smith", "Cllr Jo Bloggs"]);
        assert_eq!(e.filter(Some("Dave Smith"), "").count(), 3);
        assert_eq!(e.filter(Some("Dave Smith"), "REGRET").count(), 1);
        assert_eq!(e.filter(None, "").count(), 6);
    }

    #[test]
    fn iphone_export() {
        let text = "[21/06/2026, 21:30:15] Dave Smith: \u{200e}Messages and calls are end-to-end encrypted.
[21/06/2026, 21:30:15] Dave Smith: I know where you live 🏠
[21/06/2026, 21:31:02] Dave Smith: \u{200e}<attached: 00000012-PHOTO-2026-06-21-21-31-02.jpg>
";
        let e = parse(text);
        assert_eq!(e.messages.len(), 3);
        assert!(e.messages[0].system);
        assert_eq!(e.messages[1].text, "I know where you live 🏠");
        assert_eq!(e.messages[1].shown_at, "21/06/2026, 21:30:15");
        assert_eq!(
            e.messages[1].at.as_deref(),
            Some("2026-06-21T21:30:15+01:00")
        );
        assert!(!e.messages[2].system);
        assert_eq!(
            e.messages[2].media,
            vec!["00000012-PHOTO-2026-06-21-21-31-02.jpg"]
        );
    }

    #[test]
    fn stray_lines_are_listed_not_dropped() {
        let e = parse("hello there\n21/11/2026, 21:30 - A: hi\n");
        assert_eq!(e.messages.len(), 1);
        assert_eq!(e.problems.len(), 1);
        assert_eq!(e.problems[0].at, 1);
    }

    #[test]
    fn not_utf8_is_a_typed_error() {
        let src = SourceFile::from_bytes("chat.txt", vec![0xff, 0xfe, 0x00, 0x41]);
        assert_eq!(read(&src).unwrap_err().kind(), ErrorKind::InvalidInput);
    }
}
