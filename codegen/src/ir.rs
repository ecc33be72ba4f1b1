//! The intermediate representation: plain data that answers every question about the spec
//! once. Lowering (`lower/`) fills it in; emitters (`emit/`) only turn it into tokens and
//! never look at `openapiv3`, claim a name or decide anything.
//!
//! Every name in here is final Rust: unique in its scope, escaped when it is a keyword, and
//! clear of the runtime's own names. Types are referred to by [`TypeId`], an index into
//! [`Api::types`]; operations by [`OperationId`], an index into [`Api::operations`].

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
    /// How requests are authenticated: the schemes and the operations' requirements.
    pub security: Security,
    /// The environment variables `Client::from_env` reads.
    pub environment: Environment,
    /// The header that carries idempotency keys, when the API accepts them (the config's
    /// `idempotency_header`, else the document's `x-idempotency-header`).
    pub idempotency_header: Option<String>,
    /// Every named type, sorted by name; a [`TypeId`] is an index into this list.
    pub types: Vec<TypeDef>,
    /// Every operation, sorted by path then method; an [`OperationId`] is an index.
    pub operations: Vec<Operation>,
    /// The page types of paginated operations, each once, in the order first used.
    pub pages: Vec<Page>,
    /// The operations grouped by resource (`client.organization().certificates()`).
    pub resources: Resources,
    /// The spec's example values with the type each must decode into, sorted by pointer.
    pub examples: Vec<Example>,
    /// The runtime's optional cargo features the generated code needs (`multipart`), sorted.
    pub runtime_features: Vec<String>,
    /// The runtime's names the crate re-exports at its root, sorted: what every client
    /// needs (`Error`, `Page`, `RequestOptions` …), plus `ItemStream` when an operation
    /// streams items and `TokenSource`/`ClientCredentials` when a scheme takes tokens.
    pub runtime_reexports: Vec<String>,
    /// The crate's own cargo features: one per group of operations (empty for an API too
    /// small to split), each with the operations it enables.
    pub features: Vec<Feature>,
    /// The feature that compiles the other serde direction of every type (`Serialize` of
    /// what is only received, `Deserialize` of what is only sent); tests always have it.
    pub serde_feature: String,
    /// The feature that compiles the types no operation reaches, when the operations are
    /// split into features.
    pub other_types_feature: Option<String>,
    /// The webhooks the API sends, as typed events (the `webhooks` module), when it
    /// describes any that can be told apart.
    pub webhooks: Option<Webhooks>,
    /// The crate around the generated modules, when the output is a crate of its own.
    pub standalone: Option<CrateManifest>,
    /// The comment lines (without the comment marker) that open every generated file: what
    /// wrote it, from which spec, and how to write it again.
    pub header: Vec<String>,
}

/// A generated crate's own manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateManifest {
    /// The crate's name.
    pub name: String,
    /// One line for `description`.
    pub description: String,
    /// Its dependency on the runtime crate.
    pub runtime: RuntimeDependency,
}

/// How a generated crate depends on the runtime crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeDependency {
    /// The version requirement.
    pub version: String,
    /// A path to a copy of the runtime (this repository's), beside the version.
    pub path: Option<String>,
}

/// The environment variables `Client::from_env` reads (those of the credentials are in
/// [`SecurityScheme::env`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// The base URL's.
    pub base_url: String,
}

/// A cargo feature of the generated crate: a group of operations (a tag, or a top-level
/// path segment where tags are missing) and the types they reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The feature's name in `Cargo.toml` (`fine-tuning`).
    pub name: String,
    /// What the group is: the tag, or the path segment.
    pub title: String,
    /// Its operations.
    pub operations: Vec<OperationId>,
}

/// When an item is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Always.
    Always,
    /// When any of these features (sorted, never empty) is enabled.
    Features(Vec<String>),
}

impl Gate {
    /// Compiled when either is.
    pub fn union(&self, other: &Gate) -> Gate {
        match (self, other) {
            (Gate::Features(a), Gate::Features(b)) => {
                let mut all: Vec<String> = a.iter().chain(b).cloned().collect();
                all.sort();
                all.dedup();
                Gate::Features(all)
            }
            _ => Gate::Always,
        }
    }
}

/// A named type: an index into [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// An operation: an index into [`Api::operations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OperationId(pub usize);

/// A resource: an index into [`Resources::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId(pub usize);

/// An `example` (or one of `examples`) from the spec, and the type that must hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// JSON pointer of the value in the spec.
    pub pointer: String,
    /// Name of the test function that checks it.
    pub test_name: String,
    /// The Rust type it must decode into and encode back from unchanged.
    pub ty: TypeRef,
    /// The value.
    pub value: serde_json::Value,
    /// When its test is compiled: when its type is.
    pub gate: Gate,
}

/// The webhooks of an API: the requests it sends to the user's endpoint, each an event
/// whose payload is a model, told apart by one property of the payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhooks {
    /// The payload property whose constant value names the event (`type`).
    pub tag: String,
    /// The events, sorted by webhook key.
    pub events: Vec<WebhookEvent>,
    /// The cargo feature that compiles the `webhooks` module (and the runtime's verifier).
    pub feature: String,
    /// The name of the enum of events (`Event`).
    pub enum_name: String,
    /// The name of its variant for events of a type the document does not describe.
    pub unknown_variant: String,
}

/// One webhook (one operation of a webhook's path item).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    /// The webhook's key in the document (`batch_completed`).
    pub key: String,
    /// Its variant of the event enum.
    pub variant: String,
    /// Doc text: the operation's summary and description.
    pub doc: Option<String>,
    /// The payload (the request body's type), never `Nullable`.
    pub payload: TypeRef,
    /// The value of [`Webhooks::tag`] that names this event (`batch.completed`).
    pub tag_value: String,
    /// JSON pointer of the operation.
    pub pointer: String,
}

/// How requests are authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Security {
    /// The security schemes the operations use, in the spec's order; requirements refer to
    /// them by index.
    pub schemes: Vec<SecurityScheme>,
    /// The distinct requirements of the operations: alternatives (any one will do), each a
    /// list of scheme indices (all sent); no alternative sends nothing. The first is the
    /// most common one, which a client must be built with credentials for.
    pub requirements: Vec<Vec<Vec<usize>>>,
    /// The operations whose requirement is not the first: (operation id, index into
    /// `requirements`), sorted by id.
    pub overrides: Vec<(String, usize)>,
    /// What `Client::from_env` reads the credentials from, in words, for its docs.
    pub credentials_doc: String,
    /// Whether a scheme takes tokens (OAuth 2, OpenID Connect): the crate re-exports the
    /// runtime's `TokenSource` and `ClientCredentials`.
    pub token_types: bool,
}

/// A security scheme (`components.securitySchemes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// Its name in the spec.
    pub name: String,
    /// How its credential travels.
    pub kind: SchemeKind,
    /// The environment variable of its credential.
    pub env: String,
    /// The `ClientBuilder` method that sets its credential.
    pub setter: String,
    /// The `ClientBuilder` method that sets a token source (OAuth 2, OpenID Connect).
    pub token_source_setter: Option<String>,
    /// The `ClientBuilder` method that sets a client id and secret (OAuth 2 with a
    /// client-credentials flow).
    pub client_credentials_setter: Option<String>,
}

/// How a scheme's credential travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// An API key in a header, query parameter or cookie of this name.
    ApiKey {
        /// Where.
        location: KeyLocation,
        /// The header, parameter or cookie name.
        name: String,
    },
    /// `Authorization: <scheme> <credential>` (`Basic`: base64 of `user:password`).
    Http {
        /// The scheme as sent.
        scheme: String,
    },
    /// A bearer token (OAuth 2, OpenID Connect).
    OAuth2 {
        /// The client-credentials flow's token URL, when declared.
        token_url: Option<String>,
    },
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    /// A header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
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
    /// When it is compiled: when an operation that reaches it is.
    pub gate: Gate,
    /// Whether requests carry it (it is serialized whatever the features).
    pub sent: bool,
    /// Whether responses carry it (it is deserialized whatever the features).
    pub received: bool,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(Struct),
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
    /// The success of an operation whose statuses have different bodies: one variant per
    /// status.
    Responses {
        /// Variants, by status code.
        variants: Vec<StatusVariant>,
    },
}

/// A struct with named fields. It is `#[non_exhaustive]` with public fields: users read and
/// assign fields, and build one with its [`constructor`](Struct::constructor) (or `Default`),
/// so that a new optional field is no breaking change.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// Where properties beyond the listed ones are kept (`additionalProperties` alongside
    /// `properties`); the constructor leaves the map empty.
    pub additional: Option<AdditionalProperties>,
    /// The associated function that builds one from the fields whose
    /// [`init`](Field::init) is [`FieldInit::Argument`], in field order (`new`); `None`
    /// when there are none: the struct then derives `Default`, which sets every field.
    pub constructor: Option<String>,
}

/// The map field that keeps a struct's additional properties.
#[derive(Debug, Clone, PartialEq)]
pub struct AdditionalProperties {
    /// Rust name of the map field, unique among the struct's fields.
    pub field: String,
    /// The type of each value.
    pub ty: TypeRef,
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
    /// Whether the spec requires the property (a required one is always sent, `null`
    /// included).
    pub required: bool,
    /// Whether the Rust field is an `Option` (absent, or `null`).
    pub optional: bool,
    /// The local variable that holds the field's value while the struct is decoded.
    pub slot: String,
    /// What the struct's constructor sets the field to.
    pub init: FieldInit,
}

/// What a struct's constructor sets a field to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldInit {
    /// The argument of the field's name: a value that is not an `Option` and has no only
    /// value.
    Argument,
    /// `None`: the field is an `Option`.
    Absent,
    /// The only value of its type (a one-value string enum, a constant): `Default::default()`.
    Constant,
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

/// One status of a [`TypeKind::Responses`] enum.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusVariant {
    /// Variant name (`Ok`, `Created`, `Status299`, …).
    pub name: String,
    /// The status code.
    pub status: u16,
    /// The JSON body's type, or `None` for no body.
    pub ty: Option<TypeRef>,
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
    Named(TypeId),
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Box<T>`, to break a cycle of required fields.
    Boxed(Box<TypeRef>),
    /// A value that may be `null`: `Option<T>`.
    Nullable(Box<TypeRef>),
}

/// An HTTP method.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
    /// `QUERY` (OpenAPI 3.2's `query` operation): safe and idempotent, with a body.
    Query,
    /// Another method (OpenAPI 3.2's `additionalOperations`), exactly as it is sent: a valid
    /// HTTP token (`COPY`, `PURGE`).
    Other(String),
}

impl HttpMethod {
    /// The method as HTTP writes it (`GET`).
    pub fn as_str(&self) -> &str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
            HttpMethod::Query => "QUERY",
            HttpMethod::Other(method) => method,
        }
    }

    /// Whether the `http` crate has a constant for it (`Method::GET`); the others are built
    /// from their name.
    pub fn is_standard(&self) -> bool {
        !matches!(self, HttpMethod::Query | HttpMethod::Other(_))
    }
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The spec's operationId (or the name derived for it).
    pub id: String,
    /// Method name on the client, snake_case.
    pub method_name: String,
    /// Request builder type name, UpperCamelCase (also the mock's marker type).
    pub builder_name: String,
    /// Method name on the mock server that expects this operation.
    pub mock_method: String,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template.
    pub path: PathTemplate,
    /// Doc text: summary and description.
    pub doc: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Parameters: path ones in template order, then query and header ones in spec order.
    pub params: Vec<Param>,
    /// Request body.
    pub body: Option<Body>,
    /// What a caller gives: arguments of the client method, setters of the builder, and
    /// constants the builder fills in itself, in argument order.
    pub inputs: Vec<Input>,
    /// The success response.
    pub response: Response,
    /// The model the operation's error responses (4XX, 5XX, `default`) decode into, when
    /// they declare one JSON schema; the builder fails with `Error<that type>`.
    pub error_model: Option<TypeRef>,
    /// Set when the operation is a cursor-paginated list.
    pub pagination: Option<Pagination>,
    /// Query pairs that the path itself carries (`/responses?beta=true`).
    pub fixed_query: Vec<(String, String)>,
    /// Matchers of the mock expectation, one per path parameter.
    pub mock_matchers: Vec<MockMatcher>,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// When it is compiled (its feature's gate).
    pub gate: Gate,
    /// Its security requirement: an index into [`Security::requirements`].
    pub security: usize,
}

/// A path template, `/organization/certificates/{certificate_id}`, without any query part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// As written in the spec.
    pub template: String,
    /// The template split into literal text and parameters.
    pub segments: Vec<PathSegment>,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// Literal text.
    Literal(String),
    /// The value of a parameter: an index into [`Operation::params`].
    Param(usize),
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
    /// The whole query string (OpenAPI 3.2's `in: querystring`), written as its style says:
    /// `FormObject` (form pairs), `Json` (JSON text) or `Text` (a string), percent-encoded.
    QueryString,
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
    /// Rust name, unique within the operation (the builder's field).
    pub name: String,
    /// Name on the wire.
    pub wire_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type, never `Nullable` (for arrays, `Vec<T>`).
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
    /// Its type, never `Nullable`.
    pub ty: TypeRef,
    /// Whether the builder holds it as an `Option` (a body the caller may leave out).
    pub optional: bool,
    /// Doc text.
    pub doc: Option<String>,
    /// Whether the body is a struct whose fields are the operation's inputs, set one by one
    /// (required ones are arguments), rather than one input of its own.
    pub flattened: bool,
}

/// How a request body is encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/json` (or another `…+json` type, named here).
    Json(String),
    /// `multipart/form-data`: one part per field of the body struct.
    Multipart(Vec<MultipartPart>),
    /// `application/x-www-form-urlencoded`: fields as `name=value` pairs, objects in brackets.
    Form,
    /// Any other media type: raw bytes sent with this content type.
    Raw(String),
}

/// One part of a multipart body: a field of the body struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartPart {
    /// Rust name of the struct field.
    pub field: String,
    /// The part's name on the wire.
    pub wire_name: String,
    /// How its value is written.
    pub kind: PartKind,
}

/// How a multipart part's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// A file (or files): its bytes, file name and content type.
    File,
    /// Text: a scalar or string enum (or a list of them: one part per item).
    Text,
    /// Anything else, as JSON text.
    Json,
}

/// One input of an operation, as the caller sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Rust name: the argument, the setter and the builder's (or body's) field.
    pub name: String,
    /// The value's type, never `Nullable`.
    pub ty: TypeRef,
    /// Doc text.
    pub doc: Option<String>,
    /// Whether the caller gives it as an argument, sets it, or never sees it.
    pub role: InputRole,
    /// Where its value is kept.
    pub target: InputTarget,
    /// Whether the value is kept as an `Option` (filled in by a setter, or nullable).
    pub optional: bool,
}

/// How a caller gives an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputRole {
    /// An argument of the client method (in [`Operation::inputs`] order).
    Argument,
    /// A method of the request builder.
    Setter,
    /// A one-value enum that the builder fills in with its only value.
    Constant,
}

/// Where an input's value is kept in the request builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputTarget {
    /// The builder's field of the parameter at this index of [`Operation::params`].
    Param(usize),
    /// A field of the (flattened) body struct.
    BodyField,
    /// The whole body.
    Body,
}

/// A path-parameter matcher of a mock expectation.
#[derive(Debug, Clone, PartialEq)]
pub struct MockMatcher {
    /// Method name on the expectation.
    pub name: String,
    /// The parameter: an index into [`Operation::params`].
    pub param: usize,
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

impl Response {
    /// The status a mock server answers a success with: the code the spec lists (`204`),
    /// `200` for a range (`2XX`) or `default`.
    pub fn mock_status(&self) -> u16 {
        self.status
            .parse()
            .ok()
            .filter(|s| (200..300).contains(s))
            .unwrap_or(200)
    }
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
    /// A sequential media type with an `itemSchema` (OpenAPI 3.2): a stream of items of this
    /// type, split as `framing` says.
    Items {
        /// How the body splits into items.
        framing: Framing,
        /// The type of each item.
        item: TypeRef,
        /// The media type, asked for with `Accept`.
        media: String,
    },
    /// Several success statuses with different bodies: this [`TypeKind::Responses`] enum.
    ByStatus(TypeId),
}

/// How a streamed body splits into items, and what an item is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Server-sent events, each event an item: an object of its fields (`data`, `event`,
    /// `id`, `retry`), its `data` decoded as JSON when `data_json` (the item schema's `data`
    /// is not a string), else kept as text.
    Events {
        /// Whether `data` is decoded from JSON.
        data_json: bool,
    },
    /// Server-sent events whose item schema is not an event (it has no `data` property):
    /// each event's data, decoded from JSON, is an item.
    EventData,
    /// JSON Lines / NDJSON: a JSON text per line.
    JsonLines,
    /// JSON text sequences (RFC 7464).
    JsonSeq,
}

/// How a list operation is walked page by page.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// Rust name of the cursor parameter (`after`).
    pub cursor_param: String,
    /// Its page type: an index into [`Api::pages`].
    pub page: usize,
}

/// A page type: how a page splits into its items and the cursor of the next page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The page type.
    pub ty: TypeId,
    /// Type of one item.
    pub item_type: TypeRef,
    /// Rust name of the page's item list field (`data`).
    pub items_field: String,
    /// Rust name of the `has_more` field.
    pub has_more_field: String,
    /// Whether that field is an `Option`.
    pub has_more_optional: bool,
    /// Rust name of the field holding the next cursor (`last_id`).
    pub next_cursor_field: String,
    /// Whether that field is an `Option`.
    pub next_cursor_optional: bool,
}

/// The operations grouped by resource, as the paths nest them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resources {
    /// Accessors on `Client`: the top-level resources, then shortcuts to resources reached
    /// through one parameter (`client.project(id)`).
    pub client_accessors: Vec<Accessor>,
    /// Every resource, parents before their children.
    pub nodes: Vec<Resource>,
}

/// One resource: a type holding the client and the path parameters captured on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Type name, unique in the `resources` module.
    pub type_name: String,
    /// Its path from the root, for docs (`/organization/projects/{project_id}`).
    pub path: String,
    /// How it is reached from its parent, for docs (`project(project_id)`).
    pub call: String,
    /// The types of the captured path parameters, outermost first (fields `p0`, `p1`, …).
    pub captured: Vec<TypeRef>,
    /// Accessors of its child resources.
    pub accessors: Vec<Accessor>,
    /// Its methods.
    pub methods: Vec<ResourceMethod>,
    /// When it is compiled: when one of the operations below it is.
    pub gate: Gate,
}

/// A method that reaches a resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Accessor {
    /// Method name.
    pub name: String,
    /// The resource it returns.
    pub target: ResourceId,
    /// The path parameter it takes and captures: (argument name, type).
    pub param: Option<(String, TypeRef)>,
}

/// A resource method: an operation with the captured path parameters filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceMethod {
    /// Method name (`list`, `retrieve`, …, or the operation's own name on a clash).
    pub name: String,
    /// The operation it calls. Its first arguments are the resource's captured parameters.
    pub operation: OperationId,
}
