//! Tokens as compact, deterministic text, for signatures and types in the surface.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;

/// Tokens as compact, deterministic text: `Option<Vec<String>>`, `impl Into<String>`,
/// `&'a str`, `crate::runtime::Result<super::models::Certificate>`.
pub(crate) fn norm<T: ToTokens + ?Sized>(t: &T) -> String {
    render_tokens(t.to_token_stream())
}

pub(crate) fn render_tokens(tokens: TokenStream) -> String {
    let mut atoms = Vec::new();
    atomize(tokens, &mut atoms);
    let mut out = String::new();
    let mut prev: Option<&str> = None;
    for atom in &atoms {
        if let Some(p) = prev
            && space_between(p, atom)
        {
            out.push(' ');
        }
        out.push_str(atom);
        prev = Some(atom);
    }
    out
}

fn atomize(tokens: TokenStream, out: &mut Vec<String>) {
    let mut punct = String::new();
    for tree in tokens {
        if let TokenTree::Punct(p) = &tree {
            // A `'` starts a lifetime, even right after `<` or `&` (`<'a`, joint in source).
            if p.as_char() == '\'' && !punct.is_empty() {
                out.push(std::mem::take(&mut punct));
            }
            punct.push(p.as_char());
            if p.spacing() == Spacing::Alone {
                out.push(std::mem::take(&mut punct));
            }
            continue;
        }
        if !punct.is_empty() {
            if punct == "'"
                && let TokenTree::Ident(ident) = &tree
            {
                out.push(format!("'{ident}"));
                punct.clear();
                continue;
            }
            out.push(std::mem::take(&mut punct));
        }
        match tree {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                if !open.is_empty() {
                    out.push(open.to_owned());
                }
                atomize(group.stream(), out);
                if !close.is_empty() {
                    out.push(close.to_owned());
                }
            }
            TokenTree::Ident(ident) => out.push(ident.to_string()),
            TokenTree::Literal(literal) => out.push(literal.to_string()),
            TokenTree::Punct(_) => {}
        }
    }
    if !punct.is_empty() {
        out.push(punct);
    }
}

fn space_between(prev: &str, cur: &str) -> bool {
    let word_like = |s: &str| {
        s.chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    };
    if matches!(prev, "(" | "[" | "<" | "&" | "::" | "#" | "!" | "." | "$") {
        return false;
    }
    if matches!(
        cur,
        ")" | "]" | ">" | ">>" | "," | ";" | ":" | "::" | "?" | "." | "!"
    ) {
        return false;
    }
    if matches!(cur, "(" | "<") {
        return !word_like(prev);
    }
    !(prev == "{" && cur == "}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_print_compactly() {
        let ty: syn::Type =
            syn::parse_str("impl IntoIterator < Item = impl Into < String > > + Send + 'static")
                .unwrap();
        assert_eq!(
            norm(&ty),
            "impl IntoIterator<Item = impl Into<String>> + Send + 'static"
        );
        let ty: syn::Type = syn::parse_str("& 'a mut [ u8 ; 4 ]").unwrap();
        assert_eq!(norm(&ty), "&'a mut [u8; 4]");
        let ty: syn::Type =
            syn::parse_str("crate :: runtime :: Result < Vec < ( i64 , String ) > >").unwrap();
        assert_eq!(norm(&ty), "crate::runtime::Result<Vec<(i64, String)>>");
        let ty: syn::Type = syn::parse_str("Box < dyn Fn ( i64 ) -> bool >").unwrap();
        assert_eq!(norm(&ty), "Box<dyn Fn(i64) -> bool>");
        // Tokens as written in source: `<'` and `&'` are joint there.
        let tokens: TokenStream = "Thing<'static> => &'a str".parse().unwrap();
        assert_eq!(render_tokens(tokens), "Thing<'static> => &'a str");
    }
}
