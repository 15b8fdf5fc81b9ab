//! Product photos: any common picture format in, a JPEG of at most 800 × 800 pixels out.

use image::ImageReader;
use image::codecs::jpeg::JpegEncoder;
use std::io::Cursor;
use thiserror::Error;

/// The longest side of a stored photo, in pixels.
pub const MAX_SIDE: u32 = 800;

/// Why a photo was refused.
#[derive(Debug, Error)]
pub enum PhotoError {
    /// Not a picture in a format we read (JPEG, PNG, WebP).
    #[error("not a readable picture: {0}")]
    Unreadable(String),
    /// Encoding the result failed.
    #[error("could not encode the photo: {0}")]
    Encode(String),
}

/// Reads a picture, shrinks it to fit [`MAX_SIDE`] (never enlarges), and encodes it as JPEG.
pub fn to_jpeg(bytes: &[u8]) -> Result<Vec<u8>, PhotoError> {
    let img = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| PhotoError::Unreadable(e.to_string()))?
        .decode()
        .map_err(|e| PhotoError::Unreadable(e.to_string()))?;
    let img = if img.width() > MAX_SIDE || img.height() > MAX_SIDE {
        img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 82)
        .encode_image(&img.to_rgb8())
        .map_err(|e| PhotoError::Encode(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_large_photo_is_shrunk_to_fit_and_read_back_as_jpeg() {
        let jpeg = to_jpeg(&png(2000, 1000)).unwrap();
        let back = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (800, 400));
        assert_eq!(
            image::guess_format(&jpeg).unwrap(),
            image::ImageFormat::Jpeg
        );
    }

    #[test]
    fn a_small_photo_keeps_its_size_and_garbage_is_refused() {
        let back = image::load_from_memory(&to_jpeg(&png(120, 90)).unwrap()).unwrap();
        assert_eq!((back.width(), back.height()), (120, 90));
        assert!(matches!(
            to_jpeg(b"not a picture"),
            Err(PhotoError::Unreadable(_))
        ));
    }
}
