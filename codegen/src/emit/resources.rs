//! Operations grouped by resource → `resources.rs`, as the official SDKs group them:
//! `client.organization().certificates().list()`, `client.project("proj_1").certificates()`.
//!
//! The tree is derived from the path templates alone. Each `/`-separated literal segment is
//! a resource; a literal followed by a parameter that is not the last segment is an accessor
//! that takes that parameter (`projects/{project_id}/…` → `project(project_id)`); a trailing
//! parameter is an argument of the method (`certificates/{certificate_id}` GET →
//! `certificates().retrieve(certificate_id)`); a trailing literal on a POST whose parent path
//! also has operations is an action (`certificates/activate` → `certificates().activate(…)`).
//! Methods are named by HTTP verb (`list`, `create`, `retrieve`, `update`, `delete`); where two
//! would collide, each keeps its operationId name. An operation whose path does not fit the
//! scheme (several parameters in one segment, a parameter right after another) is left out of
//! the tree; every operation stays a method on `Client`, which the resource methods call.

use super::operations::argument;
use super::{From, type_tokens};
use crate::ir::{Api, Operation, ParamLocation, TypeRef};
use crate::names::{Scope, ident, type_name, value_name};
use proc_macro2::TokenStream;
use quote::quote;

/// Methods the hand-written runtime already defines on `Client`.
const CLIENT_METHODS: &[&str] = &["builder", "from_env", "base_url", "clone", "fmt"];

/// One resource: the accessor that reaches it, what it captures and what it offers.
#[derive(Default)]
struct Node {
    /// Method name on the parent (`certificates`, `project`).
    accessor: String,
    /// The path parameter this accessor takes: (Rust name, type).
    param: Option<(String, TypeRef)>,
    /// Its path from the root, for docs (`/organization/projects/{project_id}`).
    path: String,
    /// Type name of the accessor struct.
    type_name: String,
    children: Vec<Node>,
    /// (method name, operation, whether a trailing path parameter is an argument).
    methods: Vec<(String, usize)>,
}

/// Where an operation goes in the tree.
struct Placement {
    /// (literal, parameter name) for each step below the root.
    steps: Vec<(String, Option<String>)>,
    verb: String,
}

pub(crate) fn resources(api: &Api) -> TokenStream {
    let mut root = Node::default();
    let parents = Parents::of(api);
    for (index, op) in api.operations.iter().enumerate() {
        if let Some(placement) = place(op, &parents) {
            insert(&mut root, op, index, placement);
        }
    }
    let mut root_scope = Scope::default();
    for name in CLIENT_METHODS {
        root_scope.reserve(name);
    }
    for op in &api.operations {
        root_scope.reserve(&op.method_name);
    }
    let mut types = Scope::default();
    // The module names these itself; a resource must not shadow them.
    for name in [
        "String",
        "Vec",
        "Option",
        "Result",
        "Box",
        "Into",
        "IntoIterator",
        "Self",
    ] {
        types.reserve(name);
    }
    let mut items = Vec::new();
    let mut root_methods = Vec::new();
    // Accessors on `Client` that collide with its methods are left out, with their subtree.
    root.children
        .retain(|child| !root_scope.contains(&child.accessor));
    for child in &root.children {
        root_scope.reserve(&child.accessor);
    }
    for child in &mut root.children {
        name_types(child, "", &mut types);
    }
    for child in &root.children {
        root_methods.push(accessor(child, &[], true));
        emit_node(child, &[], api, &mut items);
    }
    // Shortcuts: a resource reached through one parameter, under a name no other such
    // resource has, is also an accessor on `Client` (`client.project(id)`).
    let mut candidates: Vec<&Node> = Vec::new();
    collect_shortcuts(&root.children, 0, &mut candidates);
    for node in &candidates {
        let unique = candidates
            .iter()
            .filter(|n| n.accessor == node.accessor)
            .count()
            == 1;
        if unique && !root_scope.contains(&node.accessor) {
            root_scope.reserve(&node.accessor);
            root_methods.push(accessor(node, &[], true));
        }
    }
    let client_impl = (!root_methods.is_empty()).then(|| {
        quote! {
            impl crate::runtime::Client {
                #(#root_methods)*
            }
        }
    });
    quote! {
        #![doc = " Operations grouped by resource, as the paths nest them:"]
        #![doc = " `client.organization().certificates().list()`."]
        #![doc = ""]
        #![doc = " Each method returns the same request builder as the `Client` method named after"]
        #![doc = " the operationId, which its docs name; every operation is available that way too."]
        // Captured path parameters are cloned whatever their type (some are `Copy`).
        #![allow(clippy::doc_markdown, clippy::too_many_arguments, clippy::doc_lazy_continuation, clippy::clone_on_copy)]

        #client_impl

        #(#items)*
    }
}

/// Splits an operation's path into resource steps and a method verb, or `None` when the path
/// does not fit the scheme.
fn place(op: &Operation, parents: &Parents) -> Option<Placement> {
    let path = op.path.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let param_of = |segment: &str| -> Option<Option<String>> {
        if !segment.contains('{') {
            return Some(None);
        }
        let inner = segment.strip_prefix('{')?.strip_suffix('}')?;
        if inner.contains(['{', '}']) {
            return None;
        }
        let param = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire_name == inner)?;
        Some(Some(param.name.clone()))
    };
    let mut steps: Vec<(String, Option<String>)> = Vec::new();
    let mut trailing = false;
    let mut i = 0;
    while i < segments.len() {
        let literal = match param_of(segments[i])? {
            None => segments[i],
            Some(_) => return None, // a parameter with no literal before it
        };
        match segments.get(i + 1).map(|s| param_of(s)) {
            Some(None) => return None,
            Some(Some(Some(param))) if i + 2 < segments.len() => {
                steps.push((literal.to_owned(), Some(param)));
                i += 2;
            }
            Some(Some(Some(_))) => {
                steps.push((literal.to_owned(), None));
                trailing = true;
                i += 2;
            }
            _ => {
                steps.push((literal.to_owned(), None));
                i += 1;
            }
        }
    }
    let last = steps.last()?.clone();
    let verb = match op.http_method.as_str() {
        "GET" if trailing => "retrieve",
        "GET" if op.pagination.is_some() || returns_list(op) => "list",
        "GET" => "retrieve",
        "POST" if trailing => "update",
        "POST" if last.1.is_none() && steps.len() > 1 && parents.has_operations(path) => {
            steps.pop();
            return Some(Placement {
                steps,
                verb: value_name(&last.0),
            });
        }
        "POST" => "create",
        "PUT" | "PATCH" => "update",
        "DELETE" => "delete",
        other => {
            return Some(Placement {
                steps,
                verb: value_name(&other.to_ascii_lowercase()),
            });
        }
    };
    Some(Placement {
        steps,
        verb: verb.to_owned(),
    })
}

/// Whether the operation answers with a JSON array.
fn returns_list(op: &Operation) -> bool {
    matches!(&op.response.kind, crate::ir::ResponseKind::Json(ty) if matches!(ty.non_null(), TypeRef::Vec(_)))
}

/// The paths that have operations, and those that have operations on their items
/// (`/certificates` when `/certificates/{id}` has some), looked up in one step each.
struct Parents<'a> {
    paths: std::collections::HashSet<&'a str>,
    item_parents: std::collections::HashSet<&'a str>,
}

impl<'a> Parents<'a> {
    fn of(api: &'a Api) -> Self {
        let mut paths = std::collections::HashSet::new();
        let mut item_parents = std::collections::HashSet::new();
        for op in &api.operations {
            let path = op.path.split('?').next().unwrap_or_default();
            paths.insert(path);
            if let Some((parent, last)) = path.rsplit_once('/')
                && last.starts_with('{')
            {
                item_parents.insert(parent);
            }
        }
        Parents {
            paths,
            item_parents,
        }
    }

    /// Whether operations live at `path` without its last segment (which makes that
    /// segment an action on it: `/certificates/activate`).
    fn has_operations(&self, path: &str) -> bool {
        let parent = &path[..path.rfind('/').unwrap_or(0)];
        self.paths.contains(parent) || self.item_parents.contains(parent)
    }
}

fn insert(root: &mut Node, op: &Operation, index: usize, placement: Placement) {
    let mut node = root;
    let mut path = String::new();
    for (literal, param) in &placement.steps {
        path.push('/');
        path.push_str(literal);
        let mut accessor = match param {
            Some(_) => value_name(&singular(literal)),
            None => value_name(literal),
        };
        // `/user` and `/users/{user_id}/…` would both be `user`: the one with a parameter
        // keeps the literal as written (`users(user_id)`).
        if param.is_some()
            && node
                .children
                .iter()
                .any(|c| c.accessor == accessor && c.param.is_none())
        {
            accessor = value_name(literal);
        }
        if node
            .children
            .iter()
            .any(|c| c.accessor == accessor && c.param.is_some() != param.is_some())
        {
            return; // still ambiguous: the flat method is the way to call it
        }
        let param = param.as_ref().map(|name| {
            let ty = op
                .params
                .iter()
                .find(|p| &p.name == name)
                .map(|p| p.ty.clone())
                .unwrap_or(TypeRef::String);
            (name.clone(), ty)
        });
        if let Some((name, _)) = &param {
            path.push_str(&format!("/{{{}}}", name.trim_start_matches("r#")));
        }
        let position = node
            .children
            .iter()
            .position(|c| c.accessor == accessor && c.param.is_some() == param.is_some());
        let position = match position {
            Some(p) => {
                // Two operations disagreeing on a parameter's type: keep the first's subtree.
                if node.children[p].param.as_ref().map(|(_, t)| t) != param.as_ref().map(|(_, t)| t)
                {
                    return;
                }
                p
            }
            None => {
                node.children.push(Node {
                    accessor,
                    param,
                    path: path.clone(),
                    ..Node::default()
                });
                node.children.len() - 1
            }
        };
        node = &mut node.children[position];
    }
    node.methods.push((placement.verb, index));
}

fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("sses") || word.ends_with("xes") || word.ends_with("ches") {
        word[..word.len() - 2].to_owned()
    } else if let Some(stem) = word.strip_suffix('s').filter(|s| !s.ends_with('s')) {
        stem.to_owned()
    } else {
        word.to_owned()
    }
}

fn name_types(node: &mut Node, parent: &str, types: &mut Scope) {
    let accessor = node.accessor.trim_start_matches("r#");
    let own = match &node.param {
        Some(_) => type_name(&singular(accessor)),
        None => type_name(accessor),
    };
    let preferred = format!("{parent}{own}");
    node.type_name = if types.contains(&preferred) {
        // `User` is taken by `/user`: `users(username)` is `Users`.
        types.claim(&format!("{parent}{}", type_name(accessor)))
    } else {
        types.claim(&preferred)
    };
    let name = node.type_name.clone();
    for child in &mut node.children {
        name_types(child, &name, types);
    }
}

fn collect_shortcuts<'n>(nodes: &'n [Node], captured: usize, out: &mut Vec<&'n Node>) {
    for node in nodes {
        let captured = captured + usize::from(node.param.is_some());
        if captured == 1 && node.param.is_some() {
            out.push(node);
        }
        if captured <= 1 {
            collect_shortcuts(&node.children, captured, out);
        }
    }
}

/// The private field that holds the `i`th captured path parameter (named by position, so
/// that no parameter name can clash with `client` or with another).
fn captured_field(i: usize) -> proc_macro2::Ident {
    quote::format_ident!("p{i}")
}

/// The method that reaches `node` from its parent, whose captured parameters are `captured`.
fn accessor(node: &Node, captured: &[(String, TypeRef)], on_client: bool) -> TokenStream {
    let method = ident(&node.accessor);
    let ty = ident(&node.type_name);
    let (client, lifetime) = if on_client {
        (quote!(self), quote!('_))
    } else {
        (quote!(self.client), quote!('a))
    };
    let carried = (0..captured.len()).map(|i| {
        let field = captured_field(i);
        quote!(#field: self.#field.clone(),)
    });
    let doc = format!(" The `{}` resource.", node.path);
    let (args, init) = match &node.param {
        Some((name, param_ty)) => {
            let id = ident(name);
            let field = captured_field(captured.len());
            let (arg_ty, convert) = argument(param_ty, &id);
            (quote!(#id: #arg_ty), quote!(#field: #convert,))
        }
        None => (quote!(), quote!()),
    };
    quote! {
        #[doc = #doc]
        pub fn #method(&self, #args) -> #ty<#lifetime> {
            #ty { client: #client, #(#carried)* #init }
        }
    }
}

fn emit_node(node: &Node, parent: &[(String, TypeRef)], api: &Api, items: &mut Vec<TokenStream>) {
    let mut captured = parent.to_vec();
    if let Some(param) = &node.param {
        captured.push(param.clone());
    }
    let ty = ident(&node.type_name);
    let fields = captured.iter().enumerate().map(|(i, (_, param_ty))| {
        let id = captured_field(i);
        let stored = type_tokens(param_ty.non_null(), From::Builders);
        quote!(#id: #stored,)
    });
    let mut scope = Scope::default();
    let mut accessors = Vec::new();
    for child in &node.children {
        if !scope.contains(&child.accessor) {
            scope.reserve(&child.accessor);
            accessors.push(accessor(child, &captured, false));
        }
    }
    let mut methods = Vec::new();
    let verbs: Vec<&String> = node.methods.iter().map(|(v, _)| v).collect();
    for (verb, index) in &node.methods {
        let op = &api.operations[*index];
        let clash = verbs.iter().filter(|v| **v == verb).count() > 1 || scope.contains(verb);
        let name = if clash { &op.method_name } else { verb };
        if scope.contains(name) {
            continue;
        }
        scope.reserve(name);
        methods.push(method(name, op, &captured, api));
    }
    let call = match &node.param {
        Some((name, _)) => format!(
            "{}({})",
            node.accessor.trim_start_matches("r#"),
            name.trim_start_matches("r#")
        ),
        None => format!("{}()", node.accessor.trim_start_matches("r#")),
    };
    let doc = format!(
        " The `{}` resource, reached with `.{call}`; its methods return request builders.",
        node.path,
    );
    items.push(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #ty<'a> {
            client: &'a crate::runtime::Client,
            #(#fields)*
        }

        impl<'a> #ty<'a> {
            #(#accessors)*
            #(#methods)*
        }
    });
    for child in &node.children {
        emit_node(child, &captured, api, items);
    }
}

/// A resource method: the operation's `Client` method with the captured path parameters
/// filled in.
fn method(name: &str, op: &Operation, captured: &[(String, TypeRef)], api: &Api) -> TokenStream {
    let id = ident(name);
    let flat = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let inputs = super::operations::argument_inputs(op, api);
    let mut call_args = Vec::new();
    let mut params = Vec::new();
    for (position, (input_name, input_ty)) in inputs.iter().enumerate() {
        let arg = ident(input_name);
        if position < captured.len() {
            let field = captured_field(position);
            call_args.push(quote!(self.#field.clone()));
        } else {
            let (ty, _) = argument(input_ty, &arg);
            params.push(quote!(#arg: #ty));
            call_args.push(quote!(#arg));
        }
    }
    let flat_name = op.method_name.trim_start_matches("r#");
    let summary = op
        .doc
        .as_deref()
        .and_then(|d| d.lines().next())
        .map(|line| {
            let line = super::doc_attrs(Some(line));
            quote!(#line #[doc = ""])
        });
    let same_as = format!(
        " `{} {}`: the same as [`Client::{flat_name}`](crate::Client::{flat_name}).",
        op.http_method,
        op.path.replace('`', ""),
    );
    quote! {
        #summary
        #[doc = #same_as]
        pub fn #id(&self, #(#params),*) -> super::builders::#builder {
            self.client.#flat(#(#call_args),*)
        }
    }
}
