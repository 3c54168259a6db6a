//! The report's page machinery: the embedded DejaVu fonts and their metrics, word wrap, the layout pass
//! (paragraphs, labelled fields, hashes, tables, images, pagination) into pages of drawing operations, and
//! the drawing pass with krilla, which adds each page's header and "Page X of Y" footer once the page count
//! is known. Text written by others is only ever drawn as text.

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

use super::super::sanitize::clean_text;
use super::ReportInfo;

static SANS: &[u8] = include_bytes!("../../../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../../../assets/fonts/DejaVuSans-Bold.ttf");
static MONO: &[u8] = include_bytes!("../../../../../assets/fonts/DejaVuSansMono.ttf");

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
/// Left margin, in points.
pub(super) const LEFT: f32 = 50.0;
/// Width of the text column, in points.
pub(super) const WIDTH: f32 = PAGE_W - 2.0 * LEFT;
/// Where the body of a page starts, in points from the top.
pub(super) const TOP: f32 = 68.0;
/// Where the body of a page ends, in points from the top.
pub(super) const BOTTOM: f32 = PAGE_H - 58.0;
/// Body text size.
pub(super) const BODY: f32 = 9.5;
/// Line height of labelled fields and hashes.
pub(super) const LINE: f32 = 12.5;
/// Width of the label column of a labelled field.
pub(super) const LABEL_W: f32 = 140.0;
/// Hashes are drawn in DejaVu Sans Mono at this size: 64 hex digits take 64 × 0.602 × 8 ≈ 308 pt, so a hash is
/// never wrapped and text extraction gives it whole.
const HASH_SIZE: f32 = 8.0;

/// The three embedded faces, in the order of the fonts handed to krilla.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum F {
    /// DejaVu Sans.
    Regular,
    /// DejaVu Sans Bold.
    Bold,
    /// DejaVu Sans Mono (hashes).
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

/// The report laid out as pages of drawing operations, with the cursor on the last page.
pub(super) struct Layout {
    m: Metrics,
    pages: Vec<Vec<Op>>,
    y: f32,
    images: Vec<Image>,
    crime_refs: String,
}

impl Layout {
    /// An empty layout: one blank page, the cursor at its top.
    pub(super) fn new() -> Result<Self> {
        Ok(Self {
            m: Metrics::new()?,
            pages: vec![Vec::new()],
            y: TOP,
            images: Vec::new(),
            crime_refs: String::new(),
        })
    }

    /// The crime references every page header carries (none: the header says so).
    pub(super) fn set_crime_references(&mut self, refs: &[String]) {
        self.crime_refs = refs.join("; ");
    }

    fn page_is_empty(&self) -> bool {
        self.pages.last().is_none_or(|p| p.is_empty())
    }

    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let n = self.pages.len() - 1;
        &mut self.pages[n]
    }

    /// Starts a new page (none when this page is still empty, so no blank page is ever made).
    pub(super) fn new_page(&mut self) {
        if !self.page_is_empty() {
            self.pages.push(Vec::new());
        }
        self.y = TOP;
    }

    /// Starts a new page unless `h` points still fit on this one (or this one is still empty).
    pub(super) fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    /// Vertical space.
    pub(super) fn space(&mut self, h: f32) {
        self.y += h;
    }

    fn line_at(&mut self, f: F, size: f32, x: f32, s: String) {
        let y = self.y + size;
        if !s.is_empty() {
            self.page().push(Op::Text { f, size, x, y, s });
        }
    }

    /// A wrapped paragraph in the given face and size, at `x`, no wider than `width`.
    pub(super) fn para_at(&mut self, f: F, size: f32, x: f32, width: f32, text: &str) {
        let lh = size * 1.32;
        let lines = self.m.wrap(f, size, width, text);
        // A short paragraph is kept whole: never one line run over onto a page of its own.
        if lines.len() <= 8 {
            self.ensure(lh * lines.len() as f32);
        }
        for l in lines {
            self.ensure(lh);
            self.line_at(f, size, x, l);
            self.y += lh;
        }
    }

    /// A wrapped paragraph of body text.
    pub(super) fn para(&mut self, text: &str) {
        self.para_at(F::Regular, BODY, LEFT, WIDTH, text);
    }

    /// A bold heading, kept with at least three lines of what follows.
    pub(super) fn heading(&mut self, text: &str, size: f32) {
        self.ensure(size * 1.4 + 3.0 * LINE);
        self.space(size * 0.5);
        self.para_at(F::Bold, size, LEFT, WIDTH, text);
        self.space(size * 0.3);
    }

    /// A thin horizontal rule across the text column.
    pub(super) fn rule(&mut self) {
        self.ensure(6.0);
        let y = self.y + 2.0;
        self.page().push(Op::Rule { y });
        self.y += 6.0;
    }

    /// A labelled field; the value wraps beside the label.
    pub(super) fn kv(&mut self, label: &str, value: &str) {
        if value.trim().is_empty() {
            return;
        }
        let lines = self.m.wrap(F::Regular, BODY, WIDTH - LABEL_W, value);
        if lines.len() <= 6 {
            self.ensure(LINE * lines.len() as f32);
        }
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
    pub(super) fn hash_line(&mut self, x: f32, label: &str, hash: &str) {
        self.ensure(LINE);
        if !label.is_empty() {
            self.line_at(F::Bold, BODY, LEFT, label.to_string());
        }
        self.line_at(F::Mono, HASH_SIZE, x, hash.to_string());
        self.y += LINE;
    }

    /// A table; each row's cells wrap; the header repeats on a new page.
    pub(super) fn table(&mut self, widths: &[f32], header: &[&str], rows: &[Vec<String>]) {
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

    /// An image of `px_w` × `px_h` pixels, drawn at [`image_size`].
    pub(super) fn image(&mut self, img: Image, px_w: u32, px_h: u32) {
        let (w, h) = image_size(px_w, px_h);
        self.ensure(h + 4.0);
        let idx = self.images.len();
        self.images.push(img);
        let (x, y) = (LEFT, self.y);
        self.page().push(Op::Image { idx, x, y, w, h });
        self.y += h + 4.0;
    }

    /// Draws the laid-out pages with krilla, each with its header and "Page X of Y" footer.
    pub(super) fn draw(&self, info: &ReportInfo<'_>) -> Result<Vec<u8>> {
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
        let total = self.pages.len();
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| Error::internal("bad page size"))?;
        let header_left = clean_text(&format!("Record kept by {}", info.author_name));
        let header_right = format!("Pack {}", info.pack_id);
        let hr_w = self.m.width(F::Regular, 8.0, &header_right);
        let marking = "OFFICIAL-SENSITIVE: contains personal information";
        let crime = clean_text(&if self.crime_refs.is_empty() {
            "Crime reference: none given".to_string()
        } else {
            format!("Crime reference: {}", self.crime_refs)
        });
        let cr_w = self.m.width(F::Bold, 8.0, &crime);
        for (n, ops) in self.pages.iter().enumerate() {
            let mut page = doc.start_page_with(settings.clone());
            let mut s = page.surface();
            s.set_fill(Some(Fill::default()));
            let footer = format!("Page {} of {}  ·  Pack {}", n + 1, total, info.pack_id);
            let fw = self.m.width(F::Regular, 8.0, &footer);
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
            for (x, t) in [(LEFT, marking), (LEFT + WIDTH - cr_w, crime.as_str())] {
                s.draw_text(
                    Point::from_xy(x, 29.0),
                    fonts[1].clone(),
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
                        if let (Some(img), Some(size)) =
                            (self.images.get(*idx), Size::from_wh(*w, *h))
                        {
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
}

/// The size an image of `px_w` × `px_h` pixels is drawn at, in points: scaled to the column and to at most
/// 72% of the page height.
pub(super) fn image_size(px_w: u32, px_h: u32) -> (f32, f32) {
    let max_h = (BOTTOM - TOP) * 0.72;
    let mut w = WIDTH.min(px_w as f32 * 0.75).max(60.0_f32.min(WIDTH));
    let mut h = w * px_h as f32 / px_w.max(1) as f32;
    if h > max_h {
        h = max_h;
        w = h * px_w as f32 / px_h.max(1) as f32;
    }
    (w, h)
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
