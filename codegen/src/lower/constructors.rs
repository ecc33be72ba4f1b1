//! Constructors: every model struct is `#[non_exhaustive]` (so that the API's next version
//! may add optional fields without breaking anyone) and is built with `Name::new(…)`, which
//! takes the fields a value cannot do without, in field order, and sets the rest.
//!
//! The rule, whatever the number of fields: a field is an argument unless it is an `Option`
//! (set to `None`) or a constant, a one-value string enum (set to its value). A constructor
//! rather than a builder even for structs with many required fields: it is checked by the
//! compiler (a builder's `build()` would have to fail at run time, or be a typestate), and
//! it is one function per struct where a builder is a type and a method per field, a cost
//! every user of a large API would pay in compile time. Optional fields are set afterwards
//! through the public fields (`value.name = Some(…)`). A new required field changes the
//! constructor, as it should: code that builds the value must say what it is.
//!
//! A struct without such fields has no constructor: it derives `Default` instead, which
//! sets every field the same way (`CertificateDetails::default()`).

use crate::ir::{FieldInit, TypeDef, TypeKind, TypeRef};
use crate::names;

/// Decides what each struct's constructor does with each field.
pub(super) fn decide(types: &mut [TypeDef]) {
    let constant: Vec<bool> = types.iter().map(is_constant).collect();
    for def in types {
        let TypeKind::Struct(s) = &mut def.kind else {
            continue;
        };
        for field in &mut s.fields {
            field.init = match &field.ty {
                // `optional` covers the nullable ones too: both are `Option`s.
                _ if field.optional => FieldInit::Absent,
                TypeRef::Named(id) if constant[id.0] => FieldInit::Constant,
                _ => FieldInit::Argument,
            };
        }
        let arguments = s.fields.iter().any(|f| f.init == FieldInit::Argument);
        s.constructor = arguments.then(|| names::CONSTRUCTOR.to_owned());
    }
}

/// A one-value string enum: its value is its `Default`.
fn is_constant(def: &TypeDef) -> bool {
    matches!(&def.kind, TypeKind::StringEnum { variants } if variants.len() == 1)
}
