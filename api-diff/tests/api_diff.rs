//! The breaking-change report on pairs of specs: `api_diff/base.yaml` against each spec in
//! `api_diff/changes/`, which is the base with one change. The rendered reports are insta
//! snapshots; the classification of the key cases is also asserted directly, so that a wrong
//! "breaking" flag fails even if its snapshot were accepted without reading.

use api_diff::{Change, ChangeKind, Options, PathAlias, Surface, What};
use std::collections::BTreeSet;
use std::path::Path;

/// The generated files of a spec, as (path, contents).
fn generate(text: &str) -> Vec<(String, String)> {
    let loaded = codegen::load_spec(text).unwrap_or_else(|e| panic!("{e}"));
    codegen::generate(&loaded.spec, &codegen::Config::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect()
}

/// What `cargo xtask codegen` passes (`xtask::api_report::options`): the runtime's traits
/// (reached through `apigen_runtime::__private`, or `crate::runtime` when the runtime was a
/// module of the client) are internal, except `MockOperation`, which the client re-exports;
/// `crate::runtime` is `apigen_runtime`, and so is `apigen_runtime::__private` for the root
/// items it re-exports; `apigen_runtime` is the runtime, whose items are its own API.
fn options() -> Options {
    Options {
        internal_trait_paths: vec!["crate::runtime".to_owned()],
        private_modules: vec!["__private".to_owned()],
        public_traits: vec!["crate::runtime::mock::MockOperation".to_owned()],
        path_aliases: vec![
            PathAlias::new("crate::runtime", "apigen_runtime"),
            PathAlias::new("apigen_runtime::__private", "apigen_runtime").only([
                "ApiResponse",
                "BoxFuture",
                "ByteStream",
                "Bytes",
                "Error",
                "FileUpload",
                "Page",
                "Result",
                "Stream",
                "into_future",
                "string_enum",
            ]),
            PathAlias::new("apigen_runtime::__private::reqwest", "reqwest"),
            PathAlias::new("apigen_runtime::__private::serde", "serde"),
            PathAlias::new("apigen_runtime::__private::serde_json", "serde_json"),
        ],
        runtime_crates: vec!["apigen_runtime".to_owned()],
    }
}

fn api(text: &str) -> Surface {
    let files = generate(text);
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    api_diff::public_api(&borrowed, &options())
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api_diff"))
}

fn changes_to(name: &str) -> Vec<Change> {
    let base = api(&read(&dir().join("base.yaml")));
    let changed = api(&read(&dir().join(format!("changes/{name}.yaml"))));
    api_diff::diff(&base, &changed)
}

#[test]
fn reports() {
    let base = api(&read(&dir().join("base.yaml")));
    insta::glob!("api_diff/changes/*.yaml", |path| {
        let changed = api(&read(path));
        insta::assert_snapshot!(api_diff::render_report(&api_diff::diff(&base, &changed)));
    });
}

/// The one change about `item`, which must exist.
fn find<'a>(changes: &'a [Change], what: What, item: &str) -> &'a Change {
    changes
        .iter()
        .find(|c| c.what == what && c.item == item)
        .unwrap_or_else(|| panic!("no {what} change of {item} in {changes:#?}"))
}

#[test]
fn the_base_has_the_expected_surface() {
    let base = api(&read(&dir().join("base.yaml")));
    assert!(base.functions["Client::list_widgets"].operation);
    assert!(base.functions["Client::delete_widget"].operation);
    assert!(!base.functions["builders::ListWidgets::limit"].operation);
    assert_eq!(base.types["models::Widget"].fields.len(), 4);
    // Models are `#[non_exhaustive]`, built with their constructor.
    assert!(base.types["models::Widget"].non_exhaustive);
    assert!(!base.types["models::Widget"].literal_constructible());
    assert_eq!(
        base.functions["models::Widget::new"].signature(),
        "fn new(id: impl Into<String>, size: i64, status: models::Status) -> Self"
    );
    assert!(base.types["models::Status"].non_exhaustive);
    assert!(base.types["models::Status"].has_catch_all());
    assert!(api_diff::diff(&base, &base).is_empty());
}

#[test]
fn removals_are_breaking() {
    let c = changes_to("operation_removed");
    let op = find(&c, What::Operation, "Client::delete_widget");
    assert_eq!((op.kind, op.breaking), (ChangeKind::Removed, true));
    assert!(
        c.iter()
            .all(|c| c.breaking && c.kind == ChangeKind::Removed)
    );

    let c = changes_to("enum_value_removed");
    let v = find(&c, What::Variant, "models::Status::Archived");
    assert_eq!((v.kind, v.breaking), (ChangeKind::Removed, true));

    let c = changes_to("type_removed");
    assert!(find(&c, What::Enum, "models::Order").breaking);
    let setter = find(&c, What::Method, "builders::ListWidgets::order");
    assert_eq!((setter.kind, setter.breaking), (ChangeKind::Removed, true));
}

#[test]
fn additions_of_operations_and_optional_parameters_are_compatible() {
    let c = changes_to("operation_added");
    let op = find(&c, What::Operation, "Client::rename_widget");
    assert_eq!((op.kind, op.breaking), (ChangeKind::Added, false));
    assert!(c.iter().all(|c| !c.breaking), "{c:#?}");
    assert_eq!(
        api_diff::semver_advice(&c),
        "needs a minor version bump; 0.x: bump the patch"
    );

    let c = changes_to("optional_parameter_added");
    let setter = find(&c, What::Method, "builders::ListWidgets::after");
    assert_eq!((setter.kind, setter.breaking), (ChangeKind::Added, false));
    assert!(c.iter().all(|c| !c.breaking), "{c:#?}");
}

#[test]
fn field_changes() {
    let c = changes_to("field_became_required");
    let f = find(&c, What::Field, "models::Widget.name");
    assert_eq!((f.kind, f.breaking), (ChangeKind::Changed, true));
    assert_eq!(f.detail, "Option<String> → String (became required)");

    let c = changes_to("field_became_optional");
    let f = find(&c, What::Field, "models::Widget.size");
    assert!(f.breaking);
    assert_eq!(f.detail, "i64 → Option<i64> (became optional)");

    let c = changes_to("field_type_changed");
    let f = find(&c, What::Field, "models::Widget.size");
    assert!(f.breaking);
    assert_eq!(f.detail, "i64 → String");
}

/// The models are `#[non_exhaustive]`: no struct literal names every field, so a new optional
/// field breaks nobody; the constructor, which takes the required fields, stays as it was.
#[test]
fn an_optional_field_added_is_compatible() {
    let c = changes_to("field_added");
    let f = find(&c, What::Field, "models::Widget.colour");
    assert_eq!((f.kind, f.breaking), (ChangeKind::Added, false));
    assert_eq!(f.detail, "Option<String>");
    assert!(c.iter().all(|c| !c.breaking), "{c:#?}");
    assert_eq!(
        api_diff::semver_advice(&c),
        "needs a minor version bump; 0.x: bump the patch"
    );
}

/// A new required field is a new argument of the constructor: code that builds the model
/// must now give it.
#[test]
fn a_required_field_added_is_breaking() {
    let c = changes_to("required_field_added");
    let new = find(&c, What::Method, "models::Widget::new");
    assert_eq!((new.kind, new.breaking), (ChangeKind::Changed, true));
    assert_eq!(new.detail, "new required argument `weight: i64`");
    let f = find(&c, What::Field, "models::Widget.weight");
    assert_eq!((f.kind, f.breaking), (ChangeKind::Added, false));
}

#[test]
fn a_field_removed_is_breaking() {
    let c = changes_to("field_removed");
    let f = find(&c, What::Field, "models::Widget.name");
    assert_eq!((f.kind, f.breaking), (ChangeKind::Removed, true));
    // An optional field was never an argument of the constructor.
    assert!(!c.iter().any(|c| c.item == "models::Widget::new"), "{c:#?}");
}

/// The enums are `#[non_exhaustive]`: every `match` has a `_` arm already, so a new value
/// (which used to arrive as `Other(..)`) breaks nobody.
#[test]
fn an_enum_value_added_is_compatible() {
    let c = changes_to("enum_value_added");
    let v = find(&c, What::Variant, "models::Status::Deleted");
    assert_eq!((v.kind, v.breaking), (ChangeKind::Added, false));
    assert!(v.detail.contains("Other(..)"), "{}", v.detail);
    assert!(c.iter().all(|c| !c.breaking), "{c:#?}");
}

#[test]
fn new_required_inputs_change_the_operation() {
    let c = changes_to("required_parameter_added");
    let op = find(&c, What::Operation, "Client::list_widgets");
    assert_eq!((op.kind, op.breaking), (ChangeKind::Changed, true));
    assert_eq!(
        op.detail,
        "new required argument `project: impl Into<String>`"
    );

    let c = changes_to("body_field_became_required");
    let op = find(&c, What::Operation, "Client::create_widget");
    assert!(op.breaking);
    assert!(
        op.detail.contains("new required argument `name"),
        "{}",
        op.detail
    );
    assert!(
        find(&c, What::Field, "models::CreateWidgetRequest.name")
            .detail
            .contains("became required")
    );
}

#[test]
fn documentation_is_not_api() {
    let c = changes_to("docs_only");
    assert!(c.is_empty(), "{c:#?}");
    assert_eq!(api_diff::render_report(&c), "public API: no changes\n");
}

/// The project's own client, as committed: the surface reads every generated file, the
/// `Client` methods that return request builders are operations, and so are the resource
/// methods (`client.organization().certificates().list()`), while the accessors are not.
#[test]
fn the_generated_client_surface() {
    let api = generated_client(&options());
    let operations: Vec<&str> = api
        .functions
        .iter()
        .filter(|(_, f)| f.operation)
        .map(|(k, _)| k.as_str())
        .collect();
    // The operations are the `Client` methods and the resource methods, nothing else: not
    // the builders' setters, not the mock server's expectations.
    let (client, resource): (Vec<&str>, Vec<&str>) =
        operations.iter().partition(|k| k.starts_with("Client::"));
    assert!(
        resource.iter().all(|k| k.starts_with("resources::")),
        "{operations:?}"
    );
    assert!(
        client.contains(&"Client::get_certificate"),
        "{operations:?}"
    );
    assert!(
        resource.contains(&"resources::OrganizationCertificates::list"),
        "{operations:?}"
    );
    // Each request builder (a type with `send`) is returned by one `Client` operation and
    // reached through the resources too.
    let builders: BTreeSet<&str> = api
        .functions
        .values()
        .filter(|f| f.name == "send")
        .filter_map(|f| f.owner.as_deref())
        .collect();
    assert!(!builders.is_empty());
    let returned = |ops: &[&str]| -> BTreeSet<&str> {
        ops.iter()
            .filter_map(|k| api.functions[*k].returns.as_deref())
            .collect()
    };
    assert_eq!(client.len(), builders.len(), "{client:?}");
    assert_eq!(returned(&client), builders);
    assert_eq!(returned(&resource), builders);
    assert!(api.types.contains_key("models::Certificate"));
    // The accessors lead to resources; they are methods, not operations.
    for accessor in [
        "Client::organization",
        "resources::Organization::certificates",
    ] {
        let f = api
            .functions
            .get(accessor)
            .unwrap_or_else(|| panic!("no {accessor} in {:#?}", api.functions.keys()));
        assert!(!f.operation, "{accessor} is not an operation");
    }
}

/// The surface of the project's own client, as committed.
fn generated_client(options: &Options) -> Surface {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src/generated");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.push((name, read(&path)));
        }
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    api_diff::public_api(&borrowed, options)
}

/// The committed client implements the runtime's private traits (`DecodeMap` for the
/// models, `PageParts` for the pages, `Paginated` for the list builders, all reached through
/// `apigen_runtime::__private`) and the re-exported `MockOperation`: with the rule xtask
/// passes, only the `MockOperation` impls are API.
#[test]
fn impls_of_private_runtime_traits_are_not_api() {
    let every_impl = generated_client(&Options::default());
    let api = generated_client(&options());
    let traits = |surface: &Surface| -> BTreeSet<String> {
        surface
            .impls
            .keys()
            .filter_map(|k| k.split_once(" for ").map(|(t, _)| t.to_owned()))
            .filter(|t| t.starts_with("apigen_runtime::") || t == "MockOperation")
            .collect()
    };
    // Without options, the traits as the generated code reaches them.
    assert_eq!(
        traits(&every_impl),
        BTreeSet::from(
            [
                "apigen_runtime::__private::DecodeMap",
                "apigen_runtime::__private::PageParts",
                "apigen_runtime::__private::Paginated",
                "apigen_runtime::mock::MockOperation",
            ]
            .map(str::to_owned)
        )
    );
    // With them, the runtime's public trait, by its name.
    assert_eq!(traits(&api), BTreeSet::from(["MockOperation".to_owned()]));
    // Nothing else is left out: the same impls (keyed by the trait's name and the type) but
    // those of the three internal traits.
    let by_name = |surface: &Surface| -> BTreeSet<(String, String)> {
        surface
            .impls
            .keys()
            .filter_map(|k| k.split_once(" for "))
            .map(|(t, owner)| (t.rsplit("::").next().unwrap().to_owned(), owner.to_owned()))
            .collect()
    };
    let (every, kept) = (by_name(&every_impl), by_name(&api));
    let dropped: Vec<&(String, String)> = every.difference(&kept).collect();
    assert!(!dropped.is_empty());
    assert!(
        dropped
            .iter()
            .all(|(t, _)| ["DecodeMap", "PageParts", "Paginated"].contains(&t.as_str())),
        "{dropped:#?}"
    );
    assert!(kept.is_subset(&every));
    assert_eq!(every.len() - dropped.len(), kept.len());
    assert_eq!(every.len() - dropped.len(), kept.len());
    // The runtime's macros that define its types here are its API too: without the
    // options, they are item macros like any other.
    let macros = |surface: &Surface| -> BTreeSet<String> {
        surface
            .impls
            .keys()
            .filter(|k| !k.contains(" for "))
            .cloned()
            .collect()
    };
    let runtime_macros: Vec<String> = macros(&every_impl)
        .difference(&macros(&api))
        .cloned()
        .collect();
    assert_eq!(runtime_macros, ["client!(API)", "mock!(Client)"]);
    assert_eq!(
        every_impl.impls.len() - dropped.len() - runtime_macros.len(),
        api.impls.len()
    );
    assert!(
        api.impls
            .contains_key("MockOperation for mock::GetCertificate")
    );
    assert!(
        every_impl
            .impls
            .contains_key("apigen_runtime::__private::DecodeMap for models::Certificate")
    );
}

/// A list that becomes cursor-paginated gains `Page` and `Paginated` impls, which the
/// report leaves out, and `into_stream`, which it lists.
#[test]
fn pagination_adds_no_internal_impls_to_the_report() {
    let c = changes_to("list_became_paginated");
    let stream = find(&c, What::Method, "builders::ListWidgets::into_stream");
    assert_eq!((stream.kind, stream.breaking), (ChangeKind::Added, false));
    assert!(
        c.iter()
            .all(|c| !(c.what == What::Impl && c.item.contains("Pag"))),
        "{c:#?}"
    );
}
