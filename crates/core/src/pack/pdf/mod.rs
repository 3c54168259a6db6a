//! `report.pdf`: a real PDF with selectable text (DejaVu fonts embedded), laid out in two passes — first into
//! pages of drawing operations, then drawn with krilla once the page count is known, so every page says
//! "Page X of Y" with the pack id. Text written by others is only ever drawn as text. This module owns the
//! order of the report; `layout` the page machinery, `sections` what each section says, `images` the
//! image exhibits made ready for embedding.

mod images;
mod layout;
mod sections;

use crate::error::Result;

use super::select::PackData;
use super::Recipient;

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

/// Renders the report. `load` returns an attachment's original bytes (for image exhibits).
pub fn render(
    d: &PackData,
    info: &ReportInfo<'_>,
    load: &dyn Fn(i64) -> Result<Vec<u8>>,
) -> Result<Vec<u8>> {
    let mut l = layout::Layout::new()?;
    sections::cover(&mut l, d, info);
    sections::chronology(&mut l, d);
    sections::people(&mut l, d);
    l.new_page();
    l.heading("Incidents", 16.0);
    for i in &d.incidents {
        sections::incident(&mut l, d, i);
    }
    sections::exhibit_list(&mut l, d);
    sections::image_exhibits(&mut l, d, load)?;
    sections::integrity(&mut l, d);
    l.draw(info)
}
