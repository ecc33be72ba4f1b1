//! `multipart/form-data` bodies (RFC 7578), encoded once into bytes so that a retry resends
//! exactly the same body (the `multipart` feature).

use super::Result;
use super::file::FileUpload;
use super::request::ParamValue;
use bytes::Bytes;

/// The file fields of a multipart body: a file, an optional one, or a list.
pub trait FileValue {
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
pub struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Default for Multipart {
    fn default() -> Self {
        Self::new()
    }
}

impl Multipart {
    /// An empty form with a random boundary.
    pub fn new() -> Self {
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
    pub fn text(&mut self, name: &str, value: &(impl ParamValue + ?Sized)) {
        value.for_each_value(&mut |v| {
            self.part_header(name, None);
            self.body.extend_from_slice(v.as_bytes());
            self.body.extend_from_slice(b"\r\n");
        });
    }

    /// A file part per file.
    pub fn file(&mut self, name: &str, value: &impl FileValue) {
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
    pub fn json(&mut self, name: &str, value: &impl serde::Serialize) -> Result<()> {
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
    pub fn finish(mut self) -> (String, Bytes) {
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
