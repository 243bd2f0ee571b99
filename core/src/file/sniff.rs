//! What a file's first bytes say it is: the image formats the platform accepts (with
//! their resolution) and the kinds of file that `file_type` names.

use std::io;

use super::source::FileSource;

/// An image format the platform accepts for upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImageFormat {
    /// JPEG (`.jpg`, `.jpeg`).
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    Webp,
    /// GIF (at most 2000 × 2000).
    Gif,
    /// BMP.
    Bmp,
    /// ICO.
    Ico,
    /// TIFF (converted to JPEG by the platform).
    Tiff,
    /// HEIC: HEIF with HEVC images (converted to JPEG by the platform).
    Heic,
}

impl ImageFormat {
    /// The format's usual name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
            Self::Webp => "WEBP",
            Self::Gif => "GIF",
            Self::Bmp => "BMP",
            Self::Ico => "ICO",
            Self::Tiff => "TIFF",
            Self::Heic => "HEIC",
        }
    }
}

/// The accepted formats, as the upload page lists them.
pub(crate) const ACCEPTED_IMAGES: &str = "JPG, JPEG, PNG, WEBP, GIF, BMP, ICO, TIFF, HEIC";

/// An image's format and resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    /// The format.
    pub format: ImageFormat,
    /// Width in pixels.
    pub width: u64,
    /// Height in pixels.
    pub height: u64,
}

/// What an image's header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Image {
    /// An accepted format, with its resolution.
    Accepted(ImageInfo),
    /// An accepted format whose resolution cannot be read (a truncated or broken header).
    Unreadable(ImageFormat),
    /// Another format (its name when known) or no image at all.
    Refused(Option<&'static str>),
}

/// Reads the format and resolution of an image from its header (only as much of the
/// file as the format needs).
pub(crate) fn image(source: &FileSource) -> io::Result<Image> {
    let Ok(kind) = imagesize::reader_type(source.reader()?) else {
        return Ok(Image::Refused(None));
    };
    let format = match kind {
        imagesize::ImageType::Jpeg => ImageFormat::Jpeg,
        imagesize::ImageType::Png => ImageFormat::Png,
        imagesize::ImageType::Webp => ImageFormat::Webp,
        imagesize::ImageType::Gif => ImageFormat::Gif,
        imagesize::ImageType::Bmp => ImageFormat::Bmp,
        imagesize::ImageType::Ico => ImageFormat::Ico,
        imagesize::ImageType::Tiff => ImageFormat::Tiff,
        imagesize::ImageType::Heif(imagesize::Compression::Hevc) => ImageFormat::Heic,
        imagesize::ImageType::Heif(imagesize::Compression::Av1) => return Ok(Image::Refused(Some("AVIF"))),
        _ => return Ok(Image::Refused(None)),
    };
    Ok(match imagesize::reader_size(source.reader()?) {
        Ok(size) => {
            Image::Accepted(ImageInfo { format, width: size.width as u64, height: size.height as u64 })
        }
        Err(_) => Image::Unreadable(format),
    })
}

/// What a file's first bytes say it is, as far as `file_type` cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// An Ogg stream whose first packet is an Opus header.
    Opus,
    /// An ISO base media file (`ftyp` box): MP4 and its relatives.
    Mp4,
    /// A PDF document.
    Pdf,
    /// An OLE2 compound document: legacy Word, Excel, PowerPoint.
    Ole2,
    /// A ZIP archive, as Office Open XML documents (`.docx`, `.xlsx`, `.pptx`) are.
    Zip,
    /// Anything else.
    Other,
}

/// How many leading bytes [`file_kind`] reads.
pub(crate) const FILE_HEAD: usize = 1024;

/// The kind of a file from its first [`FILE_HEAD`] bytes.
pub(crate) fn file_kind(head: &[u8]) -> FileKind {
    if is_opus(head) {
        FileKind::Opus
    } else if head.get(4..8) == Some(b"ftyp") {
        FileKind::Mp4
    } else if head.windows(5).any(|window| window == b"%PDF-") {
        FileKind::Pdf
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        FileKind::Ole2
    } else if head.starts_with(b"PK\x03\x04") {
        FileKind::Zip
    } else {
        FileKind::Other
    }
}

/// An Ogg page (`OggS`, 27 header bytes, then its segment table) whose first packet
/// starts with `OpusHead`.
fn is_opus(head: &[u8]) -> bool {
    if !head.starts_with(b"OggS") {
        return false;
    }
    let Some(&segments) = head.get(26) else { return false };
    let start = 27 + usize::from(segments);
    head.get(start..start + 8) == Some(b"OpusHead")
}

#[cfg(test)]
pub(crate) mod samples {
    //! Minimal files of each kind, for tests.

    /// A PNG header of `width` × `height` (signature and IHDR chunk).
    pub fn png(width: u32, height: u32) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        png.extend_from_slice(&width.to_be_bytes());
        png.extend_from_slice(&height.to_be_bytes());
        png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        png
    }

    /// A GIF header of `width` × `height`.
    pub fn gif(width: u16, height: u16) -> Vec<u8> {
        let mut gif = b"GIF89a".to_vec();
        gif.extend_from_slice(&width.to_le_bytes());
        gif.extend_from_slice(&height.to_le_bytes());
        gif.extend_from_slice(&[0; 8]);
        gif
    }

    /// The first Ogg page of an Opus stream.
    pub fn opus() -> Vec<u8> {
        let mut ogg = b"OggS\x00\x02".to_vec();
        ogg.extend_from_slice(&[0; 20]);
        ogg.push(1);
        ogg.push(19);
        ogg.extend_from_slice(b"OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00");
        ogg
    }

    /// The start of an MP4 file.
    pub fn mp4() -> Vec<u8> {
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom".to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::samples::*;
    use super::*;

    #[test]
    fn images_are_known_by_their_header() {
        let read = image(&FileSource::bytes(png(640, 480))).unwrap();
        assert_eq!(read, Image::Accepted(ImageInfo { format: ImageFormat::Png, width: 640, height: 480 }));
        let read = image(&FileSource::bytes(gif(2001, 10))).unwrap();
        assert_eq!(read, Image::Accepted(ImageInfo { format: ImageFormat::Gif, width: 2001, height: 10 }));
        assert_eq!(image(&FileSource::bytes(&b"%PDF-1.7 not an image"[..])).unwrap(), Image::Refused(None));
        assert_eq!(
            image(&FileSource::bytes(png(1, 1)[..12].to_vec())).unwrap(),
            Image::Unreadable(ImageFormat::Png)
        );
    }

    #[test]
    fn files_are_known_by_their_first_bytes() {
        assert_eq!(file_kind(&opus()), FileKind::Opus);
        assert_eq!(file_kind(&mp4()), FileKind::Mp4);
        assert_eq!(file_kind(b"%PDF-1.4\n"), FileKind::Pdf);
        assert_eq!(file_kind(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]), FileKind::Ole2);
        assert_eq!(file_kind(b"PK\x03\x04rest"), FileKind::Zip);
        assert_eq!(file_kind(b"OggS but not opus"), FileKind::Other);
        assert_eq!(file_kind(b""), FileKind::Other);
    }
}
