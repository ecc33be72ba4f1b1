//! The intermediate representation: plain data that answers every question about the spec
//! once. Lowering builds it; emitters only turn it into tokens and never look at `openapiv3`.

/// The whole API, as the emitters see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The first server URL, used as the default base URL.
    pub base_url: Option<String>,
    /// How requests are authenticated.
    pub auth: Auth,
    /// Every named type, sorted by name.
    pub types: Vec<TypeDef>,
    /// Every operation, sorted by path then method.
    pub operations: Vec<Operation>,
    /// The spec's example values with the type each must decode into, sorted by pointer.
    pub examples: Vec<Example>,
}

/// An `example` (or one of `examples`) from the spec, and the type that must hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// JSON pointer of the value in the spec.
    pub pointer: String,
    /// The Rust type it must decode into and encode back from unchanged.
    pub ty: TypeRef,
    /// The value.
    pub value: serde_json::Value,
}

/// How the API expects credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// No security scheme applies.
    None,
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `Authorization: Basic <user:password>`, with the key as `user:password`.
    Basic,
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust name, unique in the `models` module.
    pub name: String,
    /// Doc text from the spec.
    pub doc: Option<String>,
    /// JSON pointer of the schema.
    pub pointer: String,
    /// What it is.
    pub kind: TypeKind,
    /// Example values from the spec (`example`), as JSON.
    pub examples: Vec<serde_json::Value>,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct {
        /// Fields in spec order.
        fields: Vec<Field>,
        /// Extra properties are kept here (`additionalProperties` alongside `properties`).
        additional: Option<TypeRef>,
    },
    /// A string enum that keeps unknown values in `Other(String)`.
    StringEnum {
        /// Known values in spec order.
        variants: Vec<Variant>,
    },
    /// One of several shapes, tried in order (`oneOf`/`anyOf`).
    Untagged {
        /// Variants in spec order.
        variants: Vec<UnionVariant>,
    },
    /// One of several object shapes, told apart by a string property.
    Tagged {
        /// The property that names the variant.
        tag: String,
        /// Variants in spec order.
        variants: Vec<TaggedVariant>,
    },
    /// A name for another type (`type A = B;`).
    Alias(TypeRef),
    /// A wrapper struct around another type, for aliases that refer to themselves.
    Newtype(TypeRef),
    /// The success of an operation whose statuses have different bodies.
    Responses {
        /// One variant per status.
        variants: Vec<StatusVariant>,
    },
}

/// A field of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust name, unique within the struct.
    pub name: String,
    /// Name on the wire.
    pub wire_name: String,
    /// Doc text (description, default, constraints).
    pub doc: Option<String>,
    /// The value's type (`Nullable` when the value may be `null`).
    pub ty: TypeRef,
    /// Whether the spec requires the property.
    pub required: bool,
}

impl Field {
    /// Whether the Rust field is an `Option` (absent or `null`).
    pub fn optional(&self) -> bool {
        !self.required || matches!(self.ty, TypeRef::Nullable(_))
    }
}

/// A known value of a string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Rust name, unique within the enum.
    pub name: String,
    /// Value on the wire.
    pub wire: String,
}

/// A variant of an untagged union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// Rust name, unique within the enum.
    pub name: String,
    /// Its payload.
    pub ty: TypeRef,
}

/// A variant of a tagged union.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    /// Rust name, unique within the enum.
    pub name: String,
    /// Tag value on the wire.
    pub tag_value: String,
    /// Its payload (a struct type).
    pub ty: TypeRef,
}

/// A reference to a type, as used in a field, parameter, body or response.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64` (integers without format, `int64`, `unixtime`, …).
    I64,
    /// `u64` (integers whose bounds do not fit `i64`).
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// Any JSON value.
    Json,
    /// Raw bytes (a request body of a non-JSON media type).
    Bytes,
    /// A file: a binary string (`format: binary`) in a form or document.
    File,
    /// A named type in the `models` module.
    Named(String),
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Box<T>`, to break a cycle of required fields.
    Boxed(Box<TypeRef>),
    /// A value that may be `null`: `Option<T>`.
    Nullable(Box<TypeRef>),
}

impl TypeRef {
    /// This type, made nullable (once; `serde_json::Value` already holds `null`).
    pub fn nullable(self) -> TypeRef {
        match self {
            TypeRef::Nullable(_) | TypeRef::Json => self,
            other => TypeRef::Nullable(Box::new(other)),
        }
    }

    /// Whether this is a built-in scalar (string, bool or number).
    pub fn is_primitive(&self) -> bool {
        matches!(
            self,
            TypeRef::String
                | TypeRef::Bool
                | TypeRef::I32
                | TypeRef::I64
                | TypeRef::U64
                | TypeRef::F32
                | TypeRef::F64
        )
    }

    /// The type without its outer nullability.
    pub fn non_null(&self) -> &TypeRef {
        match self {
            TypeRef::Nullable(inner) => inner,
            other => other,
        }
    }
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The spec's operationId (or the name derived for it).
    pub id: String,
    /// Method name on the client, snake_case.
    pub method_name: String,
    /// Builder type name, UpperCamelCase.
    pub builder_name: String,
    /// HTTP method, uppercase.
    pub http_method: String,
    /// Path template as written in the spec (`/organization/certificates/{certificate_id}`).
    pub path: String,
    /// The template split into literal text and parameter references.
    pub path_segments: Vec<PathSegment>,
    /// Doc text: summary and description.
    pub doc: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Parameters: path ones in template order, then query and header ones in spec order.
    pub params: Vec<Param>,
    /// Request body.
    pub body: Option<Body>,
    /// The success response.
    pub response: Response,
    /// Set when the operation is a cursor-paginated list.
    pub pagination: Option<Pagination>,
    /// Query pairs that the path itself carries (`/responses?beta=true`).
    pub fixed_query: Vec<(String, String)>,
    /// JSON pointer of the operation.
    pub pointer: String,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// Literal text.
    Literal(String),
    /// The value of the parameter with this Rust name.
    Param(String),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A path segment, percent-encoded.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// How a parameter's value is written (OpenAPI `style`/`explode`, or `content`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `name=a&name=b` (query), `a,b` (path, header): `form`/`simple`.
    Plain {
        /// Lists as one pair per item (`true`) or one comma-joined value.
        explode: bool,
    },
    /// An object as its own pairs (`form`, exploded): `k1=v1&k2=v2`.
    FormObject,
    /// `name[key]=value`, nested: `deepObject`.
    DeepObject,
    /// A list joined by spaces: `spaceDelimited`.
    SpaceDelimited,
    /// A list joined by `|`: `pipeDelimited`.
    PipeDelimited,
    /// A path segment `.value`: `label`.
    Label,
    /// A path segment `;name=value`: `matrix`.
    Matrix,
    /// The value as JSON text (a parameter described by `content: application/json`).
    Json,
    /// A value no standard style writes (a `oneOf` of scalars, say): its scalars as plain
    /// text, comma-joined; objects as JSON text.
    Text,
}

/// A parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Rust name, unique within the operation.
    pub name: String,
    /// Name on the wire.
    pub wire_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type (for arrays, `Vec<T>`, sent as one `name=value` pair per item).
    pub ty: TypeRef,
    /// Required ones are arguments of the client method; the rest are builder calls.
    pub required: bool,
    /// Doc text.
    pub doc: Option<String>,
    /// How the value is written.
    pub style: ParamStyle,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// How it is encoded.
    pub kind: BodyKind,
    /// Its type.
    pub ty: TypeRef,
    /// Whether the spec requires it.
    pub required: bool,
    /// Doc text.
    pub doc: Option<String>,
    /// When the body is an object whose fields can be set one by one on the builder:
    /// its fields (required ones become arguments).
    pub flattened: Option<Vec<Field>>,
}

/// How a request body is encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/json` (or another `…+json` type, named here).
    Json(String),
    /// `multipart/form-data`: one part per field of the body struct.
    Multipart,
    /// `application/x-www-form-urlencoded`: fields as `name=value` pairs, objects in brackets.
    Form,
    /// Any other media type: raw bytes sent with this content type.
    Raw(String),
}

/// The success response of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The status code the spec lists (`200`, `201`, `2XX`, …).
    pub status: String,
    /// How the body is decoded.
    pub kind: ResponseKind,
    /// Doc text.
    pub doc: Option<String>,
    /// The success response can also be streamed (`text/event-stream` is offered besides
    /// JSON): the builder gets `send_stream()`.
    pub also_stream: bool,
}

/// How a success body is decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseKind {
    /// No body (returns `()`).
    Empty,
    /// A JSON body of this type.
    Json(TypeRef),
    /// Text (`text/*`), as a `String`.
    Text,
    /// Any other media type, as bytes.
    Bytes,
    /// `text/event-stream`, as a stream of byte chunks.
    EventStream,
    /// Several success statuses with different bodies: an enum named here, one variant per
    /// status.
    ByStatus {
        /// The enum's name.
        name: String,
        /// Variants, by status code.
        variants: Vec<StatusVariant>,
    },
}

/// One status of a [`ResponseKind::ByStatus`] response.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusVariant {
    /// Variant name (`Ok`, `Created`, `Status299`, …).
    pub name: String,
    /// The status code.
    pub status: u16,
    /// The JSON body's type, or `None` for no body.
    pub ty: Option<TypeRef>,
}

/// How a list operation is walked page by page.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// Rust name of the cursor parameter (`after`).
    pub cursor_param: String,
    /// The page type.
    pub page_type: String,
    /// Rust name of the page's item list field (`data`).
    pub items_field: String,
    /// Type of one item.
    pub item_type: TypeRef,
    /// Rust name of the `has_more` field.
    pub has_more_field: String,
    /// Whether that field is an `Option`.
    pub has_more_optional: bool,
    /// Rust name of the field holding the next cursor (`last_id`).
    pub next_cursor_field: String,
    /// Whether that field is an `Option`.
    pub next_cursor_optional: bool,
}

impl Api {
    /// The named type `name`, if it exists.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types
            .binary_search_by(|t| t.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.types[i])
    }

    /// Whether values of `ty` are written as text (scalars and string enums, or options and
    /// lists of them): what query strings, headers and form fields hold.
    pub fn is_text(&self, ty: &TypeRef) -> bool {
        match ty {
            t if t.is_primitive() => true,
            TypeRef::Vec(inner) | TypeRef::Nullable(inner) => self.is_text(inner),
            TypeRef::Named(name) => match self.type_def(name).map(|t| &t.kind) {
                Some(TypeKind::StringEnum { .. }) => true,
                Some(TypeKind::Alias(inner)) => self.is_text(inner),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether values of `ty` are files (or options and lists of files).
    pub fn is_file(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::File => true,
            TypeRef::Vec(inner) | TypeRef::Nullable(inner) => self.is_file(inner),
            _ => false,
        }
    }
}
