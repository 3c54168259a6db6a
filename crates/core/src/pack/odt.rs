//! A minimal OpenDocument text writer (ODF 1.2): `mimetype` stored first and uncompressed, then
//! `META-INF/manifest.xml`, `styles.xml` and `content.xml` (deflated). Paragraphs and headings only, all text
//! escaped, so what others wrote is only ever text. Opens in LibreOffice, Word and Google Docs for editing.

use std::io::Write;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::error::{Error, Result};

/// One block of an ODT document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading (level 1 or 2).
    Heading(u8, String),
    /// A paragraph of body text (lines kept).
    Para(String),
    /// A paragraph in bold (a notice).
    Notice(String),
}

impl Block {
    /// The block as plain text (headings underlined), CRLF line endings.
    pub fn text(&self) -> String {
        match self {
            Block::Heading(level, t) => {
                let ch = if *level == 1 { "=" } else { "-" };
                format!(
                    "{t}\r\n{}\r\n\r\n",
                    ch.repeat(t.chars().count().clamp(3, 100))
                )
            }
            Block::Para(t) | Block::Notice(t) => format!("{}\r\n\r\n", t.replace('\n', "\r\n")),
        }
    }
}

/// The document as plain text.
pub fn plain_text(blocks: &[Block]) -> String {
    blocks.iter().map(Block::text).collect()
}

/// Escapes text for XML character data; control characters other than tab and newline are dropped.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\t' => o.push_str("<text:tab/>"),
            c if c.is_control() => {}
            c => o.push(c),
        }
    }
    o
}

fn para_xml(style: &str, t: &str) -> String {
    let body = t
        .split('\n')
        .map(esc)
        .collect::<Vec<_>>()
        .join("<text:line-break/>");
    format!("<text:p text:style-name=\"{style}\">{body}</text:p>")
}

const NS: &str = "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" \
xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" \
xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\"";

fn content_xml(blocks: &[Block]) -> String {
    let mut body = String::new();
    for b in blocks {
        match b {
            Block::Heading(level, t) => body.push_str(&format!(
                "<text:h text:style-name=\"H{level}\" text:outline-level=\"{level}\">{}</text:h>",
                esc(t)
            )),
            Block::Para(t) => body.push_str(&para_xml("Body", t)),
            Block::Notice(t) => body.push_str(&para_xml("Notice", t)),
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content {NS} office:version=\"1.2\">\
<office:body><office:text>{body}</office:text></office:body></office:document-content>\n"
    )
}

fn styles_xml() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-styles {NS} office:version=\"1.2\"><office:styles>\
<style:default-style style:family=\"paragraph\"><style:text-properties style:font-name=\"Arial\" fo:font-family=\"Arial\" fo:font-size=\"11pt\" fo:language=\"en\" fo:country=\"GB\"/></style:default-style>\
<style:style style:name=\"Body\" style:family=\"paragraph\"><style:paragraph-properties fo:margin-bottom=\"0.25cm\"/></style:style>\
<style:style style:name=\"Notice\" style:family=\"paragraph\"><style:paragraph-properties fo:margin-bottom=\"0.25cm\" fo:border=\"0.5pt solid #000000\" fo:padding=\"0.15cm\"/><style:text-properties fo:font-weight=\"bold\"/></style:style>\
<style:style style:name=\"H1\" style:family=\"paragraph\"><style:paragraph-properties fo:margin-top=\"0.4cm\" fo:margin-bottom=\"0.3cm\"/><style:text-properties fo:font-size=\"16pt\" fo:font-weight=\"bold\"/></style:style>\
<style:style style:name=\"H2\" style:family=\"paragraph\"><style:paragraph-properties fo:margin-top=\"0.35cm\" fo:margin-bottom=\"0.2cm\"/><style:text-properties fo:font-size=\"13pt\" fo:font-weight=\"bold\"/></style:style>\
</office:styles></office:document-styles>\n"
    )
}

const MANIFEST: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
<manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.2\" manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>\
<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
<manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>\
</manifest:manifest>\n";

/// The media type an ODT's `mimetype` member holds.
pub const MIMETYPE: &str = "application/vnd.oasis.opendocument.text";

/// Writes `blocks` as an ODT file, in memory. The same blocks always give the same bytes.
pub fn write(blocks: &[Block]) -> Result<Vec<u8>> {
    let err = |e: &dyn std::fmt::Display| Error::internal(format!("ODT could not be written: {e}"));
    let mut z = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let time = zip::DateTime::default();
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(time);
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(time);
    z.start_file("mimetype", stored).map_err(|e| err(&e))?;
    z.write_all(MIMETYPE.as_bytes()).map_err(|e| err(&e))?;
    for (name, body) in [
        ("META-INF/manifest.xml", MANIFEST.to_string()),
        ("styles.xml", styles_xml()),
        ("content.xml", content_xml(blocks)),
    ] {
        z.start_file(name, deflated).map_err(|e| err(&e))?;
        z.write_all(body.as_bytes()).map_err(|e| err(&e))?;
    }
    let out = z.finish().map_err(|e| err(&e))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn mimetype_first_stored_and_text_escaped() -> Result<()> {
        let b = write(&[
            Block::Heading(1, "Draft".into()),
            Block::Para("He wrote <b>&\"x\"\nsecond line".into()),
        ])?;
        // The first local header names `mimetype`, stored, right after the 30-byte header.
        assert_eq!(&b[0..4], b"PK\x03\x04");
        assert_eq!(u16::from_le_bytes([b[8], b[9]]), 0, "stored");
        assert_eq!(&b[30..38], b"mimetype");
        assert_eq!(&b[38..38 + MIMETYPE.len()], MIMETYPE.as_bytes());
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(b))
            .map_err(|e| Error::internal(e.to_string()))?;
        let mut content = String::new();
        z.by_name("content.xml")
            .map_err(|e| Error::internal(e.to_string()))?
            .read_to_string(&mut content)
            .map_err(|e| Error::internal(e.to_string()))?;
        assert!(
            content.contains("He wrote &lt;b&gt;&amp;&quot;x&quot;<text:line-break/>second line")
        );
        Ok(())
    }
}
