//! Previews: small JPEG thumbnails made in memory with strict decode limits. Derived data: never replaces the
//! original, stored only inside the encrypted vault. Anything that cannot or must not be decoded (SVG, hostile,
//! truncated, unknown) simply has no preview.

use serde::{Deserialize, Serialize};

/// Longest side of a preview, in pixels.
pub const PREVIEW_SIDE: u32 = 480;
/// Largest image (in pixels) we agree to decode for a preview: about a 100-megapixel photo.
const MAX_PIXELS: u64 = 100_000_000;
/// Largest allocation the decoder may make.
const MAX_ALLOC: u64 = 512 * 1024 * 1024;

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
    matches!(
        media_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/bmp" | "image/tiff"
    )
}

/// Makes a preview, or `None` when the bytes cannot or must not be decoded.
pub fn make(bytes: &[u8], media_type: &str) -> Option<Preview> {
    if !may_preview(media_type) {
        return None;
    }
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_ALLOC);
    limits.max_image_width = Some(50_000);
    limits.max_image_height = Some(50_000);
    reader.limits(limits);
    // Check the declared size before decoding anything (decompression bombs declare huge sizes).
    let probe = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let (w, h) = probe.into_dimensions().ok()?;
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return None;
    }
    let img = reader.decode().ok()?;
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
