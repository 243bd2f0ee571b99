//! Upload image: `POST /open-apis/im/v1/images` (multipart).

use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::file::{ACCEPTED_IMAGES, FileSource, Image, ImageFormat, MB, check_size, image};
use crate::form::Form;
use crate::operation::{Method, Operation, Repeat};
use crate::rate::{Quota, TIER_4};
use crate::validate::{Rule, Validator, Violations};

/// Upload image: `POST /open-apis/im/v1/images`.
#[derive(Debug, Clone, Copy)]
pub struct UploadImage;

impl Operation for UploadImage {
    type Request = UploadImageRequest;
    type Output = UploadImageResult;
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/open-apis/im/v1/images";
    const QUOTAS: &'static [Quota] = TIER_4;
    const REPEAT: Repeat = Repeat::NoVisibleEffect;

    fn validate(request: &UploadImageRequest) -> Result<(), Violations> {
        request.validate()
    }

    fn form(request: &UploadImageRequest) -> Option<Form> {
        let file_name = request.image.file_name().unwrap_or_else(|| "image".to_owned());
        Some(Form::new().text("image_type", request.image_type.as_str()).file(
            "image",
            file_name,
            request.image.clone(),
        ))
    }
}

/// Largest image: 10 MB.
pub const IMAGE_MAX_BYTES: u64 = 10 * MB;
/// Largest GIF, in pixels on each side.
const GIF_MAX_SIDE: u64 = 2000;
/// Largest image of any other format, in pixels on each side.
const IMAGE_MAX_SIDE: u64 = 12000;
/// Largest avatar, in pixels on each side.
const AVATAR_MAX_SIDE: u64 = 4096;

string_enum! {
    /// `image_type`: what the image is for.
    pub enum ImageType {
        /// For image messages (and cards, posts).
        Message = "message",
        /// For avatars (at most 4096 × 4096).
        Avatar = "avatar",
    }
}

/// Upload image request: the multipart fields `image_type` and `image`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UploadImageRequest {
    /// What the image is for: `message` or `avatar`.
    pub image_type: ImageType,
    /// The image: JPG, JPEG, PNG, WEBP, GIF, BMP, ICO, TIFF or HEIC, 1 byte to 10 MB, at most
    /// 12000 × 12000 pixels (GIF 2000 × 2000, avatars 4096 × 4096).
    pub image: FileSource,
}

impl UploadImageRequest {
    /// A request to upload `image` for `image_type`.
    pub fn new(image_type: ImageType, image: impl Into<FileSource>) -> Self {
        Self { image_type, image: image.into() }
    }

    /// Checks every documented rule: the type, the size, the format (by its header, not
    /// its name) and the resolution; reports all violations together.
    ///
    /// # Errors
    /// Every violation, when the request breaks a rule.
    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Validator::new();
        v.known("image_type", &self.image_type);
        check_image(&mut v, "image", &self.image_type, &self.image);
        v.finish()
    }
}

/// Checks an image for `image_type` below `path`: size, format and resolution.
pub(crate) fn check_image(v: &mut Validator, path: &str, image_type: &ImageType, source: &FileSource) {
    if !check_size(v, path, source, IMAGE_MAX_BYTES) {
        return;
    }
    let info = match image(source) {
        Ok(Image::Accepted(info)) => info,
        Ok(Image::Unreadable(format)) => {
            let message = format!("is a {} image whose resolution cannot be read", format.name());
            return v.push(path, Rule::Format, message);
        }
        Ok(Image::Refused(found)) => {
            let found = found.map_or_else(|| "an unknown format".to_owned(), |name| name.to_owned());
            return v.push(path, Rule::Format, format!("must be one of {ACCEPTED_IMAGES}, got {found}"));
        }
        Err(error) => {
            return v.push(path, Rule::Required, format!("cannot read {}: {error}", source.describe()));
        }
    };
    let (side, what) = match (image_type, info.format) {
        (ImageType::Avatar, _) => (AVATAR_MAX_SIDE, "an avatar"),
        (_, ImageFormat::Gif) => (GIF_MAX_SIDE, "a GIF"),
        _ => (IMAGE_MAX_SIDE, "an image"),
    };
    if info.width > side || info.height > side {
        let message = format!(
            "resolution must be at most {side} x {side} for {what}, got {} x {}",
            info.width, info.height
        );
        v.push(path, Rule::Size, message);
    }
}

/// The result of an image upload (its `data`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct UploadImageResult {
    /// The image's key, for image messages, posts, cards and avatars.
    pub image_key: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::samples::{gif, png};
    use crate::form::FormPart;

    fn paths(request: &UploadImageRequest) -> Vec<(String, Rule)> {
        match request.validate() {
            Ok(()) => Vec::new(),
            Err(violations) => violations.into_vec().into_iter().map(|v| (v.path, v.rule)).collect(),
        }
    }

    #[test]
    fn formats_sizes_and_resolutions_are_checked() {
        assert!(paths(&UploadImageRequest::new(ImageType::Message, png(12000, 12000))).is_empty());
        let too_wide = UploadImageRequest::new(ImageType::Message, png(12001, 1));
        assert_eq!(paths(&too_wide), [("image".into(), Rule::Size)]);
        let avatar = UploadImageRequest::new(ImageType::Avatar, png(4097, 10));
        assert_eq!(paths(&avatar), [("image".into(), Rule::Size)]);
        let big_gif = UploadImageRequest::new(ImageType::Message, gif(2000, 2001));
        assert_eq!(paths(&big_gif), [("image".into(), Rule::Size)]);
        let pdf = UploadImageRequest::new(ImageType::Unknown("icon".into()), b"%PDF-1.7".to_vec());
        assert_eq!(paths(&pdf), [("image_type".into(), Rule::Enum), ("image".into(), Rule::Format)]);
        let mut huge = png(10, 10);
        huge.resize(usize::try_from(IMAGE_MAX_BYTES).unwrap() + 1, 0);
        assert_eq!(paths(&UploadImageRequest::new(ImageType::Message, huge)), [("image".into(), Rule::Size)]);
    }

    #[test]
    fn the_form_has_the_type_and_the_image() {
        let request = UploadImageRequest::new(ImageType::Avatar, FileSource::path("/tmp/猫.png"));
        let form = UploadImage::form(&request).unwrap();
        assert_eq!(form.parts()[0], FormPart::Text { name: "image_type", value: "avatar".into() });
        assert!(
            matches!(&form.parts()[1], FormPart::File { name: "image", file_name, .. } if file_name == "猫.png")
        );
    }
}
