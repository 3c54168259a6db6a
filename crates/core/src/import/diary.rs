//! An old diary kept in a spreadsheet: CSV (any of `,` `;` tab), or XLSX, XLSB and ODS through `calamine`. The
//! first sheet is read into a table of text cells; the person maps its columns to fields (date, time, what
//! happened, who, how, reference), sees the first rows and how each row becomes an incident, and every row that
//! does not parse is listed with its row number (as the spreadsheet numbers it), never dropped.
//!
//! Bounds: at most [`super::MAX_ITEMS`] rows and [`MAX_COLUMNS`] columns are read, each cell at most
//! [`super::MAX_TEXT_CHARS`] characters; an XLSX or ODS (a ZIP) is checked for expansion before it is opened,
//! an XLSX sheet is read cell by cell (a sheet claiming a million rows cannot make a huge grid), an ODS's
//! `content.xml` is checked for the grid its repeats claim before calamine builds it ([`MAX_GRID_CELLS`]), and a
//! legacy `.xls` is refused with a way forward (calamine builds its whole grid from cell positions alone).

use std::io::Cursor;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::date::{parse_date_and_time, parse_uk};
use super::{shorten, SourceFile, SourceProblem};
use crate::error::{Error, ErrorKind, Result};
use crate::incident::{IncidentFields, Occurred};

/// The most columns read from a sheet.
pub const MAX_COLUMNS: usize = 64;
/// The most bytes a spreadsheet's ZIP may expand to.
pub const MAX_EXPANDED: u64 = 256 * 1024 * 1024;

/// A sheet read as text: the header row (if any) and the data rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Table {
    /// Column names: the first row when it is a header row, else `Column A`, `Column B`…
    pub headers: Vec<String>,
    /// Data rows, each with its row number in the spreadsheet (from 1).
    pub rows: Vec<TableRow>,
    /// Whether the first row was taken as the header row.
    pub has_header: bool,
}

/// One data row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TableRow {
    /// Its row number in the spreadsheet (from 1; the header row is 1).
    #[ts(type = "number")]
    pub row: u64,
    /// Its cells as text.
    pub cells: Vec<String>,
}

/// Which column holds each field (column index from 0), chosen by the person (or guessed from the headers).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct ColumnMap {
    /// The date (may hold the time too).
    pub date: Option<u32>,
    /// The time, when it is in a column of its own.
    pub time: Option<u32>,
    /// What happened.
    pub what: Option<u32>,
    /// Who did it.
    pub who: Option<u32>,
    /// How it reached the person (in person, phone, email…).
    pub how: Option<u32>,
    /// A reference (police or council reference, crime number, link).
    pub reference: Option<u32>,
}

/// How one row becomes an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DiaryRow {
    /// The row number in the spreadsheet.
    #[ts(type = "number")]
    pub row: u64,
    /// The date and time cells as written there.
    pub shown_at: String,
    /// The incident's fields.
    pub fields: IncidentFields,
    /// Who, as written (a person linked by this name).
    pub who: String,
}

/// A preview of a diary: the first rows as read, every row as it would be recorded, the rows that do not parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DiaryPreview {
    /// Column names.
    pub headers: Vec<String>,
    /// The mapping used.
    pub map: ColumnMap,
    /// The first rows exactly as read (for the mapping screen).
    pub first_rows: Vec<TableRow>,
    /// Each row that parses, as an incident.
    pub rows: Vec<DiaryRow>,
    /// Each row that does not, with its row number and why.
    pub problems: Vec<SourceProblem>,
}

/// Reads the first sheet of a spreadsheet or a CSV file.
pub fn read_table(src: &SourceFile) -> Result<Table> {
    let grid = if src.is_zip() || src.bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        spreadsheet(src)?
    } else {
        csv_grid(src)?
    };
    Ok(table_from(grid))
}

fn bad(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidInput, message)
}

/// A grid of (row number, cells), blank rows left out.
type Grid = Vec<(u64, Vec<String>)>;

fn cell_text(s: &str) -> String {
    // One character over the incident's limit: such a row is then refused by validation and listed, never cut.
    s.trim().chars().take(super::MAX_TEXT_CHARS + 1).collect()
}

fn csv_grid(src: &SourceFile) -> Result<Grid> {
    let text = super::utf8_text(&src.name, &src.bytes).map_err(|e| {
        Error::new(e.kind(), e.message().to_string())
            .with_hint("Save the diary as CSV (UTF-8), or open the spreadsheet itself.")
    })?;
    let first = text.lines().next().unwrap_or("");
    let delim = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    let (mut line, mut counted) = (1u64, 0usize);
    for rec in r.records() {
        let rec =
            rec.map_err(|e| bad(format!("{} is not CSV that can be read ({e})", src.name)))?;
        // The csv crate does not count blank lines: count the newlines before the record's first byte.
        let mut at = rec
            .position()
            .map(|p| p.byte() as usize)
            .unwrap_or(0)
            .min(text.len());
        // Its position may be that of blank lines before it.
        while matches!(text.as_bytes().get(at), Some(b'\n' | b'\r')) {
            at += 1;
        }
        line += text.as_bytes()[counted..at]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        counted = at;
        let row = line;
        if grid.len() >= super::MAX_ITEMS {
            return Err(bad(format!(
                "{} has more than {} rows",
                src.name,
                super::MAX_ITEMS
            )));
        }
        let cells: Vec<String> = rec.iter().take(MAX_COLUMNS).map(cell_text).collect();
        if cells.iter().any(|c| !c.is_empty()) {
            grid.push((row, cells));
        }
    }
    Ok(grid)
}

/// A spreadsheet date or time (days since 30 December 1899) as UK-style text.
fn excel_serial(v: f64) -> String {
    if !v.is_finite() || !(0.0..=2_958_465.0).contains(&v) {
        return v.to_string();
    }
    let days = v.trunc() as i64;
    let secs = ((v - v.trunc()) * 86_400.0).round() as i64;
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    let dt = base.and_hms_opt(0, 0, 0).unwrap_or_default()
        + chrono::Duration::days(days)
        + chrono::Duration::seconds(secs);
    if days == 0 {
        dt.format("%H:%M").to_string()
    } else if secs == 0 {
        dt.format("%d/%m/%Y").to_string()
    } else {
        dt.format("%d/%m/%Y %H:%M").to_string()
    }
}

fn data_text(d: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef as D;
    match d {
        D::Int(i) => i.to_string(),
        D::Float(f) => f.to_string(),
        D::String(s) => cell_text(s),
        D::SharedString(s) => cell_text(s),
        D::Bool(b) => b.to_string(),
        D::DateTime(t) => excel_serial(t.as_f64()),
        D::DateTimeIso(s) | D::DurationIso(s) => cell_text(s),
        D::Error(e) => format!("#{e}"),
        D::Empty => String::new(),
    }
}

fn owned_text(d: &calamine::Data) -> String {
    use calamine::Data as D;
    match d {
        D::Int(i) => i.to_string(),
        D::Float(f) => f.to_string(),
        D::String(s) => cell_text(s),
        D::Bool(b) => b.to_string(),
        D::DateTime(t) => excel_serial(t.as_f64()),
        D::DateTimeIso(s) | D::DurationIso(s) => cell_text(s),
        D::Error(e) => format!("#{e}"),
        D::Empty => String::new(),
    }
}

/// The most cells an ODS sheet's grid may span (rows × columns up to its last filled cell): calamine builds the
/// whole grid, so a few bytes of `number-rows-repeated` could otherwise claim billions of cells.
pub const MAX_GRID_CELLS: u64 = 4_000_000;

/// Checks an ODS `content.xml` before calamine expands it: for every table, the grid up to the last cell with
/// content (repeats counted) stays within [`MAX_GRID_CELLS`], and so does the number of filled cells. Empty
/// repeated rows and cells (LibreOffice's padding to the sheet's edge) cost nothing and are allowed.
fn check_ods_grid(content: &[u8], name: &str) -> Result<()> {
    use quick_xml::events::Event;
    let too_big = |what: String| {
        bad(format!(
            "{name} {what}: more than {MAX_GRID_CELLS} cells, too large to read as a diary"
        ))
        .with_hint(
            "Copy the diary's rows into a new spreadsheet, or save it as .csv, and try again.",
        )
    };
    let repeat = |e: &quick_xml::events::BytesStart<'_>, key: &str| -> u64 {
        e.attributes()
            .flatten()
            .find(|a| a.key.local_name().as_ref() == key)
            .and_then(|a| a.value.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let text = std::str::from_utf8(content).map_err(|e| {
        bad(format!(
            "{name} is not a spreadsheet that can be read ({e})"
        ))
    })?;
    let mut r = quick_xml::reader::Reader::from_str(text);
    // Per table: rows so far, last row and column with content; per row: its repeat, columns so far, whether
    // it has content, and the open cell's repeat (its content is known at its end).
    let (mut row, mut max_row, mut max_col, mut filled) = (0u64, 0u64, 0u64, 0u64);
    let (mut rows_rep, mut col, mut row_filled) = (1u64, 0u64, 0u64);
    let mut open_cell: Option<u64> = None;
    loop {
        let ev = r.read_event().map_err(|e| {
            bad(format!(
                "{name} is not a spreadsheet that can be read ({e})"
            ))
        })?;
        match ev {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "table" => {
                (row, max_row, max_col) = (0, 0, 0);
            }
            Event::Start(e) if e.local_name().as_ref() == "table-row" => {
                rows_rep = repeat(&e, "number-rows-repeated");
                (col, row_filled) = (0, 0);
            }
            Event::Empty(e) if e.local_name().as_ref() == "table-row" => {
                row = row.saturating_add(repeat(&e, "number-rows-repeated"));
            }
            Event::End(e) if e.local_name().as_ref() == "table-row" => {
                if row_filled > 0 {
                    max_row = row.saturating_add(rows_rep);
                    filled = filled.saturating_add(row_filled.saturating_mul(rows_rep));
                }
                row = row.saturating_add(rows_rep);
            }
            // A cell written as one empty element has content only when it carries a value.
            Event::Empty(e)
                if matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") =>
            {
                let reps = repeat(&e, "number-columns-repeated");
                let valued = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.local_name().as_ref() == "value-type");
                col = col.saturating_add(reps);
                if valued {
                    row_filled = row_filled.saturating_add(reps);
                    max_col = max_col.max(col);
                }
            }
            // A cell with an end tag holds paragraphs: content, counted at its end.
            Event::Start(e)
                if matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") =>
            {
                open_cell = Some(repeat(&e, "number-columns-repeated"));
            }
            Event::End(e)
                if matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") =>
            {
                if let Some(reps) = open_cell.take() {
                    row_filled = row_filled.saturating_add(reps);
                    col = col.saturating_add(reps);
                    max_col = max_col.max(col);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if max_row.saturating_mul(max_col) > MAX_GRID_CELLS {
            return Err(too_big(format!(
                "spans {max_row} rows by {max_col} columns"
            )));
        }
        if filled > MAX_GRID_CELLS {
            return Err(too_big(format!("fills {filled} cells")));
        }
    }
    Ok(())
}

fn spreadsheet(src: &SourceFile) -> Result<Grid> {
    use calamine::Reader;
    if src.is_zip() {
        // Checked for expansion before calamine opens it.
        let (mut a, _) = super::archive::Archive::open(Cursor::new(src.bytes.as_slice()))?;
        let total: u64 = a.entries().iter().map(|e| e.size).sum();
        if total > MAX_EXPANDED {
            return Err(bad(format!(
                "{} expands to {total} bytes: too large to read as a diary",
                src.name
            )));
        }
        // An ODS: its grid is checked before calamine builds it (an XLSX is read cell by cell below).
        if let Some(content) = a
            .entries()
            .iter()
            .find(|e| e.name == "content.xml")
            .cloned()
        {
            let xml = a.read(&content, MAX_EXPANDED)?;
            check_ods_grid(&xml, &src.name)?;
        }
    } else if src.bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // A legacy .xls (BIFF in an OLE container): calamine builds its whole grid from the cells' positions, which
        // a crafted file can put billions of cells apart, and there is no cell-by-cell reader for it.
        return Err(bad(format!(
            "{} is an old-style Excel file (.xls), which is not read: a crafted one can claim more cells than this computer has memory for",
            src.name
        ))
        .with_hint("Open it in Excel or LibreOffice and save it as .xlsx, .ods or .csv, then import that."));
    }
    let unreadable = |e: &dyn std::fmt::Display| {
        bad(format!(
            "{} is not a spreadsheet that can be read ({e})",
            src.name
        ))
        .with_hint("Save it as .xlsx, .ods or .csv and try again.")
    };
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(src.bytes.as_slice()))
        .map_err(|e| unreadable(&e))?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| bad(format!("{} has no sheet", src.name)))?;
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    let mut put = |r: u32, c: u32, text: String| -> Result<()> {
        if text.is_empty() || c as usize >= MAX_COLUMNS {
            return Ok(());
        }
        if !rows.contains_key(&r) && rows.len() >= super::MAX_ITEMS {
            return Err(bad(format!(
                "{} has more than {} rows",
                src.name,
                super::MAX_ITEMS
            )));
        }
        let row = rows.entry(r).or_default();
        if row.len() <= c as usize {
            row.resize(c as usize + 1, String::new());
        }
        row[c as usize] = text;
        Ok(())
    };
    match &mut book {
        calamine::Sheets::Xlsx(x) => {
            let mut cells = x
                .worksheet_cells_reader(&first)
                .map_err(|e| unreadable(&e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
                let (r, c) = cell.get_position();
                put(r, c, data_text(cell.get_value()))?;
            }
        }
        other => {
            let range = other.worksheet_range(&first).map_err(|e| unreadable(&e))?;
            for (r, c, v) in range.used_cells() {
                put(r as u32, c as u32, owned_text(v))?;
            }
            let (r0, c0) = range.start().unwrap_or((0, 0));
            // used_cells() counts from the range's start: shift back to sheet positions.
            let shifted: std::collections::BTreeMap<u32, Vec<String>> = std::mem::take(&mut rows)
                .into_iter()
                .map(|(r, mut cells)| {
                    let mut v = vec![String::new(); c0 as usize];
                    v.append(&mut cells);
                    v.truncate(MAX_COLUMNS);
                    (r + r0, v)
                })
                .collect();
            rows = shifted;
        }
    }
    Ok(rows
        .into_iter()
        .map(|(r, cells)| (r as u64 + 1, cells))
        .collect())
}

fn table_from(grid: Grid) -> Table {
    let width = grid.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    let looks_like_header = grid.first().is_some_and(|(_, cells)| {
        cells.iter().all(|c| parse_uk(c).is_none())
            && cells.iter().any(|c| c.chars().any(char::is_alphabetic))
    });
    let mut rows: Vec<TableRow> = grid
        .into_iter()
        .map(|(row, mut cells)| {
            cells.resize(width, String::new());
            TableRow { row, cells }
        })
        .collect();
    let headers = if looks_like_header && !rows.is_empty() {
        let h = rows.remove(0).cells;
        h.into_iter()
            .enumerate()
            .map(|(i, s)| if s.is_empty() { column_name(i) } else { s })
            .collect()
    } else {
        (0..width).map(column_name).collect()
    };
    Table {
        headers,
        rows,
        has_header: looks_like_header,
    }
}

/// `Column A`, `Column B`… `Column AA`.
fn column_name(i: usize) -> String {
    let mut n = i + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    format!("Column {s}")
}

/// Guesses the mapping from the header names.
pub fn guess_map(t: &Table) -> ColumnMap {
    let mut m = ColumnMap::default();
    let find = |words: &[&str]| -> Option<u32> {
        t.headers
            .iter()
            .position(|h| {
                let h = h.to_lowercase();
                words
                    .iter()
                    .any(|w| h.split(|c: char| !c.is_alphanumeric()).any(|x| x == *w))
            })
            .map(|i| i as u32)
    };
    m.date = find(&["date", "day", "when"]);
    m.time = find(&["time"]).filter(|t| Some(*t) != m.date);
    m.what = find(&[
        "what",
        "happened",
        "description",
        "details",
        "incident",
        "summary",
        "notes",
        "event",
    ]);
    m.who = find(&[
        "who",
        "person",
        "perpetrator",
        "name",
        "from",
        "sender",
        "suspect",
    ]);
    m.how = find(&["how", "method", "channel", "via", "type", "medium"]);
    m.reference = find(&["reference", "ref", "crime", "log", "url", "link", "number"]);
    if m.date.is_none() && !t.headers.is_empty() {
        // No header row: the first column where most cells are dates.
        m.date = (0..t.headers.len())
            .find(|&c| {
                let n = t
                    .rows
                    .iter()
                    .take(20)
                    .filter(|r| parse_uk(&r.cells[c]).is_some())
                    .count();
                n * 2 > t.rows.len().min(20)
            })
            .map(|c| c as u32);
        if m.what.is_none() {
            m.what = (0..t.headers.len())
                .filter(|&c| Some(c as u32) != m.date)
                .max_by_key(|&c| {
                    t.rows
                        .iter()
                        .take(20)
                        .map(|r| r.cells[c].len())
                        .sum::<usize>()
                })
                .map(|c| c as u32);
        }
    }
    m
}

/// The channel code for a "how" cell, when it clearly names one.
fn channel_for(how: &str) -> Option<String> {
    let h = how.to_lowercase();
    let r = crate::reference::reference();
    if let Some(c) = r
        .channels
        .iter()
        .find(|c| c.code == h || c.label.to_lowercase() == h)
    {
        return Some(c.code.clone());
    }
    let pick = |code: &str| Some(code.to_string());
    let words = |ws: &[&str]| ws.iter().any(|w| h.contains(w));
    if words(&["voicemail"]) {
        pick("voicemail")
    } else if words(&["phone", "call", "rang"]) {
        pick("phone")
    } else if words(&["email", "e-mail"]) {
        pick("email")
    } else if words(&["text", "sms", "whatsapp", "messag", "signal", "telegram"]) {
        pick("text_message")
    } else if words(&["letter", "post card", "postcard", "note through"]) {
        pick("letter")
    } else if words(&[
        "facebook",
        "twitter",
        "x.com",
        "instagram",
        "tiktok",
        "social",
        "online post",
    ]) {
        pick("social_media")
    } else if words(&["surgery"]) {
        pick("ward_surgery")
    } else if words(&["doorstep", "door"]) {
        pick("doorstep")
    } else if words(&["meeting"]) {
        pick("public_meeting")
    } else if words(&["street", "canvass"]) {
        pick("street")
    } else if words(&["website", "blog"]) {
        pick("website")
    } else {
        None
    }
}

fn cell(r: &TableRow, c: Option<u32>) -> &str {
    c.and_then(|c| r.cells.get(c as usize))
        .map(String::as_str)
        .unwrap_or("")
}

/// How every row becomes an incident under `map`, and which rows do not parse.
pub fn preview(t: &Table, map: &ColumnMap, first_rows: usize) -> Result<DiaryPreview> {
    let width = t.headers.len() as u32;
    for c in [
        map.date,
        map.time,
        map.what,
        map.who,
        map.how,
        map.reference,
    ]
    .into_iter()
    .flatten()
    {
        if c >= width {
            return Err(bad(format!(
                "column {} does not exist: the sheet has {width}",
                c + 1
            )));
        }
    }
    if map.date.is_none() {
        return Err(bad("choose the column that holds the date"));
    }
    if map.what.is_none() {
        return Err(bad("choose the column that says what happened"));
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for r in &t.rows {
        let date = cell(r, map.date);
        let time = cell(r, map.time);
        let what = cell(r, map.what);
        let shown = if time.is_empty() {
            date.to_string()
        } else {
            format!("{date} {time}")
        };
        let problem = |reason: String| SourceProblem {
            at: r.row,
            reason,
            text: shorten(&r.cells.join(" | "), 120),
        };
        let Some(when) = parse_date_and_time(date, time) else {
            problems.push(problem(if date.is_empty() {
                "no date in the date column".to_string()
            } else {
                format!("'{}' is not a date Evident understands (day first, e.g. 21/11/2026 or 21 Nov 2026)", shorten(&shown, 40))
            }));
            continue;
        };
        let Some((t, approximate)) = when.to_uk() else {
            problems.push(problem(format!(
                "'{shown}' does not exist in UK time (the clocks went forward)"
            )));
            continue;
        };
        if what.is_empty() {
            problems.push(problem(
                "nothing in the column that says what happened".to_string(),
            ));
            continue;
        }
        let how = cell(r, map.how);
        let reference = cell(r, map.reference);
        let mut description = what.to_string();
        if !how.is_empty() && channel_for(how).is_none() {
            description.push_str(&format!("\n\nHow: {how}"));
        }
        let mut fields = IncidentFields {
            occurred: Some(Occurred {
                start: t.to_rfc3339(),
                end: None,
                approximate,
            }),
            channel: if how.is_empty() {
                None
            } else {
                channel_for(how)
            },
            summary: shorten(what, 100),
            description,
            post_time_shown: shown.clone(),
            ..Default::default()
        };
        if reference.starts_with("http://") || reference.starts_with("https://") {
            fields.url = reference.to_string();
        } else if !reference.is_empty() {
            fields
                .description
                .push_str(&format!("\n\nReference: {reference}"));
        }
        // What the vault would refuse (text over its limits) is listed here, with the row, not recorded.
        if let Err(e) = fields.clone().validated() {
            problems.push(problem(e.message().to_string()));
            continue;
        }
        rows.push(DiaryRow {
            row: r.row,
            shown_at: shown,
            fields,
            who: cell(r, map.who).to_string(),
        });
    }
    Ok(DiaryPreview {
        headers: t.headers.clone(),
        map: map.clone(),
        first_rows: t.rows.iter().take(first_rows).cloned().collect(),
        rows,
        problems,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const CSV: &str = "Date,Time,What happened,Who,How,Reference\n\
21/11/2026,21:30,\"Shouted at me outside the surgery, said \"\"you'll pay\"\"\",Dave Smith,In person,\n\
22 Nov 2026,,Three abusive emails,Dave Smith,Email,CAD 1234\n\
\n\
sometime last week,,Left a note on my car,Unknown,Letter,\n\
23/11/26 08:15,,Posted my address,@angry_dave,Facebook,https://facebook.com/post/1\n";

    /// An ODS-shaped ZIP holding only `content.xml` with `rows` inside its one table.
    fn ods(rows: &str) -> SourceFile {
        use std::io::Write;
        let xml = format!(
            "<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:spreadsheet><table:table table:name=\"Diary\">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
        );
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default();
        w.start_file(
            "mimetype",
            o.compression_method(zip::CompressionMethod::Stored),
        )
        .unwrap();
        w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        w.start_file("META-INF/manifest.xml", o).unwrap();
        w.write_all(b"<?xml version=\"1.0\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>").unwrap();
        w.start_file("content.xml", o).unwrap();
        w.write_all(xml.as_bytes()).unwrap();
        SourceFile::from_bytes("diary.ods", w.finish().unwrap().into_inner())
    }

    const CELL: &str =
        "<table:table-cell office:value-type=\"string\"><text:p>x</text:p></table:table-cell>";

    #[test]
    fn an_ods_claiming_a_huge_grid_is_refused_before_it_is_built() {
        // Half a billion filled rows, in a few hundred bytes.
        let tall = ods(&format!(
            "<table:table-row table:number-rows-repeated=\"500000000\">{CELL}</table:table-row>"
        ));
        let e = read_table(&tall).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(
            e.message().contains("too large to read as a diary"),
            "{}",
            e.message()
        );
        // One filled cell far to the right, far down.
        let far = ods(&format!(
            "<table:table-row>{CELL}</table:table-row><table:table-row table:number-rows-repeated=\"9000\"><table:table-cell table:number-columns-repeated=\"1000\"/>{CELL}</table:table-row>"
        ));
        assert!(read_table(&far).is_err());
        // Repeated cells with a value count, written as one empty element too.
        let wide = ods(
            "<table:table-row table:number-rows-repeated=\"100\"><table:table-cell office:value-type=\"float\" office:value=\"1\" table:number-columns-repeated=\"60000\"/></table:table-row>"
        );
        assert!(read_table(&wide).is_err());
    }

    #[test]
    fn a_small_ods_diary_is_read() {
        let row = |a: &str, b: &str| {
            format!("<table:table-row><table:table-cell office:value-type=\"string\"><text:p>{a}</text:p></table:table-cell><table:table-cell office:value-type=\"string\"><text:p>{b}</text:p></table:table-cell></table:table-row>")
        };
        let t = read_table(&ods(&format!(
            "{}{}<table:table-row table:number-rows-repeated=\"1048574\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>",
            row("Date", "What happened"),
            row("21/11/2026", "Shouted at me")
        )))
        .unwrap();
        assert!(t.has_header);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].cells, vec!["21/11/2026", "Shouted at me"]);
    }

    #[test]
    fn an_ods_padded_to_the_sheet_edge_passes_the_grid_check() {
        // What LibreOffice writes: a few rows, then empty rows and cells repeated to the sheet's edge.
        let xml = format!(
            "<table:table><table:table-row>{CELL}{CELL}<table:table-cell table:number-columns-repeated=\"16382\"/></table:table-row><table:table-row table:number-rows-repeated=\"1048575\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row></table:table>"
        );
        check_ods_grid(xml.as_bytes(), "diary.ods").unwrap();
    }

    #[test]
    fn a_legacy_xls_is_refused_with_a_way_forward() {
        let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        b.resize(4096, 0);
        let e = read_table(&SourceFile::from_bytes("diary.xls", b)).unwrap_err();
        assert!(e.message().contains(".xls"), "{}", e.message());
        assert!(e.hint().unwrap_or_default().contains(".xlsx"));
    }

    #[test]
    fn csv_diary_with_a_bad_row() {
        let t = read_table(&SourceFile::from_bytes(
            "diary.csv",
            CSV.as_bytes().to_vec(),
        ))
        .unwrap();
        assert!(t.has_header);
        assert_eq!(t.headers[2], "What happened");
        let map = guess_map(&t);
        assert_eq!(
            map,
            ColumnMap {
                date: Some(0),
                time: Some(1),
                what: Some(2),
                who: Some(3),
                how: Some(4),
                reference: Some(5)
            }
        );
        let p = preview(&t, &map, 2).unwrap();
        assert_eq!(p.first_rows.len(), 2);
        assert_eq!(p.rows.len(), 3);
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].at, 5, "the spreadsheet's own row number");
        let r = &p.rows[0];
        assert_eq!(r.row, 2);
        assert_eq!(p.rows[2].row, 6);
        assert_eq!(
            r.fields.occurred.as_ref().unwrap().start,
            "2026-11-21T21:30:00+00:00"
        );
        assert_eq!(
            r.fields.description,
            "Shouted at me outside the surgery, said \"you'll pay\"\n\nHow: In person"
        );
        assert_eq!(r.who, "Dave Smith");
        assert_eq!(r.fields.channel, None);
        assert!(p.rows[1].fields.occurred.as_ref().unwrap().approximate);
        assert_eq!(p.rows[1].fields.channel.as_deref(), Some("email"));
        assert!(p.rows[1]
            .fields
            .description
            .ends_with("Reference: CAD 1234"));
        assert_eq!(p.rows[2].fields.url, "https://facebook.com/post/1");
        assert_eq!(p.rows[2].fields.channel.as_deref(), Some("social_media"));
        assert_eq!(p.rows[2].shown_at, "23/11/26 08:15");
        for r in &p.rows {
            r.fields.clone().validated().unwrap();
        }
    }

    #[test]
    fn mapping_errors_are_typed() {
        let t = read_table(&SourceFile::from_bytes("d.csv", CSV.as_bytes().to_vec())).unwrap();
        let err = preview(
            &t,
            &ColumnMap {
                date: Some(99),
                what: Some(2),
                ..Default::default()
            },
            5,
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(preview(
            &t,
            &ColumnMap {
                what: Some(2),
                ..Default::default()
            },
            5
        )
        .is_err());
    }

    #[test]
    fn an_over_long_row_is_listed_not_cut() {
        let long = "x".repeat(super::super::MAX_TEXT_CHARS + 10);
        let csv = format!("Date,What\n21/11/2026,{long}\n22/11/2026,fine\n");
        let t = read_table(&SourceFile::from_bytes("d.csv", csv.into_bytes())).unwrap();
        let p = preview(&t, &guess_map(&t), 5).unwrap();
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].at, 2);
    }

    #[test]
    fn serial_dates() {
        assert_eq!(excel_serial(46347.0), "21/11/2026");
        assert_eq!(excel_serial(46347.895833333336), "21/11/2026 21:30");
        assert_eq!(excel_serial(0.5), "12:00");
    }

    #[test]
    fn no_header_row() {
        let t = read_table(&SourceFile::from_bytes(
            "d.csv",
            b"21/11/2026;Threat by phone\n22/11/2026;Another\n".to_vec(),
        ))
        .unwrap();
        assert!(!t.has_header);
        assert_eq!(t.headers, vec!["Column A", "Column B"]);
        let m = guess_map(&t);
        assert_eq!((m.date, m.what), (Some(0), Some(1)));
        assert_eq!(preview(&t, &m, 5).unwrap().rows.len(), 2);
    }

    #[test]
    fn garbage_is_a_typed_error() {
        let err = read_table(&SourceFile::from_bytes(
            "d.xlsx",
            b"PK\x03\x04garbage".to_vec(),
        ))
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }
}
