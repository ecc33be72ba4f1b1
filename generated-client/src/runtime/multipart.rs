//! `multipart/form-data` bodies (RFC 7578), encoded once into bytes so that a retry resends
//! exactly the same body, and [`FileUpload`], the value of a file field.
// Generated code uses the encoder only for APIs with multipart bodies.
#![allow(dead_code)]

use super::{ParamValue, Result};
use bytes::Bytes;
use std::fmt;

/// A file to upload: its name, bytes and (optionally) media type.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct FileUpload {
    file_name: String,
    content_type: Option<String>,
    bytes: Bytes,
}

impl FileUpload {
    /// A file named `file_name` holding `bytes`.
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        FileUpload {
            file_name: file_name.into(),
            content_type: None,
            bytes: bytes.into(),
        }
    }

    /// Reads a file from disk; its name is the path's file name.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_owned());
        Ok(FileUpload::new(name, bytes))
    }

    /// Sets the media type sent with the file (default `application/octet-stream`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The contents.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

impl fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileUpload")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// Inside a JSON document a binary string is text: the bytes as (lossy) UTF-8.
impl serde::Serialize for FileUpload {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl<'de> serde::Deserialize<'de> for FileUpload {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(FileUpload::new(String::new(), text.into_bytes()))
    }
}

/// The file fields of a multipart body: a file, an optional one, or a list.
pub(crate) trait FileValue {
    fn for_each_file(&self, f: &mut dyn FnMut(&FileUpload));
}

impl FileValue for FileUpload {
    fn for_each_file(&self, f: &mut dyn FnMut(&FileUpload)) {
        f(self)
    }
}

impl<T: FileValue> FileValue for Option<T> {
    fn for_each_file(&self, f: &mut dyn FnMut(&FileUpload)) {
        if let Some(v) = self {
            v.for_each_file(f)
        }
    }
}

impl<T: FileValue> FileValue for Vec<T> {
    fn for_each_file(&self, f: &mut dyn FnMut(&FileUpload)) {
        for v in self {
            v.for_each_file(f)
        }
    }
}

/// A multipart form being built.
pub(crate) struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Multipart {
    pub(crate) fn new() -> Self {
        Multipart {
            boundary: format!(
                "generated-client-{:016x}{:016x}",
                super::random_u64(),
                super::random_u64()
            ),
            body: Vec::new(),
        }
    }

    fn part_header(&mut self, name: &str, file: Option<(&str, &str)>) {
        let name = escape_quoted(name);
        self.body
            .extend_from_slice(format!("--{}\r\n", self.boundary).as_bytes());
        match file {
            None => self
                .body
                .extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
            Some((file_name, content_type)) => self.body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\nContent-Type: {content_type}\r\n\r\n",
                    escape_quoted(file_name)
                )
                .as_bytes(),
            ),
        }
    }

    /// A text part per value (none for `None`, one per item of a list).
    pub(crate) fn text(&mut self, name: &str, value: &(impl ParamValue + ?Sized)) {
        value.for_each_value(&mut |v| {
            self.part_header(name, None);
            self.body.extend_from_slice(v.as_bytes());
            self.body.extend_from_slice(b"\r\n");
        });
    }

    /// A file part per file.
    pub(crate) fn file(&mut self, name: &str, value: &impl FileValue) {
        value.for_each_file(&mut |file| {
            let content_type = file
                .content_type
                .as_deref()
                .unwrap_or("application/octet-stream");
            let file_name = if file.file_name.is_empty() {
                "file"
            } else {
                &file.file_name
            };
            self.part_header(name, Some((file_name, content_type)));
            self.body.extend_from_slice(&file.bytes);
            self.body.extend_from_slice(b"\r\n");
        });
    }

    /// A part holding a value's JSON text (objects, unions); nothing for `null`.
    pub(crate) fn json(&mut self, name: &str, value: &impl serde::Serialize) -> Result<()> {
        let value = serde_json::to_value(value).map_err(|e| {
            super::Error::invalid_input(format!("the form field `{name}` cannot be encoded: {e}"))
        })?;
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::String(s) => self.text(name, &s),
            other => self.text(name, &other.to_string()),
        }
        Ok(())
    }

    /// The content type (with the boundary) and the encoded body.
    pub(crate) fn finish(mut self) -> (String, Bytes) {
        self.body
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            Bytes::from(self.body),
        )
    }
}

/// A name inside a quoted header parameter: quotes and line breaks percent-encoded, as
/// browsers do.
fn escape_quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_text_file_and_json_parts() {
        let mut form = Multipart::new();
        form.text("purpose", "fine-tune");
        form.text("tags", &vec!["a".to_owned(), "b".to_owned()]);
        form.text("none", &None::<String>);
        form.file(
            "file",
            &FileUpload::new("da\"ta.jsonl", &b"{}\n"[..]).content_type("application/jsonl"),
        );
        form.json("meta", &serde_json::json!({"k": 1})).unwrap();
        let boundary = form.boundary.clone();
        let (content_type, body) = form.finish();
        assert_eq!(
            content_type,
            format!("multipart/form-data; boundary={boundary}")
        );
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\na\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nb\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"da%22ta.jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n{{}}\n\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n{{\"k\":1}}\r\n\
             --{b}--\r\n",
            b = boundary
        );
        assert_eq!(String::from_utf8(body.to_vec()).unwrap(), expected);
    }

    #[test]
    fn file_uploads_debug_without_contents() {
        let file = FileUpload::new("secret.pem", &b"-----BEGIN PRIVATE KEY-----"[..]);
        assert_eq!(
            format!("{file:?}"),
            "FileUpload { file_name: \"secret.pem\", content_type: None, len: 27 }"
        );
    }
}
