//! Errors and notes, each tied to a place in the spec by its JSON pointer.

use std::fmt;

/// One problem found in the spec: where it is, what is wrong, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// JSON pointer into the spec, e.g. `#/paths/~1pets/get/parameters/2`.
    pub pointer: String,
    /// The operation or schema involved, when there is one (`operation getPet`, `schema Pet`).
    pub subject: Option<String>,
    /// What is wrong, one sentence.
    pub message: String,
    /// What the user can do about it, one sentence.
    pub hint: String,
}

impl Diagnostic {
    pub(crate) fn new(pointer: &str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Diagnostic {
            pointer: pointer.to_owned(),
            subject: None,
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub(crate) fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.pointer)?;
        if let Some(subject) = &self.subject {
            write!(f, " ({subject})")?;
        }
        write!(f, ": {}", self.message)?;
        if !self.hint.is_empty() {
            write!(f, "; {}", self.hint)?;
        }
        Ok(())
    }
}

/// Everything that stopped generation, collected rather than stopping at the first,
/// in a stable order (sorted by pointer, then message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The problems, at least one.
    pub diagnostics: Vec<Diagnostic>,
}

impl Error {
    pub(crate) fn from_diagnostics(mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort();
        diagnostics.dedup();
        Error { diagnostics }
    }

    pub(crate) fn single(diagnostic: Diagnostic) -> Self {
        Error {
            diagnostics: vec![diagnostic],
        }
    }
}

impl Error {
    /// The diagnostics as a maintainer reads them: `error: FILE cannot be generated (N
    /// problems):`, then one line per problem with `FILE:LINE:COLUMN` where the pointer can
    /// be found in the spec's `text`, the pointer, what is wrong and what to do.
    pub fn report(&self, file: &str, text: &str) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let n = self.diagnostics.len();
        let _ = writeln!(
            out,
            "error: {file} cannot be generated ({n} problem{}):",
            if n == 1 { "" } else { "s" }
        );
        let pointers: Vec<String> = self.diagnostics.iter().map(|d| d.pointer.clone()).collect();
        let positions = crate::locate_all(text, &pointers);
        for d in &self.diagnostics {
            let location = positions
                .get(&d.pointer)
                .map(|(line, column)| format!("{file}:{line}:{column}: "))
                .unwrap_or_default();
            let _ = writeln!(out, "  {location}{d}");
        }
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.len();
        writeln!(
            f,
            "{n} error{} in the OpenAPI document:",
            if n == 1 { "" } else { "s" }
        )?;
        for d in &self.diagnostics {
            writeln!(f, "  error: {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Something the generator did instead of the obvious thing (a degraded type, a derived
/// name, an ignored construct), reported so that nothing is dropped silently.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// JSON pointer of the place in the spec.
    pub pointer: String,
    /// What was done, one sentence.
    pub message: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}
