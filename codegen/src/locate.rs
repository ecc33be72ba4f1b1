//! JSON pointer → line and column in the spec's text, for block-style YAML and indented
//! JSON (what people write and what tools pretty-print). Flow-style or minified text may not
//! be located; the pointer is printed either way.

/// The 1-based line and column where the value at `pointer` is written, if it can be found.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let lines: Vec<Line<'_>> = text.lines().map(Line::new).collect();
    let tokens = crate::pointer::tokens(pointer);
    // The node we are in: its line (None for the document), the indentation that its
    // children must exceed, and the column where it is written.
    let mut at: Option<(usize, usize)> = None;
    let mut indent: isize = -1;
    // A `- key: value` item: its first key sits on the dash's line.
    let mut inline_item = false;
    for token in &tokens {
        let index_token = token.parse::<usize>().ok();
        let start = at.map_or(0, |(l, _)| if inline_item { l } else { l + 1 });
        let mut found = None;
        let mut child_indent: Option<usize> = None;
        let mut index = 0usize;
        for (i, line) in lines.iter().enumerate().skip(start) {
            if line.blank() || line.closes() || (index_token.is_none() && line.opens()) {
                continue;
            }
            let on_dash_line = inline_item && i == start;
            let (col, content) = if on_dash_line {
                line.after_dash()?
            } else {
                (line.indent, line.content)
            };
            if (col as isize) <= indent && !on_dash_line {
                break;
            }
            let child = *child_indent.get_or_insert(col);
            if col != child {
                continue;
            }
            if let Some(n) = index_token {
                if content.starts_with('-') {
                    if index == n {
                        let (item_col, _) = line.after_dash()?;
                        found = Some((i, col, item_col, true));
                        break;
                    }
                    index += 1;
                    continue;
                }
                if key_of(content).is_none() {
                    if index == n {
                        found = Some((i, col, col, false));
                        break;
                    }
                    index += 1;
                    continue;
                }
            }
            if key_of(content).as_deref() == Some(token.as_str()) {
                found = Some((i, col, col, false));
                break;
            }
        }
        let (line, node_indent, column, dash) = found?;
        at = Some((line, column));
        indent = node_indent as isize;
        inline_item = dash;
    }
    at.map(|(line, column)| (line + 1, column + 1))
}

struct Line<'t> {
    indent: usize,
    content: &'t str,
}

impl<'t> Line<'t> {
    fn new(raw: &'t str) -> Self {
        let content = raw.trim_start_matches(' ');
        Line {
            indent: raw.len() - content.len(),
            content: content.trim_end(),
        }
    }

    fn blank(&self) -> bool {
        self.content.is_empty() || self.content.starts_with('#')
    }

    /// A line that only opens a JSON object or array.
    fn opens(&self) -> bool {
        matches!(self.content, "{" | "[")
    }

    /// A line that only closes a JSON object or array.
    fn closes(&self) -> bool {
        matches!(self.content, "}" | "]" | "}," | "],")
    }

    /// Column and content after `- `.
    fn after_dash(&self) -> Option<(usize, &'t str)> {
        let rest = self.content.strip_prefix('-')?;
        let trimmed = rest.trim_start_matches(' ');
        Some((self.indent + 1 + (rest.len() - trimmed.len()), trimmed))
    }
}

/// The key of a `key: value` / `"key": value` line.
fn key_of(content: &str) -> Option<String> {
    let content = content.strip_prefix("- ").unwrap_or(content);
    for quote in ['"', '\''] {
        if let Some(rest) = content.strip_prefix(quote) {
            let end = rest.find(quote)?;
            let after = rest[end + 1..].trim_start();
            return after.starts_with(':').then(|| rest[..end].to_owned());
        }
    }
    let colon = content
        .find(": ")
        .or_else(|| content.ends_with(':').then(|| content.len() - 1))?;
    Some(content[..colon].trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::locate;

    const YAML: &str = "\
openapi: 3.0.3
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - name: id
          in: path
        - name: verbose
          in: query
      responses:
        \"200\":
          description: ok
components:
  schemas:
    Pet:
      type: object
";

    #[test]
    fn yaml_pointers() {
        for (pointer, expected) in [
            ("#/paths", Some((2, 1))),
            ("#/paths/~1pets~1{id}/get", Some((4, 5))),
            ("#/paths/~1pets~1{id}/get/parameters/1", Some((9, 11))),
            ("#/paths/~1pets~1{id}/get/parameters/1/in", Some((10, 11))),
            ("#/paths/~1pets~1{id}/get/parameters/0/name", Some((7, 11))),
            ("#/paths/~1pets~1{id}/get/responses/200", Some((12, 9))),
            ("#/components/schemas/Pet/type", Some((17, 7))),
            ("#/components/schemas/Dog", None),
        ] {
            assert_eq!(locate(YAML, pointer), expected, "{pointer}");
        }
    }

    #[test]
    fn json_pointers() {
        let json = "{\n  \"paths\": {\n    \"/a\": {\n      \"get\": {\n        \"parameters\": [\n          {\n            \"name\": \"x\"\n          }\n        ]\n      }\n    }\n  }\n}\n";
        assert_eq!(locate(json, "#/paths/~1a/get"), Some((4, 7)));
        assert_eq!(locate(json, "#/paths/~1a/get/parameters/0"), Some((6, 11)));
        assert_eq!(
            locate(json, "#/paths/~1a/get/parameters/0/name"),
            Some((7, 13))
        );
    }
}
