//! `codegen.toml`, the configuration beside a spec: what `cargo xtask codegen` would
//! otherwise take from flags or defaults (the crate's name, environment variables, the
//! selection of operations, features, the base URL). Flags given on the command line win.
//!
//! Every key is a field of [`ConfigFile`] and one line of [`ConfigFile::apply`]; an unknown
//! key or a value of the wrong type is an error naming the file, line and column and the
//! key's path.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file's name, looked for in the spec's directory.
pub const FILE_NAME: &str = "codegen.toml";

/// The keys of `codegen.toml`.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The standalone crate's name (`--name`; with `--out` only).
    pub name: Option<String>,
    /// `--features`: `auto`, `on` or `off`.
    pub features: Option<Features>,
    /// `--runtime-path` (with `--out` only): a path, or `none`.
    pub runtime_path: Option<String>,
    /// The default base URL, instead of the spec's first server.
    pub base_url: Option<String>,
    /// The header that carries idempotency keys (`Idempotency-Key`), instead of the
    /// document's `x-idempotency-header`.
    pub idempotency_header: Option<String>,
    /// The environment variables `Client::from_env` reads.
    #[serde(default)]
    pub env: Env,
    /// Which operations to generate (with `--out` only): `--tag`, `--path-prefix`,
    /// `--operation`.
    #[serde(default)]
    pub select: Select,
}

/// `[env]`.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Env {
    /// The prefix of every variable (`STRIPE` → `STRIPE_API_KEY`, `STRIPE_BASE_URL`).
    pub prefix: Option<String>,
    /// The credential's variable, for an API with one security scheme.
    pub api_key: Option<String>,
    /// The base URL's variable.
    pub base_url: Option<String>,
    /// The variable of each security scheme, by its name in the spec.
    #[serde(default)]
    pub schemes: BTreeMap<String, String>,
}

/// `[select]`.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Select {
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub path_prefixes: Vec<String>,
    #[serde(default)]
    pub operations: Vec<String>,
}

/// `features = "auto" | "on" | "off"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Features {
    Auto,
    On,
    Off,
}

impl From<Features> for codegen::FeatureMode {
    fn from(f: Features) -> Self {
        match f {
            Features::Auto => codegen::FeatureMode::Auto,
            Features::On => codegen::FeatureMode::On,
            Features::Off => codegen::FeatureMode::Off,
        }
    }
}

impl ConfigFile {
    /// Parses the file's text; the error is `path:line:column: key: what is wrong`.
    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, String> {
        let located = |span: Option<std::ops::Range<usize>>, key: &str, message: &str| {
            let (line, column) = span.map_or((1, 1), |s| line_column(text, s.start));
            let key = if key.is_empty() || key == "." {
                String::new()
            } else {
                format!("`{key}`: ")
            };
            let message = message.lines().next().unwrap_or_default();
            format!("{}:{line}:{column}: {key}{message}", path.display())
        };
        let deserializer =
            toml::Deserializer::parse(text).map_err(|e| located(e.span(), "", e.message()))?;
        serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let key = e.path().to_string();
            let inner = e.into_inner();
            located(inner.span(), &key, inner.message())
        })
    }

    /// Reads the file at `path`.
    pub fn read(path: &Path) -> Result<ConfigFile, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        ConfigFile::parse(path, &text)
    }

    /// The file that configures `spec`: `explicit`, else `codegen.toml` in the spec's
    /// directory when there is one.
    pub fn find(spec: &Path, explicit: Option<&Path>) -> Option<PathBuf> {
        if let Some(path) = explicit {
            return Some(path.to_path_buf());
        }
        let beside = spec.parent().unwrap_or(Path::new(".")).join(FILE_NAME);
        beside.is_file().then_some(beside)
    }

    /// Fills in what the command line left unset (flags win), and the generator's
    /// configuration.
    pub fn apply(self, args: &mut crate::CodegenArgs, config: &mut codegen::Config) {
        set(&mut args.name, self.name);
        set(&mut args.features, self.features.map(Into::into));
        set(
            &mut args.runtime_path,
            self.runtime_path
                .map(|p| (p != "none").then(|| PathBuf::from(p))),
        );
        set(&mut config.base_url, self.base_url);
        set(&mut config.idempotency_header, self.idempotency_header);
        set(&mut config.env_prefix, self.env.prefix);
        set(&mut config.api_key_env, self.env.api_key);
        set(&mut config.base_url_env, self.env.base_url);
        config.scheme_env.extend(self.env.schemes);
        let selection = &mut args.selection;
        if selection.is_all() {
            selection.tags = self.select.tags;
            selection.path_prefixes = self.select.path_prefixes;
            selection.operations = self.select.operations;
        }
    }
}

/// `slot = value` unless the command line set it.
fn set<T>(slot: &mut Option<T>, value: Option<T>) {
    if slot.is_none() {
        *slot = value;
    }
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ConfigFile, String> {
        ConfigFile::parse(Path::new("spec/codegen.toml"), text)
    }

    #[test]
    fn every_key() {
        let file = parse(
            r#"
name = "petstore"
features = "on"
runtime_path = "none"
base_url = "https://petstore.example.com/v2"
idempotency_header = "Idempotency-Key"

[env]
prefix = "PETSTORE"
api_key = "PETSTORE_KEY"
base_url = "PETSTORE_URL"
schemes = { petstore_auth = "PETSTORE_TOKEN" }

[select]
tags = ["pet"]
path_prefixes = ["/store"]
operations = ["getUser"]
"#,
        )
        .unwrap();
        assert_eq!(file.name.as_deref(), Some("petstore"));
        assert_eq!(file.features, Some(Features::On));
        assert_eq!(file.idempotency_header.as_deref(), Some("Idempotency-Key"));
        assert_eq!(file.env.schemes["petstore_auth"], "PETSTORE_TOKEN");
        assert_eq!(file.select.operations, ["getUser"]);
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_located() {
        assert_eq!(
            parse("name = \"x\"\n[env]\nprefx = \"A\"\n").unwrap_err(),
            "spec/codegen.toml:3:1: `env.prefx`: unknown field `prefx`, expected one of `prefix`, \
             `api_key`, `base_url`, `schemes`"
        );
        assert_eq!(
            parse("[select]\ntags = \"pet\"\n").unwrap_err(),
            "spec/codegen.toml:2:8: `select.tags`: invalid type: string \"pet\", expected a \
             sequence"
        );
        assert_eq!(
            parse("features = \"maybe\"\n").unwrap_err(),
            "spec/codegen.toml:1:12: `features`: unknown variant `maybe`, expected one of \
             `auto`, `on`, `off`"
        );
        let err = parse("name = \n").unwrap_err();
        assert!(err.starts_with("spec/codegen.toml:1:"), "{err}");
    }

    #[test]
    fn flags_win_over_the_file() {
        let file =
            parse("name = \"from-file\"\nfeatures = \"off\"\n[env]\nprefix = \"P\"\n").unwrap();
        let mut args = crate::CodegenArgs {
            name: Some("from-flag".into()),
            ..Default::default()
        };
        let mut config = codegen::Config::default();
        file.apply(&mut args, &mut config);
        assert_eq!(args.name.as_deref(), Some("from-flag"));
        assert_eq!(args.features, Some(codegen::FeatureMode::Off));
        assert_eq!(config.env_prefix.as_deref(), Some("P"));
    }
}
