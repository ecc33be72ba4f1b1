//! `components.securitySchemes` and `security` → [`Security`]: the schemes the selected
//! operations use, each operation's requirement (alternatives of schemes), the builder
//! setters of the credentials and the environment variables `Client::from_env` reads.
//!
//! Environment variables are named after the API: a prefix (the config's, else one from the
//! crate's name, else from the spec's title: `Stripe API` → `STRIPE`), then `_BASE_URL` for
//! the base URL, `_API_KEY` for the credential of an API with one scheme, and the scheme's
//! name in SCREAMING_SNAKE_CASE for each scheme of an API with several
//! (`PETSTORE_PETSTORE_AUTH`). The config can name any of them.

use crate::Config;
use crate::error::Note;
use crate::ir::{KeyLocation, Operation, SchemeKind, Security, SecurityScheme};
use crate::names::{self, Namespace};
use crate::pointer::{Pointer, tokens};
use openapiv3::{OpenAPI, ReferenceOr, SecurityRequirement};
use std::collections::BTreeSet;

/// Decides the security of the operations (setting each one's requirement) and the
/// environment variables.
pub(crate) fn decide(
    spec: &OpenAPI,
    config: &Config,
    operations: &mut [Operation],
    notes: &mut Vec<Note>,
) -> (Security, String) {
    let declared: Vec<(&String, &ReferenceOr<openapiv3::SecurityScheme>)> = spec
        .components
        .as_ref()
        .map(|c| c.security_schemes.iter().collect())
        .unwrap_or_default();
    let mut note = |pointer: &Pointer, message: String| {
        notes.push(Note {
            pointer: pointer.to_string(),
            message,
        })
    };

    // Each operation's requirement, as scheme names (alternatives of conjunctions).
    let mut wanted: Vec<Vec<Vec<&str>>> = Vec::with_capacity(operations.len());
    for op in operations.iter() {
        let own = raw_operation(spec, &op.pointer).and_then(|o| o.security.as_ref());
        let list: &[SecurityRequirement] = own
            .or(spec.security.as_ref())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut alternatives = Vec::new();
        for requirement in list {
            let names: Vec<&str> = requirement.keys().map(String::as_str).collect();
            let unusable = names.iter().find(|name| {
                !matches!(
                    declared.iter().find(|(n, _)| n == name),
                    Some((_, ReferenceOr::Item(_)))
                )
            });
            match unusable {
                // A scheme that was not declared, is a `$ref`, or was mutual TLS (removed on
                // load): the alternative cannot be sent.
                Some(name) => note(
                    &Pointer::root()
                        .join("components")
                        .join("securitySchemes")
                        .join(name),
                    format!(
                        "security scheme `{name}` is not declared here, or is not one the \
                         client can send (mutual TLS: give ClientBuilder::http_client a \
                         reqwest client with the certificate); the security requirements \
                         naming it are left out"
                    ),
                ),
                None => alternatives.push(names),
            }
        }
        wanted.push(alternatives);
    }

    // The schemes in use, sorted by name (the output never depends on the order of a map).
    let mut used: Vec<&str> = declared
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| wanted.iter().flatten().flatten().any(|n| n == name))
        .collect();
    used.sort_unstable();
    let prefix = env_prefix(spec, config);
    let mut setters = names::scope(Namespace::ClientBuilder);
    let mut variables = BTreeSet::new();
    let mut schemes = Vec::new();
    for name in &used {
        let Some((_, ReferenceOr::Item(scheme))) = declared.iter().find(|(n, _)| n == name) else {
            continue;
        };
        let pointer = Pointer::component("securitySchemes", name);
        let kind = match scheme {
            openapiv3::SecurityScheme::APIKey { location, name, .. } => SchemeKind::ApiKey {
                location: match location {
                    openapiv3::APIKeyLocation::Header => KeyLocation::Header,
                    openapiv3::APIKeyLocation::Query => KeyLocation::Query,
                    openapiv3::APIKeyLocation::Cookie => KeyLocation::Cookie,
                },
                name: name.clone(),
            },
            openapiv3::SecurityScheme::HTTP { scheme, .. } => SchemeKind::Http {
                scheme: http_scheme(scheme),
            },
            openapiv3::SecurityScheme::OAuth2 { flows, .. } => SchemeKind::OAuth2 {
                token_url: flows
                    .client_credentials
                    .as_ref()
                    .map(|flow| flow.token_url.clone()),
            },
            openapiv3::SecurityScheme::OpenIDConnect { .. } => {
                note(
                    &pointer,
                    format!(
                        "security scheme `{name}` is OpenID Connect: the client sends a bearer \
                         token you give it (a token or a TokenSource); it does not discover \
                         the provider"
                    ),
                );
                SchemeKind::OAuth2 { token_url: None }
            }
        };
        let base = if used.len() == 1 {
            "api_key".to_owned()
        } else {
            names::value_name(name)
        };
        let setter = setters.claim(&base);
        let stem = setter.trim_start_matches("r#");
        let (token_source_setter, client_credentials_setter) = match &kind {
            SchemeKind::OAuth2 { token_url } => {
                let (source, credentials) = if used.len() == 1 {
                    ("token_source".to_owned(), "client_credentials".to_owned())
                } else {
                    (
                        format!("{stem}_token_source"),
                        format!("{stem}_client_credentials"),
                    )
                };
                (
                    Some(setters.claim(&source)),
                    token_url.as_ref().map(|_| setters.claim(&credentials)),
                )
            }
            _ => (None, None),
        };
        let configured = config
            .scheme_env
            .get(*name)
            .cloned()
            .or_else(|| config.api_key_env.clone().filter(|_| used.len() == 1));
        let env = configured.unwrap_or_else(|| {
            let suffix = if used.len() == 1 {
                "API_KEY".to_owned()
            } else {
                screaming(name)
            };
            let mut variable = format!("{prefix}_{suffix}");
            let mut n = 2;
            while variables.contains(&variable) {
                variable = format!("{prefix}_{suffix}_{n}");
                n += 1;
            }
            variable
        });
        variables.insert(env.clone());
        schemes.push(SecurityScheme {
            name: (*name).to_owned(),
            kind,
            env,
            setter,
            token_source_setter,
            client_credentials_setter,
        });
    }

    // Requirements as scheme indices, each distinct one once; the first is the most common.
    let index_of = |name: &str| used.iter().position(|n| *n == name).unwrap_or(0);
    let sorted = |names: &[&str]| -> Vec<usize> {
        let mut indices: Vec<usize> = names.iter().map(|n| index_of(n)).collect();
        indices.sort_unstable();
        indices
    };
    let per_op: Vec<Vec<Vec<usize>>> = wanted
        .iter()
        .map(|alternatives| alternatives.iter().map(|names| sorted(names)).collect())
        .collect();
    let mut requirements: Vec<Vec<Vec<usize>>> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    for requirement in &per_op {
        match requirements.iter().position(|r| r == requirement) {
            Some(i) => counts[i] += 1,
            None => {
                requirements.push(requirement.clone());
                counts.push(1);
            }
        }
    }
    if requirements.is_empty() {
        requirements.push(Vec::new());
        counts.push(0);
    }
    // The document's own requirement wins a tie.
    let document: Option<Vec<Vec<usize>>> = spec.security.as_ref().map(|list| {
        list.iter()
            .filter(|r| r.keys().all(|n| used.contains(&n.as_str())))
            .map(|r| sorted(&r.keys().map(String::as_str).collect::<Vec<_>>()))
            .collect()
    });
    let most = (0..counts.len())
        .max_by_key(|&i| {
            (
                counts[i],
                document.as_ref() == Some(&requirements[i]),
                std::cmp::Reverse(i),
            )
        })
        .unwrap_or(0);
    let first = requirements.remove(most);
    requirements.insert(0, first);
    let mut overrides = Vec::new();
    for (op, requirement) in operations.iter_mut().zip(&per_op) {
        op.security = requirements
            .iter()
            .position(|r| r == requirement)
            .unwrap_or(0);
        if op.security != 0 {
            overrides.push((op.id.clone(), op.security));
        }
    }
    overrides.sort();

    let credentials_doc = match schemes.as_slice() {
        [] => "no credentials (the API declares no security scheme)".to_owned(),
        [one] => format!("the API key from `{}`", one.env),
        many => format!(
            "the credential of each security scheme from its variable ({})",
            many.iter()
                .map(|s| format!("`{}`", s.env))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let base_url_env = config
        .base_url_env
        .clone()
        .unwrap_or_else(|| format!("{prefix}_BASE_URL"));
    let token_types = schemes
        .iter()
        .any(|s| matches!(s.kind, SchemeKind::OAuth2 { .. }));
    (
        Security {
            schemes,
            requirements,
            overrides,
            credentials_doc,
            token_types,
        },
        base_url_env,
    )
}

/// The operation a pointer `#/paths/<path>/<method>` names.
fn raw_operation<'s>(spec: &'s OpenAPI, pointer: &str) -> Option<&'s openapiv3::Operation> {
    let tokens = tokens(pointer);
    let [paths, path, method] = tokens.as_slice() else {
        return None;
    };
    if paths != "paths" {
        return None;
    }
    let ReferenceOr::Item(item) = spec.paths.paths.get(path)? else {
        return None;
    };
    item.iter().find(|(m, _)| m == method).map(|(_, op)| op)
}

/// An HTTP authentication scheme as sent: `Bearer` and `Basic` spelled as registered, others
/// as the spec writes them.
fn http_scheme(scheme: &str) -> String {
    match scheme.to_ascii_lowercase().as_str() {
        "bearer" => "Bearer".to_owned(),
        "basic" => "Basic".to_owned(),
        _ => scheme.trim().to_owned(),
    }
}

/// The prefix of the API's environment variables.
fn env_prefix(spec: &OpenAPI, config: &Config) -> String {
    if let Some(prefix) = &config.env_prefix {
        return prefix.clone();
    }
    let from_name = config
        .standalone
        .as_ref()
        .and_then(|s| s.name.as_deref())
        .map(names::env_prefix)
        .filter(|p| !p.is_empty());
    from_name.unwrap_or_else(|| {
        let prefix = names::env_prefix_of_title(&spec.info.title);
        if prefix.is_empty() {
            "API".to_owned()
        } else {
            prefix
        }
    })
}

/// A scheme name as part of a variable name: `petstore_auth` → `PETSTORE_AUTH`.
fn screaming(name: &str) -> String {
    let snake = names::value_name(name);
    snake
        .trim_start_matches("r#")
        .trim_matches('_')
        .to_ascii_uppercase()
}
