//! Upload image and upload file: the `multipart/form-data` body becomes the flat request
//! (text fields as strings, the file as bytes), decoded with the core's request models and
//! checked with their rules; the key handed out is remembered for later messages.
//!
//! Refusals, as the pages list them (all HTTP 400): an empty file 234010, a file over the
//! limit 234006, an image of another format 234011, an image over its resolution 234039,
//! anything else (a body that is not multipart, a missing field, a file whose content is
//! not its `file_type`) 234001.

use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::Input;
use super::support::{decoded, pause};
use crate::FileSource;
use crate::api::{FILE_MAX_BYTES, IMAGE_MAX_BYTES, UploadFile, UploadImage};
use crate::fake::reply::{Rejection, Reply};
use crate::fake::resources::Resource;
use crate::fake::state::Shared;
use crate::operation::Operation;
use crate::validate::{Rule, Violations};

/// The flat request of a multipart body and the bytes of its files: a part with a file
/// name or a content type is a file (`{"buffer": i}`), any other part a text field.
pub(crate) async fn form_fields(
    content_type: Option<&str>,
    body: Bytes,
) -> Result<(Value, Vec<Bytes>), String> {
    let boundary = content_type
        .and_then(|value| multer::parse_boundary(value).ok())
        .ok_or("Content-Type must be multipart/form-data with a boundary")?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let (mut fields, mut buffers) = (Map::new(), Vec::new());
    while let Some(field) = multipart.next_field().await.map_err(|e| format!("bad multipart body: {e}"))? {
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = field.file_name().is_some() || field.content_type().is_some();
        let bytes = field.bytes().await.map_err(|e| format!("bad multipart body: {e}"))?;
        let value = if is_file {
            buffers.push(bytes);
            json!({"buffer": buffers.len() - 1})
        } else {
            Value::String(String::from_utf8_lossy(&bytes).into_owned())
        };
        fields.insert(name, value);
    }
    Ok((Value::Object(fields), buffers))
}

/// The refusal of an upload that broke a rule: by size first, then by what was broken.
fn refusal(violations: &Violations, file: &str, size: u64, max: u64) -> Rejection {
    let about_file = |rule: Rule| violations.as_slice().iter().any(|v| v.path == file && v.rule == rule);
    if size == 0 {
        Rejection::new(400, 234_010, "File's size can't be 0.")
    } else if size > max {
        Rejection::new(400, 234_006, "The file size exceed the max value.")
    } else if file == "image" && about_file(Rule::Format) {
        Rejection::new(400, 234_011, "Can't regonnize the image format.")
    } else if file == "image" && about_file(Rule::Size) {
        Rejection::new(400, 234_039, "Image resolution exceeds limit.")
    } else {
        Rejection::new(400, 234_001, format!("Invalid request param. {violations}"))
    }
}

fn invalid(violations: &Violations) -> Rejection {
    Rejection::new(400, 234_001, format!("Invalid request param. {violations}"))
}

/// The bytes of an uploaded file part; a text field in its place (which would decode as a
/// path on the fake's own disk) is refused.
fn part_bytes(source: &FileSource, name: &str) -> Result<Bytes, Rejection> {
    match source {
        FileSource::Bytes(bytes) => Ok(bytes.clone()),
        FileSource::Path(_) => {
            Err(Rejection::new(400, 234_001, format!("Invalid request param. {name} must be a file part")))
        }
    }
}

/// `POST /open-apis/im/v1/images`.
pub(crate) async fn image(shared: &Shared, input: &Input<'_>) -> Result<Reply, Rejection> {
    let request = decoded::<UploadImage>(input).map_err(|violations| invalid(&violations))?;
    let size = part_bytes(&request.image, "image")?.len() as u64;
    UploadImage::validate(&request)
        .map_err(|violations| refusal(&violations, "image", size, IMAGE_MAX_BYTES))?;
    pause(shared).await;
    let image_key = format!("img_v3_{}", uuid::Uuid::new_v4());
    let image_type = request.image_type.as_str().to_owned();
    let entry = json!({
        "image_key": image_key,
        "app_id": input.caller.app_id,
        "image_type": image_type,
        "size": size,
    });
    let mut state = shared.lock();
    state.resources.insert(Resource::Image {
        image_key: image_key.clone(),
        image_type,
        app_id: input.caller.app_id.clone(),
    });
    state.inbox.images.push(entry);
    Ok(Reply::ok(json!({"image_key": image_key})))
}

/// `POST /open-apis/im/v1/files`.
pub(crate) async fn file(shared: &Shared, input: &Input<'_>) -> Result<Reply, Rejection> {
    let request = decoded::<UploadFile>(input).map_err(|violations| invalid(&violations))?;
    let size = part_bytes(&request.file, "file")?.len() as u64;
    UploadFile::validate(&request)
        .map_err(|violations| refusal(&violations, "file", size, FILE_MAX_BYTES))?;
    pause(shared).await;
    let file_key = format!("file_v3_{}", uuid::Uuid::new_v4());
    let file_type = request.file_type.as_str().to_owned();
    let entry = json!({
        "file_key": file_key,
        "app_id": input.caller.app_id,
        "file_type": file_type,
        "file_name": request.file_name,
        "duration": request.duration,
        "size": size,
    });
    let mut state = shared.lock();
    state.resources.insert(Resource::File {
        file_key: file_key.clone(),
        file_type,
        app_id: input.caller.app_id.clone(),
    });
    state.inbox.files.push(entry);
    Ok(Reply::ok(json!({"file_key": file_key})))
}
