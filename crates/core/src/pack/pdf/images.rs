//! Image exhibits made ready for the report: each original decoded through [`crate::imaging`] (so under its
//! limits), scaled down and re-encoded as a JPEG (a small JPEG goes in as it is), read from the vault a batch
//! at a time and prepared on parallel threads. An image that cannot or must not be decoded is not reproduced.

use krilla::image::Image;

use crate::error::Result;
use crate::imaging;

use super::super::select::Exhibit;

/// Longest side of an image as embedded in the report, in pixels (the original is in exhibits/).
const IMAGE_MAX_SIDE: u32 = 1600;
/// JPEG exhibits up to this size and [`IMAGE_MAX_SIDE`] are embedded as they are.
const JPEG_AS_IS_MAX: usize = 3 * 1024 * 1024;
/// How many originals are held in memory at once.
const BATCH: usize = 8;

/// Prepares each exhibit's image for the report, in order: the image and its size in pixels, or `None` where
/// it cannot be reproduced. Fails only when an original cannot be read from the vault.
pub(super) fn prepare_all(
    shown: &[&Exhibit],
    load: &dyn Fn(i64) -> Result<Vec<u8>>,
) -> Result<Vec<Option<(Image, u32, u32)>>> {
    // Originals are read from the vault one batch at a time (bounded memory), and decoded and scaled on
    // parallel threads.
    let mut prepared_all = Vec::with_capacity(shown.len());
    for batch in shown.chunks(BATCH) {
        // An original larger than a preview would ever decode is not read at all: it is listed as not
        // reproduced, like any image that cannot be decoded (bounded memory whatever the exhibits are).
        let loaded = batch
            .iter()
            .map(|e| {
                if e.size > crate::attachment::PREVIEW_SOURCE_MAX {
                    Ok(Vec::new())
                } else {
                    load(e.attachment_id)
                }
            })
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
    Ok(prepared_all)
}

/// Makes the embeddable form of an image exhibit: a JPEG as it is when small enough, otherwise decoded with
/// limits, scaled down and re-encoded. `None` when it cannot or must not be decoded.
fn prepare_image(bytes: &[u8], media_type: &str) -> Option<(Vec<u8>, u32, u32)> {
    // Only images every machine decodes alike, so verify-pack renders the same report anywhere.
    if !imaging::reproducible(media_type) {
        return None;
    }
    let (w, h) = imaging::dimensions(bytes, media_type).ok()?;
    if media_type == "image/jpeg" && bytes.len() <= JPEG_AS_IS_MAX && w.max(h) <= IMAGE_MAX_SIDE {
        return Some((bytes.to_vec(), w, h));
    }
    let img = imaging::decode(bytes, media_type).ok()?;
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

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    fn png(w: u32, h: u32) -> std::result::Result<Vec<u8>, image::ImageError> {
        let img = image::RgbaImage::from_pixel(w, h, image::Rgba([200, 30, 30, 128]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgba8(img)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)?;
        Ok(out)
    }

    fn exhibit(attachment_id: i64) -> Exhibit {
        Exhibit {
            reference: format!("AB-{attachment_id:02}"),
            file: format!("exhibits/AB-{attachment_id:02}_image.png"),
            attachment_id,
            incident_id: 1,
            original_file_name: "image.png".into(),
            media_type: "image/png".into(),
            size: 0,
            sha256: String::new(),
            file_modified_at: None,
            exif: None,
            times: Vec::new(),
            capture_method: None,
            device: None,
            added_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn an_image_over_the_per_side_limit_is_not_reproduced() -> TestResult {
        // 50,001 × 1 pixels: far under the pixel limit, over the per-side limit.
        let wide = png(imaging::MAX_SIDE + 1, 1)?;
        assert!(prepare_image(&wide, "image/png").is_none());

        let small = png(40, 20)?;
        let (jpeg, w, h) = prepare_image(&small, "image/png").ok_or("a small PNG is prepared")?;
        assert_eq!((w, h), (40, 20));
        assert!(jpeg.starts_with(&[0xFF, 0xD8]), "re-encoded as a JPEG");

        // In a batch the oversize image is skipped and the others are still prepared, in order.
        let (a, b, c) = (exhibit(1), exhibit(2), exhibit(3));
        let load =
            |id: i64| -> Result<Vec<u8>> { Ok(if id == 2 { wide.clone() } else { small.clone() }) };
        let prepared = prepare_all(&[&a, &b, &c], &load)?;
        let shown: Vec<bool> = prepared.iter().map(Option::is_some).collect();
        assert_eq!(shown, [true, false, true]);
        Ok(())
    }
}
