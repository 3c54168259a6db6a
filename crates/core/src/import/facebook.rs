//! Facebook and Messenger "Download your information" in JSON: a conversation's `message_N.json`
//! (`participants`, `messages` with `sender_name`, `timestamp_ms`, `content`, `photos`…), and posts or comments
//! (`timestamp` and `data[].post` / `data[].comment`). Read from one JSON file or from the download's ZIP.
//!
//! Facebook writes its text as UTF-8 bytes each escaped as if it were a Latin-1 character (`\u00c3\u00a9` for
//! `é`, four escapes for an emoji). [`repair`] undoes that: when every character of a string is below U+0100 and
//! those characters, taken as bytes, are valid UTF-8 with at least one multi-byte sequence, the decoded text is
//! used; otherwise (text already right, plain ASCII, or Latin-1 that is not UTF-8) it is kept as it is.

use std::io::Cursor;

use serde_json::Value;

use super::archive::Archive;
use super::{bounded_text, Message, MessageExport, Platform, SourceFile, SourceProblem};
use crate::error::{Error, ErrorKind, Result};

/// Repairs text that is UTF-8 read as Latin-1; text that is already right comes back unchanged.
pub fn repair(s: &str) -> String {
    if s.is_ascii() || s.chars().any(|c| c as u32 > 0xFF) {
        return s.to_string();
    }
    let bytes: Vec<u8> = s.chars().map(|c| c as u32 as u8).collect();
    match String::from_utf8(bytes) {
        Ok(fixed) => fixed,
        Err(_) => s.to_string(),
    }
}

/// Reads a JSON file, or every `message_*.json` and posts/comments file in a download's ZIP.
pub fn read(src: &SourceFile) -> Result<MessageExport> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    if src.is_zip() {
        let (mut zip, _refused) = Archive::open(Cursor::new(src.bytes.as_slice()))?;
        let files: Vec<_> = zip
            .entries()
            .iter()
            .filter(|e| e.name.to_ascii_lowercase().ends_with(".json"))
            .filter(|e| {
                let n = e.name.to_ascii_lowercase();
                n.contains("message_") || n.contains("post") || n.contains("comment")
            })
            .cloned()
            .collect();
        if files.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "{} holds no Facebook messages, posts or comments in JSON",
                    src.name
                ),
            )
            .with_hint("Download your information from Facebook in JSON format, not HTML."));
        }
        for f in files {
            let bytes = zip.read(&f, super::MAX_TEXT_BYTES)?;
            let v = json(&f.name, &bytes)?;
            collect(&v, &mut out, &mut problems);
        }
    } else {
        let v = json(&src.name, &src.bytes)?;
        collect(&v, &mut out, &mut problems);
    }
    for (i, m) in out.iter_mut().enumerate() {
        m.index = i as u32;
    }
    Ok(MessageExport::new(Platform::Facebook, out, problems))
}

fn json(name: &str, bytes: &[u8]) -> Result<Value> {
    let text = super::utf8_text(name, bytes)?;
    serde_json::from_str(text).map_err(|e| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("{name} is not the JSON Facebook writes ({e})"),
        )
        .with_hint("Download your information from Facebook in JSON format, not HTML.")
    })
}

/// The time as the file shows it (milliseconds or seconds since 1970) and as RFC 3339 in UK time.
fn when(ms: i64) -> (String, Option<String>) {
    let at = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms).map(|t| {
        t.with_timezone(&crate::time::DEFAULT_ZONE)
            .fixed_offset()
            .to_rfc3339()
    });
    (ms.to_string(), at)
}

fn text_of(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(repair)
}

fn media_of(m: &Value) -> Vec<String> {
    ["photos", "videos", "audio_files", "files", "gifs"]
        .iter()
        .filter_map(|k| m.get(*k).and_then(Value::as_array))
        .flatten()
        .filter_map(|p| p.get("uri").and_then(Value::as_str).map(repair))
        .collect()
}

fn collect(v: &Value, out: &mut Vec<Message>, problems: &mut Vec<SourceProblem>) {
    if let Some(msgs) = v.get("messages").and_then(Value::as_array) {
        let thread = text_of(v, "title");
        for (i, m) in msgs.iter().enumerate() {
            if out.len() >= super::MAX_ITEMS {
                problems.push(SourceProblem {
                    at: i as u64 + 1,
                    reason: format!("only the first {} messages are read", super::MAX_ITEMS),
                    text: String::new(),
                });
                return;
            }
            let Some(ms) = m.get("timestamp_ms").and_then(Value::as_i64) else {
                problems.push(SourceProblem {
                    at: i as u64 + 1,
                    reason: "a message without a timestamp_ms".to_string(),
                    text: super::shorten(&m.to_string(), 80),
                });
                continue;
            };
            let sender = text_of(m, "sender_name").unwrap_or_default();
            let (shown, at) = when(ms);
            let (text, cut) = bounded_text(&text_of(m, "content").unwrap_or_default());
            out.push(Message {
                index: 0,
                handle: sender.clone(),
                sender,
                shown_at: shown,
                at,
                text,
                cut,
                media: media_of(m),
                system: m
                    .get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t != "Generic"),
                thread: thread.clone(),
            });
        }
        return;
    }
    // Posts and comments: a list (or an object holding one) of {timestamp, data: [{post}|{comment}], title}.
    let list = v.as_array().or_else(|| {
        v.as_object()
            .and_then(|o| o.values().find_map(Value::as_array))
    });
    let Some(list) = list else {
        problems.push(SourceProblem {
            at: 1,
            reason: "neither messages nor a list of posts or comments".to_string(),
            text: String::new(),
        });
        return;
    };
    for (i, p) in list.iter().enumerate() {
        if out.len() >= super::MAX_ITEMS {
            return;
        }
        let Some(ts) = p.get("timestamp").and_then(Value::as_i64) else {
            problems.push(SourceProblem {
                at: i as u64 + 1,
                reason: "an item without a timestamp".to_string(),
                text: super::shorten(&p.to_string(), 80),
            });
            continue;
        };
        let data = p.get("data").and_then(Value::as_array);
        let body = data
            .into_iter()
            .flatten()
            .find_map(|d| {
                text_of(d, "post").or_else(|| {
                    d.pointer("/comment/comment")
                        .and_then(Value::as_str)
                        .map(repair)
                })
            })
            .unwrap_or_default();
        let author = data
            .into_iter()
            .flatten()
            .find_map(|d| {
                d.pointer("/comment/author")
                    .and_then(Value::as_str)
                    .map(repair)
            })
            .unwrap_or_else(|| "the download's account".to_string());
        let (_, at) = when(ts.saturating_mul(1000));
        let (text, cut) = bounded_text(&body);
        out.push(Message {
            index: 0,
            handle: author.clone(),
            sender: author,
            shown_at: ts.to_string(),
            at,
            text,
            cut,
            media: Vec::new(),
            system: false,
            thread: text_of(p, "title"),
        });
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn repair_mis_encoded_text() {
        // "Café" and "😡" as Facebook writes them: each UTF-8 byte as a Latin-1 character.
        assert_eq!(repair("Caf\u{00c3}\u{00a9}"), "Café");
        assert_eq!(repair("\u{00f0}\u{009f}\u{0098}\u{00a1}"), "😡");
        assert_eq!(
            repair("Zo\u{00c3}\u{00ab} na\u{00c3}\u{00af}ve"),
            "Zoë naïve"
        );
    }

    #[test]
    fn repair_leaves_correct_text_alone() {
        for ok in [
            "plain ascii",
            "Café",
            "😡 already right",
            "Zoë",
            "£50 — fine",
            "ÿ",
            "",
        ] {
            assert_eq!(repair(ok), ok, "{ok}");
        }
        // Latin-1 that is not UTF-8 when taken as bytes stays as it is.
        assert_eq!(repair("caf\u{00e9} cr\u{00e8}me"), "café crème");
    }

    #[test]
    fn messenger_conversation() {
        let j = r#"{"participants":[{"name":"Dave Smith"},{"name":"Jo Bloggs"}],
          "messages":[
            {"sender_name":"Dave Smith","timestamp_ms":1795296600000,"content":"Caf\u00c3\u00a9 owners hate you \u00f0\u009f\u0098\u00a1","type":"Generic","is_geoblocked_for_viewer":false},
            {"sender_name":"Jo Bloggs","timestamp_ms":1795296660000,"content":"Stop.","photos":[{"uri":"messages/inbox/dave/photos/1.jpg"}],"type":"Generic"},
            {"sender_name":"Dave Smith","content":"no time"}
          ],"title":"Dave Smith"}"#;
        let e = read(&SourceFile::from_bytes(
            "message_1.json",
            j.as_bytes().to_vec(),
        ))
        .unwrap();
        assert_eq!(e.messages.len(), 2);
        assert_eq!(e.messages[0].text, "Café owners hate you 😡");
        assert_eq!(e.messages[0].sender, "Dave Smith");
        assert_eq!(e.messages[0].shown_at, "1795296600000");
        assert!(e.messages[0]
            .at
            .as_deref()
            .unwrap()
            .starts_with("2026-11-21T"));
        assert_eq!(
            e.messages[1].media,
            vec!["messages/inbox/dave/photos/1.jpg"]
        );
        assert_eq!(e.problems.len(), 1);
        assert_eq!(e.problems[0].at, 3);
    }

    #[test]
    fn html_download_is_a_typed_error() {
        let err = read(&SourceFile::from_bytes(
            "message_1.html",
            b"<html></html>".to_vec(),
        ))
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.hint().unwrap().contains("JSON"));
    }
}
