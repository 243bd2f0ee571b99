//! [`Form`]: the `multipart/form-data` body of an upload, as its operation describes it
//! (see [`Operation::form`](crate::Operation::form)) and the transport sends it, once per
//! attempt (a file is opened anew and streamed each time).

use crate::file::FileSource;

/// A multipart form: text fields and files, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    parts: Vec<FormPart>,
}

/// One part of a [`Form`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormPart {
    /// A text field.
    Text {
        /// The field's name.
        name: &'static str,
        /// Its value.
        value: String,
    },
    /// A file.
    File {
        /// The field's name.
        name: &'static str,
        /// The file name sent with it.
        file_name: String,
        /// The content.
        source: FileSource,
    },
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    #[must_use]
    pub fn text(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.parts.push(FormPart::Text { name, value: value.into() });
        self
    }

    /// Adds a file.
    #[must_use]
    pub fn file(mut self, name: &'static str, file_name: impl Into<String>, source: FileSource) -> Self {
        self.parts.push(FormPart::File { name, file_name: file_name.into(), source });
        self
    }

    /// The parts, in order.
    pub fn parts(&self) -> &[FormPart] {
        &self.parts
    }
}
