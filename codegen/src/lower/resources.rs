//! Operations grouped by resource, as the official SDKs group them:
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

use super::schemas::non_null;
use crate::ir::{
    Accessor, Gate, HttpMethod, Operation, OperationId, PathSegment, PathTemplate, Resource,
    ResourceId, ResourceMethod, Resources, ResponseKind, TypeRef,
};
use crate::names::{self, Namespace, Scope, type_name, value_name};
use std::collections::HashSet;

/// Names the `resources` module uses unqualified; a resource type must not shadow them.
const MODULE_TYPES: &[&str] = &[
    "String",
    "Vec",
    "Option",
    "Result",
    "Box",
    "Into",
    "IntoIterator",
    "Self",
];

/// One resource while the tree is built.
#[derive(Default)]
struct Node {
    /// Method name on the parent (`certificates`, `project`).
    accessor: String,
    /// The path parameter this accessor takes: (Rust name, type).
    param: Option<(String, TypeRef)>,
    /// Its path from the root, for docs (`/organization/projects/{project_id}`).
    path: String,
    /// Type name of the resource.
    type_name: String,
    children: Vec<Node>,
    /// (method verb, operation).
    methods: Vec<(String, usize)>,
}

/// Where an operation goes in the tree.
struct Placement {
    /// (literal, parameter name) for each step below the root.
    steps: Vec<(String, Option<String>)>,
    verb: String,
}

pub(super) fn resources(operations: &[Operation]) -> Resources {
    let mut root = Node::default();
    let parents = Parents::of(operations);
    for (index, op) in operations.iter().enumerate() {
        if let Some(placement) = place(op, &parents) {
            insert(&mut root, op, index, placement);
        }
    }
    let mut root_scope = names::scope(Namespace::Client);
    for op in operations {
        root_scope.reserve(&op.method_name);
    }
    let mut types = Scope::default();
    for name in MODULE_TYPES {
        types.reserve(name);
    }
    // Accessors on `Client` that collide with its methods are left out, with their subtree.
    root.children
        .retain(|child| !root_scope.contains(&child.accessor));
    for child in &root.children {
        root_scope.reserve(&child.accessor);
    }
    for child in &mut root.children {
        name_types(child, "", &mut types);
    }
    let mut out = Resources::default();
    for child in &root.children {
        let target = flatten(child, &[], operations, &mut out.nodes);
        out.client_accessors.push(accessor_to(child, target));
    }
    // Shortcuts: a resource reached through one parameter, under a name no other such
    // resource has, is also an accessor on `Client` (`client.project(id)`).
    let mut candidates: Vec<(&Node, ResourceId)> = Vec::new();
    let mut next = 0;
    collect_shortcuts(&root.children, 0, &mut next, &mut candidates);
    for (node, target) in &candidates {
        let unique = candidates
            .iter()
            .filter(|(n, _)| n.accessor == node.accessor)
            .count()
            == 1;
        if unique && !root_scope.contains(&node.accessor) {
            root_scope.reserve(&node.accessor);
            out.client_accessors.push(accessor_to(node, *target));
        }
    }
    out
}

/// The `/`-separated segments of a template, empty ones left out: a literal (`Ok`), a
/// parameter (`Err`, its index), or `None` for a segment that mixes them.
fn slash_segments(path: &PathTemplate) -> Vec<Option<Result<String, usize>>> {
    enum Piece<'p> {
        Text(&'p str),
        Param(usize),
    }
    let mut segments: Vec<Vec<Piece<'_>>> = vec![Vec::new()];
    for segment in &path.segments {
        match segment {
            PathSegment::Literal(text) => {
                for (i, part) in text.split('/').enumerate() {
                    if i > 0 {
                        segments.push(Vec::new());
                    }
                    if !part.is_empty() {
                        segments
                            .last_mut()
                            .expect("never empty")
                            .push(Piece::Text(part));
                    }
                }
            }
            PathSegment::Param(i) => segments
                .last_mut()
                .expect("never empty")
                .push(Piece::Param(*i)),
        }
    }
    segments
        .into_iter()
        .filter(|pieces| !pieces.is_empty())
        .map(|pieces| match pieces.as_slice() {
            [Piece::Param(i)] => Some(Err(*i)),
            _ if pieces.iter().all(|p| matches!(p, Piece::Text(_))) => Some(Ok(pieces
                .iter()
                .map(|p| match p {
                    Piece::Text(t) => *t,
                    Piece::Param(_) => "",
                })
                .collect())),
            _ => None,
        })
        .collect()
}

/// Splits an operation's path into resource steps and a method verb, or `None` when the path
/// does not fit the scheme.
fn place(op: &Operation, parents: &Parents) -> Option<Placement> {
    let path = op.path.template.as_str();
    let segments = slash_segments(&op.path);
    let param_name = |i: usize| op.params.get(i).map(|p| p.name.clone());
    let mut steps: Vec<(String, Option<String>)> = Vec::new();
    let mut trailing = false;
    let mut i = 0;
    while i < segments.len() {
        let literal = match &segments[i] {
            Some(Ok(literal)) => literal.clone(),
            _ => return None, // a parameter with no literal before it, or a mixed segment
        };
        match segments.get(i + 1) {
            Some(None) => return None,
            Some(Some(Ok(_))) | None => {
                steps.push((literal, None));
                i += 1;
            }
            Some(Some(Err(param))) if i + 2 < segments.len() => {
                steps.push((literal, Some(param_name(*param)?)));
                i += 2;
            }
            Some(Some(Err(_))) => {
                steps.push((literal, None));
                trailing = true;
                i += 2;
            }
        }
    }
    let last = steps.last()?.clone();
    let verb = match &op.method {
        HttpMethod::Get if trailing => "retrieve",
        HttpMethod::Get if op.pagination.is_some() || returns_list(op) => "list",
        HttpMethod::Get => "retrieve",
        HttpMethod::Post if trailing => "update",
        HttpMethod::Post if last.1.is_none() && steps.len() > 1 && parents.has_operations(path) => {
            steps.pop();
            return Some(Placement {
                steps,
                verb: value_name(&last.0),
            });
        }
        HttpMethod::Post => "create",
        HttpMethod::Put | HttpMethod::Patch => "update",
        HttpMethod::Delete => "delete",
        other => {
            return Some(Placement {
                steps,
                verb: value_name(&other.as_str().to_ascii_lowercase()),
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
    matches!(&op.response.kind, ResponseKind::Json(ty) if matches!(non_null(ty), TypeRef::Vec(_)))
}

/// The paths that have operations, and those that have operations on their items
/// (`/certificates` when `/certificates/{id}` has some), looked up in one step each.
struct Parents<'a> {
    paths: HashSet<&'a str>,
    item_parents: HashSet<&'a str>,
}

impl<'a> Parents<'a> {
    fn of(operations: &'a [Operation]) -> Self {
        let mut paths = HashSet::new();
        let mut item_parents = HashSet::new();
        for op in operations {
            let path = op.path.template.as_str();
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
        let declared = param
            .as_ref()
            .and_then(|name| op.params.iter().find(|p| &p.name == name));
        let param = param.as_ref().map(|name| {
            let ty = declared.map_or(TypeRef::String, |p| p.ty.clone());
            (name.clone(), ty)
        });
        // The path as the spec writes it: the parameter's wire name, not its Rust name.
        if let Some(p) = declared {
            path.push_str(&format!("/{{{}}}", p.wire_name));
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

/// The resources reached through exactly one parameter (their own), with the ids
/// [`flatten`] gives them (it numbers the nodes in the same preorder).
fn collect_shortcuts<'n>(
    nodes: &'n [Node],
    captured: usize,
    next: &mut usize,
    out: &mut Vec<(&'n Node, ResourceId)>,
) {
    for node in nodes {
        let id = ResourceId(*next);
        *next += count(node);
        let captured = captured + usize::from(node.param.is_some());
        if captured == 1 && node.param.is_some() {
            out.push((node, id));
        }
        if captured <= 1 {
            let mut child_next = id.0 + 1;
            collect_shortcuts(&node.children, captured, &mut child_next, out);
        }
    }
}

/// How many resources a subtree holds.
fn count(node: &Node) -> usize {
    1 + node.children.iter().map(count).sum::<usize>()
}

fn accessor_to(node: &Node, target: ResourceId) -> Accessor {
    Accessor {
        name: node.accessor.clone(),
        target,
        param: node.param.clone(),
    }
}

/// Adds `node` and its subtree to `nodes` (preorder), returning its id.
fn flatten(
    node: &Node,
    parent: &[TypeRef],
    operations: &[Operation],
    nodes: &mut Vec<Resource>,
) -> ResourceId {
    let mut captured = parent.to_vec();
    if let Some((_, ty)) = &node.param {
        captured.push(non_null(ty).clone());
    }
    let id = ResourceId(nodes.len());
    let call = match &node.param {
        Some((name, _)) => format!(
            "{}({})",
            node.accessor.trim_start_matches("r#"),
            name.trim_start_matches("r#")
        ),
        None => format!("{}()", node.accessor.trim_start_matches("r#")),
    };
    nodes.push(Resource {
        type_name: node.type_name.clone(),
        path: node.path.clone(),
        call,
        captured: captured.clone(),
        accessors: Vec::new(),
        methods: Vec::new(),
        gate: Gate::Always,
    });
    let mut scope = names::scope(Namespace::Resource);
    let mut accessors = Vec::new();
    for child in &node.children {
        if !scope.contains(&child.accessor) {
            scope.reserve(&child.accessor);
            accessors.push(child);
        }
    }
    let verbs: Vec<&String> = node.methods.iter().map(|(v, _)| v).collect();
    let mut methods = Vec::new();
    for (verb, index) in &node.methods {
        let op = &operations[*index];
        let clash = verbs.iter().filter(|v| **v == verb).count() > 1 || scope.contains(verb);
        let name = if clash { &op.method_name } else { verb };
        if scope.contains(name) {
            continue;
        }
        scope.reserve(name);
        methods.push(ResourceMethod {
            name: name.clone(),
            operation: OperationId(*index),
        });
    }
    let mut child_accessors = Vec::new();
    for child in &node.children {
        let target = flatten(child, &captured, operations, nodes);
        if accessors.iter().any(|a| std::ptr::eq(*a, child)) {
            child_accessors.push(accessor_to(child, target));
        }
    }
    nodes[id.0].accessors = child_accessors;
    nodes[id.0].methods = methods;
    id
}
