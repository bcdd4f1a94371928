//! Page images: painting the boxes into their pixels, and the images' JPEG form in the released
//! copy. Pure (CPU only).

use crate::Error;
use crate::model::Area;
use crate::pdf::PageImage;
use image::RgbImage;

/// The resolution pages are rebuilt at: 150 dpi keeps 8-point text legible and a 50-page
/// scan within the time budget (README, “Redaction”).
pub const DPI: u32 = 150;

/// JPEG quality of the rebuilt pages.
const QUALITY: u8 = 80;

/// Paints the boxes of page `page` (from 1) fully black into its image, every pixel a box
/// touches: what was under a box is gone from the pixels, not merely covered.
pub fn paint(image: &mut RgbImage, page: u32, areas: &[Area]) {
    let (width, height) = image.dimensions();
    for a in areas.iter().filter(|a| a.page == page) {
        let (x0, y0, x1, y1) = a.rect.pixels(width, height);
        for y in y0..y1 {
            for x in x0..x1 {
                image.put_pixel(x, y, image::Rgb([0, 0, 0]));
            }
        }
    }
}

/// A painted page as the released copy holds it: a JPEG, sized in points for `dpi`.
pub fn encode(image: &RgbImage, dpi: u32) -> Result<PageImage, Error> {
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, QUALITY)
        .encode_image(image)
        .map_err(|e| Error::Image(e.to_string()))?;
    let (width_px, height_px) = image.dimensions();
    let pt = |px: u32| f64::from(px) * 72.0 / f64::from(dpi);
    Ok(PageImage {
        jpeg,
        width_px,
        height_px,
        width_pt: pt(width_px),
        height_pt: pt(height_px),
    })
}

/// The released copy from the page images: every box painted, every page re-encoded, the log
/// at the end.
pub fn rebuild(pages: Vec<RgbImage>, areas: &[Area], dpi: u32) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(pages.len());
    for (i, mut image) in pages.into_iter().enumerate() {
        paint(&mut image, i as u32 + 1, areas);
        out.push(encode(&image, dpi)?);
    }
    Ok(crate::pdf::write(&out, areas))
}

/// An image as RGB on white: transparency flattened, as it would print.
pub fn flatten(image: image::DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    let mut out = RgbImage::new(rgba.width(), rgba.height());
    for (o, p) in out.pixels_mut().zip(rgba.pixels()) {
        let a = u16::from(p[3]);
        let mix = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        *o = image::Rgb([mix(p[0]), mix(p[1]), mix(p[2])]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Reason, Rect};

    #[test]
    fn painting_blackens_exactly_the_touched_pixels() {
        let mut image = RgbImage::from_pixel(10, 10, image::Rgb([255, 255, 255]));
        let area = Area {
            page: 2,
            rect: Rect {
                x: 0.15,
                y: 0.2,
                w: 0.3,
                h: 0.1,
            },
            reason: Reason::Art14,
        };
        paint(&mut image, 1, &[area]);
        assert!(image.pixels().all(|p| p.0 == [255, 255, 255]), "other page");
        paint(&mut image, 2, &[area]);
        let black: Vec<(u32, u32)> = image
            .enumerate_pixels()
            .filter(|(_, _, p)| p.0 == [0, 0, 0])
            .map(|(x, y, _)| (x, y))
            .collect();
        // x from 1.5 to 4.5 touches columns 1..5, y from 2 to 3 row 2.
        assert_eq!(black, vec![(1, 2), (2, 2), (3, 2), (4, 2)]);
    }

    #[test]
    fn transparency_is_flattened_onto_white() {
        let mut rgba = image::RgbaImage::new(2, 1);
        rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        rgba.put_pixel(1, 0, image::Rgba([0, 0, 0, 255]));
        let flat = flatten(image::DynamicImage::ImageRgba8(rgba));
        assert_eq!(flat.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(flat.get_pixel(1, 0).0, [0, 0, 0]);
    }
}
