//! `report.pdf`: a real PDF with selectable text (DejaVu fonts embedded), laid out in two passes — first into
//! pages of drawing operations, then drawn with krilla once the page count is known, so every page says
//! "Page X of Y" with the pack id. Text written by others is only ever drawn as text. This module owns the
//! order of the report; `layout` the page machinery, `sections` what each section says, `images` the
//! image exhibits made ready for embedding.

mod images;
mod layout;
mod sections;

use crate::anchor::AnchorView;
use crate::error::Result;

use super::select::PackData;
use super::stamps::{RecordTime, TimedRecord};
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
    /// The diary's signing key: its OpenPGP fingerprint as people read it (ten groups of four).
    pub signing_fingerprint: &'a str,
}

/// What independent time-stamps prove about the pack's records.
pub struct Stamped<'a> {
    /// Each incident's and exhibit's time.
    pub times: &'a [RecordTime],
    /// The anchors of the chain proof, in chain order.
    pub anchors: &'a [AnchorView],
    /// Times to note in the records (`clock::notes`), worked out once.
    pub clock: Vec<super::clock::ClockNote>,
}

impl Stamped<'_> {
    fn incident(&self, id: i64) -> Option<&RecordTime> {
        self.times
            .iter()
            .find(|t| t.record == TimedRecord::Incident && t.incident_id == id)
    }

    fn exhibit(&self, reference: &str) -> Option<&RecordTime> {
        self.times
            .iter()
            .find(|t| t.record == TimedRecord::Exhibit && t.exhibit.as_deref() == Some(reference))
    }
}

/// Renders the report. `times` and `anchors` say what the time-stamps prove; `load` returns an attachment's
/// original bytes (for image exhibits).
pub fn render(
    d: &PackData,
    info: &ReportInfo<'_>,
    times: &[RecordTime],
    anchors: &[AnchorView],
    load: &dyn Fn(i64) -> Result<Vec<u8>>,
) -> Result<Vec<u8>> {
    let st = Stamped {
        times,
        anchors,
        clock: super::clock::notes(d),
    };
    let mut l = layout::Layout::new()?;
    l.set_crime_references(&sections::crime_references(d, info));
    sections::cover(&mut l, d, info, &st);
    l.new_page();
    sections::preservation(&mut l, d);
    sections::witnesses(&mut l, d);
    sections::chronology(&mut l, d);
    sections::people(&mut l, d);
    l.new_page();
    l.heading("Incidents", 16.0);
    for i in &d.incidents {
        sections::incident(&mut l, d, i, &st);
    }
    sections::exhibit_list(&mut l, d, &st);
    sections::image_exhibits(&mut l, d, load)?;
    sections::text_exhibits(&mut l, d, load)?;
    sections::integrity(&mut l, d, &st);
    sections::contact_page(&mut l, info);
    l.draw(info)
}

/// The one-page handover receipt: `rows` are the labelled figures (hashes in the monospace font), then lines
/// for the officer to fill in, then `notes`.
pub fn receipt(rows: &[(&str, String)], notes: &[&str], info: &ReportInfo<'_>) -> Result<Vec<u8>> {
    let mut l = layout::Layout::new()?;
    l.set_crime_references(
        &info
            .recipient
            .crime_reference
            .iter()
            .cloned()
            .collect::<Vec<_>>(),
    );
    l.space(10.0);
    l.heading("Evidence pack handover receipt", 18.0);
    l.rule();
    l.space(4.0);
    for (k, v) in rows {
        if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
            l.hash_line(layout::LEFT + layout::LABEL_W, k, v);
        } else {
            l.kv(k, v);
        }
    }
    l.space(14.0);
    for k in [
        "Officer's exhibit label",
        "Received by (name, number)",
        "Date and time received",
    ] {
        l.kv(k, "______________________________________________");
        l.space(8.0);
    }
    l.space(6.0);
    l.rule();
    for n in notes {
        l.para(n);
        l.space(4.0);
    }
    l.draw(info)
}
