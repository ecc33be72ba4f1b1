//! A schema seen through one lens (`Shape`), whether `openapiv3` parsed it as a typed schema
//! or fell back to its catch-all `AnySchema`, and the doc text a schema carries.

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

/// Doc text as the IR holds it: trimmed, and `None` rather than blank (a blank description
/// would leave an item without docs where the emitter has a fallback line for `None`).
pub(super) fn doc_text(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
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
