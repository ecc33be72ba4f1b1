//! Named types → `models.rs`.

use super::{File, doc_attrs};
use crate::ir::{Api, Field, TypeDef, TypeKind};
use crate::names::ident;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

pub(crate) fn models(api: &Api) -> TokenStream {
    let file = File::models(api);
    let items: Vec<TokenStream> = api.types.iter().map(|def| type_def(&file, def)).collect();
    let uses = file.use_lines();
    quote! {
        #![doc = " The types of the API's requests and responses, one per schema."]
        #![doc = ""]
        #![doc = " Optional and nullable values are `Option`s; string enums keep values this version"]
        #![doc = " does not know in their `Other` variant; unknown fields are ignored."]
        #![allow(clippy::doc_markdown, clippy::large_enum_variant, clippy::doc_lazy_continuation)]

        #uses

        #(#items)*
    }
}

fn type_def(file: &File<'_>, def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let fallback = format!("The `{}` schema.", def.name);
    let doc = doc_attrs(Some(def.doc.as_deref().unwrap_or(&fallback)));
    match &def.kind {
        TypeKind::Struct(s) => {
            let fields = &s.fields;
            let all_optional = fields.iter().all(|f| f.optional);
            let default = all_optional.then(|| quote!(Default,));
            let mut field_tokens: Vec<TokenStream> =
                fields.iter().map(|f| field(file, f)).collect();
            let additional_field = s.additional.as_ref().map(|additional| {
                let ty = file.ty(&additional.ty);
                let field_ident = ident(&additional.field);
                field_tokens.push(quote! {
                    /// Properties beyond the ones listed above.
                    #[serde(flatten)]
                    pub #field_ident: std::collections::BTreeMap<String, #ty>,
                });
                field_ident
            });
            let deserialize =
                struct_deserialize(file, &def.name, fields, additional_field.as_ref());
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, #default serde::Serialize)]
                pub struct #name {
                    #(#field_tokens)*
                }
                #deserialize
            }
        }
        TypeKind::StringEnum { variants } => {
            let string_enum = file.runtime("string_enum");
            let to_wire = variants.iter().map(|v| {
                let vname = ident(&v.name);
                let wire = &v.wire;
                quote!(Self::#vname => #wire,)
            });
            let from_wire = variants.iter().map(|v| {
                let vname = ident(&v.name);
                let wire = &v.wire;
                quote!(#wire => Some(Self::#vname),)
            });
            // A one-value enum is a constant: its value is also its default.
            let single = variants.len() == 1;
            let default_derive = single.then(|| quote!(, Default));
            let variant_defs = variants.iter().map(|v| {
                let vname = ident(&v.name);
                let doc = if v.wire.is_empty() {
                    " The empty string.".to_owned()
                } else {
                    format!(" `{}`", v.wire.replace('`', "'"))
                };
                let default = single.then(|| quote!(#[default]));
                quote!(#[doc = #doc] #default #vname,)
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Eq, Hash #default_derive)]
                pub enum #name {
                    #(#variant_defs)*
                    /// A value this version of the client does not know, kept as sent.
                    Other(String),
                }
                impl #name {
                    /// The value as sent on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #(#to_wire)*
                            Self::Other(value) => value,
                        }
                    }

                    fn known(value: &str) -> Option<Self> {
                        match value {
                            #(#from_wire)*
                            _ => None,
                        }
                    }
                }
                #string_enum!(#name);
            }
        }
        TypeKind::Untagged { variants } => {
            let variant_defs = variants.iter().map(|v| {
                let vname = ident(&v.name);
                let ty = file.ty(&v.ty);
                let doc = format!(" The `{}` shape.", v.name);
                quote!(#[doc = #doc] #vname(#ty),)
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(untagged)]
                pub enum #name {
                    #(#variant_defs)*
                }
            }
        }
        TypeKind::Tagged { tag, variants } => {
            let variant_defs = variants.iter().map(|v| {
                let vname = ident(&v.name);
                let ty = file.ty(&v.ty);
                let doc = format!(" `{tag}: {}`.", v.tag_value.replace('`', "'"));
                quote!(#[doc = #doc] #vname(#ty),)
            });
            let tag_values = variants.iter().map(|v| &v.tag_value);
            let from_value = file.runtime("from_value");
            let tag_index = file.runtime("tag_index");
            let arms = variants.iter().enumerate().map(|(i, v)| {
                let vname = ident(&v.name);
                let i = Literal::usize_unsuffixed(i);
                quote!(Some(#i) => Self::#vname(#from_value(value)?),)
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, serde::Serialize)]
                #[serde(untagged)]
                pub enum #name {
                    #(#variant_defs)*
                    /// A variant this version of the client does not know, kept as sent.
                    Other(serde_json::Value),
                }
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                        Ok(match #tag_index(&value, #tag, &[#(#tag_values),*]) {
                            #(#arms)*
                            _ => Self::Other(value),
                        })
                    }
                }
            }
        }
        TypeKind::Alias(target) => {
            let ty = file.ty(target);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
        TypeKind::Responses { variants } => {
            let variant_defs = variants.iter().map(|v| {
                let vname = ident(&v.name);
                let doc = format!(" Status {}.", v.status);
                match &v.ty {
                    Some(ty) => {
                        let ty = file.ty(ty);
                        quote!(#[doc = #doc] #vname(#ty),)
                    }
                    None => quote!(#[doc = #doc] #vname,),
                }
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq)]
                pub enum #name {
                    #(#variant_defs)*
                }
            }
        }
        TypeKind::Newtype(target) => {
            let ty = file.ty(target);
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(
                    /// The wrapped value.
                    pub #ty,
                );
            }
        }
    }
}

fn field(file: &File<'_>, f: &Field) -> TokenStream {
    let name = ident(&f.name);
    let fallback = format!("The `{}` property.", f.wire_name);
    let doc = doc_attrs(Some(f.doc.as_deref().unwrap_or(&fallback)));
    let ty = file.optional_ty(&f.ty, f.optional);
    let unraw = f.name.trim_start_matches("r#");
    let rename = (unraw != f.wire_name).then(|| {
        let wire = &f.wire_name;
        quote!(#[serde(rename = #wire)])
    });
    // Optional values are left out when unset; required nullable ones are sent as `null`.
    let presence = (!f.required).then(|| quote!(#[serde(skip_serializing_if = "Option::is_none")]));
    quote! {
        #doc
        #rename
        #presence
        pub #name: #ty,
    }
}

/// `Deserialize` for a struct, as a visitor over the JSON object's entries: much less code
/// than serde's derive (no sequence form, no field-identifier enum), which matters when a
/// spec has thousands of types. Required values must be present; optional and nullable ones
/// read absent or `null` as `None`; unknown properties are skipped (or kept in the
/// additional-properties map).
fn struct_deserialize(
    file: &File<'_>,
    name: &str,
    fields: &[Field],
    additional: Option<&proc_macro2::Ident>,
) -> TokenStream {
    let ty = ident(name);
    let expecting = format!("a `{name}` object");
    let slots: Vec<proc_macro2::Ident> = (0..fields.len())
        .map(|i| quote::format_ident!("f{i}"))
        .collect();
    let declare = fields.iter().zip(&slots).map(|(f, slot)| {
        let field_ty = file.optional_ty(&f.ty, f.optional);
        if f.optional {
            quote!(let mut #slot: #field_ty = None;)
        } else {
            quote!(let mut #slot: Option<#field_ty> = None;)
        }
    });
    let arms = fields.iter().zip(&slots).map(|(f, slot)| {
        let wire = &f.wire_name;
        if f.optional {
            quote!(#wire => #slot = map.next_value()?,)
        } else {
            quote!(#wire => #slot = Some(map.next_value()?),)
        }
    });
    let fallback = match additional {
        Some(_) => quote!(_ => { extra.insert(key.into_owned(), map.next_value()?); }),
        None => quote!(_ => { map.next_value::<serde::de::IgnoredAny>()?; }),
    };
    let declare_extra =
        additional.map(|_| quote!(let mut extra = std::collections::BTreeMap::new();));
    let required = file.runtime("required");
    let build = fields.iter().zip(&slots).map(|(f, slot)| {
        let field = ident(&f.name);
        let wire = &f.wire_name;
        if f.optional {
            quote!(#field: #slot,)
        } else {
            quote!(#field: #required(#slot, #wire)?,)
        }
    });
    let build_extra = additional.map(|field| quote!(#field: extra,));
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
    // The visitor itself is the runtime's, shared by every struct: each struct brings only
    // the body that reads its fields.
    let visitor = file.runtime("StructVisitor");
    let decode_map = file.runtime("DecodeMap");
    let key = file.runtime("Key");
    quote! {
        impl<'de> serde::Deserialize<'de> for #ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_map(#visitor::<Self>::new())
            }
        }
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
