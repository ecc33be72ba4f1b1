//! What a caller gives each operation: which inputs are arguments of the client method, which
//! are setters of the request builder, and which are constants the builder fills in itself;
//! and how each part of a multipart body is written.

use super::schemas::{is_primitive, non_null};
use crate::ir::{
    BodyKind, Input, InputRole, InputTarget, MultipartPart, Operation, PartKind, Struct, TypeDef,
    TypeKind, TypeRef,
};

pub(super) fn decide(types: &[TypeDef], operations: &mut [Operation]) {
    for op in operations {
        op.inputs = inputs(types, op);
        if let Some(body) = &mut op.body
            && let BodyKind::Multipart(parts) = &mut body.kind
        {
            *parts = struct_fields(types, &body.ty)
                .map(|s| {
                    s.fields
                        .iter()
                        .map(|f| MultipartPart {
                            field: f.name.clone(),
                            wire_name: f.wire_name.clone(),
                            kind: if is_file(&f.ty) {
                                PartKind::File
                            } else if is_text(types, &f.ty) {
                                PartKind::Text
                            } else {
                                PartKind::Json
                            },
                        })
                        .collect()
                })
                .unwrap_or_default();
        }
    }
}

/// Required parameters and body fields are arguments, in order (path parameters first, as
/// the template has them); optional ones are setters; a required one-value enum is filled in.
fn inputs(types: &[TypeDef], op: &Operation) -> Vec<Input> {
    let mut out = Vec::new();
    for (i, p) in op.params.iter().enumerate() {
        out.push(Input {
            name: p.name.clone(),
            ty: p.ty.clone(),
            doc: p.doc.clone(),
            role: if p.required {
                InputRole::Argument
            } else {
                InputRole::Setter
            },
            target: InputTarget::Param(i),
            optional: !p.required,
        });
    }
    let Some(body) = &op.body else {
        return out;
    };
    match struct_fields(types, &body.ty).filter(|_| body.flattened) {
        Some(s) => {
            for f in &s.fields {
                let constant = f.required && is_constant(types, &f.ty);
                out.push(Input {
                    name: f.name.clone(),
                    ty: non_null(&f.ty).clone(),
                    doc: f.doc.clone(),
                    role: if constant {
                        InputRole::Constant
                    } else if f.required {
                        InputRole::Argument
                    } else {
                        InputRole::Setter
                    },
                    target: InputTarget::BodyField,
                    optional: f.optional,
                });
            }
        }
        None => out.push(Input {
            name: "body".to_owned(),
            ty: body.ty.clone(),
            doc: body.doc.clone(),
            role: if body.optional {
                InputRole::Setter
            } else {
                InputRole::Argument
            },
            target: InputTarget::Body,
            optional: body.optional,
        }),
    }
    out
}

fn struct_fields<'t>(types: &'t [TypeDef], ty: &TypeRef) -> Option<&'t Struct> {
    match ty {
        TypeRef::Named(id) => match &types.get(id.0)?.kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a type is a one-value enum (a constant).
fn is_constant(types: &[TypeDef], ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(id) => types.get(id.0).is_some_and(
            |t| matches!(&t.kind, TypeKind::StringEnum { variants } if variants.len() == 1),
        ),
        _ => false,
    }
}

/// Whether values of `ty` are written as text (scalars and string enums, or options and
/// lists of them).
fn is_text(types: &[TypeDef], ty: &TypeRef) -> bool {
    match ty {
        t if is_primitive(t) => true,
        TypeRef::Vec(inner) | TypeRef::Nullable(inner) => is_text(types, inner),
        TypeRef::Named(id) => match types.get(id.0).map(|t| &t.kind) {
            Some(TypeKind::StringEnum { .. }) => true,
            Some(TypeKind::Alias(inner)) => is_text(types, inner),
            _ => false,
        },
        _ => false,
    }
}

/// Whether values of `ty` are files (or options and lists of files).
fn is_file(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::File => true,
        TypeRef::Vec(inner) | TypeRef::Nullable(inner) => is_file(inner),
        _ => false,
    }
}
