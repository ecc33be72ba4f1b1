//! Named types → `models.rs`.

use super::{From, doc_attrs, type_tokens};
use crate::ir::{Api, Field, TypeDef, TypeKind, TypeRef};
use crate::names::ident;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

pub(crate) fn models(api: &Api) -> TokenStream {
    let items = api.types.iter().map(type_def);
    quote! {
        #![doc = " The types of the API's requests and responses, one per schema."]
        #![doc = ""]
        #![doc = " Optional and nullable values are `Option`s; string enums keep values this version"]
        #![doc = " does not know in their `Other` variant; unknown fields are ignored."]
        #![allow(clippy::doc_markdown, clippy::large_enum_variant, clippy::doc_lazy_continuation)]

        #(#items)*
    }
}

fn type_def(def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let fallback = format!("The `{}` schema.", def.name);
    let doc = doc_attrs(Some(def.doc.as_deref().unwrap_or(&fallback)));
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            let all_optional = fields.iter().all(Field::optional);
            let default = all_optional.then(|| quote!(Default,));
            let mut field_tokens: Vec<TokenStream> = fields.iter().map(field).collect();
            if let Some(additional) = additional {
                let ty = type_tokens(additional, From::Models);
                let field_name = additional_field_name(fields);
                let field_ident = ident(&field_name);
                field_tokens.push(quote! {
                    /// Properties beyond the ones listed above.
                    #[serde(flatten)]
                    pub #field_ident: std::collections::BTreeMap<String, #ty>,
                });
            }
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
                pub struct #name {
                    #(#field_tokens)*
                }
            }
        }
        TypeKind::StringEnum { variants } => {
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
                crate::runtime::string_enum!(#name);
            }
        }
        TypeKind::Untagged { variants } => {
            let variant_defs = variants.iter().map(|v| {
                let vname = ident(&v.name);
                let ty = type_tokens(&v.ty, From::Models);
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
                let ty = type_tokens(&v.ty, From::Models);
                let doc = format!(" `{tag}: {}`.", v.tag_value.replace('`', "'"));
                quote!(#[doc = #doc] #vname(#ty),)
            });
            let tag_values = variants.iter().map(|v| &v.tag_value);
            let arms = variants.iter().enumerate().map(|(i, v)| {
                let vname = ident(&v.name);
                let i = Literal::usize_unsuffixed(i);
                quote!(Some(#i) => Self::#vname(crate::runtime::from_value(value)?),)
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
                        Ok(match crate::runtime::tag_index(&value, #tag, &[#(#tag_values),*]) {
                            #(#arms)*
                            _ => Self::Other(value),
                        })
                    }
                }
            }
        }
        TypeKind::Alias(target) => {
            let ty = type_tokens(target, From::Models);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
        TypeKind::Newtype(target) => {
            let ty = type_tokens(target, From::Models);
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

fn field(f: &Field) -> TokenStream {
    let name = ident(&f.name);
    let fallback = format!("The `{}` property.", f.wire_name);
    let doc = doc_attrs(Some(f.doc.as_deref().unwrap_or(&fallback)));
    let ty = field_type(f, From::Models);
    let unraw = f.name.trim_start_matches("r#");
    let rename = (unraw != f.wire_name).then(|| {
        let wire = &f.wire_name;
        quote!(#[serde(rename = #wire)])
    });
    let presence = if !f.required {
        quote!(#[serde(default, skip_serializing_if = "Option::is_none")])
    } else if f.optional() {
        // Required but nullable: `null` is sent as `null`, and an absent value reads as `None`.
        quote!(#[serde(default)])
    } else {
        TokenStream::new()
    };
    quote! {
        #doc
        #rename
        #presence
        pub #name: #ty,
    }
}

/// The Rust type of a field: `Option<T>` when it may be absent or null.
pub(crate) fn field_type(f: &Field, from: From) -> TokenStream {
    if f.optional() {
        let inner = type_tokens(f.ty.non_null(), from);
        quote!(Option<#inner>)
    } else {
        type_tokens(&f.ty, from)
    }
}

/// The name of the map that keeps additional properties, unique among the fields.
fn additional_field_name(fields: &[Field]) -> String {
    let mut scope = crate::names::Scope::default();
    for f in fields {
        scope.reserve(&f.name);
    }
    scope.claim("additional_properties")
}

/// Whether a field's type is a one-value enum (a constant the builder fills in itself).
pub(crate) fn is_constant(ty: &TypeRef, api: &Api) -> bool {
    match ty {
        TypeRef::Named(name) => api.types.iter().any(|t| {
            &t.name == name
                && matches!(&t.kind, TypeKind::StringEnum { variants } if variants.len() == 1)
        }),
        _ => false,
    }
}
