//! [`FileSource`]: what an upload sends, a file on disk (streamed when sent, never read
//! whole into memory) or bytes in memory, and its JSON forms.

use std::cell::RefCell;
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// The content of an upload: a file on disk, streamed when the request is sent, or bytes
/// in memory.
///
/// Its JSON forms (what the bindings and conformance cases write):
/// - `"path/to/cat.png"` or `{"path": "path/to/cat.png"}`: a file, read when checked and
///   streamed when sent;
/// - `{"base64": "iVBORw0…"}`: bytes, base64-encoded;
/// - `{"buffer": 0}`: the first of the byte buffers handed to the call next to its JSON
///   request (how the bindings pass Python `bytes`, a Node `Buffer` or a C pointer and
///   length without copying them into the JSON).
///
/// It encodes as `{"path": …}` or `{"base64": …}`.
#[derive(Clone, PartialEq, Eq)]
pub enum FileSource {
    /// A file on disk.
    Path(PathBuf),
    /// Bytes in memory.
    Bytes(Bytes),
}

impl FileSource {
    /// A file on disk.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Self::Path(path.into())
    }

    /// Bytes in memory.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        Self::Bytes(bytes.into())
    }

    /// The size in bytes (for a file, as it is now).
    ///
    /// # Errors
    /// When the file cannot be read.
    pub fn size(&self) -> io::Result<u64> {
        match self {
            Self::Path(path) => Ok(std::fs::metadata(path)?.len()),
            Self::Bytes(bytes) => Ok(bytes.len() as u64),
        }
    }

    /// The file's name (its last path component), for a file on disk.
    pub fn file_name(&self) -> Option<String> {
        match self {
            Self::Path(path) => path.file_name().map(|name| name.to_string_lossy().into_owned()),
            Self::Bytes(_) => None,
        }
    }

    /// Up to `limit` bytes from the start.
    ///
    /// # Errors
    /// When the file cannot be read.
    pub fn head(&self, limit: usize) -> io::Result<Vec<u8>> {
        let mut head = Vec::with_capacity(limit.min(64 * 1024));
        self.reader()?.take(limit as u64).read_to_end(&mut head)?;
        Ok(head)
    }

    /// A buffered reader over the content, for sniffing formats.
    pub(crate) fn reader(&self) -> io::Result<Reader> {
        Ok(match self {
            Self::Path(path) => Reader::File(BufReader::new(File::open(path)?)),
            Self::Bytes(bytes) => Reader::Bytes(Cursor::new(bytes.clone())),
        })
    }

    /// Where the content comes from, for messages: the path, or the size of the bytes.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Path(path) => format!("file {}", path.display()),
            Self::Bytes(bytes) => format!("{} bytes in memory", bytes.len()),
        }
    }
}

/// A reader over a [`FileSource`].
pub(crate) enum Reader {
    File(BufReader<File>),
    Bytes(Cursor<Bytes>),
}

impl Read for Reader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::File(file) => file.read(buf),
            Self::Bytes(bytes) => bytes.read(buf),
        }
    }
}

impl io::BufRead for Reader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            Self::File(file) => file.fill_buf(),
            Self::Bytes(bytes) => bytes.fill_buf(),
        }
    }

    fn consume(&mut self, amount: usize) {
        match self {
            Self::File(file) => file.consume(amount),
            Self::Bytes(bytes) => bytes.consume(amount),
        }
    }
}

impl Seek for Reader {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        match self {
            Self::File(file) => file.seek(to),
            Self::Bytes(bytes) => bytes.seek(to),
        }
    }
}

impl fmt::Debug for FileSource {
    /// The path, or the size of the bytes (never the bytes).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Path(path) => f.debug_tuple("Path").field(path).finish(),
            Self::Bytes(bytes) => write!(f, "Bytes(<{} bytes>)", bytes.len()),
        }
    }
}

impl From<PathBuf> for FileSource {
    fn from(path: PathBuf) -> Self {
        Self::Path(path)
    }
}

impl From<&Path> for FileSource {
    fn from(path: &Path) -> Self {
        Self::Path(path.to_owned())
    }
}

impl From<Vec<u8>> for FileSource {
    fn from(bytes: Vec<u8>) -> Self {
        Self::Bytes(bytes.into())
    }
}

impl From<Bytes> for FileSource {
    fn from(bytes: Bytes) -> Self {
        Self::Bytes(bytes)
    }
}

thread_local! {
    /// The byte buffers of the call being decoded (see [`with_buffers`]).
    static BUFFERS: RefCell<Option<Vec<Bytes>>> = const { RefCell::new(None) };
}

/// Runs `decode` with `buffers` as the targets of `{"buffer": i}` forms: the bindings hand
/// a call's bytes next to its JSON request, and decoding picks them up here.
pub(crate) fn with_buffers<T>(buffers: Vec<Bytes>, decode: impl FnOnce() -> T) -> T {
    let previous = BUFFERS.with(|cell| cell.replace(Some(buffers)));
    let outcome = decode();
    BUFFERS.with(|cell| cell.replace(previous));
    outcome
}

fn buffer(index: u64) -> Result<Bytes, String> {
    BUFFERS.with(|cell| {
        let buffers = cell.borrow();
        let count = buffers.as_ref().map_or(0, Vec::len);
        usize::try_from(index)
            .ok()
            .and_then(|i| buffers.as_ref()?.get(i).cloned())
            .ok_or_else(|| format!("buffer {index} was not handed to the call (it has {count} buffers)"))
    })
}

/// The object forms, as they decode.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Forms {
    #[serde(default)]
    path: Option<PathBuf>,
    #[serde(default)]
    base64: Option<String>,
    #[serde(default)]
    buffer: Option<u64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Wire {
    Path(PathBuf),
    Forms(Forms),
}

impl<'de> Deserialize<'de> for FileSource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Wire::deserialize(deserializer).map_err(|_| {
            de::Error::custom(
                "expected a file: a path string, {\"path\": …}, {\"base64\": …} or {\"buffer\": index}",
            )
        })?;
        match wire {
            Wire::Path(path) => Ok(Self::Path(path)),
            Wire::Forms(Forms { path: Some(path), base64: None, buffer: None }) => Ok(Self::Path(path)),
            Wire::Forms(Forms { path: None, base64: Some(text), buffer: None }) => BASE64
                .decode(text.as_bytes())
                .map(|bytes| Self::Bytes(bytes.into()))
                .map_err(|e| de::Error::custom(format!("base64 is not valid base64: {e}"))),
            Wire::Forms(Forms { path: None, base64: None, buffer: Some(index) }) => {
                buffer(index).map(Self::Bytes).map_err(de::Error::custom)
            }
            Wire::Forms(_) => Err(de::Error::custom("give exactly one of path, base64 or buffer")),
        }
    }
}

impl Serialize for FileSource {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            Self::Path(path) => map.serialize_entry("path", &path.to_string_lossy())?,
            Self::Bytes(bytes) => map.serialize_entry("base64", &BASE64.encode(bytes))?,
        }
        map.end()
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for FileSource {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FileSource".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A file to upload: a path (string or {\"path\"}), {\"base64\"} bytes, or {\"buffer\": index} of the buffers handed to the call.",
            "anyOf": [
                {"type": "string"},
                {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
                {"type": "object", "properties": {"base64": {"type": "string"}}, "required": ["base64"]},
                {"type": "object", "properties": {"buffer": {"type": "integer"}}, "required": ["buffer"]}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode(value: serde_json::Value) -> Result<FileSource, String> {
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    #[test]
    fn every_json_form_decodes() {
        assert_eq!(decode(json!("a/b.png")).unwrap(), FileSource::path("a/b.png"));
        assert_eq!(decode(json!({"path": "a/b.png"})).unwrap(), FileSource::path("a/b.png"));
        assert_eq!(decode(json!({"base64": "aGk="})).unwrap(), FileSource::bytes(&b"hi"[..]));
        let buffers = vec![Bytes::from_static(b"one"), Bytes::from_static(b"two")];
        let second = with_buffers(buffers, || decode(json!({"buffer": 1})));
        assert_eq!(second.unwrap(), FileSource::bytes(&b"two"[..]));
        assert!(decode(json!({"buffer": 0})).unwrap_err().contains("has 0 buffers"));
        assert!(decode(json!({"path": "a", "base64": "aGk="})).unwrap_err().contains("exactly one"));
        assert!(decode(json!({"base64": "!!"})).unwrap_err().contains("not valid base64"));
        assert!(decode(json!(7)).unwrap_err().contains("expected a file"));
    }

    #[test]
    fn it_encodes_as_it_decodes_and_debug_hides_the_bytes() {
        let bytes = FileSource::bytes(vec![1u8, 2, 3]);
        assert_eq!(serde_json::to_value(&bytes).unwrap(), json!({"base64": "AQID"}));
        assert_eq!(decode(serde_json::to_value(&bytes).unwrap()).unwrap(), bytes);
        assert_eq!(format!("{bytes:?}"), "Bytes(<3 bytes>)");
        assert_eq!(FileSource::path("x/报告.pdf").file_name().as_deref(), Some("报告.pdf"));
    }
}
