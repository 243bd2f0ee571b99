//! Small files of the formats the uploads check, made in the tests.
#![allow(dead_code)]

/// A PNG header of `width` × `height` (signature and IHDR chunk), padded to `size` bytes.
pub fn png(width: u32, height: u32, size: usize) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend_from_slice(&width.to_be_bytes());
    png.extend_from_slice(&height.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    png.resize(size.max(png.len()), 0);
    png
}

/// The start of an MP4 file.
pub fn mp4() -> Vec<u8> {
    b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom".to_vec()
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

/// A fresh directory below the system's temporary directory.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("larkmsg-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
