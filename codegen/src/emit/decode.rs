//! How the models are read from JSON → `decode.rs`, a private module apart from the models
//! so that a reader of `models.rs` meets the types, their docs and their fields first.
//!
//! A struct's `Deserialize` is a visitor over the JSON object's entries: much less code than
//! serde's derive (no sequence form, no field-identifier enum), which matters when a spec
//! has thousands of types; the visitor itself is the runtime's, shared by every struct, and
//! each struct brings only the body that reads its fields. Required values must be present;
//! optional and nullable ones read absent or `null` as `None`; unknown properties are
//! skipped (or kept in the additional-properties map). A discriminated union reads its tag
//! first and decodes the variant it names.

use super::{File, any_feature, other_direction};
use crate::ir::{Api, Gate, Struct, TaggedVariant, TypeDef, TypeId, TypeKind};
use crate::names::ident;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

pub(crate) fn decode(api: &Api) -> TokenStream {
    // Full paths: a decoder is compiled with its type and, for a type responses never
    // carry, only with the serde feature, which no `use` line's `cfg` can follow.
    let file = File::qualified(api);
    let items: Vec<TokenStream> = api
        .types
        .iter()
        .enumerate()
        .filter_map(|(id, def)| {
            let decoder = match &def.kind {
                TypeKind::Struct(s) => struct_decoder(&file, TypeId(id), def, s),
                TypeKind::Tagged { tag, variants } => {
                    tagged_decoder(&file, TypeId(id), def, tag, variants)
                }
                _ => return None,
            };
            Some(decoder)
        })
        .collect();
    let uses = file.use_lines();
    quote! {
        #![doc = " How the models are read from JSON: each struct's fields from the object's entries,"]
        #![doc = " each discriminated union by its tag. Separate from `models` so that the types come"]
        #![doc = " first there."]

        #uses

        #(#items)*
    }
}

/// When a type's decoder is compiled: with the type, and only with the other serde
/// direction (tests, the serde feature) when responses never carry it.
fn decoder_cfg(file: &File<'_>, def: &TypeDef) -> TokenStream {
    let other = other_direction(file.api);
    let condition = match (&def.gate, def.received) {
        (Gate::Always, true) => return TokenStream::new(),
        (Gate::Features(f), true) => any_feature(f),
        (Gate::Always, false) => other,
        (Gate::Features(f), false) => {
            let features = any_feature(f);
            quote!(all(#features, #other))
        }
    };
    quote!(#[cfg(#condition)])
}

fn struct_decoder(file: &File<'_>, id: TypeId, def: &TypeDef, s: &Struct) -> TokenStream {
    struct_impls(file, id, def, s, &decoder_cfg(file, def))
}

fn struct_impls(
    file: &File<'_>,
    id: TypeId,
    def: &TypeDef,
    s: &Struct,
    cfg: &TokenStream,
) -> TokenStream {
    let ty = file.model(id);
    let expecting = format!("a `{}` object", def.name);
    let fields = &s.fields;
    let declare = fields.iter().map(|f| {
        let slot = ident(&f.slot);
        let field_ty = file.optional_ty(&f.ty, f.optional);
        if f.optional {
            quote!(let mut #slot: #field_ty = None;)
        } else {
            quote!(let mut #slot: Option<#field_ty> = None;)
        }
    });
    let arms = fields.iter().map(|f| {
        let slot = ident(&f.slot);
        let wire = &f.wire_name;
        if f.optional {
            quote!(#wire => #slot = map.next_value()?,)
        } else {
            quote!(#wire => #slot = Some(map.next_value()?),)
        }
    });
    let additional = s.additional.as_ref().map(|a| ident(&a.field));
    let fallback = match additional {
        Some(_) => quote!(_ => { extra.insert(key.into_owned(), map.next_value()?); }),
        None => quote!(_ => { map.next_value::<serde::de::IgnoredAny>()?; }),
    };
    let declare_extra = additional
        .as_ref()
        .map(|_| quote!(let mut extra = std::collections::BTreeMap::new();));
    let required = fields
        .iter()
        .any(|f| !f.optional)
        .then(|| file.runtime("required"));
    let build = fields.iter().map(|f| {
        let field = ident(&f.name);
        let slot = ident(&f.slot);
        let wire = &f.wire_name;
        if f.optional {
            super::field_init(&field, quote!(#slot))
        } else {
            quote!(#field: #required(#slot, #wire)?,)
        }
    });
    let build_extra = additional.as_ref().map(|field| quote!(#field: extra,));
    // A struct without properties reads any object.
    let key_binding = if fields.is_empty() && additional.is_none() {
        quote!(_key)
    } else {
        quote!(key)
    };
    let body = if fields.is_empty() {
        match additional {
            Some(_) => quote!(extra.insert(key.into_owned(), map.next_value()?);),
            None => quote!(map.next_value::<serde::de::IgnoredAny>()?;),
        }
    } else {
        quote! {
            match #key_binding.as_str() {
                #(#arms)*
                #fallback
            }
        }
    };
    let visitor = file.runtime("StructVisitor");
    let decode_map = file.runtime("DecodeMap");
    let key = file.runtime("Key");
    quote! {
        #cfg
        impl<'de> serde::Deserialize<'de> for #ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_map(#visitor::<Self>::new())
            }
        }
        #cfg
        impl<'de> #decode_map<'de> for #ty {
            const EXPECTING: &'static str = #expecting;
            fn decode<A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                #(#declare)*
                #declare_extra
                while let Some(#key_binding) = map.next_key::<#key<'de>>()? {
                    #body
                }
                Ok(#ty { #(#build)* #build_extra })
            }
        }
    }
}

fn tagged_decoder(
    file: &File<'_>,
    id: TypeId,
    def: &TypeDef,
    tag: &str,
    variants: &[TaggedVariant],
) -> TokenStream {
    let cfg = decoder_cfg(file, def);
    let decoder = tagged_impl(file, id, tag, variants);
    quote!(#cfg #decoder)
}

fn tagged_impl(file: &File<'_>, id: TypeId, tag: &str, variants: &[TaggedVariant]) -> TokenStream {
    let ty = file.model(id);
    let tag_values = variants.iter().map(|v| &v.tag_value);
    let from_value = file.runtime("from_value");
    let tag_index = file.runtime("tag_index");
    let arms = variants.iter().enumerate().map(|(i, v)| {
        let vname = ident(&v.name);
        let i = Literal::usize_unsuffixed(i);
        quote!(Some(#i) => #ty::#vname(#from_value(value)?),)
    });
    quote! {
        impl<'de> serde::Deserialize<'de> for #ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                Ok(match #tag_index(&value, #tag, &[#(#tag_values),*]) {
                    #(#arms)*
                    _ => #ty::Other(value),
                })
            }
        }
    }
}
