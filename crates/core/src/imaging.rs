//! The one safe image decoder: which media types are ever decoded, and the limits every decode runs under
//! (per-side and total pixel counts checked from the header before any pixel is decoded, and an allocation
//! cap for the decoder itself). Previews and the images in the pack's report both decode through here.
//! HEIC/HEIF (iPhone photos) decode through the system libheif (Debian's `libheif-dev`, via `libheif-rs`) on
//! Linux, under the same limits; elsewhere they are not decoded (no preview, the file still kept).
//! A leaf: it knows nothing of the vault or the pack.

use std::io::Cursor;

use image::{DynamicImage, ImageReader, Limits};

/// Longest side, in pixels, of an image we agree to decode.
pub const MAX_SIDE: u32 = 50_000;
/// Largest image, in pixels, we agree to decode: about a 100-megapixel photo.
pub const MAX_PIXELS: u64 = 100_000_000;
/// Largest allocation the decoder may make, in bytes.
pub const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// Why an image was not decoded. Callers treat every case the same (no preview, not reproduced); the
/// distinction is for tests and diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeRefused {
    /// The media type is not one we decode (only raster images; never SVG or other markup).
    NotAnImage,
    /// The bytes are not a readable image of a known format.
    Unreadable,
    /// The header declares no pixels.
    Empty,
    /// The header declares a side over [`MAX_SIDE`] or more than [`MAX_PIXELS`] pixels.
    Oversize,
    /// The decoder failed (truncated, corrupt, hostile, or over [`MAX_ALLOC`]).
    Undecodable,
}

/// Whether a media type is one we ever decode (raster images only; never SVG or other markup).
pub fn may_decode(media_type: &str) -> bool {
    matches!(
        media_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/bmp" | "image/tiff"
    ) || is_heif(media_type)
}

/// Whether an image decodes to the same pixels on every machine (the pure-Rust decoders), so that the report
/// can embed it and `verify-pack` can render the report again byte for byte anywhere. HEIC/HEIF (decoded by the
/// system libheif, present on Linux only and differing between versions) gets a preview but is not reproduced
/// in the report: the original is in the pack.
pub fn reproducible(media_type: &str) -> bool {
    may_decode(media_type) && !matches!(media_type, "image/heif" | "image/heic")
}

/// Whether a media type is HEIC/HEIF, decoded through libheif where it is built in (Linux).
fn is_heif(media_type: &str) -> bool {
    cfg!(target_os = "linux") && matches!(media_type, "image/heif" | "image/heic")
}

/// Refuses a declared size over the limits.
fn within_limits(w: u32, h: u32) -> Result<(u32, u32), DecodeRefused> {
    if w == 0 || h == 0 {
        return Err(DecodeRefused::Empty);
    }
    if w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(DecodeRefused::Oversize);
    }
    Ok((w, h))
}

/// Reads the width and height an image declares, without decoding it, and refuses it if it is not an image
/// we decode or is over the limits.
pub fn dimensions(bytes: &[u8], media_type: &str) -> Result<(u32, u32), DecodeRefused> {
    if !may_decode(media_type) {
        return Err(DecodeRefused::NotAnImage);
    }
    #[cfg(target_os = "linux")]
    if is_heif(media_type) {
        let (w, h) = heif::dimensions(bytes)?;
        return within_limits(w, h);
    }
    let (w, h) = reader(bytes)?
        .into_dimensions()
        .map_err(|_| DecodeRefused::Unreadable)?;
    within_limits(w, h)
}

/// Decodes an image under the limits. The declared size is checked first (decompression bombs declare huge
/// sizes), then the decoder runs with the same limits set on it.
pub fn decode(bytes: &[u8], media_type: &str) -> Result<DynamicImage, DecodeRefused> {
    dimensions(bytes, media_type)?;
    #[cfg(target_os = "linux")]
    if is_heif(media_type) {
        return heif::decode(bytes);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    let mut r = reader(bytes)?;
    r.limits(limits);
    r.decode().map_err(|_| DecodeRefused::Undecodable)
}

/// HEIC/HEIF through libheif: the primary image, its declared size checked before any pixel is decoded.
#[cfg(target_os = "linux")]
mod heif {
    use super::{within_limits, DecodeRefused};
    use image::DynamicImage;
    use libheif_rs::{ColorSpace, HeifContext, RgbChroma};

    fn primary(bytes: &[u8]) -> Result<libheif_rs::ImageHandle, DecodeRefused> {
        let ctx = HeifContext::read_from_bytes(bytes).map_err(|_| DecodeRefused::Unreadable)?;
        ctx.primary_image_handle()
            .map_err(|_| DecodeRefused::Unreadable)
    }

    /// The declared size of the primary image.
    pub(super) fn dimensions(bytes: &[u8]) -> Result<(u32, u32), DecodeRefused> {
        let h = primary(bytes)?;
        Ok((h.width(), h.height()))
    }

    /// The primary image as 8-bit RGB (rotation and mirroring as the file states them).
    pub(super) fn decode(bytes: &[u8]) -> Result<DynamicImage, DecodeRefused> {
        let handle = primary(bytes)?;
        within_limits(handle.width(), handle.height())?;
        let img = handle
            .decode(ColorSpace::Rgb(RgbChroma::Rgb), None)
            .map_err(|_| DecodeRefused::Undecodable)?;
        let planes = img.planes();
        let p = planes.interleaved.ok_or(DecodeRefused::Undecodable)?;
        let (w, h) = within_limits(p.width, p.height)?;
        let row = w as usize * 3;
        if p.stride < row {
            return Err(DecodeRefused::Undecodable);
        }
        let mut out = Vec::new();
        out.try_reserve_exact(row * h as usize)
            .map_err(|_| DecodeRefused::Undecodable)?;
        for y in 0..h as usize {
            let start = y * p.stride;
            out.extend_from_slice(
                p.data
                    .get(start..start + row)
                    .ok_or(DecodeRefused::Undecodable)?,
            );
        }
        image::RgbImage::from_raw(w, h, out)
            .map(DynamicImage::ImageRgb8)
            .ok_or(DecodeRefused::Undecodable)
    }
}

/// A reader whose format is guessed from the bytes themselves, never from a name or a claimed type.
fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, DecodeRefused> {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| DecodeRefused::Unreadable)
}

/// Runs a decoder on its own thread, under a panic guard and a time limit: a hostile file that makes a
/// decoder panic or hang gives `None` (the file is kept, with no preview or EXIF), never a crash or a held vault.
/// A decoder still running at the limit is left to finish on its own; its result is dropped.
pub(crate) fn guarded<T: Send + 'static>(
    limit: std::time::Duration,
    f: impl FnOnce() -> Option<T> + Send + 'static,
) -> Option<T> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("evident-decode".into())
        .spawn(move || {
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
                .ok()
                .flatten();
            let _ = tx.send(out);
        });
    if spawned.is_err() {
        return None;
    }
    rx.recv_timeout(limit).ok().flatten()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_decoder_that_panics_or_hangs_gives_nothing() {
        let limit = std::time::Duration::from_millis(200);
        assert_eq!(super::guarded(limit, || Some(7)), Some(7));
        #[allow(clippy::panic)]
        let panicked: Option<u8> = super::guarded(limit, || panic!("hostile file"));
        assert_eq!(panicked, None);
        let started = std::time::Instant::now();
        let hung: Option<u8> = super::guarded(limit, || {
            std::thread::sleep(std::time::Duration::from_secs(5));
            Some(1)
        });
        assert_eq!(hung, None);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn png(w: u32, h: u32) -> Result<Vec<u8>, image::ImageError> {
        let img = image::GrayImage::from_pixel(w, h, image::Luma([128]));
        let mut out = Vec::new();
        DynamicImage::ImageLuma8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)?;
        Ok(out)
    }

    #[test]
    fn a_small_png_decodes() -> TestResult {
        let img = decode(&png(3, 2)?, "image/png").map_err(|e| format!("{e:?}"))?;
        assert_eq!((img.width(), img.height()), (3, 2));
        Ok(())
    }

    #[test]
    fn one_side_over_the_limit_is_refused_though_the_pixel_count_is_small() -> TestResult {
        let wide = png(MAX_SIDE + 1, 1)?;
        assert_eq!(
            decode(&wide, "image/png").err(),
            Some(DecodeRefused::Oversize)
        );
        let tall = png(1, MAX_SIDE + 1)?;
        assert_eq!(
            decode(&tall, "image/png").err(),
            Some(DecodeRefused::Oversize)
        );
        // At the limit it still decodes.
        assert!(decode(&png(MAX_SIDE, 1)?, "image/png").is_ok());
        Ok(())
    }

    #[test]
    fn the_declared_size_is_refused_before_any_pixel_is_decoded() -> TestResult {
        // The pixel data is cut off just after it starts: only the declared size can refuse it.
        let whole = png(MAX_SIDE + 1, 1)?;
        let idat = whole
            .windows(4)
            .position(|w| w == b"IDAT")
            .ok_or("no IDAT chunk")?;
        let cut = &whole[..idat + 6];
        assert_eq!(
            dimensions(cut, "image/png").err(),
            Some(DecodeRefused::Oversize)
        );
        assert_eq!(
            decode(cut, "image/png").err(),
            Some(DecodeRefused::Oversize)
        );
        Ok(())
    }

    /// The HEIC made by heif-enc (tests/fixtures/capture/make.sh).
    #[cfg(target_os = "linux")]
    fn heic() -> Result<Vec<u8>, std::io::Error> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/fixtures/capture/photo.heic"),
        )
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_heic_decodes_through_libheif() -> TestResult {
        let b = heic()?;
        assert_eq!(crate::attachment::sniff_media_type(&b), "image/heif");
        assert_eq!(dimensions(&b, "image/heif"), Ok((16, 12)));
        let img = decode(&b, "image/heif").map_err(|e| format!("{e:?}"))?;
        assert_eq!((img.width(), img.height()), (16, 12));
        // The picture, not a blank: make.sh paints a gradient (red grows to the right).
        let rgb = img.to_rgb8();
        assert!(rgb.get_pixel(15, 0)[0] > rgb.get_pixel(0, 0)[0] + 100);
        assert!(
            !reproducible("image/heif"),
            "previewed, never embedded in the report"
        );
        assert!(reproducible("image/png"));
        Ok(())
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_truncated_or_garbage_heic_is_refused_without_panic() -> TestResult {
        let b = heic()?;
        for cut in (0..b.len()).step_by(37) {
            assert!(decode(&b[..cut], "image/heif").is_err() || cut > b.len() / 2);
        }
        let mut flipped = b.clone();
        for i in (40..flipped.len()).step_by(97) {
            flipped[i] ^= 0x5a;
            let _ = decode(&flipped, "image/heif");
        }
        assert_eq!(
            decode(b"\0\0\0\x18ftypheic\0\0\0\0garbage", "image/heif").err(),
            Some(DecodeRefused::Unreadable)
        );
        Ok(())
    }

    #[test]
    fn other_media_types_garbage_and_truncated_images_are_refused() -> TestResult {
        let p = png(64, 64)?;
        assert_eq!(
            decode(&p, "image/svg+xml").err(),
            Some(DecodeRefused::NotAnImage)
        );
        assert_eq!(
            decode(b"not an image", "image/png").err(),
            Some(DecodeRefused::Unreadable)
        );
        assert!(decode(&p[..p.len() - 20], "image/png").is_err());
        Ok(())
    }
}
