//! Schemas → named types and type references: component schemas, inline objects, enums,
//! constants and the fields of structs. Unions and `allOf` have files of their own.

use super::shapes::{Shape, schema_doc, shape};
use super::{Cx, refs};
use crate::ir::{
    AdditionalProperties as Additional, Field, FieldInit, Struct, TypeId, TypeKind, TypeRef,
    Variant,
};
use crate::names;
use crate::pointer::Pointer;
use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind};
use std::borrow::Borrow;

impl<'a> Cx<'a> {
    /// Gives every component schema its Rust name before anything refers to one, in sorted
    /// key order; of two schemas that would share a name (`Boolean` and `boolean`), the
    /// later one gets a numbered name, with a note.
    pub(super) fn name_components(&mut self) {
        let Some(components) = &self.spec.components else {
            return;
        };
        let mut keys: Vec<&String> = components.schemas.keys().collect();
        keys.sort();
        let mut owner: std::collections::BTreeMap<String, &String> = Default::default();
        for key in keys {
            let wanted = names::type_name(key);
            let id = self.new_type(&wanted);
            let name = &self.names[id.0];
            if let Some(first) = owner.get(&wanted) {
                let pointer = Pointer::component("schemas", key);
                self.note(
                    &pointer,
                    format!(
                        "schemas `{first}` and `{key}` would both become the Rust type \
                         `{wanted}`; `{key}` is `{name}`"
                    ),
                );
            } else {
                owner.insert(wanted, key);
            }
            self.components.insert(key.clone(), id);
        }
    }

    /// Lowers every component schema into a named type.
    pub(super) fn lower_components(&mut self) {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let Some(components) = &spec.components else {
            return;
        };
        let mut keys: Vec<&String> = components.schemas.keys().collect();
        keys.sort();
        for key in keys {
            self.ensure_component(key);
        }
    }

    /// Lowers the component schema `key` unless it is lowered already or being lowered (a
    /// recursive `allOf`); afterwards its type is in `self.types`, except when it could not
    /// be lowered.
    pub(super) fn ensure_component(&mut self, key: &str) {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let Some(schema) = spec.components.as_ref().and_then(|c| c.schemas.get(key)) else {
            return;
        };
        let Some(&id) = self.components.get(key) else {
            return;
        };
        if self.def(id).is_some() || !self.in_progress.insert(key.to_owned()) {
            return;
        }
        let pointer = Pointer::component("schemas", key);
        match schema {
            // A dangling or cyclic chain of aliases, reported by `resolve`.
            ReferenceOr::Reference { .. } if self.resolve(schema, &pointer).is_none() => {}
            ReferenceOr::Reference { reference } => {
                let target = self.resolve_ref(reference, &pointer);
                self.set_type(id, None, &pointer, TypeKind::Alias(target));
            }
            ReferenceOr::Item(schema) => self.define(id, schema, &pointer),
        }
        self.in_progress.remove(key);
    }

    /// The fields of a component struct that an `allOf` refers to, lowering it first if
    /// needed (so that its inline types are shared, not copied). `None` when the reference
    /// is not to a struct that is, or can now be, lowered.
    pub(super) fn component_struct_fields(
        &mut self,
        reference: &str,
    ) -> Option<(Vec<Field>, Option<TypeRef>)> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let mut seen: Vec<String> = Vec::new();
        let mut reference = reference;
        loop {
            let (key, next) = refs::component::<Schema>(spec, reference)?;
            if seen.contains(key) {
                return None;
            }
            seen.push(key.clone());
            self.ensure_component(key);
            let id = *self.components.get(key)?;
            match &self.def(id)?.kind {
                TypeKind::Struct(s) => {
                    return Some((
                        s.fields.clone(),
                        s.additional.as_ref().map(|a| a.ty.clone()),
                    ));
                }
                TypeKind::Alias(_) => match next {
                    ReferenceOr::Reference { reference: next } => reference = next,
                    ReferenceOr::Item(_) => return None,
                },
                _ => return None,
            }
        }
    }

    /// The named type a `$ref` points at; a ref that does not resolve is an error (and
    /// lowering goes on with `serde_json::Value` so that later errors are found too).
    pub(super) fn resolve_ref(&mut self, reference: &str, pointer: &Pointer) -> TypeRef {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        match refs::component::<Schema>(spec, reference)
            .and_then(|(key, _)| self.components.get(key))
        {
            Some(&id) => TypeRef::Named(id),
            None => {
                self.report_broken::<Schema>(refs::Broken::Dangling(reference), pointer);
                TypeRef::Json
            }
        }
    }

    /// The type of a schema in a field, item, parameter or body position. Schemas that need
    /// a type of their own (objects with properties, enums, unions) get one named after
    /// `hint`.
    pub(super) fn type_of<S: Borrow<Schema>>(
        &mut self,
        schema: &'a ReferenceOr<S>,
        hint: &str,
        pointer: &Pointer,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, pointer),
            ReferenceOr::Item(schema) => self.type_of_schema(schema.borrow(), hint, pointer),
        }
    }

    fn type_of_schema(&mut self, schema: &'a Schema, hint: &str, pointer: &Pointer) -> TypeRef {
        let ty = self.bare_type(schema, hint, pointer);
        if schema.schema_data.nullable {
            nullable(ty)
        } else {
            ty
        }
    }

    /// The type of a schema, ignoring its own `nullable`.
    fn bare_type(&mut self, schema: &'a Schema, hint: &str, pointer: &Pointer) -> TypeRef {
        match shape(schema) {
            Shape::String { values, format } if values.is_empty() => match format.as_deref() {
                Some("binary") => TypeRef::File,
                _ => TypeRef::String,
            },
            Shape::Integer { format, unsigned } => integer_type(format.as_deref(), unsigned),
            Shape::Number { format } => match format.as_deref() {
                Some("float") => TypeRef::F32,
                _ => TypeRef::F64,
            },
            Shape::Boolean => TypeRef::Bool,
            Shape::Any => TypeRef::Json,
            Shape::Array { items } => {
                let item = match items {
                    Some(items) => self.type_of(items, hint, &pointer.join("items")),
                    None => TypeRef::Json,
                };
                TypeRef::Vec(Box::new(item))
            }
            Shape::Object {
                properties,
                additional,
                ..
            } if properties.is_empty() && additional.is_some() => match additional {
                Some(AdditionalProperties::Schema(value)) => {
                    let value = self.type_of(
                        value,
                        &format!("{hint}Value"),
                        &pointer.join("additionalProperties"),
                    );
                    TypeRef::Map(Box::new(value))
                }
                _ => TypeRef::Map(Box::new(TypeRef::Json)),
            },
            Shape::Object { properties, .. } if properties.is_empty() => {
                TypeRef::Map(Box::new(TypeRef::Json))
            }
            Shape::OneOf(variants) | Shape::AnyOf(variants)
                if variants.len() == 1 && schema.schema_data.discriminator.is_none() =>
            {
                let key = match &schema.schema_kind {
                    SchemaKind::OneOf { .. } => "oneOf",
                    SchemaKind::Any(any) if !any.one_of.is_empty() => "oneOf",
                    _ => "anyOf",
                };
                self.type_of(&variants[0], hint, &pointer.join(key).join(0))
            }
            Shape::AllOf(parts) if parts.len() == 1 => {
                self.type_of(&parts[0], hint, &pointer.join("allOf").join(0))
            }
            Shape::String { values, .. } if values.len() == 1 => {
                self.constant(&values[0], schema, hint, pointer)
            }
            _ => {
                let id = self.new_type(hint);
                self.define(id, schema, pointer);
                TypeRef::Named(id)
            }
        }
    }

    /// An inline one-value string enum (a constant such as `object: list`). Every constant
    /// with the same value shares one type, named after the value (`List`) unless that name
    /// is taken, then after its first place (`ListCertificatesResponseObject`): specs that
    /// tag every event and item type repeat the same constants hundreds of times.
    fn constant(
        &mut self,
        value: &str,
        schema: &'a Schema,
        hint: &str,
        pointer: &Pointer,
    ) -> TypeRef {
        if let Some(&id) = self.constants.get(value) {
            return TypeRef::Named(id);
        }
        let by_value = names::type_name(value);
        let id = if self.type_names.contains(&by_value) {
            self.new_type(hint)
        } else {
            self.new_type(&by_value)
        };
        self.define(id, schema, pointer);
        if let Some(def) = &mut self.types[id.0] {
            def.doc = Some(format!("The constant `{}`.", value.replace('`', "'")));
        }
        self.constants.insert(value.to_owned(), id);
        TypeRef::Named(id)
    }

    /// Defines the named type `id` for a schema.
    pub(super) fn define(&mut self, id: TypeId, schema: &'a Schema, pointer: &Pointer) {
        let name = self.names[id.0].clone();
        let name = name.as_str();
        let kind = match shape(schema) {
            Shape::String { values, .. } if !values.is_empty() => TypeKind::StringEnum {
                variants: string_variants(name, &values),
            },
            Shape::Object {
                properties,
                required,
                additional,
            } if !properties.is_empty() || additional.is_none() => {
                self.struct_kind(name, properties, required, additional, pointer)
            }
            Shape::OneOf(variants) | Shape::AnyOf(variants)
                if variants.len() == 1 && schema.schema_data.discriminator.is_none() =>
            {
                TypeKind::Alias(self.bare_type(schema, name, pointer))
            }
            Shape::OneOf(variants) => self.union_kind(name, schema, variants, "oneOf", pointer),
            Shape::AnyOf(variants) => self.union_kind(name, schema, variants, "anyOf", pointer),
            Shape::AllOf(parts) => self.all_of_kind(name, parts, pointer),
            _ => TypeKind::Alias(self.bare_type(schema, name, pointer)),
        };
        self.set_type(id, schema_doc(schema), pointer, kind);
    }

    pub(super) fn struct_kind(
        &mut self,
        name: &str,
        properties: &'a IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&'a AdditionalProperties>,
        pointer: &Pointer,
    ) -> TypeKind {
        let fields = self.fields(name, properties, required, pointer);
        let additional = match additional {
            Some(AdditionalProperties::Schema(value)) => Some(self.type_of(
                value,
                &format!("{name}Value"),
                &pointer.join("additionalProperties"),
            )),
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            _ => None,
        };
        TypeKind::Struct(struct_of(fields, additional))
    }

    /// The fields of an object schema, in spec order, with unique Rust names.
    pub(super) fn fields(
        &mut self,
        parent: &str,
        properties: &'a IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        pointer: &Pointer,
    ) -> Vec<Field> {
        let mut scope = names::Scope::default();
        let mut fields = Vec::with_capacity(properties.len());
        for (wire_name, schema) in properties {
            let field_pointer = pointer.join("properties").join(wire_name);
            let hint = names::join_type_names(parent, &names::type_name(wire_name));
            let ty = self.type_of(schema, &hint, &field_pointer);
            let doc = match schema {
                ReferenceOr::Item(schema) => schema_doc(schema),
                ReferenceOr::Reference { .. } => None,
            };
            // An inline type without a description of its own is described by its place.
            if let TypeRef::Named(id) = non_null(&ty)
                && let Some(Some(def)) = self.types.get_mut(id.0)
                && def.doc.is_none()
                && def.pointer == field_pointer.as_str()
            {
                def.doc = Some(format!("The `{wire_name}` property of `{parent}`."));
            }
            let required = required.contains(wire_name);
            fields.push(Field {
                name: scope.claim(&names::value_name(wire_name)),
                wire_name: wire_name.clone(),
                doc,
                optional: is_optional(required, &ty),
                ty,
                required,
                slot: String::new(),
                init: FieldInit::Argument,
            });
        }
        fields
    }
}

fn integer_type(format: Option<&str>, unsigned: bool) -> TypeRef {
    match format {
        Some("int32") => TypeRef::I32,
        Some("uint64") => TypeRef::U64,
        _ if unsigned => TypeRef::U64,
        _ => TypeRef::I64,
    }
}

/// Known values of a string enum `enum_name` with unique variant names (values that differ
/// only in case or punctuation get numbered). A value named like the enum itself (the one
/// value of a constant, whose type is named after it) is the variant `Value`, not
/// `Name::Name`.
pub(super) fn string_variants(enum_name: &str, values: &[String]) -> Vec<Variant> {
    let mut scope = names::Scope::default();
    scope.reserve(enum_name);
    let mut seen = std::collections::BTreeSet::new();
    values
        .iter()
        .filter(|v| seen.insert(v.as_str()))
        .map(|value| {
            let wanted = names::variant_name(value);
            let name = if wanted == enum_name {
                scope.claim("Value")
            } else {
                scope.claim(&wanted)
            };
            Variant {
                name,
                wire: value.clone(),
            }
        })
        .collect()
}

/// Local variables of a struct's decoder besides the fields' slots.
const DECODER_LOCALS: &[&str] = &["map", "key", "extra", "deserializer"];

/// A struct of these fields; the map that keeps additional properties (when there is one)
/// is named so that no field has its name, and each field gets the slot its decoder reads
/// it into (its own name, unless that is one of the decoder's other locals).
pub(super) fn struct_of(mut fields: Vec<Field>, additional: Option<TypeRef>) -> Struct {
    let mut slots = names::Scope::default();
    for local in DECODER_LOCALS {
        slots.reserve(local);
    }
    for field in &mut fields {
        field.slot = slots.claim(&field.name);
    }
    let additional = additional.map(|ty| {
        let mut scope = names::Scope::default();
        for f in &fields {
            scope.reserve(&f.name);
        }
        Additional {
            field: scope.claim("additional_properties"),
            ty,
        }
    });
    Struct {
        fields,
        additional,
        // Decided once every type is known (`constructors`).
        constructor: None,
    }
}

/// Whether a field is an `Option` in Rust: it may be absent, or `null`.
pub(super) fn is_optional(required: bool, ty: &TypeRef) -> bool {
    !required || matches!(ty, TypeRef::Nullable(_))
}

/// This type, made nullable (once; `serde_json::Value` already holds `null`).
pub(super) fn nullable(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Nullable(_) | TypeRef::Json => ty,
        other => TypeRef::Nullable(Box::new(other)),
    }
}

/// The type without its outer nullability.
pub(super) fn non_null(ty: &TypeRef) -> &TypeRef {
    match ty {
        TypeRef::Nullable(inner) => inner,
        other => other,
    }
}

/// Whether this is a built-in scalar (string, bool or number).
pub(super) fn is_primitive(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::String
            | TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::U64
            | TypeRef::F32
            | TypeRef::F64
    )
}
