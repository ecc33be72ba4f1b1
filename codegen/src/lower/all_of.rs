//! `allOf` of objects → one struct holding every part's fields.

use super::Cx;
use super::schemas::{is_optional, struct_of};
use super::shapes::{Shape, shape};
use crate::error::Diagnostic;
use crate::ir::{Field, TypeKind};
use crate::names;
use crate::pointer::Pointer;
use openapiv3::{ReferenceOr, Schema};

impl<'a> Cx<'a> {
    pub(super) fn all_of_kind(
        &mut self,
        name: &str,
        parts: &'a [ReferenceOr<Schema>],
        pointer: &Pointer,
    ) -> TypeKind {
        let mut fields: Vec<Field> = Vec::new();
        let mut additional = None;
        // A part may require a property that another part declares.
        let mut required_anywhere: Vec<&'a String> = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let part_pointer = pointer.join("allOf").join(i);
            if let ReferenceOr::Reference { reference } = part
                && let Some((part_fields, part_additional)) =
                    self.component_struct_fields(reference)
            {
                merge_fields(&mut fields, part_fields);
                additional = additional.or(part_additional);
                continue;
            }
            let Some((schema, at)) = self.resolve(part, &part_pointer) else {
                continue;
            };
            // A part that refers back to a schema being merged (a recursive allOf that could
            // not be lowered first) would recurse for ever.
            if self.all_of_stack.iter().any(|p| p == at.as_str()) {
                self.note(
                    &part_pointer,
                    format!("part {i} of the allOf of `{name}` refers back to itself; its fields are left out"),
                );
                continue;
            }
            let part_kind = match shape(schema) {
                Shape::Object {
                    properties,
                    required,
                    additional: extra,
                } => {
                    required_anywhere.extend(required);
                    self.all_of_stack.push(at.to_string());
                    let kind = self.struct_kind(name, properties, required, extra, &at);
                    self.all_of_stack.pop();
                    kind
                }
                Shape::AllOf(inner) => {
                    if self.all_of_stack.iter().any(|p| p == at.as_str()) {
                        self.error(Diagnostic::new(
                            part_pointer.as_str(),
                            format!("the allOf of `{name}` includes itself through {at}"),
                            "break the cycle of allOf references",
                        ));
                        continue;
                    }
                    self.all_of_stack.push(at.to_string());
                    let kind = self.all_of_kind(name, inner, &at);
                    self.all_of_stack.pop();
                    kind
                }
                _ => {
                    self.note(
                        &part_pointer,
                        format!(
                            "part {i} of the allOf of `{name}` is not an object; its constraints \
                             are not represented in `{name}`"
                        ),
                    );
                    continue;
                }
            };
            if let TypeKind::Struct(part) = part_kind {
                merge_fields(&mut fields, part.fields);
                additional = additional.or(part.additional.map(|a| a.ty));
            }
        }
        let mut scope = names::Scope::default();
        for field in &mut fields {
            field.name = scope.claim(&names::value_name(&field.wire_name));
            field.required |= required_anywhere.contains(&&field.wire_name);
            field.optional = is_optional(field.required, &field.ty);
        }
        TypeKind::Struct(struct_of(fields, additional))
    }
}

/// Adds the fields of one `allOf` part; a property in several parts is required when any
/// part requires it.
fn merge_fields(fields: &mut Vec<Field>, part: Vec<Field>) {
    for field in part {
        match fields.iter_mut().find(|f| f.wire_name == field.wire_name) {
            Some(existing) => existing.required |= field.required,
            None => fields.push(field),
        }
    }
}
