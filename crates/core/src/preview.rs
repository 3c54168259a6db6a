//! Previews: small JPEG thumbnails made in memory, decoded under the limits of `crate::imaging`. Derived
//! data: never replaces the original, stored only inside the encrypted vault. Anything that cannot or must not
//! be decoded (SVG, hostile, truncated, oversize, unknown) simply has no preview.

use serde::{Deserialize, Serialize};

use crate::imaging;

/// Longest side of a preview, in pixels.
pub const PREVIEW_SIDE: u32 = 480;

/// A preview image.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Preview {
    /// Always `image/jpeg`.
    pub media_type: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The encoded preview.
    pub data: Vec<u8>,
}

/// Whether a media type is one we try to preview (raster images only; never SVG or other markup).
pub fn may_preview(media_type: &str) -> bool {
    imaging::may_decode(media_type)
}

/// Makes a preview, or `None` when the bytes cannot or must not be decoded.
pub fn make(bytes: &[u8], media_type: &str) -> Option<Preview> {
    let img = imaging::decode(bytes, media_type).ok()?;
    let thumb = img.thumbnail(PREVIEW_SIDE, PREVIEW_SIDE).to_rgb8();
    let mut data = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut data, 80);
    thumb.write_with_encoder(enc).ok()?;
    Some(Preview {
        media_type: "image/jpeg".to_string(),
        width: thumb.width(),
        height: thumb.height(),
        data,
    })
}
