//! File-name sanitising for exhibits: a name that is safe to create on Windows, macOS and Linux, with no
//! control or bidirectional-control characters (which can disguise an extension), no reserved device names,
//! bounded length, and the extension kept.

/// Longest sanitised name, in bytes (the exhibit reference prefix comes on top of this).
pub const MAX_NAME_BYTES: usize = 96;

/// Windows device names that cannot be used as a file's base name, whatever the extension.
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
    "COM8", "COM9", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³", "CONIN$", "CONOUT$",
];

/// Whether `c` is invisible or reorders text: bidirectional controls, zero-width characters, BOM.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            // Soft hyphen, Hangul fillers and the tag characters: invisible, used to disguise names.
            | '\u{00AD}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{FFA0}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Removes characters that must never reach a PDF line or a file name: C0/C1 controls (except newline and
/// tab, which become a newline and a space) and invisible or bidirectional-control characters.
pub fn clean_text(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            '\r' => None,
            c if c.is_control() || is_invisible(c) => None,
            c => Some(c),
        })
        .collect()
}

/// Cuts `s` to at most `max` bytes on a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A safe file name made from an original one. Never empty; keeps a short alphanumeric extension.
pub fn sanitize_file_name(original: &str) -> String {
    let mut s: String = original
        .chars()
        .filter(|c| !is_invisible(*c))
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '_',
            c if c.is_whitespace() => ' ',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    s = s.trim_matches(|c: char| c == ' ' || c == '.').to_string();
    // Split off the extension: a short, plain one is kept.
    let (stem, ext) = match s.rfind('.') {
        Some(i) if i > 0 => {
            let ext = &s[i + 1..];
            if !ext.is_empty() && ext.len() <= 10 && ext.chars().all(|c| c.is_ascii_alphanumeric())
            {
                (s[..i].to_string(), Some(ext.to_ascii_lowercase()))
            } else {
                (s.clone(), None)
            }
        }
        _ => (s.clone(), None),
    };
    let mut stem = stem
        .trim_matches(|c: char| c == ' ' || c == '.')
        .to_string();
    if stem.is_empty() {
        stem = "file".to_string();
    }
    let base = stem
        .split('.')
        .next()
        .unwrap_or_default()
        .trim()
        .to_uppercase();
    if RESERVED.contains(&base.as_str()) {
        stem = format!("_{stem}");
    }
    let ext_len = ext.as_ref().map(|e| e.len() + 1).unwrap_or(0);
    let stem = cut(&stem, MAX_NAME_BYTES - ext_len)
        .trim_end_matches([' ', '.'])
        .to_string();
    let stem = if stem.is_empty() {
        "file".to_string()
    } else {
        stem
    };
    match ext {
        Some(e) => format!("{stem}.{e}"),
        None => stem,
    }
}

/// Extensions that open as inert documents (nothing runs), by the media type sniffed from the bytes. The first
/// is the one added to a name that has none.
const INERT: &[(&str, &[&str])] = &[
    ("image/png", &["png"]),
    ("image/jpeg", &["jpg", "jpeg", "jfif"]),
    ("image/gif", &["gif"]),
    ("image/webp", &["webp"]),
    ("image/bmp", &["bmp"]),
    ("image/tiff", &["tif", "tiff"]),
    ("image/heif", &["heic", "heif"]),
    ("image/heic", &["heic", "heif"]),
    ("image/avif", &["avif"]),
    ("application/pdf", &["pdf"]),
    (
        "text/plain",
        &["txt", "text", "log", "csv", "eml", "md", "json"],
    ),
    ("video/mp4", &["mp4", "m4v"]),
    ("video/quicktime", &["mov"]),
    ("video/webm", &["webm"]),
    ("audio/mpeg", &["mp3"]),
    ("audio/x-wav", &["wav"]),
    ("audio/wav", &["wav"]),
    ("audio/mp4", &["m4a"]),
    ("audio/m4a", &["m4a"]),
    ("audio/ogg", &["ogg", "opus"]),
    ("application/zip", &["zip"]),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &["docx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &["xlsx"],
    ),
    ("application/vnd.oasis.opendocument.text", &["odt"]),
    ("application/vnd.oasis.opendocument.spreadsheet", &["ods"]),
];

/// An exhibit's file name: [`sanitize_file_name`], then its extension kept only if it is inert and matches the
/// type sniffed from the bytes (`invoice.pdf.exe`, `note.html`, `x.svg`, `link.lnk` get `.bin` added, so no
/// system runs or renders them on a double-click); a name without an extension gets the type's own.
pub fn exhibit_file_name(original: &str, media_type: &str) -> String {
    let name = sanitize_file_name(original);
    let inert = INERT
        .iter()
        .find(|(t, _)| *t == media_type)
        .map(|(_, e)| *e)
        .unwrap_or(&[]);
    let ext = name
        .rfind('.')
        .filter(|i| *i > 0)
        .map(|i| name[i + 1..].to_ascii_lowercase());
    match ext {
        Some(e) if inert.contains(&e.as_str()) => name,
        Some(_) => format!("{}.bin", cut(&name, MAX_NAME_BYTES - 4)),
        None => match inert.first() {
            Some(e) => format!("{}.{e}", cut(&name, MAX_NAME_BYTES - 6)),
            None => format!("{}.bin", cut(&name, MAX_NAME_BYTES - 4)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe() {
        assert_eq!(sanitize_file_name("screenshot 1.PNG"), "screenshot 1.png");
        assert_eq!(
            sanitize_file_name("a<b>c:d\"e/f\\g|h?i*.txt"),
            "a_b_c_d_e_f_g_h_i_.txt"
        );
        assert_eq!(sanitize_file_name("CON.txt"), "_CON.txt");
        assert_eq!(sanitize_file_name("nul"), "_nul");
        assert_eq!(sanitize_file_name("lpt1.tar.gz"), "_lpt1.tar.gz");
        assert_eq!(
            sanitize_file_name("invoice\u{202E}gpj.exe"),
            "invoicegpj.exe"
        );
        assert_eq!(sanitize_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(sanitize_file_name("..."), "file");
        assert_eq!(sanitize_file_name(""), "file");
        assert_eq!(sanitize_file_name("tab\there\u{7}.jpg"), "tab here_.jpg");
        let long = format!("{}.jpeg", "é".repeat(200));
        let s = sanitize_file_name(&long);
        assert!(s.len() <= MAX_NAME_BYTES && s.ends_with(".jpeg"), "{s}");
        assert_eq!(clean_text("a\u{202E}b\r\n\tc\u{0}"), "ab\n c");
    }

    #[test]
    fn exhibits_that_could_run_get_bin() {
        let pdf = "application/pdf";
        assert_eq!(exhibit_file_name("invoice.pdf", pdf), "invoice.pdf");
        assert_eq!(
            exhibit_file_name("invoice.pdf.exe", pdf),
            "invoice.pdf.exe.bin"
        );
        assert_eq!(
            exhibit_file_name("invoice.pdf.exe", "application/x-msdownload"),
            "invoice.pdf.exe.bin"
        );
        for (n, t) in [
            ("x.lnk", "application/octet-stream"),
            ("x.hta", "text/plain"),
            ("x.js", "text/plain"),
            ("x.html", "text/plain"),
            ("x.svg", "image/svg+xml"),
            ("photo.png", "text/plain"),
        ] {
            assert!(exhibit_file_name(n, t).ends_with(".bin"), "{n}");
        }
        assert_eq!(
            exhibit_file_name("Screenshot.PNG", "image/png"),
            "Screenshot.png"
        );
        assert_eq!(exhibit_file_name("pasted", "image/png"), "pasted.png");
        assert_eq!(
            exhibit_file_name("blob", "application/x-unknown"),
            "blob.bin"
        );
        assert_eq!(
            exhibit_file_name("invoice\u{202E}gpj.exe", "image/jpeg"),
            "invoicegpj.exe.bin"
        );
        // Invisible characters that disguise names are removed.
        assert_eq!(
            sanitize_file_name("a\u{3164}b\u{115F}c\u{00AD}d\u{E0041}.txt"),
            "abcd.txt"
        );
        assert!(
            exhibit_file_name(&format!("{}.exe", "a".repeat(200)), pdf).len() <= MAX_NAME_BYTES
        );
    }
}
