//! An X (Twitter) archive: `data/direct-messages.js` (and `direct-messages-group.js`) and `data/tweets.js`,
//! each a script `window.YTD.<name>.part0 = [ … ]` around JSON. Read from the archive's ZIP or from one of
//! those files on its own. Direct messages name their sender by account id; tweets are the archive owner's
//! (`data/account.js` gives the handle when the ZIP has it).

use std::io::Cursor;

use serde_json::Value;

use super::archive::Archive;
use super::{bounded_text, shorten, Message, MessageExport, Platform, SourceFile, SourceProblem};
use crate::error::{Error, ErrorKind, Result};

/// Reads an X archive ZIP, or one `.js` file of it.
pub fn read(src: &SourceFile) -> Result<MessageExport> {
    if src.is_zip() {
        let (mut zip, _refused) = Archive::open(Cursor::new(src.bytes.as_slice()))?;
        let mut parts: Vec<(String, String)> = Vec::new();
        let names: Vec<_> = zip
            .entries()
            .iter()
            .filter(|e| {
                let n = e.name.to_ascii_lowercase();
                n.ends_with("direct-messages.js")
                    || n.ends_with("direct-messages-group.js")
                    || n.ends_with("tweets.js")
                    || n.ends_with("account.js")
            })
            .cloned()
            .collect();
        for e in names {
            let bytes = zip.read(&e, super::MAX_TEXT_BYTES)?;
            parts.push((
                e.name.clone(),
                super::utf8_text(&e.name, &bytes)?.to_string(),
            ));
        }
        if !parts.iter().any(|(n, _)| !n.ends_with("account.js")) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "{} holds no data/direct-messages.js or data/tweets.js",
                    src.name
                ),
            )
            .with_hint(
                "Choose the archive ZIP X sent you, or its data/direct-messages.js or tweets.js.",
            ));
        }
        let owner = parts
            .iter()
            .find(|(n, _)| n.ends_with("account.js"))
            .and_then(|(_, t)| ytd_json(t).ok())
            .and_then(|v| account_handle(&v));
        let mut all = Vec::new();
        let mut problems = Vec::new();
        for (name, text) in parts.iter().filter(|(n, _)| !n.ends_with("account.js")) {
            let v = ytd_json(text).map_err(|e| named(e, name))?;
            collect(&v, owner.as_deref(), &mut all, &mut problems);
        }
        Ok(MessageExport::new(Platform::X, renumber(all), problems))
    } else {
        let text = super::utf8_text(&src.name, &src.bytes)?;
        let v = ytd_json(text).map_err(|e| named(e, &src.name))?;
        let mut all = Vec::new();
        let mut problems = Vec::new();
        collect(&v, None, &mut all, &mut problems);
        Ok(MessageExport::new(Platform::X, renumber(all), problems))
    }
}

fn named(e: Error, name: &str) -> Error {
    Error::new(e.kind(), format!("{name}: {}", e.message()))
}

fn renumber(mut all: Vec<Message>) -> Vec<Message> {
    for (i, m) in all.iter_mut().enumerate() {
        m.index = i as u32;
    }
    all
}

/// The JSON inside `window.YTD.<name>.part<N> = …`.
pub fn ytd_json(text: &str) -> Result<Value> {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let body = if t.starts_with("window.YTD.") {
        let eq = t.find('=').ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidInput,
                "the archive file has no '=' after window.YTD",
            )
        })?;
        &t[eq + 1..]
    } else {
        t
    };
    let body = body.trim().trim_end_matches(';');
    serde_json::from_str(body).map_err(|e| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("the archive file is not the JSON X writes ({e})"),
        )
    })
}

fn account_handle(v: &Value) -> Option<String> {
    v.as_array()?
        .iter()
        .find_map(|a| a.pointer("/account/username").and_then(Value::as_str))
        .map(|u| format!("@{u}"))
}

fn s(v: &Value, p: &str) -> Option<String> {
    v.pointer(p).and_then(Value::as_str).map(str::to_string)
}

/// X writes tweet times as `Sat Nov 21 21:30:00 +0000 2026` and message times as RFC 3339.
fn when(shown: &str) -> Option<String> {
    chrono::DateTime::parse_from_rfc3339(shown)
        .or_else(|_| chrono::DateTime::parse_from_str(shown, "%a %b %d %H:%M:%S %z %Y"))
        .ok()
        .map(|t| t.to_rfc3339())
}

fn collect(
    v: &Value,
    owner: Option<&str>,
    out: &mut Vec<Message>,
    problems: &mut Vec<SourceProblem>,
) {
    let Some(items) = v.as_array() else {
        problems.push(SourceProblem {
            at: 1,
            reason: "the file does not hold a list".to_string(),
            text: String::new(),
        });
        return;
    };
    for (i, item) in items.iter().enumerate() {
        if out.len() >= super::MAX_ITEMS {
            problems.push(SourceProblem {
                at: i as u64 + 1,
                reason: format!("only the first {} items are read", super::MAX_ITEMS),
                text: String::new(),
            });
            return;
        }
        if let Some(conv) = item.get("dmConversation") {
            let thread = s(conv, "/conversationId");
            let msgs = conv.get("messages").and_then(Value::as_array);
            for m in msgs.into_iter().flatten() {
                let Some(mc) = m.get("messageCreate") else {
                    continue; // joins, leaves, reactions: not messages
                };
                let sender = s(mc, "/senderId").unwrap_or_default();
                let shown = s(mc, "/createdAt").unwrap_or_default();
                let (text, cut) = bounded_text(&s(mc, "/text").unwrap_or_default());
                let media = mc
                    .get("mediaUrls")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|u| u.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                out.push(Message {
                    index: 0,
                    handle: sender.clone(),
                    sender,
                    at: when(&shown),
                    shown_at: shown,
                    text,
                    cut,
                    media,
                    system: false,
                    thread: thread.clone(),
                });
            }
        } else if let Some(tw) = item.get("tweet") {
            let shown = s(tw, "/created_at").unwrap_or_default();
            let text = s(tw, "/full_text")
                .or_else(|| s(tw, "/text"))
                .unwrap_or_default();
            let (text, cut) = bounded_text(&text);
            let who = owner.unwrap_or("the archive's account").to_string();
            out.push(Message {
                index: 0,
                handle: who.clone(),
                sender: who,
                at: when(&shown),
                shown_at: shown,
                text,
                cut,
                media: Vec::new(),
                system: false,
                thread: s(tw, "/in_reply_to_status_id_str").map(|r| format!("reply to {r}")),
            });
        } else {
            problems.push(SourceProblem {
                at: i as u64 + 1,
                reason: "not a direct-message conversation or a tweet".to_string(),
                text: shorten(&item.to_string(), 80),
            });
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const DMS: &str = r#"window.YTD.direct_messages.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "111-222",
      "messages" : [
        { "messageCreate" : { "recipientId" : "222", "reactions" : [ ], "urls" : [ ],
            "text" : "Resign or else. Café owners know you 😡", "mediaUrls" : [ ], "senderId" : "111",
            "id" : "9001", "createdAt" : "2026-11-21T21:30:00.000Z" } },
        { "joinConversation" : { "initiatingUserId" : "111" } },
        { "messageCreate" : { "recipientId" : "111", "text" : "Stop.", "senderId" : "222",
            "mediaUrls" : [ "https://ton.twitter.com/1/x.jpg" ], "id" : "9002",
            "createdAt" : "2026-11-21T21:31:00.000Z" } }
      ]
    }
  }
]"#;

    #[test]
    fn direct_messages() {
        let e = read(&SourceFile::from_bytes(
            "direct-messages.js",
            DMS.as_bytes().to_vec(),
        ))
        .unwrap();
        assert_eq!(e.platform, Platform::X);
        assert_eq!(e.messages.len(), 2);
        let m = &e.messages[0];
        assert_eq!(m.sender, "111");
        assert_eq!(m.shown_at, "2026-11-21T21:30:00.000Z");
        assert_eq!(m.at.as_deref(), Some("2026-11-21T21:30:00+00:00"));
        assert_eq!(m.text, "Resign or else. Café owners know you 😡");
        assert_eq!(m.thread.as_deref(), Some("111-222"));
        assert_eq!(e.messages[1].media.len(), 1);
        assert_eq!(e.senders, vec!["111", "222"]);
    }

    #[test]
    fn tweets() {
        let t = r#"window.YTD.tweets.part0 = [ { "tweet" : { "id_str" : "5", "created_at" : "Sat Nov 21 21:30:00 +0000 2026", "full_text" : "@cllr_jo you're finished" } } ]"#;
        let e = read(&SourceFile::from_bytes("tweets.js", t.as_bytes().to_vec())).unwrap();
        assert_eq!(e.messages.len(), 1);
        assert_eq!(e.messages[0].shown_at, "Sat Nov 21 21:30:00 +0000 2026");
        assert_eq!(
            e.messages[0].at.as_deref(),
            Some("2026-11-21T21:30:00+00:00")
        );
        assert_eq!(e.messages[0].text, "@cllr_jo you're finished");
    }

    #[test]
    fn broken_script_is_a_typed_error() {
        for bad in [
            "window.YTD.tweets.part0 = [ {",
            "window.YTD.tweets.part0",
            "<html>",
        ] {
            let err = read(&SourceFile::from_bytes(
                "tweets.js",
                bad.as_bytes().to_vec(),
            ))
            .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}");
        }
    }
}
