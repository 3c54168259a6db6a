//! `report.pdf`: a real PDF with selectable text (DejaVu fonts embedded), laid out in two passes — first into
//! pages of drawing operations, then drawn with krilla once the page count is known, so every page says
//! "Page X of Y" with the pack id. Text written by others is only ever drawn as text.

use std::sync::Arc;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::Document;

use crate::error::{Error, Result};
use crate::reference::reference;

use super::sanitize::clean_text;
use super::select::{Exhibit, PackData, PackIncident};
use super::Recipient;

static SANS: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans-Bold.ttf");
static MONO: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSansMono.ttf");

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const LEFT: f32 = 50.0;
const WIDTH: f32 = PAGE_W - 2.0 * LEFT;
const TOP: f32 = 68.0;
const BOTTOM: f32 = PAGE_H - 58.0;
const BODY: f32 = 9.5;
const LINE: f32 = 12.5;
const LABEL_W: f32 = 140.0;
/// Hashes are drawn in DejaVu Sans Mono at this size: 64 hex digits take 64 × 0.602 × 8 ≈ 308 pt, so a hash is
/// never wrapped and text extraction gives it whole.
const HASH_SIZE: f32 = 8.0;
/// Longest side of an image as embedded in the report, in pixels (the original is in exhibits/).
const IMAGE_MAX_SIDE: u32 = 1600;
/// JPEG exhibits up to this size and [`IMAGE_MAX_SIDE`] are embedded as they are.
const JPEG_AS_IS_MAX: usize = 3 * 1024 * 1024;

/// What the cover sheet says about the export.
pub struct ReportInfo<'a> {
    /// Pack id.
    pub pack_id: &'a str,
    /// Export time (journal format, UTC).
    pub exported_at: &'a str,
    /// Who it is for.
    pub recipient: &'a Recipient,
    /// The diarist.
    pub author_name: &'a str,
    /// Their contact details.
    pub author_contact: &'a str,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum F {
    Regular,
    Bold,
    Mono,
}

enum Op {
    Text {
        f: F,
        size: f32,
        x: f32,
        y: f32,
        s: String,
    },
    Rule {
        y: f32,
    },
    Shade {
        y: f32,
        h: f32,
    },
    Image {
        idx: usize,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

struct Metrics {
    faces: [ttf_parser::Face<'static>; 3],
}

impl Metrics {
    fn new() -> Result<Self> {
        let face = |b: &'static [u8]| {
            ttf_parser::Face::parse(b, 0)
                .map_err(|e| Error::internal(format!("embedded font is unreadable: {e}")))
        };
        Ok(Self {
            faces: [face(SANS)?, face(BOLD)?, face(MONO)?],
        })
    }

    fn width(&self, f: F, size: f32, s: &str) -> f32 {
        let face = &self.faces[f as usize];
        let upem = f32::from(face.units_per_em());
        let units: u32 = s
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map(u32::from)
                    .unwrap_or(u32::from(face.units_per_em()) / 2)
            })
            .sum();
        units as f32 / upem * size
    }

    /// Greedy word wrap of `text` (newlines kept) into lines no wider than `width`.
    fn wrap(&self, f: F, size: f32, width: f32, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for para in clean_text(text).split('\n') {
            let mut line = String::new();
            for word in para.split(' ') {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(f, size, &candidate) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
                // A word wider than the line is broken by characters.
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if self.width(f, size, &piece) > width && piece.chars().count() > 1 {
                        piece.pop();
                        out.push(std::mem::take(&mut piece));
                        piece.push(c);
                    }
                }
                line = piece;
            }
            out.push(line);
        }
        out
    }
}

struct Layout {
    m: Metrics,
    pages: Vec<Vec<Op>>,
    y: f32,
    images: Vec<Image>,
}

impl Layout {
    fn new() -> Result<Self> {
        Ok(Self {
            m: Metrics::new()?,
            pages: vec![Vec::new()],
            y: TOP,
            images: Vec::new(),
        })
    }

    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let n = self.pages.len() - 1;
        &mut self.pages[n]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn space(&mut self, h: f32) {
        self.y += h;
    }

    fn line_at(&mut self, f: F, size: f32, x: f32, s: String) {
        let y = self.y + size;
        if !s.is_empty() {
            self.page().push(Op::Text { f, size, x, y, s });
        }
    }

    fn para_at(&mut self, f: F, size: f32, x: f32, width: f32, text: &str) {
        let lh = size * 1.32;
        for l in self.m.wrap(f, size, width, text) {
            self.ensure(lh);
            self.line_at(f, size, x, l);
            self.y += lh;
        }
    }

    fn para(&mut self, text: &str) {
        self.para_at(F::Regular, BODY, LEFT, WIDTH, text);
    }

    fn heading(&mut self, text: &str, size: f32) {
        self.ensure(size * 1.4 + 3.0 * LINE);
        self.space(size * 0.5);
        self.para_at(F::Bold, size, LEFT, WIDTH, text);
        self.space(size * 0.3);
    }

    fn rule(&mut self) {
        self.ensure(6.0);
        let y = self.y + 2.0;
        self.page().push(Op::Rule { y });
        self.y += 6.0;
    }

    /// A labelled field; the value wraps beside the label.
    fn kv(&mut self, label: &str, value: &str) {
        if value.trim().is_empty() {
            return;
        }
        let lines = self.m.wrap(F::Regular, BODY, WIDTH - LABEL_W, value);
        for (i, l) in lines.into_iter().enumerate() {
            self.ensure(LINE);
            if i == 0 {
                self.line_at(F::Bold, BODY, LEFT, label.to_string());
            }
            self.line_at(F::Regular, BODY, LEFT + LABEL_W, l);
            self.y += LINE;
        }
    }

    /// A hash on its own line, in the monospace font.
    fn hash_line(&mut self, x: f32, label: &str, hash: &str) {
        self.ensure(LINE);
        if !label.is_empty() {
            self.line_at(F::Bold, BODY, LEFT, label.to_string());
        }
        self.line_at(F::Mono, HASH_SIZE, x, hash.to_string());
        self.y += LINE;
    }

    /// A table; each row's cells wrap; the header repeats on a new page.
    fn table(&mut self, widths: &[f32], header: &[&str], rows: &[Vec<String>]) {
        let size = 8.5;
        let lh = size * 1.3;
        let draw_header = |l: &mut Layout| {
            l.ensure(lh * 3.0);
            let y = l.y;
            l.page().push(Op::Shade { y, h: lh + 3.0 });
            let mut x = LEFT;
            l.y += 1.5;
            for (w, h) in widths.iter().zip(header) {
                l.line_at(F::Bold, size, x + 2.0, (*h).to_string());
                x += w;
            }
            l.y += lh + 1.5;
        };
        draw_header(self);
        for row in rows {
            let cells: Vec<Vec<String>> = widths
                .iter()
                .zip(row)
                .map(|(w, c)| self.m.wrap(F::Regular, size, w - 4.0, c))
                .collect();
            let max_lines = ((BOTTOM - TOP) / lh) as usize - 4;
            let n = cells
                .iter()
                .map(|c| c.len())
                .max()
                .unwrap_or(1)
                .clamp(1, max_lines);
            let h = n as f32 * lh + 3.0;
            if self.y + h > BOTTOM {
                self.new_page();
                draw_header(self);
            }
            let top = self.y;
            let mut x = LEFT;
            for (w, c) in widths.iter().zip(&cells) {
                self.y = top + 1.5;
                for l in c.iter().take(n) {
                    self.line_at(F::Regular, size, x + 2.0, l.clone());
                    self.y += lh;
                }
                x += w;
            }
            self.y = top + h;
            let y = self.y - 1.0;
            self.page().push(Op::Rule { y });
        }
        self.space(LINE * 0.5);
    }

    fn image(&mut self, img: Image, px_w: u32, px_h: u32) {
        let max_h = (BOTTOM - TOP) * 0.72;
        let mut w = WIDTH.min(px_w as f32 * 0.75).max(60.0_f32.min(WIDTH));
        let mut h = w * px_h as f32 / px_w.max(1) as f32;
        if h > max_h {
            h = max_h;
            w = h * px_w as f32 / px_h.max(1) as f32;
        }
        self.ensure(h + 4.0);
        let idx = self.images.len();
        self.images.push(img);
        let (x, y) = (LEFT, self.y);
        self.page().push(Op::Image { idx, x, y, w, h });
        self.y += h + 4.0;
    }
}

/// "Fri 20 Nov 2026 21:30 (+00:00)", or the text as stored if it does not parse.
fn when(s: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(t) => format!("{} ({})", t.format("%a %-d %b %Y %H:%M"), t.format("%:z")),
        Err(_) => s.to_string(),
    }
}

fn occurred_text(inc: &PackIncident) -> String {
    match &inc.fields.occurred {
        None => "Not given".to_string(),
        Some(o) => {
            let mut s = when(&o.start);
            if let Some(e) = &o.end {
                s.push_str(&format!(" to {}", when(e)));
            }
            if o.approximate {
                s.push_str(" (approximate)");
            }
            s
        }
    }
}

fn utc(s: &str) -> String {
    format!("{} UTC", s.replace('T', " ").trim_end_matches('Z'))
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
        serde_json::Value::Object(o) if o.contains_key("start") => {
            let g = |k: &str| o.get(k).and_then(|x| x.as_str()).map(when);
            let mut s = g("start").unwrap_or_default();
            if let Some(e) = g("end") {
                s.push_str(&format!(" to {e}"));
            }
            if o.get("approximate").and_then(|x| x.as_bool()) == Some(true) {
                s.push_str(" (approximate)");
            }
            s
        }
        other => other.to_string(),
    }
}

/// Makes the embeddable form of an image exhibit: a JPEG as it is when small enough, otherwise decoded with
/// limits, scaled down and re-encoded. `None` when it cannot or must not be decoded.
fn prepare_image(bytes: &[u8], media_type: &str) -> Option<(Vec<u8>, u32, u32)> {
    if !crate::preview::may_preview(media_type) {
        return None;
    }
    let probe = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let (w, h) = probe.into_dimensions().ok()?;
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > 100_000_000 {
        return None;
    }
    if media_type == "image/jpeg" && bytes.len() <= JPEG_AS_IS_MAX && w.max(h) <= IMAGE_MAX_SIDE {
        return Some((bytes.to_vec(), w, h));
    }
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().ok()?;
    let img = if w.max(h) > IMAGE_MAX_SIDE {
        img.thumbnail(IMAGE_MAX_SIDE, IMAGE_MAX_SIDE)
    } else {
        img
    };
    // Flatten transparency onto white.
    let rgba = img.to_rgba8();
    let (tw, th) = rgba.dimensions();
    let mut rgb = Vec::with_capacity(tw as usize * th as usize * 3);
    for p in rgba.pixels() {
        let a = u16::from(p[3]);
        for c in 0..3 {
            rgb.push(((u16::from(p[c]) * a + 255 * (255 - a)) / 255) as u8);
        }
    }
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 88)
        .encode(&rgb, tw, th, image::ExtendedColorType::Rgb8)
        .ok()?;
    Some((jpeg, tw, th))
}

fn cover(l: &mut Layout, d: &PackData, info: &ReportInfo<'_>) {
    l.space(30.0);
    l.para_at(F::Bold, 24.0, LEFT, WIDTH, "Evidence pack");
    l.space(4.0);
    l.para_at(
        F::Regular,
        13.0,
        LEFT,
        WIDTH,
        &format!("A record of incidents kept by {}", info.author_name),
    );
    l.space(18.0);
    l.rule();
    l.space(6.0);
    l.kv("Prepared by", info.author_name);
    l.kv("Contact", info.author_contact);
    l.kv("Prepared for", &info.recipient.name);
    l.kv("Organisation", &info.recipient.organisation);
    let mut refs: Vec<String> = info.recipient.crime_reference.iter().cloned().collect();
    for inc in &d.incidents {
        for r in &inc.reports {
            if r.fields.to == "police"
                && !r.fields.reference.trim().is_empty()
                && !refs.contains(&r.fields.reference)
            {
                refs.push(r.fields.reference.clone());
            }
        }
    }
    let refs = if refs.is_empty() {
        "None given".to_string()
    } else {
        refs.join("; ")
    };
    l.kv("Crime references", &refs);
    l.kv("Pack id", info.pack_id);
    l.kv("Exported", &utc(info.exported_at));
    let times: Vec<&str> = d
        .incidents
        .iter()
        .filter_map(|i| i.fields.occurred.as_ref().map(|o| o.start.as_str()))
        .collect();
    if let (Some(a), Some(b)) = (times.first(), times.last()) {
        l.kv("Period covered", &format!("{} to {}", when(a), when(b)));
    }
    l.kv("Incidents", &d.incidents.len().to_string());
    l.kv("Exhibits", &d.exhibits.len().to_string());
    l.kv("People involved", &d.people.len().to_string());
    l.kv(
        "Chain proof",
        &format!("entries 1 to {} (chain.json)", d.chain_head.seq),
    );
    l.hash_line(LEFT + LABEL_W, "Chain head hash", &d.chain_head.entry_hash);
    l.space(10.0);
    l.rule();
    l.space(6.0);
    l.para(
        "This report was produced from a private diary kept with Evident. Each incident was written down by the \
         person named above, with the time it was recorded taken from their device's clock. Corrections are shown \
         as amendments with their reasons; the original wording is kept. The original files (exhibits) are in the \
         exhibits folder of this pack, byte for byte, named by exhibit reference. The integrity statement at the \
         end of this report explains what has been checked and how to check it yourself.",
    );
}

fn chronology(l: &mut Layout, d: &PackData) {
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

fn people(l: &mut Layout, d: &PackData) {
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

fn incident(l: &mut Layout, d: &PackData, i: &PackIncident) {
    l.ensure(200.0);
    l.space(6.0);
    l.rule();
    l.heading(&format!("Incident {}: {}", i.id, i.fields.summary), 13.0);
    let f = &i.fields;
    l.kv("When it happened", &occurred_text(i));
    l.kv(
        "Recorded",
        &format!("{} (device clock)", utc(&i.recorded_at)),
    );
    if i.updated_at != i.recorded_at {
        l.kv("Last added to", &utc(&i.updated_at));
    }
    l.kv("Kind", i.kind_label.as_deref().unwrap_or(""));
    l.kv("How", i.channel_label.as_deref().unwrap_or(""));
    l.kv("Location", &f.location);
    l.kv("Platform", &f.platform);
    l.kv("URL", &f.url);
    l.kv("Account / handle", &f.account_handle);
    l.kv("Time shown on post", &f.post_time_shown);
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
    l.para_at(F::Bold, 10.0, LEFT, WIDTH, "History");
    for h in &i.history {
        let title = if h.kind == "incident.recorded" {
            "Original record".to_string()
        } else {
            h.description.clone()
        };
        l.kv(
            &format!("Entry {}", h.seq),
            &format!("{} — {}", utc(&h.recorded_at), title),
        );
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
            l.kv("    Logged", &utc(&r.recorded_at));
        }
    }
    if !i.exhibits.is_empty() || !i.withdrawn_attachments.is_empty() {
        l.space(4.0);
        l.para_at(F::Bold, 10.0, LEFT, WIDTH, "Exhibits");
        for r in &i.exhibits {
            if let Some(e) = d.exhibits.iter().find(|e| &e.reference == r) {
                l.kv(r, &format!("{} ({})", e.original_file_name, e.media_type));
                l.hash_line(LEFT + LABEL_W, "    SHA-256", &e.sha256);
            }
        }
        for w in &i.withdrawn_attachments {
            l.kv(
                "Withdrawn",
                &format!(
                    "{} — withdrawn {} — reason: {}",
                    w.original_file_name,
                    utc(&w.withdrawn_at),
                    w.reason
                ),
            );
            l.hash_line(LEFT + LABEL_W, "    SHA-256", &w.sha256);
        }
    }
}

fn exhibit_list(l: &mut Layout, d: &PackData) {
    l.new_page();
    l.heading("Exhibit list", 16.0);
    if d.exhibits.is_empty() {
        l.para("There are no exhibits in this pack.");
        return;
    }
    l.para("Each exhibit is in the exhibits folder of this pack under the name shown, byte for byte as it was attached.");
    for e in &d.exhibits {
        l.ensure(7.0 * LINE);
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
                .clone()
                .unwrap_or_else(|| "Not known".into()),
        );
        let exif = e.exif.clone().unwrap_or_default();
        l.kv(
            "EXIF capture time",
            exif.captured_at.as_deref().unwrap_or("None in file"),
        );
        let device = [exif.make, exif.model, exif.software]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" / ");
        l.kv("EXIF device", &device);
        l.kv("Attached", &format!("{} (device clock)", utc(&e.added_at)));
    }
}

fn images(l: &mut Layout, d: &PackData, load: &dyn Fn(i64) -> Result<Vec<u8>>) -> Result<()> {
    let shown: Vec<&Exhibit> = d
        .exhibits
        .iter()
        .filter(|e| crate::preview::may_preview(&e.media_type))
        .collect();
    if shown.is_empty() {
        return Ok(());
    }
    l.new_page();
    l.heading("Image exhibits", 16.0);
    l.para("Each image exhibit is reproduced below (scaled to fit the page); the original file is in the exhibits folder.");
    // Originals are read from the vault one batch at a time (bounded memory), and decoded and scaled on
    // parallel threads.
    let mut prepared_all = Vec::with_capacity(shown.len());
    for batch in shown.chunks(8) {
        let loaded = batch
            .iter()
            .map(|e| load(e.attachment_id))
            .collect::<Result<Vec<_>>>()?;
        let done: Vec<Option<(Vec<u8>, u32, u32)>> = std::thread::scope(|s| {
            let handles: Vec<_> = loaded
                .iter()
                .zip(batch)
                .map(|(b, e)| s.spawn(move || prepare_image(b, &e.media_type)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().ok().flatten())
                .collect()
        });
        prepared_all.extend(done.into_iter().map(|p| {
            p.and_then(|(jpeg, w, h)| Image::from_jpeg(jpeg.into(), true).ok().map(|i| (i, w, h)))
        }));
    }
    for (e, prepared) in shown.into_iter().zip(prepared_all) {
        l.ensure(120.0);
        l.space(8.0);
        l.para_at(
            F::Bold,
            10.5,
            LEFT,
            WIDTH,
            &format!("Exhibit {} — {}", e.reference, e.original_file_name),
        );
        match prepared {
            Some((img, w, h)) => {
                let max_h = (BOTTOM - TOP) * 0.72;
                let mut dh = WIDTH.min(w as f32 * 0.75) * h as f32 / w.max(1) as f32;
                dh = dh.min(max_h);
                l.ensure(dh + 4.0 + 3.0 * LINE);
                l.image(img, w, h);
            }
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

fn integrity(l: &mut Layout, d: &PackData) {
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
        "What this proves. If the checks below pass, the records and files in this pack have not been changed \
         since they were recorded in the diary, and each was recorded at the time shown, according to the clock \
         of the device that kept the diary. The incidents in this pack sit in one unbroken chain with the rest of \
         the diary, whose other entries are not shown (only their hashes are included, and each hides its content \
         behind a random salt).",
        "What this does not prove. The checks do not prove that what the records say is true, that a screenshot \
         shows a genuine message, who wrote a message, or that the device's clock was set correctly. Those are \
         matters of evidence for the investigator.",
        "How to verify. The pack contains SHA256SUMS (run \"sha256sum -c SHA256SUMS\" in the unzipped folder on \
         Linux or macOS, or use \"Get-FileHash\" / \"certutil -hashfile FILE SHA256\" on Windows), chain.json \
         (the chain proof, format evident-chain-proof/1), VERIFY.txt (the steps in plain English) and verify.html \
         (open it in a web browser and choose the unzipped folder or the ZIP: it checks every file, every exhibit \
         and the whole chain, offline). Evident's command-line tool does the same: evident-cli verify-pack PACK.zip.",
    ];
    for p in paras {
        l.para(p);
        l.space(6.0);
    }
    l.kv("Chain ends at entry", &d.chain_head.seq.to_string());
    l.hash_line(LEFT + LABEL_W, "Chain head hash", &d.chain_head.entry_hash);
}

fn stroke_rule(surface: &mut krilla::surface::Surface<'_>, y: f32, grey: u8) {
    let mut pb = PathBuilder::new();
    pb.move_to(LEFT, y);
    pb.line_to(LEFT + WIDTH, y);
    if let Some(path) = pb.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(grey, grey, grey).into(),
            width: 0.5,
            ..Default::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
        surface.set_fill(Some(Fill::default()));
    }
}

/// Renders the report. `load` returns an attachment's original bytes (for image exhibits).
pub fn render(
    d: &PackData,
    info: &ReportInfo<'_>,
    load: &dyn Fn(i64) -> Result<Vec<u8>>,
) -> Result<Vec<u8>> {
    let mut l = Layout::new()?;
    cover(&mut l, d, info);
    chronology(&mut l, d);
    people(&mut l, d);
    l.new_page();
    l.heading("Incidents", 16.0);
    for i in &d.incidents {
        incident(&mut l, d, i);
    }
    exhibit_list(&mut l, d);
    images(&mut l, d, load)?;
    integrity(&mut l, d);

    let font = |b: &'static [u8]| {
        Font::new(krilla::Data::from(Arc::new(b.to_vec())), 0)
            .ok_or_else(|| Error::internal("embedded font is unreadable"))
    };
    let fonts = [font(SANS)?, font(BOLD)?, font(MONO)?];
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(format!("Evidence pack {}", info.pack_id))
            .authors(vec![info.author_name.to_string()])
            .creator("Evident".to_string()),
    );
    let total = l.pages.len();
    let settings =
        PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| Error::internal("bad page size"))?;
    let header_left = clean_text(&format!("Record kept by {}", info.author_name));
    let header_right = format!("Pack {}", info.pack_id);
    let hr_w = l.m.width(F::Regular, 8.0, &header_right);
    for (n, ops) in l.pages.iter().enumerate() {
        let mut page = doc.start_page_with(settings.clone());
        let mut s = page.surface();
        s.set_fill(Some(Fill::default()));
        let footer = format!("Page {} of {}  ·  Pack {}", n + 1, total, info.pack_id);
        let fw = l.m.width(F::Regular, 8.0, &footer);
        let small = [
            (LEFT, 40.0, header_left.as_str()),
            (LEFT + WIDTH - hr_w, 40.0, header_right.as_str()),
            ((PAGE_W - fw) / 2.0, PAGE_H - 30.0, footer.as_str()),
        ];
        for (x, y, t) in small {
            s.draw_text(
                Point::from_xy(x, y),
                fonts[0].clone(),
                8.0,
                t,
                false,
                TextDirection::Auto,
            );
        }
        stroke_rule(&mut s, 48.0, 150);
        stroke_rule(&mut s, PAGE_H - 42.0, 150);
        for op in ops {
            match op {
                Op::Text {
                    f,
                    size,
                    x,
                    y,
                    s: t,
                } => {
                    s.draw_text(
                        Point::from_xy(*x, *y),
                        fonts[*f as usize].clone(),
                        *size,
                        t,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rule { y } => stroke_rule(&mut s, *y, 200),
                Op::Shade { y, h } => {
                    if let Some(r) = Rect::from_xywh(LEFT, *y, WIDTH, *h) {
                        let mut pb = PathBuilder::new();
                        pb.push_rect(r);
                        if let Some(path) = pb.finish() {
                            s.set_fill(Some(Fill {
                                paint: rgb::Color::new(232, 236, 240).into(),
                                ..Default::default()
                            }));
                            s.draw_path(&path);
                            s.set_fill(Some(Fill::default()));
                        }
                    }
                }
                Op::Image { idx, x, y, w, h } => {
                    if let (Some(img), Some(size)) = (l.images.get(*idx), Size::from_wh(*w, *h)) {
                        s.push_transform(&krilla::geom::Transform::from_translate(*x, *y));
                        s.draw_image(img.clone(), size);
                        s.pop();
                    }
                }
            }
        }
        s.finish();
        page.finish();
    }
    doc.finish()
        .map_err(|e| Error::internal(format!("the report could not be written: {e:?}")))
}
