//! Schemas → named types and type references.

use super::Cx;
use crate::error::{Diagnostic, Pointer};
use crate::ir::{Field, TaggedVariant, TypeDef, TypeKind, TypeRef, UnionVariant, Variant};
use crate::names;
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

/// A schema seen through one lens, whether `openapiv3` parsed it as a typed schema or fell
/// back to its catch-all `AnySchema`.
pub(super) enum Shape<'s> {
    String {
        values: Vec<String>,
        format: Option<String>,
    },
    Integer {
        format: Option<String>,
        unsigned: bool,
    },
    Number {
        format: Option<String>,
    },
    Boolean,
    Object {
        properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &'s [String],
        additional: Option<&'s AdditionalProperties>,
    },
    Array {
        items: Option<&'s ReferenceOr<Box<Schema>>>,
    },
    OneOf(&'s [ReferenceOr<Schema>]),
    AnyOf(&'s [ReferenceOr<Schema>]),
    AllOf(&'s [ReferenceOr<Schema>]),
    /// No type information: any JSON value.
    Any,
}

fn format_name<T: std::fmt::Debug>(f: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(item) => Some(format!("{item:?}").to_lowercase()),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

pub(super) fn shape(schema: &Schema) -> Shape<'_> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => Shape::String {
            values: s.enumeration.iter().flatten().cloned().collect(),
            format: match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary".into()),
                other => format_name(other),
            },
        },
        SchemaKind::Type(Type::Integer(i)) => Shape::Integer {
            format: match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32".into()),
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64".into()),
                other => format_name(other),
            },
            unsigned: false,
        },
        SchemaKind::Type(Type::Number(n)) => Shape::Number {
            format: match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Some("float".into()),
                VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => Some("double".into()),
                other => format_name(other),
            },
        },
        SchemaKind::Type(Type::Boolean(_)) => Shape::Boolean,
        SchemaKind::Type(Type::Object(o)) => Shape::Object {
            properties: &o.properties,
            required: &o.required,
            additional: o.additional_properties.as_ref(),
        },
        SchemaKind::Type(Type::Array(a)) => Shape::Array {
            items: a.items.as_ref(),
        },
        SchemaKind::OneOf { one_of } => Shape::OneOf(one_of),
        SchemaKind::AnyOf { any_of } => Shape::AnyOf(any_of),
        SchemaKind::AllOf { all_of } => Shape::AllOf(all_of),
        SchemaKind::Not { .. } => Shape::Any,
        SchemaKind::Any(any) => {
            if !any.one_of.is_empty() {
                return Shape::OneOf(&any.one_of);
            }
            if !any.any_of.is_empty() {
                return Shape::AnyOf(&any.any_of);
            }
            if !any.all_of.is_empty() {
                return Shape::AllOf(&any.all_of);
            }
            match any.typ.as_deref() {
                Some("object") => object_shape(any),
                None if !any.properties.is_empty() || any.additional_properties.is_some() => {
                    object_shape(any)
                }
                Some("array") => Shape::Array {
                    items: any.items.as_ref(),
                },
                None if any.items.is_some() => Shape::Array {
                    items: any.items.as_ref(),
                },
                Some("string") => Shape::String {
                    values: any
                        .enumeration
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect(),
                    format: any.format.clone(),
                },
                Some("integer") => Shape::Integer {
                    format: any.format.clone(),
                    unsigned: any.maximum.is_some_and(|max| max > i64::MAX as f64)
                        && any.minimum.is_some_and(|min| min >= 0.0),
                },
                Some("number") => Shape::Number {
                    format: any.format.clone(),
                },
                Some("boolean") => Shape::Boolean,
                None if any.enumeration.iter().all(|v| v.is_string())
                    && !any.enumeration.is_empty() =>
                {
                    Shape::String {
                        values: any
                            .enumeration
                            .iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect(),
                        format: None,
                    }
                }
                _ => Shape::Any,
            }
        }
    }
}

fn object_shape(any: &openapiv3::AnySchema) -> Shape<'_> {
    Shape::Object {
        properties: &any.properties,
        required: &any.required,
        additional: any.additional_properties.as_ref(),
    }
}

/// Doc text for a schema: its description (or title), then its default.
pub(super) fn schema_doc(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    let mut doc = data
        .description
        .clone()
        .or_else(|| data.title.clone())
        .unwrap_or_default()
        .trim()
        .to_owned();
    if let Some(default) = &data.default {
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(&format!("Defaults to `{default}`."));
    }
    if let SchemaKind::Type(Type::Array(a)) = &schema.schema_kind {
        let bounds = match (a.min_items, a.max_items) {
            (Some(min), Some(max)) => Some(format!("Holds {min} to {max} items.")),
            (Some(min), None) => Some(format!("Holds at least {min} items.")),
            (None, Some(max)) => Some(format!("Holds at most {max} items.")),
            (None, None) => None,
        };
        if let Some(bounds) = bounds {
            if !doc.is_empty() {
                doc.push_str("\n\n");
            }
            doc.push_str(&bounds);
        }
    }
    if data.deprecated {
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str("Deprecated.");
    }
    (!doc.is_empty()).then_some(doc)
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

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
            let name = self.type_names.claim(&wanted);
            if let Some(first) = owner.get(&wanted) {
                let pointer = Pointer::root().join("components").join("schemas").join(key);
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
            self.components.insert(key.clone(), name);
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
        let Some(name) = self.components.get(key).cloned() else {
            return;
        };
        if self.types.contains_key(&name) || !self.in_progress.insert(key.to_owned()) {
            return;
        }
        let pointer = Pointer::root().join("components").join("schemas").join(key);
        let def = match schema {
            // A dangling or cyclic chain of aliases, reported by `resolve_schema`.
            ReferenceOr::Reference { .. } if self.resolve_schema(schema, &pointer).is_none() => {
                None
            }
            ReferenceOr::Reference { reference } => Some(TypeDef {
                name: name.clone(),
                doc: None,
                pointer: pointer.to_string(),
                kind: TypeKind::Alias(self.resolve_ref(reference, &pointer)),
                examples: Vec::new(),
            }),
            ReferenceOr::Item(schema) => Some(self.define(&name, schema, &pointer)),
        };
        self.in_progress.remove(key);
        if let Some(def) = def {
            self.types.insert(name, def);
        }
    }

    /// The fields of a component struct that an `allOf` refers to, lowering it first if
    /// needed (so that its inline types are shared, not copied). `None` when the reference
    /// is not to a struct that is, or can now be, lowered.
    fn component_struct_fields(
        &mut self,
        reference: &str,
    ) -> Option<(Vec<Field>, Option<TypeRef>)> {
        let mut reference = reference.to_owned();
        for _ in 0..64 {
            let key = unescape_pointer_token(reference.strip_prefix(SCHEMA_PREFIX)?);
            self.ensure_component(&key);
            let name = self.components.get(&key)?;
            match &self.types.get(name)?.kind {
                TypeKind::Struct { fields, additional } => {
                    return Some((fields.clone(), additional.clone()));
                }
                TypeKind::Alias(_) => {
                    let spec: &'a openapiv3::OpenAPI = self.spec;
                    match spec.components.as_ref()?.schemas.get(&key)? {
                        ReferenceOr::Reference { reference: next } => reference = next.clone(),
                        ReferenceOr::Item(_) => return None,
                    }
                }
                _ => return None,
            }
        }
        None
    }

    /// The named type a `$ref` points at; a ref that does not resolve is an error (and
    /// lowering goes on with `serde_json::Value` so that later errors are found too).
    pub(super) fn resolve_ref(&mut self, reference: &str, pointer: &Pointer) -> TypeRef {
        if let Some(key) = reference.strip_prefix(SCHEMA_PREFIX) {
            let key = unescape_pointer_token(key);
            if let Some(name) = self.components.get(&key) {
                return TypeRef::Named(name.clone());
            }
            let known = self
                .spec
                .components
                .as_ref()
                .is_some_and(|c| c.schemas.contains_key(&key));
            if key.contains('/') {
                self.error(Diagnostic::new(
                    pointer.as_str(),
                    format!("`$ref: {reference}` points inside a schema"),
                    "refer to a whole schema under #/components/schemas (move the part into a schema of its own)",
                ));
            } else if !known {
                self.error(Diagnostic::new(
                    pointer.as_str(),
                    format!("`$ref: {reference}` points at a schema that does not exist"),
                    "fix the reference or add the schema under #/components/schemas",
                ));
            }
            return TypeRef::Json;
        }
        self.error(Diagnostic::new(
            pointer.as_str(),
            format!("`$ref: {reference}` is not a reference to #/components/schemas/NAME"),
            "move the referenced schema into #/components/schemas and refer to it there",
        ));
        TypeRef::Json
    }

    /// The type of a schema in a field, item, parameter or body position. Schemas that need
    /// a type of their own (objects with properties, enums, unions) get one named after
    /// `hint`.
    pub(super) fn type_of(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        hint: &str,
        pointer: &Pointer,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, pointer),
            ReferenceOr::Item(schema) => self.type_of_schema(schema, hint, pointer),
        }
    }

    pub(super) fn type_of_boxed(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        hint: &str,
        pointer: &Pointer,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, pointer),
            ReferenceOr::Item(schema) => self.type_of_schema(schema, hint, pointer),
        }
    }

    fn type_of_schema(&mut self, schema: &'a Schema, hint: &str, pointer: &Pointer) -> TypeRef {
        let ty = self.bare_type(schema, hint, pointer);
        if schema.schema_data.nullable {
            ty.nullable()
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
                    Some(items) => self.type_of_boxed(items, hint, &pointer.join("items")),
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
                let name = self.type_names.claim(hint);
                let def = self.define(&name, schema, pointer);
                self.types.insert(name.clone(), def);
                TypeRef::Named(name)
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
        if let Some(name) = self.constants.get(value) {
            return TypeRef::Named(name.clone());
        }
        let by_value = names::type_name(value);
        let name = if self.type_names.contains(&by_value) {
            self.type_names.claim(hint)
        } else {
            self.type_names.claim(&by_value)
        };
        let mut def = self.define(&name, schema, pointer);
        def.doc = Some(format!("The constant `{}`.", value.replace('`', "'")));
        self.types.insert(name.clone(), def);
        self.constants.insert(value.to_owned(), name.clone());
        TypeRef::Named(name)
    }

    /// Defines the named type `name` for a schema.
    pub(super) fn define(&mut self, name: &str, schema: &'a Schema, pointer: &Pointer) -> TypeDef {
        let kind = match shape(schema) {
            Shape::String { values, .. } if !values.is_empty() => TypeKind::StringEnum {
                variants: string_variants(&values),
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
        TypeDef {
            name: name.to_owned(),
            doc: schema_doc(schema),
            pointer: pointer.to_string(),
            kind,
            examples: schema.schema_data.example.iter().cloned().collect(),
        }
    }

    fn struct_kind(
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
        TypeKind::Struct { fields, additional }
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
            let ty = self.type_of_boxed(schema, &hint, &field_pointer);
            let doc = match schema {
                ReferenceOr::Item(schema) => schema_doc(schema),
                ReferenceOr::Reference { .. } => None,
            };
            // An inline type without a description of its own is described by its place.
            if let TypeRef::Named(name) = ty.non_null()
                && let Some(def) = self.types.get_mut(name)
                && def.doc.is_none()
                && def.pointer == field_pointer.as_str()
            {
                def.doc = Some(format!("The `{wire_name}` property of `{parent}`."));
            }
            fields.push(Field {
                name: scope.claim(&names::value_name(wire_name)),
                wire_name: wire_name.clone(),
                doc,
                ty,
                required: required.contains(wire_name),
            });
        }
        fields
    }

    fn union_kind(
        &mut self,
        name: &str,
        schema: &'a Schema,
        variants: &'a [ReferenceOr<Schema>],
        key: &str,
        pointer: &Pointer,
    ) -> TypeKind {
        let mut scope = names::Scope::default();
        let mut lowered = Vec::with_capacity(variants.len());
        for (i, variant) in variants.iter().enumerate() {
            let variant_pointer = pointer.join(key).join(i);
            let base = match variant {
                ReferenceOr::Reference { reference } => reference
                    .rsplit('/')
                    .next()
                    .map(|last| names::variant_name(&unescape_pointer_token(last)))
                    .unwrap_or_else(|| format!("V{i}")),
                ReferenceOr::Item(item) => item
                    .schema_data
                    .title
                    .as_deref()
                    .map(names::variant_name)
                    .unwrap_or_else(|| variant_base_name(item, i)),
            };
            let hint = names::join_type_names(name, &base);
            let ty = self.type_of(variant, &hint, &variant_pointer);
            lowered.push(UnionVariant {
                name: scope.claim(&base),
                ty,
            });
        }
        if schema.schema_data.discriminator.is_none()
            && let Some((tag, values)) = self.common_const_property(variants)
        {
            // No discriminator, but every variant pins the same required property to its own
            // value (`type: message`, `type: function_call`, …): decode by it.
            return TypeKind::Tagged {
                tag,
                variants: lowered
                    .into_iter()
                    .zip(values)
                    .map(|(v, tag_value)| TaggedVariant {
                        name: v.name,
                        tag_value,
                        ty: v.ty,
                    })
                    .collect(),
            };
        }
        if let Some(discriminator) = &schema.schema_data.discriminator {
            let tagged = self.tagged_variants(discriminator, &lowered, variants);
            if let Some(variants) = tagged {
                return TypeKind::Tagged {
                    tag: discriminator.property_name.clone(),
                    variants,
                };
            }
            self.note(
                pointer,
                format!(
                    "discriminator `{}` of `{name}` does not name every variant; decoding tries \
                     the variants in order instead",
                    discriminator.property_name
                ),
            );
        }
        TypeKind::Untagged { variants: lowered }
    }

    /// Variants of a discriminated union, when every variant is a component schema whose tag
    /// value can be known (from the mapping, or the schema's own name).
    fn tagged_variants(
        &mut self,
        discriminator: &openapiv3::Discriminator,
        lowered: &[UnionVariant],
        variants: &[ReferenceOr<Schema>],
    ) -> Option<Vec<TaggedVariant>> {
        let mut out = Vec::with_capacity(variants.len());
        let property = discriminator.property_name.as_str();
        for (variant, lowered) in variants.iter().zip(lowered) {
            let from_schema = || {
                self.peek(variant)
                    .and_then(|schema| self.const_property(schema, property, false, 0))
            };
            let tag_value = match variant {
                ReferenceOr::Reference { reference } => discriminator
                    .mapping
                    .iter()
                    .find(|(_, target)| *target == reference)
                    .map(|(value, _)| value.clone())
                    .or_else(from_schema)
                    .or_else(|| reference.strip_prefix(SCHEMA_PREFIX).map(str::to_owned))?,
                ReferenceOr::Item(_) => from_schema()?,
            };
            out.push(TaggedVariant {
                name: lowered.name.clone(),
                tag_value,
                ty: lowered.ty.clone(),
            });
        }
        Some(out)
    }

    /// A schema behind a reference, without reporting anything (a reference that does not
    /// resolve is reported where the schema itself is lowered).
    fn peek(&self, schema: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
        match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => self.peek_ref(reference),
        }
    }

    /// The component schema a `$ref` names, following chains of references (a few hops).
    fn peek_ref(&self, reference: &str) -> Option<&'a Schema> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let schemas = &spec.components.as_ref()?.schemas;
        let mut reference = reference;
        for _ in 0..16 {
            let key = unescape_pointer_token(reference.strip_prefix(SCHEMA_PREFIX)?);
            match schemas.get(&key)? {
                ReferenceOr::Item(schema) => return Some(schema),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        None
    }

    /// The one value a schema allows for `property` (a one-value string enum, or a 3.1
    /// `const`), looking into `allOf` parts; with `required`, only when the property is
    /// required.
    fn const_property(
        &self,
        schema: &'a Schema,
        property: &str,
        must_be_required: bool,
        depth: usize,
    ) -> Option<String> {
        if depth > 8 {
            return None;
        }
        match shape(schema) {
            Shape::Object {
                properties,
                required,
                ..
            } => {
                if must_be_required && !required.iter().any(|r| r == property) {
                    return None;
                }
                let value = match properties.get(property)? {
                    ReferenceOr::Item(item) => item.as_ref(),
                    ReferenceOr::Reference { reference } => self.peek_ref(reference)?,
                };
                match shape(value) {
                    Shape::String { values, .. } if values.len() == 1 => values.first().cloned(),
                    _ => None,
                }
            }
            Shape::AllOf(parts) => parts.iter().find_map(|part| {
                self.peek(part)
                    .and_then(|p| self.const_property(p, property, must_be_required, depth + 1))
            }),
            _ => None,
        }
    }

    /// For a `oneOf`/`anyOf` without a discriminator: a property that every variant
    /// requires and pins to a value of its own, and those values in variant order.
    fn common_const_property(
        &self,
        variants: &'a [ReferenceOr<Schema>],
    ) -> Option<(String, Vec<String>)> {
        if variants.len() < 2 {
            return None;
        }
        let schemas: Vec<&'a Schema> = variants
            .iter()
            .map(|v| self.peek(v))
            .collect::<Option<_>>()?;
        let candidates: Vec<&String> = match shape(schemas[0]) {
            Shape::Object { properties, .. } => properties.keys().collect(),
            Shape::AllOf(parts) => parts
                .iter()
                .filter_map(|p| self.peek(p))
                .filter_map(|p| match shape(p) {
                    Shape::Object { properties, .. } => Some(properties.keys()),
                    _ => None,
                })
                .flatten()
                .collect(),
            _ => return None,
        };
        candidates.into_iter().find_map(|property| {
            let values: Vec<String> = schemas
                .iter()
                .map(|s| self.const_property(s, property, true, 0))
                .collect::<Option<_>>()?;
            let distinct: std::collections::BTreeSet<&String> = values.iter().collect();
            (distinct.len() == values.len()).then(|| (property.clone(), values))
        })
    }

    /// `allOf` of objects becomes one struct holding every part's fields.
    fn all_of_kind(
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
            let Some((schema, at)) = self.resolve_schema(part, &part_pointer) else {
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
            if let TypeKind::Struct {
                fields: part_fields,
                additional: part_additional,
            } = part_kind
            {
                merge_fields(&mut fields, part_fields);
                additional = additional.or(part_additional);
            }
        }
        let mut scope = names::Scope::default();
        for field in &mut fields {
            field.name = scope.claim(&names::value_name(&field.wire_name));
            field.required |= required_anywhere.contains(&&field.wire_name);
        }
        TypeKind::Struct { fields, additional }
    }

    /// Follows `$ref`s (through aliases) to the schema they name, with its pointer;
    /// `None`, after reporting it, when a ref does not resolve or the refs form a cycle.
    pub(super) fn resolve_schema(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        pointer: &Pointer,
    ) -> Option<(&'a Schema, Pointer)> {
        let mut current = schema;
        let mut at = pointer.clone();
        let mut seen = Vec::new();
        loop {
            match current {
                ReferenceOr::Item(schema) => return Some((schema, at)),
                ReferenceOr::Reference { reference } => {
                    if seen.contains(reference) {
                        self.error(Diagnostic::new(
                            pointer.as_str(),
                            format!("`$ref: {reference}` is part of a cycle of references"),
                            "make one of the schemas in the cycle a real schema",
                        ));
                        return None;
                    }
                    seen.push(reference.clone());
                    let target = reference.strip_prefix(SCHEMA_PREFIX).and_then(|key| {
                        let key = unescape_pointer_token(key);
                        let spec: &'a openapiv3::OpenAPI = self.spec;
                        let components = spec.components.as_ref()?;
                        let (key, schema) = components.schemas.get_key_value(&key)?;
                        Some((key, schema))
                    });
                    let Some((key, target)) = target else {
                        self.resolve_ref(reference, pointer);
                        return None;
                    };
                    at = Pointer::root().join("components").join("schemas").join(key);
                    current = target;
                }
            }
        }
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

fn integer_type(format: Option<&str>, unsigned: bool) -> TypeRef {
    match format {
        Some("int32") => TypeRef::I32,
        Some("uint64") => TypeRef::U64,
        _ if unsigned => TypeRef::U64,
        _ => TypeRef::I64,
    }
}

fn variant_base_name(schema: &Schema, index: usize) -> String {
    match shape(schema) {
        Shape::String { values, .. } if values.len() == 1 => names::variant_name(&values[0]),
        Shape::String { .. } => "String".to_owned(),
        Shape::Integer { .. } => "Integer".to_owned(),
        Shape::Number { .. } => "Number".to_owned(),
        Shape::Boolean => "Boolean".to_owned(),
        Shape::Array { .. } => "Array".to_owned(),
        Shape::Object { .. } => "Object".to_owned(),
        _ => format!("V{index}"),
    }
}

/// Known values of a string enum with unique variant names (values that differ only in
/// case or punctuation get numbered).
pub(super) fn string_variants(values: &[String]) -> Vec<Variant> {
    let mut scope = names::Scope::default();
    let mut seen = std::collections::BTreeSet::new();
    values
        .iter()
        .filter(|v| seen.insert(v.as_str()))
        .map(|value| Variant {
            name: scope.claim(&names::variant_name(value)),
            wire: value.clone(),
        })
        .collect()
}

pub(super) fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
