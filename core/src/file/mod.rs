//! Files to upload: [`FileSource`] (a path or bytes, and their JSON forms) and what their
//! first bytes say they are (`sniff`).

mod rules;
mod sniff;
mod source;

pub(crate) use rules::{MB, check_size};
#[cfg(test)]
pub(crate) use sniff::samples;
pub(crate) use sniff::{ACCEPTED_IMAGES, FILE_HEAD, FileKind, Image, file_kind, image};
pub use sniff::{ImageFormat, ImageInfo};
pub use source::FileSource;
pub(crate) use source::with_buffers;
