//! Named types → `models.rs`.

use super::{File, doc_attrs};
use crate::ir::{Api, Field, TypeDef, TypeKind};
use crate::names::ident;
use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn models(api: &Api) -> TokenStream {
    let file = File::models(api);
    let items: Vec<TokenStream> = api.types.iter().map(|def| type_def(&file, def)).collect();
    let uses = file.use_lines();
    quote! {
        #![doc = " The types of the API's requests and responses, one per schema."]
        #![doc = ""]
        #![doc = " Optional and nullable values are `Option`s; string enums keep values this version"]
        #![doc = " does not know in their `Other` variant; unknown fields are ignored. How each type"]
        #![doc = " is read from JSON is in the private `decode` module."]
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
            if let Some(additional) = &s.additional {
                let ty = file.ty(&additional.ty);
                let field_ident = ident(&additional.field);
                field_tokens.push(quote! {
                    /// Properties beyond the ones listed above.
                    #[serde(flatten)]
                    pub #field_ident: std::collections::BTreeMap<String, #ty>,
                });
            }
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, #default serde::Serialize)]
                pub struct #name {
                    #(#field_tokens)*
                }
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
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, serde::Serialize)]
                #[serde(untagged)]
                pub enum #name {
                    #(#variant_defs)*
                    /// A variant this version of the client does not know, kept as sent.
                    Other(serde_json::Value),
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
