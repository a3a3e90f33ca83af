//! `cargo xtask tidy` and the `tidy` test: repository hygiene that `cargo test` enforces.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::{eprint_line, print_line, project_root};

/// Directories whose `.rs` files are checked.
const SOURCE_DIRS: &[&str] = &["crates", "xtask", "src", "tests", "benches"];

/// Directory names never walked: build output, VCS data, installed packages.
const SKIPPED_DIRS: &[&str] = &["target", "targets", "node_modules"];

/// Checks the repository and prints every problem; fails if there is any.
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    if let Some(unexpected) = args.first() {
        anyhow::bail!("`tidy` takes no arguments, got `{unexpected}`");
    }
    let problems = check(&project_root())?;
    if problems.is_empty() {
        print_line("tidy: ok");
        return Ok(());
    }
    for problem in &problems {
        eprint_line(format_args!("tidy: {problem}"));
    }
    anyhow::bail!("tidy found {} problem(s)", problems.len())
}

/// Every hygiene problem under `root`, one message each, sorted.
fn check(root: &Path) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    walk(root, &mut files)?;
    let rel = |path: &Path| path.strip_prefix(root).unwrap_or(path).display().to_string();
    for path in &files {
        let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
        let extension = path.extension().and_then(|ext| ext.to_str()).unwrap_or_default();
        if name.ends_with(".snap.new") || name.ends_with(".pending-snap") {
            problems.push(format!("{}: pending insta snapshot; review it or delete it", rel(path)));
        }
        let in_sources = SOURCE_DIRS.iter().any(|dir| path.starts_with(root.join(dir)));
        if in_sources && extension == "rs" {
            let text = read(path)?;
            problems.extend(
                rust_problems(&text).into_iter().map(|problem| format!("{}: {problem}", rel(path))),
            );
        }
        if extension.eq_ignore_ascii_case("json") {
            let text = read(path)?;
            problems.extend(
                json_problems(&text).into_iter().map(|problem| format!("{}: {problem}", rel(path))),
            );
        }
    }
    for manifest in member_manifests(root)? {
        let text = read(&manifest)?;
        problems.extend(
            manifest_problems(&text)
                .into_iter()
                .map(|problem| format!("{}: {problem}", rel(&manifest))),
        );
    }
    problems.sort();
    Ok(problems)
}

fn read(path: &Path) -> anyhow::Result<String> {
    let bytes =
        std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Collects every file below `dir`, skipping hidden directories and build output.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("failed to list `{}`", dir.display()))?;
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if entry.file_type()?.is_dir() {
            if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_ref()) {
                walk(&path, files)?;
            }
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// The manifests of the workspace members: the root package, every crate under `crates/`, and xtask.
fn member_manifests(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut manifests = vec![root.join("Cargo.toml"), root.join("xtask/Cargo.toml")];
    for entry in std::fs::read_dir(root.join("crates")).context("failed to list `crates/`")? {
        let manifest = entry?.path().join("Cargo.toml");
        if manifest.exists() {
            manifests.push(manifest);
        }
    }
    Ok(manifests)
}

/// Attributes no test may carry, built from pieces so this file does not contain them.
fn banned_attributes() -> [String; 2] {
    [format!("#[{}", "ignore"), format!("#[{}", "should_panic")]
}

/// Problems in one Rust source file.
fn rust_problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if !text.starts_with("//!") {
        problems.push("does not start with a `//!` line saying what the file holds".to_owned());
    }
    for (idx, line) in text.lines().enumerate() {
        let code = line.trim_start();
        for banned in banned_attributes() {
            if code.starts_with(&banned) {
                problems.push(format!(
                    "line {}: `{banned}]` is not allowed; fix the test or assert the bug",
                    idx + 1
                ));
            }
        }
    }
    problems
}

/// Problems in one member's `Cargo.toml`: it must inherit the workspace lints and `publish`.
fn manifest_problems(text: &str) -> Vec<String> {
    let normalized: Vec<String> =
        text.lines().map(|line| line.split_whitespace().collect()).collect();
    let mut in_lints = false;
    let mut lints = false;
    let mut publish = false;
    for line in &normalized {
        if line.starts_with('[') {
            in_lints = line == "[lints]";
            continue;
        }
        lints |= (in_lints && line == "workspace=true")
            || line == "lints.workspace=true"
            || line == "lints={workspace=true}";
        publish |= line == "publish.workspace=true" || line == "publish={workspace=true}";
    }
    let mut problems = Vec::new();
    if !lints {
        problems.push("missing `[lints] workspace = true`".to_owned());
    }
    if !publish {
        problems.push("missing `publish.workspace = true`".to_owned());
    }
    problems
}

/// Problems in one JSON file: fixtures must not carry credentials.
fn json_problems(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut problems = Vec::new();
    let header = format!("\"{}", "authorization");
    if lower.contains(&header) {
        problems
            .push("contains an `Authorization` header; scrub credentials from fixtures".to_owned());
    }
    let key = format!("\"{}\"", "password");
    let mut rest = lower.as_str();
    while let Some(at) = rest.find(&key) {
        rest = &rest[at + key.len()..];
        let Some(value) = rest.trim_start().strip_prefix(':') else { continue };
        let value = value.trim_start();
        let empty = value.starts_with("\"\"") || value.starts_with("null");
        if !empty {
            problems.push(
                "contains a non-empty `password` value; scrub credentials from fixtures".to_owned(),
            );
            break;
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_is_tidy() {
        let problems = check(&project_root()).unwrap();
        assert!(problems.is_empty(), "tidy found problems:\n{}", problems.join("\n"));
    }

    #[test]
    fn rust_files_need_a_module_doc_and_no_banned_attributes() {
        assert_eq!(rust_problems("//! Holds things.\nfn main() {}\n"), Vec::<String>::new());
        assert_eq!(rust_problems("/// Item doc.\nfn f() {}\n").len(), 1);
        assert_eq!(rust_problems("").len(), 1);
        let [ignore, should_panic] = banned_attributes();
        let text = format!(
            "//! Tests.\n    {ignore}]\nfn a() {{}}\n{should_panic}(expected = \"x\")]\nfn b() {{}}\n"
        );
        let problems = rust_problems(&text);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("line 2:"), "{problems:?}");
        assert!(problems[1].starts_with("line 4:"), "{problems:?}");
        // Mentioning an attribute in a comment or a string is fine.
        assert_eq!(
            rust_problems(&format!(
                "//! No {ignore}] here.\n// {ignore}]\nlet s = \"{ignore}]\";\n"
            )),
            Vec::<String>::new()
        );
    }

    #[test]
    fn manifests_must_inherit_lints_and_publish() {
        let good =
            "[package]\nname = \"a\"\npublish.workspace = true\n\n[lints]\nworkspace = true\n";
        assert_eq!(manifest_problems(good), Vec::<String>::new());
        let table_form =
            "[package]\npublish = { workspace = true }\nlints = { workspace = true }\n";
        assert_eq!(manifest_problems(table_form), Vec::<String>::new());
        let lints_elsewhere =
            "[workspace.lints.rust]\nunsafe_code = \"forbid\"\n[dependencies]\nworkspace = true\n";
        assert_eq!(
            manifest_problems(lints_elsewhere),
            ["missing `[lints] workspace = true`", "missing `publish.workspace = true`"]
        );
    }

    #[test]
    fn json_fixtures_must_not_carry_credentials() {
        assert_eq!(
            json_problems(r#"{"password": "", "login": "x", "other": 1}"#),
            Vec::<String>::new()
        );
        assert_eq!(json_problems(r#"{"password": null}"#), Vec::<String>::new());
        assert_eq!(json_problems(r#"{"password" : "hunter2"}"#).len(), 1);
        assert_eq!(json_problems(r#"{"headers": {"Authorization": "Basic abc"}}"#).len(), 1);
        assert_eq!(
            json_problems(r#"{"note": "the password field", "password": ""}"#),
            Vec::<String>::new()
        );
    }
}
