//! The parsers on the committed fixtures in tests/fixtures/import/ (made by make_fixtures.py there).

use super::*;

fn fixture(name: &str) -> SourceFile {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/import")
        .join(name);
    SourceFile::read(&p, MAX_SOURCE_BYTES).unwrap()
}

fn check_diary(name: &str) {
    let t = diary::read_table(&fixture(name)).unwrap();
    let map = diary::guess_map(&t);
    let p = diary::preview(&t, &map, 3).unwrap();
    assert_eq!(p.first_rows.len(), 3, "{name}");
    assert_eq!(p.rows.len(), 3, "{name}");
    assert_eq!(p.problems.len(), 1, "{name}");
    assert_eq!(p.problems[0].at, 4, "{name}: the bad row's number");
    let first = &p.rows[0];
    assert_eq!(first.row, 2);
    assert_eq!(
        first.fields.occurred.as_ref().unwrap().start,
        "2026-11-21T21:30:00+00:00",
        "{name}"
    );
    assert_eq!(first.who, "Dave Smith");
    assert_eq!(p.rows[1].fields.channel.as_deref(), Some("email"));
    assert!(p.rows[2].fields.description.contains("Zoë"));
    assert_eq!(
        p.rows[2].fields.occurred.as_ref().unwrap().start,
        "2026-11-23T08:15:00+00:00"
    );
}

#[test]
fn csv_diary() {
    check_diary("diary.csv");
}

#[test]
fn xlsx_diary() {
    check_diary("diary.xlsx");
}

#[test]
fn whatsapp_zip_with_media() {
    let e = whatsapp::read(&fixture("whatsapp.zip")).unwrap();
    assert_eq!(e.messages.len(), 6);
    assert_eq!(
        e.media,
        vec!["IMG-20261121-WA0001.jpg", "VID-20261122-WA0002.jpg"]
    );
    assert_eq!(e.messages[2].media, vec!["IMG-20261121-WA0001.jpg"]);
    assert_eq!(
        e.messages[2].text,
        "IMG-20261121-WA0001.jpg (file attached)\nLook who I found 😡"
    );
    assert_eq!(e.filter(Some("Dave Smith"), "").count(), 4);
    assert_eq!(e.messages[5].text, "Zoë at number 12 knows what you did");
}

#[test]
fn x_archive_fragment() {
    let e = x::read(&fixture("x-archive.zip")).unwrap();
    assert_eq!(e.messages.len(), 4);
    let from_111: Vec<_> = e.filter(Some("111"), "").collect();
    assert_eq!(from_111.len(), 2);
    assert_eq!(
        from_111[0].text,
        "Resign or else. Café regulars know your face 😡"
    );
    let tweet = e
        .messages
        .iter()
        .find(|m| m.shown_at.starts_with("Sat"))
        .unwrap();
    assert_eq!(tweet.sender, "@cllr_jo");
}

#[test]
fn facebook_mis_encoded_json() {
    let e = facebook::read(&fixture("message_1.json")).unwrap();
    assert_eq!(e.messages.len(), 3);
    assert_eq!(
        e.messages[0].text,
        "Café owners on the high street hate you 😡"
    );
    assert_eq!(
        e.messages[2].text,
        "Zoë told me about the naïve little plan — résumé's finished 🔥"
    );
    assert_eq!(e.senders, vec!["Dave Smith", "Jo Bloggs"]);
}
