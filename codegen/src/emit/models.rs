//! Named types → `models.rs`.

use super::{File, doc_attrs, field_init, other_direction};
use crate::ir::{Api, Field, FieldInit, Struct, TypeDef, TypeKind};
use crate::names::ident;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

pub(crate) fn models(api: &Api) -> TokenStream {
    let file = File::models(api);
    let items: Vec<TokenStream> = api
        .types
        .iter()
        .map(|def| file.gated(&def.gate, || type_def(&file, def)))
        .collect();
    let uses = file.use_lines();
    quote! {
        #![doc = " The types of the API's requests and responses, one per schema."]
        #![doc = ""]
        #![doc = " Optional and nullable values are `Option`s; string enums keep values this version"]
        #![doc = " does not know in their `Other` variant; unknown fields are ignored. How each type"]
        #![doc = " is read from JSON is in the private `decode` module."]
        #![doc = ""]
        #![doc = " Structs and enums are `#[non_exhaustive]`, so that the API's next version can add"]
        #![doc = " optional fields and enum values without breaking your code: build a struct with"]
        #![doc = " its `new`, which takes the required fields (or `default()` when it has none),"]
        #![doc = " then set optional fields directly; `match` an enum with a `_` arm."]
        #![allow(clippy::doc_markdown, clippy::large_enum_variant, clippy::doc_lazy_continuation, clippy::too_many_arguments)]

        #uses

        #(#items)*
    }
}

/// The serde derives of a type that uses serde's own (`Serialize`, and `Deserialize` where
/// `derive_deserialize`): in the derive list when the type needs them whatever the features,
/// in a `cfg_attr` of the other direction's condition when it does not; and how to write
/// its `#[serde(…)]` attributes, which need a derive to be there.
struct Serde {
    derives: TokenStream,
    conditional: TokenStream,
    /// The condition under which no derive is guaranteed (the attributes then go in a
    /// `cfg_attr` of it), or `None` when one always is.
    attrs_under: Option<TokenStream>,
}

impl Serde {
    fn of(file: &File<'_>, def: &TypeDef, derive_deserialize: bool) -> Serde {
        let other = other_direction(file.api);
        let mut always = Vec::new();
        let mut sometimes = Vec::new();
        let serialize = quote!(serde::Serialize);
        if def.sent {
            always.push(serialize);
        } else {
            sometimes.push(serialize);
        }
        if derive_deserialize {
            let deserialize = quote!(serde::Deserialize);
            if def.received {
                always.push(deserialize);
            } else {
                sometimes.push(deserialize);
            }
        }
        let attrs_under = always.is_empty().then(|| other.clone());
        Serde {
            derives: quote!(#(, #always)*),
            conditional: if sometimes.is_empty() {
                TokenStream::new()
            } else {
                quote!(#[cfg_attr(#other, derive(#(#sometimes),*))])
            },
            attrs_under,
        }
    }

    /// `#[serde(…)]`, or `#[cfg_attr(…, serde(…))]` when no derive is certain.
    fn attr(&self, inner: TokenStream) -> TokenStream {
        match &self.attrs_under {
            None => quote!(#[serde(#inner)]),
            Some(condition) => quote!(#[cfg_attr(#condition, serde(#inner))]),
        }
    }
}

/// The items of a type: its definition, and for a string enum its methods and trait impls.
fn type_def(file: &File<'_>, def: &TypeDef) -> Vec<TokenStream> {
    let name = ident(&def.name);
    let fallback = format!("The `{}` schema.", def.name);
    let doc = doc_attrs(Some(def.doc.as_deref().unwrap_or(&fallback)));
    match &def.kind {
        TypeKind::Struct(s) => {
            let serde = Serde::of(file, def, false);
            let fields = &s.fields;
            let default = s.constructor.is_none().then(|| quote!(, Default));
            let mut field_tokens: Vec<TokenStream> =
                fields.iter().map(|f| field(file, &serde, f)).collect();
            if let Some(additional) = &s.additional {
                let ty = file.ty(&additional.ty);
                let field_ident = ident(&additional.field);
                let flatten = serde.attr(quote!(flatten));
                field_tokens.push(quote! {
                    /// Properties beyond the ones listed above.
                    #flatten
                    pub #field_ident: std::collections::BTreeMap<String, #ty>,
                });
            }
            let (derives, conditional) = (&serde.derives, &serde.conditional);
            let definition = quote! {
                #doc
                #[derive(Debug, Clone, PartialEq #default #derives)]
                #conditional
                #[non_exhaustive]
                pub struct #name {
                    #(#field_tokens)*
                }
            };
            std::iter::once(definition)
                .chain(constructor(file, &name, s))
                .collect()
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
            let definition = quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Eq, Hash #default_derive)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variant_defs)*
                    /// A value this version of the client does not know, kept as sent.
                    Other(String),
                }
            };
            let methods = quote! {
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
            };
            vec![definition, methods, quote!(#string_enum!(#name);)]
        }
        TypeKind::Untagged { variants } => {
            let variant_defs = variants.iter().map(|v| {
                let vname = ident(&v.name);
                let ty = file.ty(&v.ty);
                let doc = format!(" The `{}` shape.", v.name);
                quote!(#[doc = #doc] #vname(#ty),)
            });
            let serde = Serde::of(file, def, true);
            let (derives, conditional) = (&serde.derives, &serde.conditional);
            let untagged = serde.attr(quote!(untagged));
            vec![quote! {
                #doc
                #[derive(Debug, Clone, PartialEq #derives)]
                #conditional
                #untagged
                #[non_exhaustive]
                pub enum #name {
                    #(#variant_defs)*
                }
            }]
        }
        TypeKind::Tagged { tag, variants } => {
            let variant_defs = variants.iter().map(|v| {
                let vname = ident(&v.name);
                let ty = file.ty(&v.ty);
                let doc = format!(" `{tag}: {}`.", v.tag_value.replace('`', "'"));
                quote!(#[doc = #doc] #vname(#ty),)
            });
            let serde = Serde::of(file, def, false);
            let (derives, conditional) = (&serde.derives, &serde.conditional);
            let untagged = serde.attr(quote!(untagged));
            vec![quote! {
                #doc
                #[derive(Debug, Clone, PartialEq #derives)]
                #conditional
                #untagged
                #[non_exhaustive]
                pub enum #name {
                    #(#variant_defs)*
                    /// A variant this version of the client does not know, kept as sent.
                    Other(serde_json::Value),
                }
            }]
        }
        TypeKind::Alias(target) => {
            let ty = file.ty(target);
            vec![quote! {
                #doc
                pub type #name = #ty;
            }]
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
            vec![quote! {
                #doc
                #[derive(Debug, Clone, PartialEq)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variant_defs)*
                }
            }]
        }
        TypeKind::Newtype(target) => {
            let ty = file.ty(target);
            let serde = Serde::of(file, def, true);
            let (derives, conditional) = (&serde.derives, &serde.conditional);
            let transparent = serde.attr(quote!(transparent));
            vec![quote! {
                #doc
                #[derive(Debug, Clone, PartialEq #derives)]
                #conditional
                #transparent
                pub struct #name(
                    /// The wrapped value.
                    pub #ty,
                );
            }]
        }
    }
}

/// `impl Name { pub fn new(…) -> Self }`: how the struct is built outside the crate, where
/// `#[non_exhaustive]` forbids struct literals.
fn constructor(file: &File<'_>, type_name: &Ident, s: &Struct) -> Option<TokenStream> {
    let name = ident(s.constructor.as_ref()?);
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for f in &s.fields {
        let field = ident(&f.name);
        inits.push(match f.init {
            FieldInit::Argument => {
                let (ty, value) = file.argument(&f.ty, &field);
                params.push(quote!(#field: #ty));
                field_init(&field, value)
            }
            FieldInit::Absent => quote!(#field: None,),
            FieldInit::Constant => quote!(#field: Default::default(),),
        });
    }
    if let Some(additional) = &s.additional {
        let field = ident(&additional.field);
        inits.push(quote!(#field: Default::default(),));
    }
    Some(quote! {
        impl #type_name {
            /// From its required fields; the others are `None` or their only value.
            pub fn #name(#(#params),*) -> Self {
                Self { #(#inits)* }
            }
        }
    })
}

fn field(file: &File<'_>, serde: &Serde, f: &Field) -> TokenStream {
    let name = ident(&f.name);
    let fallback = format!("The `{}` property.", f.wire_name);
    let doc = doc_attrs(Some(f.doc.as_deref().unwrap_or(&fallback)));
    let ty = file.optional_ty(&f.ty, f.optional);
    let unraw = f.name.trim_start_matches("r#");
    let rename = (unraw != f.wire_name).then(|| {
        let wire = &f.wire_name;
        serde.attr(quote!(rename = #wire))
    });
    // Optional values are left out when unset; required nullable ones are sent as `null`.
    let presence =
        (!f.required).then(|| serde.attr(quote!(skip_serializing_if = "Option::is_none")));
    quote! {
        #doc
        #rename
        #presence
        pub #name: #ty,
    }
}
