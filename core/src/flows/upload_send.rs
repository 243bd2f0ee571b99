//! Upload, then send: `send_image` and `send_file`.

use serde::{Deserialize, Serialize};

use crate::api::{
    BodySize, FileType, ImageType, Message, SendMessageRequest, UploadFileRequest, UploadImageRequest,
    check_image, check_message_body,
};
use crate::client::Client;
use crate::content::{AudioContent, FileContent, ImageContent, MediaContent, MessageContent};
use crate::enums::{MsgType, ReceiveIdType};
use crate::error::Result;
use crate::file::FileSource;
use crate::validate::{Validator, Violations};

/// Send image request: an image to upload (for messages) and whom to send it to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SendImageRequest {
    /// What kind of id `receive_id` is.
    pub receive_id_type: ReceiveIdType,
    /// The receiving user or chat.
    pub receive_id: String,
    /// The image (see [`UploadImageRequest::image`]).
    pub image: FileSource,
    /// The message's deduplication key (a fresh one when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
}

impl SendImageRequest {
    /// A request to send `image` to `receive_id`.
    pub fn new(
        receive_id_type: ReceiveIdType,
        receive_id: impl Into<String>,
        image: impl Into<FileSource>,
    ) -> Self {
        Self { receive_id_type, receive_id: receive_id.into(), image: image.into(), uuid: None }
    }

    /// Checks the receiver, the uuid and the image; reports all violations together.
    ///
    /// # Errors
    /// Every violation, when the request breaks a rule.
    pub fn validate(&self) -> std::result::Result<(), Violations> {
        let mut v = Validator::new();
        check_receiver(&mut v, &self.receive_id_type, &self.receive_id, self.uuid.as_deref());
        check_image(&mut v, "image", &ImageType::Message, &self.image);
        v.finish()
    }
}

/// Send file request: a file to upload and whom to send it to, as a `file`, `audio`
/// (OPUS) or `media` (MP4) message by its type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SendFileRequest {
    /// What kind of id `receive_id` is.
    pub receive_id_type: ReceiveIdType,
    /// The receiving user or chat.
    pub receive_id: String,
    /// The file (see [`UploadFileRequest::file`]).
    pub file: FileSource,
    /// The file's name with its extension (a file on disk gives its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// The file's type; when not given, `opus`, `mp4` and `pdf` are told by the content,
    /// `doc`, `xls`, `ppt` by the extension, and anything else is `stream`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_type: Option<FileType>,
    /// The length of audio or video in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
    /// The message's deduplication key (a fresh one when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
}

impl SendFileRequest {
    /// A request to send `file` to `receive_id`.
    pub fn new(
        receive_id_type: ReceiveIdType,
        receive_id: impl Into<String>,
        file: impl Into<FileSource>,
    ) -> Self {
        Self {
            receive_id_type,
            receive_id: receive_id.into(),
            file: file.into(),
            file_name: None,
            file_type: None,
            duration: None,
            uuid: None,
        }
    }

    /// The upload this request makes (its type told from the content when not given).
    fn upload(&self) -> UploadFileRequest {
        let file_name = self.file_name.clone().or_else(|| self.file.file_name());
        let file_type = match &self.file_type {
            Some(file_type) => file_type.clone(),
            None => FileType::infer(&self.file, file_name.as_deref()).unwrap_or(FileType::Stream),
        };
        let mut upload = UploadFileRequest::new(file_type, self.file.clone());
        upload.file_name = file_name;
        upload.duration = self.duration;
        upload
    }

    /// Checks the receiver, the uuid and the upload; reports all violations together.
    ///
    /// # Errors
    /// Every violation, when the request breaks a rule.
    pub fn validate(&self) -> std::result::Result<(), Violations> {
        let mut v = Validator::new();
        check_receiver(&mut v, &self.receive_id_type, &self.receive_id, self.uuid.as_deref());
        if let Err(violations) = self.upload().validate() {
            v.extend(violations);
        }
        v.finish()
    }
}

/// The rules of send message's receiver and `uuid`.
fn check_receiver(v: &mut Validator, receive_id_type: &ReceiveIdType, receive_id: &str, uuid: Option<&str>) {
    v.known("receive_id_type", receive_id_type);
    v.required("receive_id", Some(receive_id));
    // The message's content comes from the upload; only the receiver and uuid rules apply.
    check_message_body(v, &MsgType::Text, r#"{"text":"-"}"#, uuid, BodySize { bound: 0, measure: || 0 });
}

impl Client {
    /// Uploads an image (for messages) and sends it to one receiver: what
    /// [`Client::upload_image`] and [`Client::send_message`] do in turn. Everything is
    /// checked before the upload.
    ///
    /// # Errors
    /// As the two calls; a failed send leaves an unused image key (send again with the
    /// same `uuid` to be sure of one message).
    pub async fn send_image(&self, request: SendImageRequest) -> Result<Message> {
        request.validate()?;
        let uploaded = self.upload_image(UploadImageRequest::new(ImageType::Message, request.image)).await?;
        let content = MessageContent::from(ImageContent::new(uploaded.image_key));
        self.send_content(request.receive_id_type, request.receive_id, &content, request.uuid).await
    }

    /// Uploads a file and sends it to one receiver as a `file`, `audio` (OPUS) or `media`
    /// (MP4) message, by its type: what [`Client::upload_file`] and
    /// [`Client::send_message`] do in turn. Everything is checked before the upload.
    ///
    /// # Errors
    /// As the two calls; a failed send leaves an unused file key.
    pub async fn send_file(&self, request: SendFileRequest) -> Result<Message> {
        request.validate()?;
        let upload = request.upload();
        let msg_type = upload.file_type.msg_type();
        let key = self.upload_file(upload).await?.file_key;
        let content = match msg_type {
            MsgType::Audio => MessageContent::from(AudioContent::new(key)),
            MsgType::Media => MessageContent::from(MediaContent::new(key)),
            _ => MessageContent::from(FileContent::new(key)),
        };
        self.send_content(request.receive_id_type, request.receive_id, &content, request.uuid).await
    }

    async fn send_content(
        &self,
        receive_id_type: ReceiveIdType,
        receive_id: String,
        content: &MessageContent,
        uuid: Option<String>,
    ) -> Result<Message> {
        let mut message = SendMessageRequest::new(
            receive_id_type,
            receive_id,
            content.msg_type(),
            content.to_content_string(),
        );
        message.uuid = uuid;
        self.send_message(message).await
    }
}
