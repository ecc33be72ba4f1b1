//! Spec prose → doc comments that rustdoc accepts as they are: no doctests from code
//! blocks, no broken intra-doc links from `[brackets]`, no HTML warnings from `<angles>`,
//! no bare-URL warnings.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "…"]` attributes for `text`, one per line (nothing for `None` or blank text).
pub(crate) fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return TokenStream::new();
    };
    let lines = sanitize(text);
    let lines = lines.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Inner `#![doc = "…"]` attributes (module docs).
pub(crate) fn inner_doc_attrs(text: &str) -> TokenStream {
    let lines = sanitize(text.trim());
    let lines = lines.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #line])
    });
    quote!(#(#lines)*)
}

/// Rewrites markdown so that rustdoc renders it without running or warning about it.
pub(crate) fn sanitize(text: &str) -> String {
    // Every line end becomes LF: a carriage return left in a doc comment does not compile.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.as_str();
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence: Option<String> = None;
    let mut in_indented = false;
    let mut previous_blank = true;
    for raw in text.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if let Some(fence) = &in_fence {
            if trimmed.starts_with(fence.as_str()) {
                out.push_str("```\n");
                in_fence = None;
            } else {
                out.push_str(line);
                out.push('\n');
            }
            previous_blank = false;
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let marker: String = trimmed
                .chars()
                .take_while(|c| *c == '`' || *c == '~')
                .collect();
            if in_indented {
                out.push_str("```\n");
                in_indented = false;
            }
            // Every fenced block becomes `text`: rustdoc would compile unlabelled ones.
            out.push_str("```text\n");
            in_fence = Some(marker);
            previous_blank = false;
            continue;
        }
        let indented = line.starts_with("    ") || line.starts_with('\t');
        if in_indented {
            if indented || line.is_empty() {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            // Trailing blank lines belong after the fence.
            let trailing = out.len() - out.trim_end_matches('\n').len();
            out.truncate(out.len() - trailing);
            out.push_str("\n```\n");
            out.push_str(&"\n".repeat(trailing.saturating_sub(1)));
            in_indented = false;
            previous_blank = true;
        }
        if indented && previous_blank && !is_list_continuation(&out) {
            out.push_str("```text\n");
            out.push_str(line);
            out.push('\n');
            in_indented = true;
            continue;
        }
        out.push_str(&escape_inline(line));
        out.push('\n');
        previous_blank = line.is_empty();
    }
    if in_fence.is_some() {
        out.push_str("```\n");
    }
    if in_indented {
        let trailing = out.len() - out.trim_end_matches('\n').len();
        out.truncate(out.len() - trailing);
        out.push_str("\n```\n");
    }
    out.trim_end().to_owned()
}

/// Whether the last paragraph written is a list item (indented text then continues it).
fn is_list_continuation(out: &str) -> bool {
    let last = out
        .trim_end_matches('\n')
        .rsplit("\n\n")
        .next()
        .unwrap_or("")
        .lines()
        .next()
        .unwrap_or("")
        .trim_start();
    last.starts_with("- ")
        || last.starts_with("* ")
        || last.starts_with("+ ")
        || last
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// Escapes `[`, `]`, `<`, `>` outside code spans and wraps bare URLs in `<…>`.
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('`') {
            let ticks = 1 + after.chars().take_while(|c| *c == '`').count();
            let fence = &rest[..ticks];
            if let Some(end) = rest[ticks..].find(fence) {
                let span_end = ticks + end + ticks;
                out.push_str(&rest[..span_end]);
                rest = &rest[span_end..];
                continue;
            }
            // An unmatched backtick: escape it so it cannot swallow the rest.
            out.push_str("\\`");
            rest = &rest[1..];
            continue;
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        let c = rest.chars().next().expect("rest is not empty");
        match c {
            '[' | ']' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    fn check(input: &str, expected: &str) {
        assert_eq!(sanitize(input), expected, "input: {input:?}");
    }

    #[test]
    fn fenced_blocks_become_text() {
        check(
            "Example:\n```\nlet x = 1;\n```",
            "Example:\n```text\nlet x = 1;\n```",
        );
        check("```json\n{\"a\": [1]}\n```", "```text\n{\"a\": [1]}\n```");
        check("unclosed\n```\ncode", "unclosed\n```text\ncode\n```");
    }

    #[test]
    fn indented_blocks_become_text() {
        check(
            "Run:\n\n    curl x\n\nDone.",
            "Run:\n\n```text\n    curl x\n```\n\nDone.",
        );
        check("- item\n\n    continued", "- item\n\n    continued");
    }

    #[test]
    fn brackets_angles_and_urls() {
        check("send include[]=content", "send include\\[\\]=content");
        check("a `[code]` span", "a `[code]` span");
        check("Vec<String> here", "Vec\\<String\\> here");
        check("see https://example.com/x.", "see <https://example.com/x>.");
        check("back\\slash", "back\\\\slash");
        check("odd ` tick", "odd \\` tick");
    }

    #[test]
    fn carriage_returns_become_line_feeds() {
        check("a\r\nb", "a\nb");
        check("a\rb", "a\nb");
        check("a\n\rb", "a\n\nb");
    }
}
