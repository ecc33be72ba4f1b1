//! The webhooks' events → `webhooks.rs` (only for an API with webhooks told apart by a
//! property; compiled with the crate's webhooks feature, see `module_root`).

use super::docs::sanitize;
use super::{File, RUNTIME_CRATE, doc_attrs};
use crate::ir::{Api, WebhookEvent, Webhooks};
use crate::names::ident;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub(crate) fn webhooks(api: &Api) -> TokenStream {
    let Some(webhooks) = &api.webhooks else {
        return TokenStream::new();
    };
    let file = File::new(api);
    let runtime = format_ident!("{RUNTIME_CRATE}");
    let name = ident(&webhooks.enum_name);
    let unknown = ident(&webhooks.unknown_variant);
    let tag = &webhooks.tag;
    let shown_tag = tag.replace('`', "'");
    let variants: Vec<TokenStream> = webhooks
        .events
        .iter()
        .map(|event| variant(&file, webhooks, event))
        .collect();
    let arms = webhooks.events.iter().map(|event| {
        let value = &event.tag_value;
        let variant = ident(&event.variant);
        quote!(#value => serde_json::from_value(value).map(Self::#variant),)
    });
    // The spec's title is sanitized; the rest is this emitter's own text, with links.
    let title = sanitize(api.title.replace(['\n', '\r'], " ").trim());
    let module_doc = lines(&format!(
        "The webhooks {title} sends to your endpoint, as typed events.\n\n\
         [`unwrap`] checks a delivery's Standard Webhooks signature (the `webhook-id`, \
         `webhook-timestamp` and `webhook-signature` headers) with the endpoint's signing \
         secret, refuses one sent more than five minutes from now (a replay), and decodes its \
         body into an [`{enum_name}`], told apart by its `{shown_tag}` field. Pass the body \
         exactly as received. To parse the secret once, or to change the tolerance, use \
         [`Webhook`]: `Webhook::new(secret)?.unwrap::<{enum_name}>(body, headers)`.",
        enum_name = webhooks.enum_name,
    ));
    let module_doc = quote!(#(#![doc = #module_doc])*);
    let enum_doc = lines(&format!(
        "An event {title} sends, told apart by its `{shown_tag}` field. Events of a type this \
         version does not know are [`{}::{}`]; new variants may be added.",
        webhooks.enum_name, webhooks.unknown_variant
    ));
    let enum_doc = quote!(#(#[doc = #enum_doc])*);
    let unknown_doc = doc_attrs(Some(&format!(
        "An event whose `{shown_tag}` this version of the crate does not know, as sent."
    )));
    let not_an_event = format!("no string `{shown_tag}` field: not an event");
    let uses = file.use_lines();
    quote! {
        #module_doc
        #![allow(clippy::doc_markdown, clippy::large_enum_variant)]

        #uses

        pub use #runtime::webhooks::{DEFAULT_TOLERANCE, Webhook, WebhookError};

        #enum_doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #unknown_doc
            #unknown(serde_json::Value),
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                let Some(tag) = value.get(#tag).and_then(serde_json::Value::as_str) else {
                    return Err(serde::de::Error::custom(#not_an_event));
                };
                let tag = tag.to_owned();
                let event = match tag.as_str() {
                    #(#arms)*
                    _ => return Ok(Self::#unknown(value)),
                };
                event.map_err(|e| serde::de::Error::custom(format_args!("a `{tag}` event: {e}")))
            }
        }

        /// Verifies a webhook delivery with the endpoint's signing secret (`whsec_…`) and
        /// decodes its event.
        ///
        /// `body` is the request's body as received, in bytes; `headers` are its headers
        /// (`&http::HeaderMap`, or any `(name, value)` pairs).
        ///
        /// # Errors
        ///
        /// A [`WebhookError`] saying what is wrong: a missing header, a signature that does
        /// not match (a changed body, the wrong secret), a timestamp too old (a replay) or
        /// in the future, a malformed secret, or a body that is not an event.
        pub fn unwrap(
            body: &[u8],
            headers: impl IntoIterator<Item = (impl AsRef<str>, impl AsRef<[u8]>)>,
            secret: &str,
        ) -> Result<#name, WebhookError> {
            Webhook::new(secret)?.unwrap(body, headers)
        }
    }
}

/// Doc lines of text that needs no sanitizing, each with its leading space.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        })
        .collect()
}

fn variant(file: &File<'_>, webhooks: &Webhooks, event: &WebhookEvent) -> TokenStream {
    let mut doc = format!(
        "The `{}` webhook: `{}` is `{}`.",
        event.key.replace('`', "'"),
        webhooks.tag.replace('`', "'"),
        event.tag_value.replace('`', "'")
    );
    if let Some(text) = &event.doc {
        doc.push_str("\n\n");
        doc.push_str(text);
    }
    let doc = doc_attrs(Some(&doc));
    let name = ident(&event.variant);
    let ty = file.ty(&event.payload);
    quote! {
        #doc
        #name(#ty),
    }
}
