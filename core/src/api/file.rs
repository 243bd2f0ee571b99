//! Upload file: `POST /open-apis/im/v1/files` (multipart).

use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize};

use crate::enums::string_enum;
use crate::file::{FILE_HEAD, FileKind, FileSource, MB, check_size, file_kind};
use crate::form::Form;
use crate::operation::{Method, Operation, Repeat};
use crate::rate::{Quota, TIER_4};
use crate::validate::{Rule, Validator, Violations};

/// Upload file: `POST /open-apis/im/v1/files`.
#[derive(Debug, Clone, Copy)]
pub struct UploadFile;

impl Operation for UploadFile {
    type Request = UploadFileRequest;
    type Output = UploadFileResult;
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/open-apis/im/v1/files";
    const QUOTAS: &'static [Quota] = TIER_4;
    const REPEAT: Repeat = Repeat::NoVisibleEffect;

    fn validate(request: &UploadFileRequest) -> Result<(), Violations> {
        request.validate()
    }

    fn form(request: &UploadFileRequest) -> Option<Form> {
        let file_name = request.name().unwrap_or_default();
        let mut form =
            Form::new().text("file_type", request.file_type.as_str()).text("file_name", &file_name);
        if let Some(duration) = request.duration {
            form = form.text("duration", duration.to_string());
        }
        Some(form.file("file", file_name, request.file.clone()))
    }
}

/// Largest file: 30 MB.
pub const FILE_MAX_BYTES: u64 = 30 * MB;

string_enum! {
    /// `file_type`: what kind of file is uploaded.
    pub enum FileType {
        /// OPUS audio (send it as an `audio` message); convert other audio to OPUS first.
        Opus = "opus",
        /// MP4 video (send it as a `media` message).
        Mp4 = "mp4",
        /// A PDF document.
        Pdf = "pdf",
        /// A Word document.
        Doc = "doc",
        /// An Excel workbook.
        Xls = "xls",
        /// A PowerPoint presentation.
        Ppt = "ppt",
        /// Any other file.
        Stream = "stream",
    }
}

impl FileType {
    /// The `msg_type` a file of this type is sent as: `audio` for OPUS, `media` for MP4,
    /// `file` for the rest (the platform refuses others with code 230055).
    pub fn msg_type(&self) -> crate::MsgType {
        match self {
            Self::Opus => crate::MsgType::Audio,
            Self::Mp4 => crate::MsgType::Media,
            _ => crate::MsgType::File,
        }
    }

    /// The type a file's first bytes and name suggest: `opus`, `mp4` and `pdf` by their
    /// content, `doc`, `xls`, `ppt` by their extension (legacy or Office Open XML), else
    /// `stream`.
    pub(crate) fn infer(source: &FileSource, file_name: Option<&str>) -> std::io::Result<Self> {
        let kind = file_kind(&source.head(FILE_HEAD)?);
        let extension = file_name
            .and_then(|name| Path::new(name).extension())
            .map(|ext| ext.to_string_lossy().to_ascii_lowercase());
        Ok(match (kind, extension.as_deref()) {
            (FileKind::Opus, _) => Self::Opus,
            (FileKind::Mp4, _) => Self::Mp4,
            (FileKind::Pdf, _) => Self::Pdf,
            (FileKind::Ole2 | FileKind::Zip, Some("doc" | "docx")) => Self::Doc,
            (FileKind::Ole2 | FileKind::Zip, Some("xls" | "xlsx")) => Self::Xls,
            (FileKind::Ole2 | FileKind::Zip, Some("ppt" | "pptx")) => Self::Ppt,
            _ => Self::Stream,
        })
    }
}

/// Upload file request: the multipart fields `file_type`, `file_name`, `duration` and
/// `file`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UploadFileRequest {
    /// What kind of file it is: `opus`, `mp4`, `pdf`, `doc`, `xls`, `ppt` or `stream`.
    pub file_type: FileType,
    /// The file's name with its extension (`测试视频.mp4`); for a file on disk, its own name
    /// when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// The length of audio (`opus`) or video (`mp4`) in milliseconds; without it the
    /// client cannot show the length.
    #[serde(default, deserialize_with = "number_or_text", skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
    /// The file, 1 byte to 30 MB.
    pub file: FileSource,
}

/// A number, or its decimal text (a multipart form carries every field as text).
fn number_or_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Wire {
        Number(u64),
        Text(String),
    }
    match Option::<Wire>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Wire::Number(number)) => Ok(Some(number)),
        Some(Wire::Text(text)) => text.trim().parse().map(Some).map_err(|_| {
            serde::de::Error::custom(format!("expected milliseconds as a non-negative integer, got {text:?}"))
        }),
    }
}

impl UploadFileRequest {
    /// A request to upload `file` of `file_type`.
    pub fn new(file_type: FileType, file: impl Into<FileSource>) -> Self {
        Self { file_type, file_name: None, duration: None, file: file.into() }
    }

    /// Sets the file's name (with its extension).
    #[must_use]
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the length of audio or video, in milliseconds.
    #[must_use]
    pub fn duration(mut self, milliseconds: u64) -> Self {
        self.duration = Some(milliseconds);
        self
    }

    /// The name sent: `file_name`, else the name of the file on disk.
    pub(crate) fn name(&self) -> Option<String> {
        self.file_name.clone().or_else(|| self.file.file_name())
    }

    /// Checks every documented rule: the type, the name, the size, the duration (audio
    /// and video only) and that the content is what `file_type` says (by its first
    /// bytes); reports all violations together.
    ///
    /// `doc`, `xls` and `ppt` accept legacy (OLE2) and Office Open XML (ZIP) documents;
    /// `stream` accepts anything.
    ///
    /// # Errors
    /// Every violation, when the request breaks a rule.
    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Validator::new();
        let known = v.known("file_type", &self.file_type);
        match self.name() {
            None => {
                v.push("file_name", Rule::Required, "is required for bytes (a file on disk gives its own)")
            }
            Some(name) if name.is_empty() => v.push("file_name", Rule::Required, "must not be empty"),
            Some(name) if Path::new(&name).extension().is_none() => {
                v.push(
                    "file_name",
                    Rule::Format,
                    format!("must end with an extension, e.g. report.pdf, got {name:?}"),
                );
            }
            Some(_) => {}
        }
        if self.duration.is_some() && !matches!(self.file_type, FileType::Opus | FileType::Mp4) {
            v.push("duration", Rule::Forbidden, "is only for audio (opus) and video (mp4) files");
        }
        if check_size(&mut v, "file", &self.file, FILE_MAX_BYTES) && known {
            match self.file.head(FILE_HEAD) {
                Ok(head) => check_kind(&mut v, &self.file_type, file_kind(&head)),
                Err(error) => {
                    v.push("file", Rule::Required, format!("cannot read {}: {error}", self.file.describe()))
                }
            }
        }
        v.finish()
    }
}

/// Checks that the content is what `file_type` says.
fn check_kind(v: &mut Validator, file_type: &FileType, kind: FileKind) {
    let expected = match file_type {
        FileType::Opus => (kind != FileKind::Opus).then_some(
            "must be OPUS audio (an Ogg stream with an Opus header); convert other audio first, e.g. \
             ffmpeg -i in.mp3 -acodec libopus -ac 1 -ar 16000 out.opus",
        ),
        FileType::Mp4 => {
            (kind != FileKind::Mp4).then_some("must be an MP4 video (an ISO media file with an ftyp box)")
        }
        FileType::Pdf => (kind != FileKind::Pdf).then_some("must be a PDF document (%PDF-)"),
        FileType::Doc | FileType::Xls | FileType::Ppt => (!matches!(kind, FileKind::Ole2 | FileKind::Zip))
            .then_some(
                "must be an Office document (legacy OLE2 or Office Open XML); upload other files as stream",
            ),
        _ => None,
    };
    if let Some(message) = expected {
        v.push("file", Rule::Format, format!("{message}, for file_type {file_type}"));
    }
}

/// The result of a file upload (its `data`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct UploadFileResult {
    /// The file's key, for file, audio and media messages.
    pub file_key: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::samples::{mp4, opus};
    use crate::form::FormPart;
    use crate::validate::decode_value;

    fn rules(request: &UploadFileRequest) -> Vec<(String, Rule)> {
        match request.validate() {
            Ok(()) => Vec::new(),
            Err(violations) => violations.into_vec().into_iter().map(|v| (v.path, v.rule)).collect(),
        }
    }

    #[test]
    fn content_must_match_the_type() {
        let ok = UploadFileRequest::new(FileType::Opus, opus()).file_name("a.opus").duration(3000);
        assert!(rules(&ok).is_empty());
        let mp3 = UploadFileRequest::new(FileType::Opus, b"ID3\x03rest".to_vec()).file_name("a.mp3");
        assert_eq!(rules(&mp3), [("file".into(), Rule::Format)]);
        let mp4_as_pdf = UploadFileRequest::new(FileType::Pdf, mp4()).file_name("a.pdf").duration(5);
        assert_eq!(rules(&mp4_as_pdf), [("duration".into(), Rule::Forbidden), ("file".into(), Rule::Format)]);
        let stream = UploadFileRequest::new(FileType::Stream, b"anything".to_vec()).file_name("notes");
        assert_eq!(rules(&stream), [("file_name".into(), Rule::Format)]);
        let nameless = UploadFileRequest::new(FileType::Stream, Vec::new());
        assert_eq!(rules(&nameless), [("file_name".into(), Rule::Required), ("file".into(), Rule::Size)]);
    }

    #[test]
    fn duration_decodes_from_a_number_or_form_text() {
        let flat = serde_json::json!({"file_type": "mp4", "file_name": "v.mp4", "duration": "3000", "file": {"base64": "AA=="}});
        let request: UploadFileRequest = decode_value("", flat).unwrap();
        assert_eq!(request.duration, Some(3000));
        let bad = serde_json::json!({"file_type": "mp4", "duration": "3s", "file": "v.mp4"});
        assert_eq!(decode_value::<UploadFileRequest>("", bad).unwrap_err().as_slice()[0].path, "duration");
    }

    #[test]
    fn the_form_follows_the_page_and_types_map_to_messages() {
        let request =
            UploadFileRequest::new(FileType::Mp4, FileSource::path("/tmp/测试视频.mp4")).duration(3000);
        let form = UploadFile::form(&request).unwrap();
        let names: Vec<&str> = form
            .parts()
            .iter()
            .map(|part| match part {
                FormPart::Text { name, .. } | FormPart::File { name, .. } => *name,
            })
            .collect();
        assert_eq!(names, ["file_type", "file_name", "duration", "file"]);
        assert_eq!(form.parts()[1], FormPart::Text { name: "file_name", value: "测试视频.mp4".into() });
        assert_eq!(FileType::Mp4.msg_type(), crate::MsgType::Media);
        assert_eq!(FileType::Opus.msg_type(), crate::MsgType::Audio);
        assert_eq!(
            FileType::infer(&FileSource::bytes(b"PK\x03\x04".to_vec()), Some("a.XLSX")).unwrap(),
            FileType::Xls
        );
        assert_eq!(FileType::infer(&FileSource::bytes(mp4()), None).unwrap(), FileType::Mp4);
    }
}
