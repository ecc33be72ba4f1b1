//! The resource tree → `resources.rs`: a type per resource, accessors that reach it, and
//! methods that call the operations with the captured path parameters filled in.

use super::{File, doc_attrs};
use crate::ir::{Accessor, Api, InputRole, Resource, ResourceMethod};
use crate::names::ident;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

pub(crate) fn resources(api: &Api) -> TokenStream {
    let file = File::new(api);
    let tree = &api.resources;
    let root_methods: Vec<TokenStream> = tree
        .client_accessors
        .iter()
        .map(|a| {
            let gate = &tree.nodes[a.target.0].gate;
            file.gated(gate, || vec![accessor(&file, a, 0, true)])
        })
        .collect();
    let items: Vec<TokenStream> = tree
        .nodes
        .iter()
        .map(|node| file.gated(&node.gate, || resource(&file, node)))
        .collect();
    let uses = file.use_lines();
    let client_impl = (!root_methods.is_empty()).then(|| {
        quote! {
            impl super::Client {
                #(#root_methods)*
            }
        }
    });
    quote! {
        #![doc = " Operations grouped by resource, as the paths nest them:"]
        #![doc = " `client.organization().certificates().list()`."]
        #![doc = ""]
        #![doc = " Each method returns the same request builder as the `Client` method named after"]
        #![doc = " the operationId, which its docs name; every operation is available that way too."]
        // Captured path parameters are cloned whatever their type (some are `Copy`).
        #![allow(clippy::doc_markdown, clippy::too_many_arguments, clippy::doc_lazy_continuation, clippy::clone_on_copy)]

        #uses

        #client_impl

        #(#items)*
    }
}

/// The private field that holds the `i`th captured path parameter (named by position, so
/// that no parameter name can clash with `client` or with another).
fn captured_field(i: usize) -> Ident {
    quote::format_ident!("p{i}")
}

/// The method that reaches a resource from its parent, which has captured `carried`
/// parameters (from `Client`: none).
fn accessor(file: &File<'_>, a: &Accessor, carried: usize, on_client: bool) -> TokenStream {
    let method = ident(&a.name);
    let target = &file.api.resources.nodes[a.target.0];
    let ty = ident(&target.type_name);
    let (client, lifetime) = if on_client {
        (quote!(self), quote!('_))
    } else {
        (quote!(self.client), quote!('a))
    };
    let carried_fields = (0..carried).map(|i| {
        let field = captured_field(i);
        quote!(#field: self.#field.clone(),)
    });
    let doc = format!(" The `{}` resource.", target.path);
    let (args, init) = match &a.param {
        Some((name, param_ty)) => {
            let id = ident(name);
            let field = captured_field(carried);
            let (arg_ty, convert) = file.argument(param_ty, &id);
            (quote!(#id: #arg_ty), quote!(#field: #convert,))
        }
        None => (quote!(), quote!()),
    };
    quote! {
        #[doc = #doc]
        pub fn #method(&self, #args) -> #ty<#lifetime> {
            #ty { client: #client, #(#carried_fields)* #init }
        }
    }
}

/// A resource's items: its struct and its methods.
fn resource(file: &File<'_>, node: &Resource) -> Vec<TokenStream> {
    let ty = ident(&node.type_name);
    let fields = node.captured.iter().enumerate().map(|(i, param_ty)| {
        let id = captured_field(i);
        let stored = file.ty(param_ty);
        quote!(#id: #stored,)
    });
    let nodes = &file.api.resources.nodes;
    let accessors: Vec<TokenStream> = node
        .accessors
        .iter()
        .map(|a| {
            let gate = &nodes[a.target.0].gate;
            file.gated(gate, || vec![accessor(file, a, node.captured.len(), false)])
        })
        .collect();
    let methods: Vec<TokenStream> = node
        .methods
        .iter()
        .map(|m| {
            let gate = &file.api.operations[m.operation.0].gate;
            file.gated(gate, || vec![method(file, m, node)])
        })
        .collect();
    let doc = format!(
        " The `{}` resource, reached with `.{}`; its methods return request builders.",
        node.path, node.call,
    );
    vec![
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone)]
            pub struct #ty<'a> {
                client: &'a super::Client,
                #(#fields)*
            }
        },
        quote! {
            impl<'a> #ty<'a> {
                #(#accessors)*
                #(#methods)*
            }
        },
    ]
}

/// A resource method: the operation's `Client` method with the captured path parameters
/// filled in.
fn method(file: &File<'_>, m: &ResourceMethod, node: &Resource) -> TokenStream {
    let op = &file.api.operations[m.operation.0];
    let id = ident(&m.name);
    let flat = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let mut call_args = Vec::new();
    let mut params = Vec::new();
    let arguments = op.inputs.iter().filter(|i| i.role == InputRole::Argument);
    for (position, input) in arguments.enumerate() {
        let arg = ident(&input.name);
        if position < node.captured.len() {
            let field = captured_field(position);
            call_args.push(quote!(self.#field.clone()));
        } else {
            let (ty, _) = file.argument(&input.ty, &arg);
            params.push(quote!(#arg: #ty));
            call_args.push(quote!(#arg));
        }
    }
    let flat_name = op.method_name.trim_start_matches("r#");
    let summary = op
        .doc
        .as_deref()
        .and_then(|d| d.lines().next())
        .map(|line| {
            let line = doc_attrs(Some(line));
            quote!(#line #[doc = ""])
        });
    let same_as = format!(
        " `{} {}`: the same as [`Client::{flat_name}`](crate::Client::{flat_name}).",
        op.method.as_str(),
        super::doc_path(&op.path.template),
    );
    quote! {
        #summary
        #[doc = #same_as]
        pub fn #id(&self, #(#params),*) -> super::builders::#builder {
            self.client.#flat(#(#call_args),*)
        }
    }
}
