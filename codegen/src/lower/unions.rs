//! `oneOf`/`anyOf` → enums: tagged by a discriminator (or by a property every variant pins
//! to a value of its own), or tried in order.

use super::shapes::{Shape, shape};
use super::{Cx, refs};
use crate::ir::{TaggedVariant, TypeKind, UnionVariant};
use crate::names;
use crate::pointer::{Pointer, unescape_token};
use openapiv3::{ReferenceOr, Schema};

impl<'a> Cx<'a> {
    pub(super) fn union_kind(
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
                    .map(|last| names::variant_name(&unescape_token(last)))
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
                    .or_else(|| {
                        reference
                            .strip_prefix("#/components/schemas/")
                            .map(str::to_owned)
                    })?,
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
        let spec: &'a openapiv3::OpenAPI = self.spec;
        refs::peek(spec, schema, &Pointer::root())
            .ok()
            .map(|(schema, _)| schema)
    }

    /// The component schema a `$ref` names, following chains of references.
    fn peek_ref(&self, reference: &'a str) -> Option<&'a Schema> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let (_, schema) = refs::component::<Schema>(spec, reference)?;
        self.peek(schema)
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
