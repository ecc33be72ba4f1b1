//! Every Rust name the generator emits comes from here: spec text is untrusted, so keywords,
//! prelude names, leading digits, punctuation, non-ASCII text, empty strings and collisions
//! are all handled in this one place.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Rust keywords (strict, reserved and weak ones that matter in item position).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be written as raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names the generated code (or the prelude) already uses; a schema with one of these
/// names would shadow it, so it gets a `Model` suffix instead.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Extend",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "AsRef",
    "AsMut",
    "ToString",
    "ToOwned",
    "Unpin",
    "FromIterator",
    "Debug",
    "Display",
    "Serialize",
    "Deserialize",
    "Self",
    "Future",
    "IntoFuture",
    "Map",
    "Value",
    "Bytes",
];

/// Splits untrusted text into ASCII words, spelling out what would otherwise vanish:
/// non-ASCII characters become `uXXXX`, a leading `+`/`-` becomes `plus`/`minus`, and text
/// made only of punctuation is spelled out symbol by symbol.
fn words(raw: &str) -> String {
    let trimmed = raw.trim();
    let mut out = String::with_capacity(trimmed.len());
    let only_symbols = !trimmed.chars().any(|c| c.is_alphanumeric());
    for (i, c) in trimmed.chars().enumerate() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !c.is_ascii() {
            out.push_str(&format!(" u{:04x} ", c as u32));
        } else if i == 0 && c == '+' {
            out.push_str("plus ");
        } else if i == 0 && c == '-' && trimmed.len() > 1 {
            out.push_str("minus ");
        } else if only_symbols {
            out.push(' ');
            out.push_str(symbol_name(c));
            out.push(' ');
        } else {
            out.push(' ');
        }
    }
    out
}

fn symbol_name(c: char) -> &'static str {
    match c {
        '+' => "plus",
        '-' => "minus",
        '*' => "star",
        '.' => "dot",
        '/' => "slash",
        '=' => "eq",
        '<' => "lt",
        '>' => "gt",
        '!' => "bang",
        '@' => "at",
        '#' => "hash",
        '$' => "dollar",
        '%' => "percent",
        '&' => "and",
        '|' => "or",
        '~' => "tilde",
        '^' => "caret",
        '?' => "question",
        ':' => "colon",
        ',' => "comma",
        ';' => "semicolon",
        '_' => "underscore",
        _ => "symbol",
    }
}

/// A type name in UpperCamelCase: `certificate.deleted` → `CertificateDeleted`.
pub fn type_name(raw: &str) -> String {
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Unnamed".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'T');
    }
    if RESERVED_TYPES.contains(&name.as_str()) {
        name.push_str("Model");
    }
    name
}

/// An enum variant name: like a type name, but a leading digit gets a `V` (`1024x1024` →
/// `V1024x1024`) and `Self` is not allowed.
pub fn variant_name(raw: &str) -> String {
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Empty".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" || name == "Other" {
        // `Other` is the catch-all variant of every open enum.
        name.push_str("Value");
    }
    name
}

/// A field, parameter or method name in snake_case, escaped when it is a keyword:
/// `type` → `r#type`, `self` → `self_`, `2fa` → `_2fa`.
pub fn value_name(raw: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    escape_keyword(name)
}

fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Joins a parent type name and a child name for an inline type, dropping the words they
/// share at the seam: `Certificate` + `CertificateDetails` → `CertificateDetails`,
/// `OrganizationCertificate` + `CertificateDetails` → `OrganizationCertificateDetails`.
pub fn join_type_names(parent: &str, child: &str) -> String {
    let p = camel_words(parent);
    let c = camel_words(child);
    let max = p.len().min(c.len().saturating_sub(1));
    let overlap = (1..=max)
        .rev()
        .find(|&k| p[p.len() - k..] == c[..k])
        .unwrap_or(0);
    let mut out: String = p.concat();
    for w in &c[overlap..] {
        out.push_str(w);
    }
    out
}

fn camel_words(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = s.as_bytes();
    for i in 1..bytes.len() {
        if bytes[i].is_ascii_uppercase() && !bytes[i - 1].is_ascii_uppercase() {
            out.push(&s[start..i]);
            start = i;
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// A crate name from an API's title: `OpenAI API` → `openai-api-client`.
pub fn crate_name(title: &str) -> String {
    let mut name = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    let name = if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.to_owned()
    } else {
        format!("api-{name}").trim_end_matches('-').to_owned()
    };
    let name: String = name.chars().take(48).collect();
    format!("{}-client", name.trim_end_matches('-'))
}

/// The constructor of every model struct (`Certificate::new(id, …)`), which takes its
/// required fields. No field name can clash with it, `new` included: fields and associated
/// functions are different namespaces, and a model struct has no other inherent function
/// (its setters are its public fields). Its arguments are the fields' own names, unique in
/// the struct, and its body uses no other local.
pub const CONSTRUCTOR: &str = "new";

/// The prefix of an API's environment variables, from its crate name: its ASCII words in
/// upper case joined by `_`, without trailing words that say nothing about the API (`API`,
/// `CLIENT`, `REST`, `OPENAPI`, `OF`, versions): `petstore-client` → `PETSTORE`. A leading
/// digit gets `API_` before it; no word at all gives an empty string.
pub fn env_prefix(text: &str) -> String {
    env_prefix_of_words(text, usize::MAX)
}

/// The prefix of an API's environment variables, from its title: as [`env_prefix`], of the
/// text before any `(`, ` - `, `:` or `—`, and of its first three words: `Stripe API` →
/// `STRIPE`, `Swagger Petstore - OpenAPI 3.0` → `SWAGGER_PETSTORE`.
pub fn env_prefix_of_title(title: &str) -> String {
    let text = [" (", "(", " - ", ":", "—"]
        .iter()
        .filter_map(|sep| title.find(sep))
        .min()
        .map_or(title, |end| &title[..end]);
    env_prefix_of_words(text, 3)
}

fn env_prefix_of_words(text: &str, max_words: usize) -> String {
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .take(max_words)
        .collect();
    while words.len() > 1
        && words.last().is_some_and(|w| {
            [
                "API", "APIS", "CLIENT", "REST", "OPENAPI", "SPEC", "V", "OF", "THE", "FOR", "AND",
            ]
            .contains(&w.as_str())
                || w.chars().all(|c| c.is_ascii_digit())
                || (w.starts_with('V') && w[1..].chars().all(|c| c.is_ascii_digit()))
        })
    {
        words.pop();
    }
    let prefix = words.join("_");
    if prefix.starts_with(|c: char| c.is_ascii_digit()) {
        format!("API_{prefix}")
    } else {
        prefix
    }
}

/// Strips an identifier to the form usable with `Ident::new`/`Ident::new_raw`.
pub fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => proc_macro2::Ident::new(name, proc_macro2::Span::call_site()),
    }
}

/// The scopes of Rust names in generated code that spec text can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    /// Methods of `Client`: the operations and the top-level resource accessors.
    Client,
    /// Methods of `ClientBuilder`.
    ClientBuilder,
    /// Names no input of a request builder may take, setter or argument: its fields
    /// (`client`, `body`) and its main methods, as since the first version.
    RequestBuilder,
    /// Methods of a request builder that a setter (an optional input) may not take.
    RequestBuilderMethods,
    /// Type names of operations: request builders (in `builders`) and mock markers (in
    /// `mock`, beside the mock server's own types).
    OperationTypes,
    /// Methods of a resource type: accessors and operation verbs.
    Resource,
    /// Methods of the mock server: one expectation per operation.
    MockServer,
    /// Methods of a mock expectation: one matcher per path parameter.
    Expectation,
    /// Fields of a model struct (the properties, and the map of additional properties).
    ModelFields,
    /// Modules of the generated code.
    Modules,
    /// Cargo features of a generated crate.
    CrateFeatures,
}

/// The names already taken in a scope before any name from the spec is handed out: the
/// methods the runtime itself defines on that type (every inherent method, whatever its
/// visibility, since another with the same name would not compile), the methods and fields
/// the generated code itself gives it, and the ones generated code calls on it by name
/// (`clone` on `Client`). Trait methods that nothing calls by name (`fmt`) are not listed: an
/// inherent method of the same name compiles, and renaming it would change a working API.
///
/// `tests/reserved.rs` reads the runtime's source (the `client!` and `mock!` macros that
/// define these types in every generated crate) and fails when the runtime defines a method
/// or a type that is not listed here.
pub fn reserved(namespace: Namespace) -> &'static [&'static str] {
    match namespace {
        Namespace::Client => &[
            // The runtime's `client!` macro.
            "base_url", "builder", "from_env",
            // Called by every generated client method (`client: self.clone()`).
            "clone",
        ],
        Namespace::ClientBuilder => &[
            "base_url",
            "build",
            "from_env",
            "header",
            "http_client",
            "initial_retry_delay",
            "max_retries",
            "max_retry_delay",
            "mock_credentials",
            "new",
            "retry_sleep",
            "timeout",
        ],
        Namespace::RequestBuilder => &[
            "send",
            "send_with_meta",
            "into_stream",
            "body",
            "client",
            "with_options",
        ],
        Namespace::RequestBuilderMethods => &[
            // Generated methods of every request builder.
            "send",
            "send_with_meta",
            "send_stream",
            "into_stream",
            "into_pages",
            "request",
            // The runtime's `request_builder!` macro.
            "with_options",
        ],
        Namespace::OperationTypes => &[
            // Defined in the `mock` module by the runtime's `mock!` macro.
            "MockServer",
            "Expectation",
            // Re-exported into the `mock` module from the runtime.
            "MockHandle",
            "MockOperation",
            "ResponseTemplate",
        ],
        Namespace::Resource => &[],
        Namespace::MockServer => &[
            "start",
            "uri",
            "client",
            "client_builder",
            "received_requests",
            "expect",
        ],
        Namespace::Expectation => &[
            "path_param",
            "query",
            "header",
            "body",
            "times",
            "returns",
            "returns_error",
            "respond_with",
        ],
        Namespace::ModelFields => &[],
        Namespace::Modules => &[
            "builders",
            "decode",
            "models",
            "resources",
            "mock",
            "spec_examples",
            "webhooks",
        ],
        // Every generated crate has these (and its dependencies' names are implicit
        // features only when optional, which they are not).
        Namespace::CrateFeatures => &[
            "default",
            "mock",
            "tracing",
            "rustls",
            "native-tls",
            "serde-both",
            "other-types",
            "webhooks",
        ],
    }
}

/// A scope with the names of `namespace` already taken.
pub fn scope(namespace: Namespace) -> Scope {
    let mut scope = Scope::default();
    for name in reserved(namespace) {
        scope.reserve(name);
    }
    scope
}

/// A set of names already taken in one namespace; `claim` hands out a unique one by adding
/// a numeric suffix (`Name2`, `name_2`), in the order names are claimed.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// Marks `name` as used without renaming it.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// Whether `name` is used.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Returns `base`, or `base` with the smallest free numeric suffix, and marks it used.
    pub fn claim(&mut self, base: &str) -> String {
        if self.taken.insert(base.to_owned()) {
            return base.to_owned();
        }
        let (stem, sep) = match base.strip_prefix("r#") {
            Some(stem) => (stem, "_"),
            None if base.ends_with(|c: char| c.is_ascii_digit()) || base.contains('_') => {
                (base, "_")
            }
            None if base.starts_with(|c: char| c.is_ascii_lowercase()) => (base, "_"),
            None => (base, ""),
        };
        let stem = stem.trim_end_matches('_');
        (2..)
            .map(|n| format!("{stem}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        for (input, expected) in [
            ("Certificate", "Certificate"),
            ("certificate.deleted", "CertificateDeleted"),
            ("list_certificates_response", "ListCertificatesResponse"),
            ("2fa", "T2fa"),
            ("", "Unnamed"),
            ("Result", "ResultModel"),
            ("Option", "OptionModel"),
            ("名前", "U540dU524d"),
            ("Self", "SelfModel"),
        ] {
            assert_eq!(type_name(input), expected, "type_name({input:?})");
        }
    }

    #[test]
    fn variant_names() {
        for (input, expected) in [
            ("asc", "Asc"),
            (
                "organization.project.certificate",
                "OrganizationProjectCertificate",
            ),
            ("1024x1024", "V1024x1024"),
            ("+1", "Plus1"),
            ("-1", "Minus1"),
            ("", "Empty"),
            ("*", "Star"),
            ("other", "OtherValue"),
            ("self", "SelfValue"),
            ("in_progress", "InProgress"),
        ] {
            assert_eq!(variant_name(input), expected, "variant_name({input:?})");
        }
    }

    #[test]
    fn value_names() {
        for (input, expected) in [
            ("certificate_id", "certificate_id"),
            ("include[]", "include"),
            ("type", "r#type"),
            ("self", "self_"),
            ("crate", "crate_"),
            ("2fa", "_2fa"),
            ("X-Request-Id", "x_request_id"),
            (
                "listOrganizationCertificates",
                "list_organization_certificates",
            ),
            ("", "value"),
            ("async", "r#async"),
        ] {
            assert_eq!(value_name(input), expected, "value_name({input:?})");
        }
    }

    #[test]
    fn joined_type_names() {
        for (parent, child, expected) in [
            ("Certificate", "CertificateDetails", "CertificateDetails"),
            (
                "OrganizationCertificate",
                "CertificateDetails",
                "OrganizationCertificateDetails",
            ),
            (
                "ListCertificatesResponse",
                "Object",
                "ListCertificatesResponseObject",
            ),
            ("Pet", "Pet", "PetPet"),
        ] {
            assert_eq!(join_type_names(parent, child), expected);
        }
    }

    #[test]
    fn crate_names() {
        for (title, expected) in [
            ("OpenAI API", "openai-api-client"),
            (
                "Swagger Petstore - OpenAPI 3.0",
                "swagger-petstore-openapi-3-0-client",
            ),
            ("3D printing", "api-3d-printing-client"),
            ("", "api-client"),
            ("名前", "api-client"),
        ] {
            assert_eq!(crate_name(title), expected);
        }
    }

    #[test]
    fn env_prefixes() {
        assert_eq!(env_prefix("auth-api-key-cookie"), "AUTH_API_KEY_COOKIE");
        assert_eq!(env_prefix("petstore-client"), "PETSTORE");
        for (text, expected) in [
            ("Stripe API", "STRIPE"),
            ("Swagger Petstore - OpenAPI 3.0", "SWAGGER_PETSTORE"),
            (
                "Swagger Petstore (our own, in the classic style)",
                "SWAGGER_PETSTORE",
            ),
            ("Security schemes of 3.1", "SECURITY_SCHEMES"),
            ("OpenAI Admin API — certificates", "OPENAI_ADMIN"),
            ("OpenAI API", "OPENAI"),
            ("GitHub v3 REST API", "GITHUB"),
            ("3D printing", "API_3D_PRINTING"),
            ("API", "API"),
            ("名前", ""),
        ] {
            assert_eq!(env_prefix_of_title(text), expected, "{text:?}");
        }
    }

    #[test]
    fn scopes_hand_out_unique_names() {
        let mut types = Scope::default();
        assert_eq!(types.claim("Asc"), "Asc");
        assert_eq!(types.claim("Asc"), "Asc2");
        assert_eq!(types.claim("Asc"), "Asc3");
        let mut values = Scope::default();
        assert_eq!(values.claim("name"), "name");
        assert_eq!(values.claim("name"), "name_2");
        assert_eq!(values.claim("r#type"), "r#type");
        assert_eq!(values.claim("r#type"), "type_2");
        let mut digits = Scope::default();
        assert_eq!(digits.claim("V1"), "V1");
        assert_eq!(digits.claim("V1"), "V1_2");
    }
}
