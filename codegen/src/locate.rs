//! JSON pointer → line and column in the spec's text, for block-style YAML and indented
//! JSON (what people write and what tools pretty-print). Flow-style or minified text may not
//! be located; the pointer is printed either way.

/// The 1-based line and column where the value at `pointer` is written, if it can be found.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let lines: Vec<Line<'_>> = text.lines().map(Line::new).collect();
    let tokens: Vec<String> = pointer
        .strip_prefix('#')
        .unwrap_or(pointer)
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    // The node we are in: its line (None for the document) and the indentation of its key.
    let mut at: Option<usize> = None;
    let mut indent: isize = -1;
    // A `- key: value` item: the first key sits on the dash's line.
    let mut inline_item = false;
    for token in &tokens {
        let start = at.map_or(0, |l| if inline_item { l } else { l + 1 });
        let mut found = None;
        let mut child_indent: Option<usize> = None;
        let mut index = 0usize;
        for (i, line) in lines.iter().enumerate().skip(start) {
            if line.blank() {
                continue;
            }
            let (col, content) = if inline_item && i == start {
                line.after_dash()?
            } else {
                (line.indent, line.content)
            };
            if (col as isize) <= indent && !(inline_item && i == start) {
                break;
            }
            let child = *child_indent.get_or_insert(col);
            if col != child {
                continue;
            }
            if let Ok(n) = token.parse::<usize>()
                && (content.starts_with("- ") || content == "-" || is_json_item(content))
            {
                if index == n {
                    found = Some((i, col, content.starts_with('-')));
                    break;
                }
                index += 1;
                continue;
            }
            if key_of(content).as_deref() == Some(token.as_str()) {
                found = Some((i, col, false));
                break;
            }
        }
        let (line, col, dash) = found?;
        at = Some(line);
        indent = col as isize;
        inline_item = dash;
    }
    let line = at?;
    let col = if inline_item {
        lines[line]
            .after_dash()
            .map_or(lines[line].indent, |(c, _)| c)
    } else {
        lines[line].indent
    };
    Some((line + 1, col + 1))
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

    /// Column and content after `- `.
    fn after_dash(&self) -> Option<(usize, &'t str)> {
        let rest = self.content.strip_prefix('-')?;
        let trimmed = rest.trim_start_matches(' ');
        Some((self.indent + 1 + (rest.len() - trimmed.len()), trimmed))
    }
}

fn is_json_item(content: &str) -> bool {
    !content.starts_with('}') && !content.starts_with(']') && key_of(content).is_none()
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
