//! IPC tests of the desktop shell with Tauri's mock runtime: the real command handlers, real vaults in
//! temporary folders, requests shaped exactly as the UI's `invoke` sends them.

use std::path::PathBuf;

use evident_app::state::AppState;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

const PASS: &str = "correct horse battery staple";

type TestResult = Result<(), Box<dyn std::error::Error>>;

struct Harness {
    _app: App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

fn harness() -> Result<Harness, Box<dyn std::error::Error>> {
    harness_with(AppState::new)
}

/// A harness whose state `state` makes from the (temporary) vault folder, as the app's startup does.
fn harness_with(
    state: impl FnOnce(PathBuf) -> AppState,
) -> Result<Harness, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let app = evident_app::setup_with(mock_builder(), state(dir.path().join("vault")))
        .build(mock_context(noop_assets()))?;
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default()).build()?;
    Ok(Harness {
        _app: app,
        webview,
        _dir: dir,
    })
}

fn request(
    cmd: &str,
    body: InvokeBody,
    headers: &[(&'static str, String)],
) -> Result<InvokeRequest, Box<dyn std::error::Error>> {
    let mut map = tauri::http::HeaderMap::new();
    for (k, v) in headers {
        map.insert(*k, v.parse()?);
    }
    Ok(InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse()?,
        body,
        headers: map,
        invoke_key: INVOKE_KEY.to_string(),
    })
}

impl Harness {
    /// Calls a command; Ok(value) or Err(the rejected value).
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let req = request(cmd, InvokeBody::Json(args), &[]).map_err(|e| json!(e.to_string()))?;
        get_ipc_response(&self.webview, req)
            .and_then(|b| b.deserialize::<Value>().map_err(|e| json!(e.to_string())))
    }

    fn ok(&self, cmd: &str, args: Value) -> Result<Value, Box<dyn std::error::Error>> {
        self.call(cmd, args)
            .map_err(|e| format!("{cmd} failed: {e}").into())
    }

    fn err_code(&self, cmd: &str, args: Value) -> String {
        match self.call(cmd, args) {
            Ok(v) => format!("unexpected success: {v}"),
            Err(e) => e
                .get("code")
                .and_then(Value::as_str)
                .unwrap_or("no code")
                .to_string(),
        }
    }
}

#[test]
fn create_record_list_lock_and_wrong_passphrase() -> TestResult {
    let h = harness()?;
    let st = h.ok("vault_status", json!({}))?;
    assert_eq!(st["exists"], false);
    assert_eq!(h.err_code("incident_list", json!({"filter": {}})), "locked");

    let created = h.ok("vault_create", json!({"passphrase": PASS}))?;
    assert!(created["recovery_key"]
        .as_str()
        .is_some_and(|k| k.len() >= 32));
    assert_eq!(created["status"]["unlocked"], true);
    assert_eq!(created["status"]["integrity"]["ok"], true);

    let person = h.ok(
        "person_record",
        json!({"fields": {"name": "", "handles": ["@troll123"], "anonymous": true}}),
    )?;
    let fields = json!({
        "summary": "Threatening reply under my post",
        "kind": "threat_of_harm",
        "channel": "social_media",
        "platform": "X",
        "description": "<b>you will regret this</b>",
        "occurred": {"start": "2026-11-20T21:30:00+00:00", "end": null, "approximate": true},
        "red_flags": ["imminent_violence"],
    });
    let id = h.ok(
        "incident_record",
        json!({"fields": fields, "people": [person]}),
    )?;
    assert_eq!(id, json!(1));

    let list = h.ok(
        "incident_list",
        json!({"filter": {"text": "regret", "limit": 10}}),
    )?;
    let rows = list.as_array().ok_or("list is not an array")?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["summary"], "Threatening reply under my post");
    assert_eq!(rows[0]["people"][0]["name"], "@troll123");
    assert_eq!(
        h.ok(
            "incident_list",
            json!({"filter": {"text": "nothing-like-this"}})
        )?,
        json!([])
    );
    assert_eq!(h.ok("incident_count", json!({}))?, json!(1));

    // Amend with a reason: both versions in the history.
    let mut amended = fields.clone();
    amended["summary"] = json!("Threatening reply under my council post");
    let changes = h.ok(
        "incident_amend",
        json!({"id": 1, "reason": "more precise", "fields": amended}),
    )?;
    assert_eq!(changes[0]["field"], "summary");
    let detail = h.ok("incident_get", json!({"id": 1}))?;
    assert_eq!(detail["summary"], "Threatening reply under my council post");
    let history = detail["history"].as_array().ok_or("no history")?;
    assert!(history.iter().any(|i| i["reason"] == "more precise"));
    assert_eq!(
        h.err_code(
            "incident_amend",
            json!({"id": 1, "reason": " ", "fields": amended})
        ),
        "invalid_input"
    );

    // Reports and people.
    h.ok(
        "report_log",
        json!({"incidentId": 1, "fields": {"to": "police", "reference": "CAD 1234"}}),
    )?;
    let p = h.ok("person_get", json!({"id": person}))?;
    assert_eq!(p["summary"]["incident_count"], 1);

    // Lock, then the wrong passphrase is refused with wrong_key, the right one works.
    h.ok("vault_lock", json!({}))?;
    assert_eq!(h.ok("vault_status", json!({}))?["unlocked"], false);
    assert_eq!(h.err_code("incident_get", json!({"id": 1})), "locked");
    assert_eq!(
        h.err_code(
            "vault_unlock",
            json!({"passphrase": "not the passphrase", "remember": false})
        ),
        "wrong_key"
    );
    let st = h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "remember": false}),
    )?;
    assert_eq!(st["unlocked"], true);
    assert_eq!(h.ok("incident_count", json!({}))?, json!(1));

    // Errors carry code, message and hint, never a bare string.
    let e = h
        .call("incident_get", json!({"id": 99}))
        .err()
        .ok_or("expected an error")?;
    assert_eq!(e["code"], "not_found");
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(e.get("hint").is_some());
    Ok(())
}

#[test]
fn attach_raw_bytes_preview_and_withdraw() -> TestResult {
    let h = harness()?;
    h.ok("vault_create", json!({"passphrase": PASS}))?;
    h.ok(
        "incident_record",
        json!({"fields": {"summary": "Screenshot of abuse"}, "people": []}),
    )?;

    // A real PNG (1x1) sent as the raw body, the name percent-encoded in a header.
    let png: Vec<u8> = vec![
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
        0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8,
        0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];
    let name = "<img src=x onerror=alert(1)>.png";
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let req = request(
        "attachment_add_bytes",
        InvokeBody::Raw(png.clone()),
        &[
            ("x-incident-id", "1".to_string()),
            ("x-file-name", encoded),
            ("x-file-modified", "2026-11-20T21:31:00Z".to_string()),
        ],
    )?;
    let view: Value = get_ipc_response(&h.webview, req)
        .map_err(|e| format!("attach failed: {e}"))?
        .deserialize()?;
    assert_eq!(view["file_name"], name);
    assert_eq!(view["size"], png.len());
    assert_eq!(view["media_type"], "image/png");
    assert_eq!(view["sha256"].as_str().map(str::len), Some(64));
    let att_id = view["id"].clone();

    // The preview comes back as raw JPEG bytes from memory.
    let req = request(
        "attachment_preview",
        InvokeBody::Json(json!({"id": att_id})),
        &[],
    )?;
    let body = get_ipc_response(&h.webview, req).map_err(|e| format!("preview failed: {e}"))?;
    let bytes = match body {
        tauri::ipc::InvokeResponseBody::Raw(b) => b,
        tauri::ipc::InvokeResponseBody::Json(j) => serde_json::from_str::<Vec<u8>>(&j)?,
    };
    if view["has_preview"] == true {
        assert_eq!(bytes.get(..2), Some(&[0xFF, 0xD8][..]), "a JPEG");
    } else {
        assert!(bytes.is_empty());
    }
    // A real PNG always gets one: a whole JPEG (markers from SOI to EOI), square like the image, no larger
    // than PREVIEW_SIDE.
    assert_eq!(view["has_preview"], true, "a real PNG gets a preview");
    let (w, h1) = jpeg_size(&bytes).ok_or("the preview is not a whole JPEG")?;
    assert!(
        w == h1 && (1..=evident_core::preview::PREVIEW_SIDE).contains(&u32::from(w)),
        "a square preview of a 1x1 PNG, got {w}x{h1}"
    );

    // Missing incident header: a plain invalid_input error.
    let req = request("attachment_add_bytes", InvokeBody::Raw(vec![1, 2, 3]), &[])?;
    let err = get_ipc_response(&h.webview, req)
        .err()
        .ok_or("expected an error")?;
    assert_eq!(err["code"], "invalid_input");

    // How it was captured, and on which device: recorded, shown on the attachment, in the history.
    let described = h.ok(
        "attachment_describe",
        json!({"id": att_id, "captureMethod": "a screenshot I took on my phone", "device": "my phone"}),
    )?;
    assert_eq!(
        described["capture_method"],
        "a screenshot I took on my phone"
    );
    assert_eq!(described["device"], "my phone");
    let detail = h.ok("incident_get", json!({"id": 1}))?;
    assert_eq!(detail["attachments"][0]["device"], "my phone");

    // Withdraw with a reason: kept as withdrawn, bytes gone.
    h.ok(
        "attachment_withdraw",
        json!({"id": att_id, "reason": "attached by mistake"}),
    )?;
    let detail = h.ok("incident_get", json!({"id": 1}))?;
    assert_eq!(
        detail["attachments"][0]["withdrawn"]["reason"],
        "attached by mistake"
    );
    assert_eq!(
        h.ok("incident_list", json!({"filter": {}}))?[0]["attachment_count"],
        0
    );
    // The preview went with the bytes.
    assert_eq!(detail["attachments"][0]["has_preview"], false);
    assert!(preview_bytes(&h, &att_id)?.is_empty());

    // A larger PNG: the preview is scaled down to PREVIEW_SIDE on its longest side, keeping the aspect ratio.
    let wide = png_rgb(640, 320);
    let view = attach_bytes(&h, 1, "wide.png", wide)?;
    assert_eq!(view["media_type"], "image/png");
    assert_eq!(view["has_preview"], true);
    let bytes = preview_bytes(&h, &view["id"])?;
    let side = u16::try_from(evident_core::preview::PREVIEW_SIDE)?;
    assert_eq!(jpeg_size(&bytes), Some((side, side / 2)));

    // Not an image: no preview, and the preview command answers with no bytes.
    let view = attach_bytes(&h, 1, "notes.txt", b"plain words, not pixels".to_vec())?;
    assert_eq!(view["media_type"], "text/plain");
    assert_eq!(view["has_preview"], false);
    assert!(preview_bytes(&h, &view["id"])?.is_empty());
    let detail = h.ok("incident_get", json!({"id": 1}))?;
    let previews: Vec<(Value, Value)> = detail["attachments"]
        .as_array()
        .ok_or("attachments")?
        .iter()
        .map(|a| (a["file_name"].clone(), a["has_preview"].clone()))
        .collect();
    assert_eq!(
        previews,
        vec![
            (json!(name), json!(false)),
            (json!("wide.png"), json!(true)),
            (json!("notes.txt"), json!(false)),
        ]
    );
    Ok(())
}

/// Attaches bytes as the UI does (raw body, name in a header) and returns the attachment's view.
fn attach_bytes(
    h: &Harness,
    incident: i64,
    name: &str,
    bytes: Vec<u8>,
) -> Result<Value, Box<dyn std::error::Error>> {
    let req = request(
        "attachment_add_bytes",
        InvokeBody::Raw(bytes),
        &[
            ("x-incident-id", incident.to_string()),
            ("x-file-name", name.to_string()),
        ],
    )?;
    Ok(get_ipc_response(&h.webview, req)
        .map_err(|e| format!("attach {name} failed: {e}"))?
        .deserialize()?)
}

/// The raw bytes `attachment_preview` answers with.
fn preview_bytes(h: &Harness, id: &Value) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let req = request(
        "attachment_preview",
        InvokeBody::Json(json!({ "id": id })),
        &[],
    )?;
    Ok(
        match get_ipc_response(&h.webview, req).map_err(|e| format!("preview failed: {e}"))? {
            tauri::ipc::InvokeResponseBody::Raw(b) => b,
            tauri::ipc::InvokeResponseBody::Json(j) => serde_json::from_str::<Vec<u8>>(&j)?,
        },
    )
}

/// (width, height) from the frame header of a whole JPEG: SOI first, well-formed marker segments up to the
/// start of scan, EOI last. None for anything else.
fn jpeg_size(b: &[u8]) -> Option<(u16, u16)> {
    if b.get(..2)? != [0xFF, 0xD8] || b.get(b.len().checked_sub(2)?..)? != [0xFF, 0xD9] {
        return None;
    }
    let be = |s: &[u8], at: usize| Some(u16::from_be_bytes([*s.get(at)?, *s.get(at + 1)?]));
    let (mut i, mut size) = (2, None);
    loop {
        if *b.get(i)? != 0xFF {
            return None;
        }
        let marker = *b.get(i + 1)?;
        let len = usize::from(be(b, i + 2)?);
        let segment = b.get(i + 4..(i + 2 + len))?;
        match marker {
            // Start of frame (baseline, extended, progressive): precision, height, width, components.
            0xC0..=0xC2 => size = Some((be(segment, 3)?, be(segment, 1)?)),
            // Start of scan: the entropy-coded image data runs from here to EOI.
            0xDA => return size,
            _ => {}
        }
        i += 2 + len;
    }
}

/// A real RGB PNG of `w`×`h` (a gradient), encoded here: zlib with stored blocks, CRC-32 on every chunk.
fn png_rgb(w: u32, h: u32) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0); // filter: none
        for x in 0..w {
            raw.extend([(x % 256) as u8, (y % 256) as u8, 128]);
        }
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (n, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(n + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend(len.to_le_bytes());
        zlib.extend((!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    zlib.extend(((b << 16) | a).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    for (kind, data) in [
        (b"IHDR", &ihdr[..]),
        (b"IDAT", &zlib[..]),
        (b"IEND", &[][..]),
    ] {
        png.extend((data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let mut crc = !0u32;
        for &byte in &png[start..] {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        png.extend((!crc).to_be_bytes());
    }
    png
}

#[test]
fn every_declared_command_is_handled() -> TestResult {
    let h = harness()?;
    for cmd in evident_app::COMMANDS {
        // Dialog commands would open a real window; their handlers exist if the others do.
        if *cmd == "dialog_pick_files" {
            continue;
        }
        if let Err(e) = h.call(cmd, json!({})) {
            let text = e.to_string();
            assert!(!text.contains("not found"), "{cmd} is not handled: {text}");
        }
    }
    Ok(())
}

#[test]
fn backup_and_restore_over_an_existing_vault() -> TestResult {
    let h = harness()?;
    h.ok("vault_create", json!({"passphrase": PASS}))?;
    h.ok(
        "incident_record",
        json!({"fields": {"summary": "Before the backup"}, "people": []}),
    )?;
    let tmp = tempfile::tempdir()?;
    let backup = tmp.path().join("b.evidentbackup");
    let state = tauri::Manager::state::<evident_app::state::AppState>(&h.webview);
    state.with_vault(|v| v.backup_to(&backup))?;
    h.ok(
        "incident_record",
        json!({"fields": {"summary": "After the backup"}, "people": []}),
    )?;
    assert_eq!(h.ok("incident_count", json!({}))?, json!(2));

    let secret = evident_core::Secret::Passphrase(evident_core::Passphrase::new(PASS.to_string()));
    evident_app::commands::backup::restore_into(&state, &backup, &secret)?;
    assert_eq!(h.ok("vault_status", json!({}))?["unlocked"], false);
    h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "remember": false}),
    )?;
    assert_eq!(h.ok("incident_count", json!({}))?, json!(1));
    // The replaced vault is kept beside it.
    let parent = state.dir.parent().ok_or("no parent")?;
    let kept = std::fs::read_dir(parent)?
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().contains("before-restore"));
    assert!(kept);
    Ok(())
}

/// Test builds only (feature `test-hooks`): `pack_export_to` and the test export folder exist only there.
#[cfg(feature = "test-hooks")]
#[test]
fn pack_preview_and_export_to_the_test_folder_only() -> TestResult {
    // The test export folder is fixed at startup, as the app reads it once from EVIDENT_TEST_EXPORT_DIR.
    let out = tempfile::tempdir()?;
    let out_dir = out.path().to_path_buf();
    let h = harness_with(|vault| AppState::new(vault).with_test_export_dir(Some(out_dir)))?;
    h.ok("vault_create", json!({"passphrase": PASS}))?;
    h.ok(
        "incident_record",
        json!({"fields": {"summary": "Abusive message at the count", "occurred": {"start": "2026-11-01T10:00:00+00:00", "end": null, "approximate": false}}, "people": []}),
    )?;
    h.ok(
        "incident_record",
        json!({"fields": {"summary": "PRIVATEMARKER not for the pack"}, "people": []}),
    )?;
    let files = tempfile::tempdir()?;
    let shot = files.path().join("shot.txt");
    std::fs::write(&shot, b"a screenshot, in words")?;
    h.ok(
        "attachment_add_paths",
        json!({"incidentId": 1, "paths": [shot.display().to_string()]}),
    )?;

    // What would go in, before exporting.
    let all = h.ok("pack_preview", json!({"selection": {"all": true}}))?;
    assert_eq!(all, json!({"incident_count": 2, "exhibit_count": 1}));
    let picked = h.ok("pack_preview", json!({"selection": {"incident_ids": [1]}}))?;
    assert_eq!(picked, json!({"incident_count": 1, "exhibit_count": 1}));
    let later = h.ok("pack_preview", json!({"selection": {"from": "2027-01-01"}}))?;
    assert_eq!(later["incident_count"], 0);
    assert_eq!(
        h.err_code("pack_preview", json!({"selection": {}})),
        "invalid_input"
    );

    let request = json!({
        "selection": {"incident_ids": [1]},
        "recipient": {"name": "DC Jane Officer", "organisation": "Example Police", "crime_reference": null},
        "author_name": "Alex Brown",
        "author_contact": "alex@example.invalid",
        "initials": null,
    });
    // An app started without a test folder refuses an explicit path, even one inside that folder.
    let plain = harness()?;
    plain.ok("vault_create", json!({"passphrase": PASS}))?;
    plain.ok(
        "incident_record",
        json!({"fields": {"summary": "Abusive message"}, "people": []}),
    )?;
    let target = out.path().join("pack.zip");
    assert_eq!(
        plain.err_code(
            "pack_export_to",
            json!({"request": request, "path": target.display().to_string()})
        ),
        "not_allowed"
    );
    assert!(!target.exists());

    // With one, inside it only.
    let outside = files.path().join("escape.zip");
    for p in [
        outside.display().to_string(),
        "../escape.zip".to_string(),
        out.path()
            .join("..")
            .join("escape.zip")
            .display()
            .to_string(),
    ] {
        assert_eq!(
            h.err_code("pack_export_to", json!({"request": request, "path": p})),
            "invalid_input",
            "{p}"
        );
    }
    assert!(!outside.exists());
    // An empty choice or a missing name is refused before anything is written.
    let mut empty = request.clone();
    empty["selection"] = json!({"from": "2027-01-01"});
    assert_eq!(
        h.err_code("pack_export_to", json!({"request": empty, "path": "x.zip"})),
        "invalid_input"
    );
    let mut nameless = request.clone();
    nameless["author_name"] = json!(" ");
    assert_eq!(
        h.err_code("pack_export", json!({"request": nameless})),
        "invalid_input"
    );

    let s = h.ok(
        "pack_export_to",
        json!({"request": request, "path": "pack.zip"}),
    )?;
    assert_eq!(s["incident_ids"], json!([1]));
    assert_eq!(s["exhibit_count"], 1);
    assert_eq!(s["pack_sha256"].as_str().map(str::len), Some(64));
    assert!(s["pack_id"]
        .as_str()
        .is_some_and(|id| id.starts_with("EVP-")));
    let written = std::path::PathBuf::from(s["path"].as_str().ok_or("no path")?);
    assert!(written.starts_with(out.path().canonicalize()?));
    let report = evident_core::pack::verify_pack(&written)?;
    assert!(report.ok, "{:?}", report.failures);

    // pack_export saves under its default name in the test folder instead of opening the dialog.
    let s = h.ok("pack_export", json!({"request": request}))?;
    let name = std::path::Path::new(s["path"].as_str().ok_or("no path")?)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or("no file name")?;
    assert!(
        name.starts_with("evidence-pack-AB-") && name.ends_with(".zip"),
        "{name}"
    );
    let again = h.ok("pack_export", json!({"request": request}))?;
    assert_ne!(
        again["path"], s["path"],
        "a second export does not replace the first"
    );
    Ok(())
}

#[path = "../crates/core/tests/common/tsa.rs"]
mod tsa_server;

/// Waits up to `secs` for `cond` on the anchor status.
fn wait_status(
    h: &Harness,
    secs: u64,
    cond: impl Fn(&Value) -> bool,
) -> Result<Value, Box<dyn std::error::Error>> {
    let end = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        let s = h.ok("anchor_status", json!({}))?;
        if cond(&s) {
            return Ok(s);
        }
        if std::time::Instant::now() > end {
            return Err(format!("anchor status never got there: {s}").into());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Trusted time over IPC against a real RFC 3161 TSA on loopback (openssl ts -reply): off by default, the
/// services, "time-stamp now", the background thread after a short debounce, a TSA that is down, and the
/// fingerprint.
#[test]
fn trusted_time_commands_against_a_loopback_tsa() -> TestResult {
    let h = harness_with(|vault| {
        AppState::new(vault).with_anchor_debounce(std::time::Duration::from_millis(200))
    })?;
    h.ok("vault_create", json!({"passphrase": PASS}))?;
    let st = h.ok("anchor_status", json!({}))?;
    assert_eq!(st["enabled"], false, "off until the person turns it on");
    assert_eq!(st["last"], Value::Null);
    assert!(st["unanchored"].as_u64().is_some_and(|n| n >= 1));
    assert_eq!(h.err_code("anchor_now", json!({})), "not_allowed");
    let fp = h.ok("record_fingerprint", json!({}))?;
    assert!(
        fp.as_str()
            .is_some_and(|f| f.starts_with("Evident record fingerprint: entry ")),
        "{fp}"
    );

    // Only the test's TSA: the defaults go first, so nothing is ever sent to them.
    for t in h.ok("tsa_list", json!({}))?.as_array().ok_or("no list")? {
        h.ok("tsa_remove", json!({"url": t["url"]}))?;
    }
    assert_eq!(h.ok("tsa_list", json!({}))?, json!([]));
    assert_eq!(
        h.err_code("tsa_remove", json!({"url": "http://nowhere.invalid/"})),
        "not_found"
    );
    let mut tsa = tsa_server::TestTsa::start("tsa_rsa")?;
    let url = tsa.server.url();
    let state = tauri::Manager::state::<AppState>(&h.webview);
    assert_eq!(
        evident_app::commands::anchor::add_from_file(&state, "https://x/", &tsa.pki.path("ca.crt"))
            .map_err(|e| e.code),
        Err(evident_core::ErrorKind::InvalidInput)
    );
    assert!(
        evident_app::commands::anchor::add_from_file(&state, &url, &tsa.pki.path("tsa.key"))
            .is_err(),
        "a key is not a CA certificate"
    );
    let added =
        evident_app::commands::anchor::add_from_file(&state, &url, &tsa.pki.path("ca.crt"))?;
    assert_eq!(added.url, url);
    assert_eq!(
        h.ok("anchor_status", json!({}))?["enabled"],
        true,
        "adding one turns it on"
    );

    // Time-stamp now. (The background thread, whose debounce is short here, may have got there first: then
    // this head is already time-stamped by that TSA and nothing more is asked.)
    let attempts = h.ok("anchor_now", json!({}))?;
    let attempts = attempts.as_array().ok_or("no attempts")?;
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["tsa_url"], json!(url));
    assert!(
        attempts[0]["anchor"]["tsa_name"] == "Evident Test TSA" || attempts[0]["already"] == true,
        "{attempts:?}"
    );
    let st = h.ok("anchor_status", json!({}))?;
    assert_eq!(st["last"]["tsa_name"], "Evident Test TSA");
    assert_eq!(st["unanchored"], 0);
    assert_eq!(st["last"]["tsa_url"], json!(url));

    // A new incident is time-stamped by the background thread after the debounce, with no request from the UI.
    h.ok(
        "incident_record",
        json!({"fields": {"summary": "Logged while online"}, "people": []}),
    )?;
    wait_status(&h, 20, |s| s["unanchored"] == 0)?;
    let seen = tsa.server.requests();
    assert_eq!(seen.len(), 2, "one request per time-stamp, nothing else");
    for r in &seen {
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.header("content-type"),
            Some("application/timestamp-query")
        );
    }

    // The TSA goes down: logging goes on, the entry waits, "time-stamp now" says why, and a retry is queued.
    tsa.server.stop();
    h.ok(
        "incident_record",
        json!({"fields": {"summary": "Logged while offline"}, "people": []}),
    )?;
    let attempts = h.ok("anchor_now", json!({}))?;
    assert!(
        attempts[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("could not be reached")),
        "{attempts}"
    );
    let st = wait_status(&h, 5, |s| !s["queued"].is_null())?;
    assert_eq!(st["unanchored"], 1);

    // Turned off, nothing is sent, and "time-stamp now" says so.
    let st = h.ok("anchoring_set", json!({"on": false}))?;
    assert_eq!(st["enabled"], false);
    assert_eq!(h.err_code("anchor_now", json!({})), "not_allowed");
    Ok(())
}

/// Logging never waits for the network: while a slow TSA holds a time-stamp request for seconds, an incident is
/// recorded at once; and a lock with a slow TSA happens within the budget.
#[test]
fn a_slow_tsa_never_holds_up_logging_or_the_lock() -> TestResult {
    let h = harness()?;
    h.ok("vault_create", json!({"passphrase": PASS}))?;
    for t in h.ok("tsa_list", json!({}))?.as_array().ok_or("no list")? {
        h.ok("tsa_remove", json!({"url": t["url"]}))?;
    }
    let pki = tsa_server::Pki::new()?;
    let inner = tsa_server::openssl_tsa(pki.dir(), "tsa_rsa", tsa_server::Framing::ContentLength);
    let slow = tsa_server::HttpServer::start(Box::new(move |req, stream| {
        std::thread::sleep(std::time::Duration::from_secs(8));
        inner(req, stream)
    }))?;
    let state = tauri::Manager::state::<AppState>(&h.webview);
    evident_app::commands::anchor::add_from_file(&state, &slow.url(), &pki.path("ca.crt"))?;

    std::thread::scope(|s| -> TestResult {
        let run = s.spawn(|| {
            evident_app::anchoring::run_on(&state, &evident_core::tsa::Limits::default(), None)
        });
        // Wait until the request is at the TSA, then log.
        let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while slow.connections.load(std::sync::atomic::Ordering::SeqCst) == 0 {
            if std::time::Instant::now() > end {
                return Err("the request never reached the TSA".into());
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let t0 = std::time::Instant::now();
        h.ok(
            "incident_record",
            json!({"fields": {"summary": "Logged during a slow time-stamp"}, "people": []}),
        )?;
        let took = t0.elapsed();
        assert!(
            took < std::time::Duration::from_secs(2),
            "logging waited {took:?}"
        );
        let attempts = run.join().map_err(|_| "the run panicked")??;
        assert!(attempts[0].anchor.is_some(), "the slow TSA still answered");
        // The same with nothing in flight, for comparison (printed with --nocapture).
        let t1 = std::time::Instant::now();
        h.ok(
            "incident_record",
            json!({"fields": {"summary": "Logged with nothing in flight"}, "people": []}),
        )?;
        eprintln!(
            "FIGURE recording an incident: {took:?} while a time-stamp request was in flight, {:?} with none",
            t1.elapsed()
        );
        Ok(())
    })?;

    // Something new, and the TSA still slow: the lock tries for at most the budget, then locks.
    h.ok(
        "incident_record",
        json!({"fields": {"summary": "Just before locking"}, "people": []}),
    )?;
    let t0 = std::time::Instant::now();
    h.ok("vault_lock", json!({}))?;
    let took = t0.elapsed();
    assert!(
        took < evident_app::anchoring::BUDGET + std::time::Duration::from_secs(2),
        "the lock took {took:?}"
    );
    assert_eq!(h.ok("vault_status", json!({}))?["unlocked"], false);
    Ok(())
}

/// Before an export, what is new is time-stamped (within the budget), so the pack carries the time-stamp.
#[cfg(feature = "test-hooks")]
#[test]
fn export_time_stamps_what_is_new_first() -> TestResult {
    let out = tempfile::tempdir()?;
    let out_dir = out.path().to_path_buf();
    let h = harness_with(|vault| AppState::new(vault).with_test_export_dir(Some(out_dir)))?;
    h.ok("vault_create", json!({"passphrase": PASS}))?;
    for t in h.ok("tsa_list", json!({}))?.as_array().ok_or("no list")? {
        h.ok("tsa_remove", json!({"url": t["url"]}))?;
    }
    let tsa = tsa_server::TestTsa::start("tsa_rsa")?;
    let state = tauri::Manager::state::<AppState>(&h.webview);
    evident_app::commands::anchor::add_from_file(
        &state,
        &tsa.server.url(),
        &tsa.pki.path("ca.crt"),
    )?;
    let id = h.ok(
        "incident_record",
        json!({"fields": {"summary": "Threat before the export"}, "people": []}),
    )?;
    let before = h.ok("anchor_status", json!({}))?;
    assert!(before["unanchored"].as_u64().is_some_and(|n| n >= 1));

    let request = json!({
        "selection": {"incident_ids": [id]},
        "recipient": {"name": "DC Jane Officer", "organisation": "Example Police", "crime_reference": null},
        "author_name": "Alex Brown",
        "author_contact": "alex@example.invalid",
        "initials": null,
    });
    let target = out.path().join("pack.zip");
    h.ok(
        "pack_export_to",
        json!({"request": request, "path": target.display().to_string()}),
    )?;
    let after = h.ok("anchor_status", json!({}))?;
    assert_eq!(after["last"]["tsa_name"], "Evident Test TSA");
    assert_eq!(
        after["unanchored"], 2,
        "only the export's own entries (its manifest, the pack's head, and its record) are after the time-stamp: {after}"
    );
    let zip = std::fs::read(&target)?;
    assert!(
        zip.windows(8).any(|w| w == b"anchors/"),
        "the pack carries the time-stamp"
    );
    assert_eq!(tsa.server.requests().len(), 1);
    Ok(())
}

/// Changing the passphrase asks for a current secret and checks it: a wrong one is refused, the passphrase or
/// the recovery key is accepted.
#[test]
fn changing_the_passphrase_needs_the_current_secret() -> TestResult {
    let h = harness()?;
    let created = h.ok("vault_create", json!({"passphrase": PASS}))?;
    let recovery = created["recovery_key"].as_str().ok_or("no recovery key")?;
    const NEW: &str = "purple otter lantern meadow";
    const NEWER: &str = "quiet harbour copper violin";
    assert_eq!(
        h.err_code(
            "vault_change_passphrase",
            json!({"current": "not my passphrase", "passphrase": NEW})
        ),
        "wrong_key"
    );
    assert_eq!(
        h.err_code(
            "vault_change_passphrase",
            json!({"current": "", "passphrase": NEW})
        ),
        "invalid_input"
    );
    assert!(
        h.call("vault_change_passphrase", json!({"passphrase": NEW}))
            .is_err(),
        "the current secret is not optional"
    );
    h.ok(
        "vault_change_passphrase",
        json!({"current": PASS, "passphrase": NEW}),
    )?;
    h.ok(
        "vault_change_passphrase",
        json!({"current": recovery, "passphrase": NEWER}),
    )?;
    h.ok("vault_lock", json!({}))?;
    assert_eq!(
        h.err_code(
            "vault_unlock",
            json!({"passphrase": NEW, "remember": false})
        ),
        "wrong_key"
    );
    h.ok(
        "vault_unlock",
        json!({"passphrase": NEWER, "remember": false}),
    )?;
    Ok(())
}

/// Rekey: a wrong current secret is refused; then the old passphrase and recovery key no longer open the vault,
/// the new passphrase and the new recovery key do, and the record is intact.
#[test]
fn rekey_replaces_the_passphrase_and_the_recovery_key() -> TestResult {
    let h = harness()?;
    let created = h.ok("vault_create", json!({"passphrase": PASS}))?;
    let old_key = created["recovery_key"]
        .as_str()
        .ok_or("no recovery key")?
        .to_string();
    h.ok(
        "incident_record",
        json!({"fields": {"summary": "Before the change of keys"}, "people": []}),
    )?;
    const NEW: &str = "purple otter lantern meadow";
    assert_eq!(
        h.err_code(
            "vault_rekey",
            json!({"current": "not my passphrase", "passphrase": NEW})
        ),
        "wrong_key"
    );
    let r = h.ok("vault_rekey", json!({"current": PASS, "passphrase": NEW}))?;
    let new_key = r["recovery_key"]
        .as_str()
        .ok_or("no new recovery key")?
        .to_string();
    assert_ne!(new_key, old_key);
    assert_eq!(r["status"]["unlocked"], true);
    assert_eq!(r["status"]["remembered"], false);
    assert_eq!(h.ok("incident_count", json!({}))?, json!(1));

    h.ok("vault_lock", json!({}))?;
    assert_eq!(
        h.err_code(
            "vault_unlock",
            json!({"passphrase": PASS, "remember": false})
        ),
        "wrong_key"
    );
    assert_eq!(
        h.err_code(
            "vault_recover",
            json!({"recoveryKey": old_key, "newPassphrase": "another long passphrase here"})
        ),
        "wrong_key",
    );
    assert_eq!(h.ok("vault_status", json!({}))?["unlocked"], false);
    open_with(&h, NEW, &new_key)
}

/// The vault (locked, one incident) opens with `passphrase`, intact, then with the recovery key `key`.
fn open_with(h: &Harness, passphrase: &str, key: &str) -> TestResult {
    let st = h.ok(
        "vault_unlock",
        json!({"passphrase": passphrase, "remember": false}),
    )?;
    assert_eq!(st["integrity"]["ok"], true, "{st}");
    assert_eq!(h.ok("incident_count", json!({}))?, json!(1));
    h.ok("vault_lock", json!({}))?;
    h.ok(
        "vault_recover",
        json!({"recoveryKey": key, "newPassphrase": "quiet harbour copper violin"}),
    )?;
    assert_eq!(h.ok("incident_count", json!({}))?, json!(1));
    Ok(())
}

/// "New recovery key only": asks for a current secret; the old recovery key stops opening the vault, the new one
/// and the passphrase open it, and the record is intact.
#[test]
fn a_new_recovery_key_replaces_the_old_one_only() -> TestResult {
    let h = harness()?;
    let created = h.ok("vault_create", json!({"passphrase": PASS}))?;
    let old_key = created["recovery_key"]
        .as_str()
        .ok_or("no recovery key")?
        .to_string();
    h.ok(
        "incident_record",
        json!({"fields": {"summary": "Before the new recovery key"}, "people": []}),
    )?;
    assert_eq!(
        h.err_code("vault_new_recovery_key", json!({"current": ""})),
        "invalid_input"
    );
    assert_eq!(
        h.err_code(
            "vault_new_recovery_key",
            json!({"current": "not my passphrase"})
        ),
        "wrong_key"
    );
    // The old recovery key is a current secret too.
    let r = h.ok("vault_new_recovery_key", json!({"current": old_key}))?;
    let new_key = r["recovery_key"]
        .as_str()
        .ok_or("no new recovery key")?
        .to_string();
    assert_ne!(new_key, old_key);
    assert_eq!(r["status"]["unlocked"], true);
    // And the passphrase: a second new key replaces the first.
    let r2 = h.ok("vault_new_recovery_key", json!({"current": PASS}))?;
    let newest = r2["recovery_key"]
        .as_str()
        .ok_or("no new recovery key")?
        .to_string();
    assert_ne!(newest, new_key);

    h.ok("vault_lock", json!({}))?;
    for stale in [&old_key, &new_key] {
        assert_eq!(
            h.err_code(
                "vault_recover",
                json!({"recoveryKey": stale, "newPassphrase": "another long passphrase here"})
            ),
            "wrong_key",
            "a replaced recovery key no longer opens the vault"
        );
    }
    // The passphrase did not change.
    open_with(&h, PASS, &newest)
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) -> TestResult {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        std::fs::copy(e.path(), to.join(e.file_name()))?;
    }
    Ok(())
}

/// A whole older vault folder put back leaves a mark: in the status at every unlock until acknowledged with a
/// reason (required); then it is gone, and the acknowledgement is in the chain.
#[test]
fn an_integrity_mark_is_shown_until_acknowledged_with_a_reason() -> TestResult {
    let h = harness()?;
    h.ok("vault_create", json!({"passphrase": PASS}))?;
    let st = h.ok("vault_status", json!({}))?;
    assert_eq!(st["integrity_mark"], Value::Null);
    assert_eq!(
        h.err_code("vault_acknowledge_integrity", json!({"reason": "nothing"})),
        "not_found"
    );
    h.ok(
        "incident_record",
        json!({"fields": {"summary": "before the copy"}, "people": []}),
    )?;
    h.ok("vault_lock", json!({}))?;
    let dir = PathBuf::from(st["dir"].as_str().ok_or("no dir")?);
    let saved = dir.with_file_name("saved-copy");
    copy_dir(&dir, &saved)?;
    h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "remember": false}),
    )?;
    h.ok(
        "incident_record",
        json!({"fields": {"summary": "after the copy"}, "people": []}),
    )?;
    h.ok("vault_lock", json!({}))?;
    std::fs::remove_dir_all(&dir)?;
    copy_dir(&saved, &dir)?;

    let st = h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "remember": false}),
    )?;
    assert_eq!(st["integrity"]["ok"], false, "{st}");
    let mark = &st["integrity_mark"];
    assert!(
        mark["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{st}"
    );
    assert!(mark["noticed_at"].as_str().is_some(), "{st}");
    // Still there after a write, a lock and another unlock.
    h.ok(
        "incident_record",
        json!({"fields": {"summary": "written after the rollback"}, "people": []}),
    )?;
    h.ok("vault_lock", json!({}))?;
    let st = h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "remember": false}),
    )?;
    assert_eq!(st["integrity_mark"], *mark);
    assert_eq!(h.ok("vault_status", json!({}))?["integrity_mark"], *mark);

    assert_eq!(
        h.err_code("vault_acknowledge_integrity", json!({"reason": "   "})),
        "invalid_input"
    );
    assert_eq!(h.ok("vault_status", json!({}))?["integrity_mark"], *mark);
    let st = h.ok(
        "vault_acknowledge_integrity",
        json!({"reason": "I put back an older copy myself"}),
    )?;
    assert_eq!(st["integrity_mark"], Value::Null);
    let state = tauri::Manager::state::<AppState>(&h.webview);
    let last = state
        .with_vault(|v| v.journal_entries(1))?
        .pop()
        .ok_or("no entries")?;
    assert_eq!(last.kind, "vault.integrity_acknowledged");
    assert!(String::from_utf8(last.payload)?.contains("I put back an older copy myself"));
    h.ok("vault_lock", json!({}))?;
    let st = h.ok(
        "vault_unlock",
        json!({"passphrase": PASS, "remember": false}),
    )?;
    assert_eq!(st["integrity_mark"], Value::Null);
    assert_eq!(st["integrity"]["ok"], true, "{st}");
    Ok(())
}
