//! The program's settings: credentials from the environment, and the TOML config file (defaults
//! and named projects) layered under the command-line flags. Precedence: flags, then environment,
//! then config file.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use linkgap_dataforseo::Credentials;

use crate::context::Env;

/// Environment variable holding the API login.
pub(crate) const LOGIN_VAR: &str = "DATAFORSEO_LOGIN";
/// Environment variable holding the API password.
pub(crate) const PASSWORD_VAR: &str = "DATAFORSEO_PASSWORD";

/// The API credentials from `DATAFORSEO_LOGIN` and `DATAFORSEO_PASSWORD`, or `None` unless both
/// are set and non-empty. The source that needs them turns `None` into an error naming both.
pub(crate) fn credentials_from_env() -> Option<Credentials> {
    let (login, password) = env_credentials();
    merge_credentials(login, password, None)
}

/// The one-sentence error for an API run without credentials: it names both ways to set them,
/// the environment variables and the `[api]` keys of the config file (`config`, else the default
/// path; a generic name when no home directory is known).
pub(crate) fn missing_credentials_message(config: Option<&Path>) -> String {
    let file = match config.map(Path::to_path_buf).or_else(default_config_path) {
        Some(path) => format!("the config file `{}`", path.display()),
        None => "the config file".to_owned(),
    };
    format!(
        "missing DataForSEO credentials: set `{LOGIN_VAR}` and `{PASSWORD_VAR}`, or `login` and \
         `password` under `[api]` in {file} (or use `--world DIR` to analyse a local world)"
    )
}

/// The config file's name in the user's configuration directory.
const CONFIG_FILE: &str = "config.toml";

/// The TOML configuration file.
///
/// ```toml
/// [api]
/// login = "you@example.com"
/// password = "api-password"
///
/// [defaults]
/// max_cost = 2.0
/// concurrency = 4
/// format = "md"
///
/// [projects.acme]
/// target = "acme.com"
/// competitors = ["rival-a.com", "rival-b.com"]
/// brand = ["Acme"]
/// keywords = ["anvils"]
/// thresholds = { min_competitors = 2, alert_drop_percent = 10.0 }
/// ```
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigFile {
    /// `[api]`: credentials.
    #[serde(default)]
    pub(crate) api: ApiSection,
    /// `[defaults]`: flag defaults for every command.
    #[serde(default)]
    pub(crate) defaults: Defaults,
    /// `[projects.NAME]`: named projects for `--project NAME`.
    #[serde(default)]
    pub(crate) projects: BTreeMap<String, Project>,
}

/// `[api]` of the config file. Its `Debug` never shows the values.
#[derive(Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApiSection {
    /// API login.
    pub(crate) login: Option<String>,
    /// API password.
    pub(crate) password: Option<String>,
}

impl fmt::Debug for ApiSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |value: &Option<String>| if value.is_some() { "[set]" } else { "[unset]" };
        f.debug_struct("ApiSection")
            .field("login", &shown(&self.login))
            .field("password", &shown(&self.password))
            .finish()
    }
}

/// `[defaults]` of the config file: used where the flag is not given.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Defaults {
    /// `--max-cost`.
    pub(crate) max_cost: Option<f64>,
    /// `--concurrency`.
    pub(crate) concurrency: Option<u64>,
    /// `--format` (`md`, `csv`, `json` or `html`).
    pub(crate) format: Option<String>,
    /// `--max-rows`.
    pub(crate) max_rows: Option<u64>,
    /// `--db`.
    pub(crate) db: Option<PathBuf>,
}

/// `[projects.NAME]` of the config file.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Project {
    /// `--target`.
    pub(crate) target: Option<String>,
    /// `--competitor`, each.
    #[serde(default)]
    pub(crate) competitors: Vec<String>,
    /// `--brand`, each.
    #[serde(default)]
    pub(crate) brand: Vec<String>,
    /// `--keyword`, each.
    #[serde(default)]
    pub(crate) keywords: Vec<String>,
    /// Thresholds of the analyses and alerts.
    #[serde(default)]
    pub(crate) thresholds: Thresholds,
}

/// `thresholds` of a project.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Thresholds {
    /// `gap --min-competitors`.
    pub(crate) min_competitors: Option<u64>,
    /// `monitor --alert-drop-percent`.
    pub(crate) alert_drop_percent: Option<f64>,
    /// `monitor --alert-drop-count`.
    pub(crate) alert_drop_count: Option<u64>,
}

/// The program's settings before the arguments are parsed: the argument vector with the config
/// file's values layered in, and what is needed later (credentials, the file's state).
#[derive(Debug, Default)]
pub(crate) struct Settings {
    /// The arguments, with config values added for the flags not given.
    pub(crate) argv: Vec<OsString>,
    /// The config file in use (`--config`, else the default path if it exists).
    pub(crate) path: Option<PathBuf>,
    /// The parsed file, if there is one and it parsed.
    pub(crate) file: Option<ConfigFile>,
    /// Why the config file could not be used (reported by the commands, `doctor` included).
    pub(crate) problem: Option<String>,
}

impl Settings {
    /// Reads the config file named by `--config` in `argv` (or the default one) and layers its
    /// values into the arguments. Fails only for an unusable `--project` (a usage error); a broken
    /// config file is recorded in [`Settings::problem`].
    pub(crate) fn prepare(
        argv: Vec<OsString>,
        command: &clap::Command,
    ) -> anyhow::Result<Settings> {
        let explicit = flag_value(&argv, "config").map(PathBuf::from);
        let path = explicit.clone().or_else(default_config_path);
        let mut settings = Settings { argv, path: None, file: None, problem: None };
        if let Some(path) = path
            && (explicit.is_some() || path.is_file())
        {
            match load(&path) {
                Ok(file) => settings.file = Some(file),
                Err(error) => settings.problem = Some(format!("{error:#}")),
            }
            settings.path = Some(path);
        }
        let project = flag_value(&settings.argv, "project");
        if let (Some(problem), Some(name)) = (&settings.problem, &project) {
            anyhow::bail!("cannot use `--project {}`: {problem}", name.to_string_lossy());
        }
        if let Some(file) = &settings.file {
            settings.argv = layer_args(std::mem::take(&mut settings.argv), file, command)?;
        }
        Ok(settings)
    }

    /// Fails with the config file's problem, for the commands that use the config file
    /// (`doctor` reports it instead, `demo`, `mock-server` and `completions` do not need it).
    pub(crate) fn check(&self) -> anyhow::Result<()> {
        match &self.problem {
            Some(problem) => anyhow::bail!("{problem} (run `linkgap doctor` for a full check)"),
            None => Ok(()),
        }
    }

    /// The credentials: each of `DATAFORSEO_LOGIN` and `DATAFORSEO_PASSWORD` beats the config
    /// file's `[api]` key.
    pub(crate) fn credentials(&self) -> Option<Credentials> {
        let (login, password) = env_credentials();
        merge_credentials(login, password, self.file.as_ref().map(|file| &file.api))
    }

    /// The environment of an analysis command: the process's, with these credentials.
    pub(crate) fn env(&self, quiet: bool) -> Env {
        Env { credentials: self.credentials(), ..Env::from_process(quiet) }
    }
}

/// The default config file: `config.toml` in the user's configuration directory.
pub(crate) fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "linkgap")
        .map(|dirs| dirs.config_dir().join(CONFIG_FILE))
}

/// Reads and parses a config file; errors name the file and, for bad TOML, the line.
pub(crate) fn load(path: &Path) -> anyhow::Result<ConfigFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read the config file `{}`", path.display()))?;
    parse(&text).with_context(|| format!("invalid config file `{}`", path.display()))
}

/// Parses the text of a config file and checks its values.
pub(crate) fn parse(text: &str) -> anyhow::Result<ConfigFile> {
    let file: ConfigFile = toml::from_str(text).map_err(|error| {
        let message = error.message().trim_end_matches('.').to_owned();
        match error.span().map(|span| line_of(text, span.start)) {
            Some(line) => anyhow::anyhow!("line {line}: {message}"),
            None => anyhow::anyhow!("{message}"),
        }
    })?;
    if let Some(format) = &file.defaults.format
        && !["md", "csv", "json", "html"].contains(&format.as_str())
    {
        anyhow::bail!("`defaults.format` is `{format}`; use `md`, `csv`, `json` or `html`");
    }
    if let Some(max_cost) = file.defaults.max_cost
        && !(max_cost.is_finite() && max_cost >= 0.0)
    {
        anyhow::bail!("`defaults.max_cost` must be a number of at least 0 (USD)");
    }
    Ok(file)
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(1, |before| before.matches('\n').count() + 1)
}

/// `DATAFORSEO_LOGIN` and `DATAFORSEO_PASSWORD`, each if set and non-empty.
#[expect(
    clippy::disallowed_methods,
    reason = "the one place the program reads its credentials from the environment"
)]
fn env_credentials() -> (Option<String>, Option<String>) {
    let read = |name: &str| std::env::var(name).ok().filter(|value| !value.trim().is_empty());
    (read(LOGIN_VAR), read(PASSWORD_VAR))
}

/// Merges credentials field by field: the environment beats the config file.
pub(crate) fn merge_credentials(
    env_login: Option<String>,
    env_password: Option<String>,
    file: Option<&ApiSection>,
) -> Option<Credentials> {
    let non_empty = |value: &Option<String>| value.clone().filter(|value| !value.trim().is_empty());
    let login = env_login.or_else(|| file.and_then(|api| non_empty(&api.login)))?;
    let password = env_password.or_else(|| file.and_then(|api| non_empty(&api.password)))?;
    Some(Credentials::new(login, password))
}

/// Where each credential comes from, for `doctor`: `(login, password)`, each `None` when unset.
pub(crate) fn credential_sources(
    settings: &Settings,
) -> (Option<&'static str>, Option<&'static str>) {
    let (env_login, env_password) = env_credentials();
    let api = settings.file.as_ref().map(|file| &file.api);
    let source = |env: Option<String>, file: Option<&String>| match (env, file) {
        (Some(_), _) => Some("environment"),
        (None, Some(value)) if !value.trim().is_empty() => Some("config file"),
        _ => None,
    };
    (
        source(env_login, api.and_then(|api| api.login.as_ref())),
        source(env_password, api.and_then(|api| api.password.as_ref())),
    )
}

/// The value of `--name VALUE` or `--name=VALUE` in `argv` (the last one wins, as in clap).
fn flag_value(argv: &[OsString], name: &str) -> Option<OsString> {
    let long = format!("--{name}");
    let with_equals = format!("--{name}=");
    let mut found = None;
    let mut args = argv.iter().skip(1);
    while let Some(arg) = args.next() {
        let Some(text) = arg.to_str() else { continue };
        if text == "--" {
            break;
        }
        if text == long {
            found = args.next().cloned();
        } else if let Some(value) = text.strip_prefix(&with_equals) {
            found = Some(OsString::from(value));
        }
    }
    found
}

/// Whether `--name` is given in `argv`, alone or as `--name=VALUE`.
fn has_flag(argv: &[OsString], name: &str) -> bool {
    let long = format!("--{name}");
    let with_equals = format!("--{name}=");
    argv.iter()
        .skip(1)
        .filter_map(|arg| arg.to_str())
        .take_while(|text| *text != "--")
        .any(|text| text == long || text.starts_with(&with_equals))
}

/// The subcommand `argv` runs (the innermost one, e.g. `gap` for `estimate gap`).
fn leaf_command<'a>(argv: &[OsString], root: &'a clap::Command) -> &'a clap::Command {
    let mut command = root;
    for arg in argv.iter().skip(1).filter_map(|arg| arg.to_str()) {
        if arg == "--" {
            break;
        }
        if let Some(sub) = command.find_subcommand(arg) {
            command = sub;
        }
    }
    command
}

/// Layers the config file into `argv`: for every flag the subcommand has and `argv` does not
/// give, the value from the `--project` (if any), else from `[defaults]`, is appended. So flags
/// beat the config file, and a project beats the defaults.
pub(crate) fn layer_args(
    mut argv: Vec<OsString>,
    file: &ConfigFile,
    root: &clap::Command,
) -> anyhow::Result<Vec<OsString>> {
    let project = match flag_value(&argv, "project") {
        Some(name) => {
            let name = name.to_string_lossy().into_owned();
            let Some(project) = file.projects.get(&name) else {
                let known: Vec<&str> = file.projects.keys().map(String::as_str).collect();
                anyhow::bail!(
                    "no project `{name}` in the config file{}",
                    if known.is_empty() {
                        String::from(" (it has no `[projects.NAME]` table)")
                    } else {
                        format!(" (it has: {})", known.join(", "))
                    }
                );
            };
            Some(project)
        }
        None => None,
    };
    let leaf = leaf_command(&argv, root);
    let accepts = |name: &str| leaf.get_arguments().any(|arg| arg.get_long() == Some(name));
    let mut layers: Vec<(&str, Vec<String>)> = Vec::new();
    if let Some(project) = project {
        layers.push(("target", project.target.iter().cloned().collect()));
        layers.push(("competitor", project.competitors.clone()));
        layers.push(("brand", project.brand.clone()));
        layers.push(("keyword", project.keywords.clone()));
        let thresholds = &project.thresholds;
        layers.push((
            "min-competitors",
            thresholds.min_competitors.iter().map(u64::to_string).collect(),
        ));
        layers.push((
            "alert-drop-percent",
            thresholds.alert_drop_percent.iter().map(f64::to_string).collect(),
        ));
        layers.push((
            "alert-drop-count",
            thresholds.alert_drop_count.iter().map(u64::to_string).collect(),
        ));
    }
    let defaults = &file.defaults;
    layers.push(("max-cost", defaults.max_cost.iter().map(f64::to_string).collect()));
    layers.push(("concurrency", defaults.concurrency.iter().map(u64::to_string).collect()));
    layers.push(("format", defaults.format.iter().cloned().collect()));
    layers.push(("max-rows", defaults.max_rows.iter().map(u64::to_string).collect()));
    layers
        .push(("db", defaults.db.iter().map(|path| path.to_string_lossy().into_owned()).collect()));
    let mut added = Vec::new();
    for (name, values) in layers {
        if values.is_empty() || !accepts(name) || has_flag(&argv, name) || added.contains(&name) {
            continue;
        }
        added.push(name);
        for value in values {
            argv.push(OsString::from(format!("--{name}")));
            argv.push(OsString::from(value));
        }
    }
    Ok(argv)
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory as _, Parser as _};

    use super::*;
    use crate::args::Cli;

    fn argv(args: &[&str]) -> Vec<OsString> {
        std::iter::once("linkgap").chain(args.iter().copied()).map(OsString::from).collect()
    }

    fn shown(argv: &[OsString]) -> Vec<String> {
        argv.iter().skip(1).map(|arg| arg.to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn the_missing_credentials_message_names_the_variables_and_the_config_keys() {
        let message = missing_credentials_message(Some(Path::new("/etc/linkgap.toml")));
        assert_eq!(
            message,
            "missing DataForSEO credentials: set `DATAFORSEO_LOGIN` and `DATAFORSEO_PASSWORD`, or \
             `login` and `password` under `[api]` in the config file `/etc/linkgap.toml` (or use \
             `--world DIR` to analyse a local world)"
        );
        let message = missing_credentials_message(None);
        match default_config_path() {
            Some(path) => assert!(message.contains(&format!("`{}`", path.display())), "{message}"),
            None => assert!(message.contains("in the config file ("), "{message}"),
        }
    }

    const ACME: &str = r#"
[api]
login = "file-login"
password = "file-secret"

[defaults]
max_cost = 2.5
concurrency = 3
format = "json"

[projects.acme]
target = "acme.com"
competitors = ["rival-a.com", "rival-b.com"]
brand = ["Acme"]
keywords = ["anvils"]
thresholds = { min_competitors = 1, alert_drop_percent = 5.0 }
"#;

    #[test]
    fn a_project_fills_the_flags_left_out() {
        let file = parse(ACME).unwrap();
        let layered =
            layer_args(argv(&["gap", "--project", "acme"]), &file, &Cli::command()).unwrap();
        assert_eq!(
            shown(&layered),
            [
                "gap",
                "--project",
                "acme",
                "--target",
                "acme.com",
                "--competitor",
                "rival-a.com",
                "--competitor",
                "rival-b.com",
                "--brand",
                "Acme",
                "--keyword",
                "anvils",
                "--min-competitors",
                "1",
                "--max-cost",
                "2.5",
                "--concurrency",
                "3",
                "--format",
                "json"
            ]
        );
        Cli::try_parse_from(layered).unwrap();
    }

    #[test]
    fn flags_beat_the_project_and_the_defaults() {
        let file = parse(ACME).unwrap();
        let layered = layer_args(
            argv(&["gap", "--project", "acme", "--competitor=other.com", "--format", "md"]),
            &file,
            &Cli::command(),
        )
        .unwrap();
        let layered = shown(&layered);
        assert!(!layered.contains(&"rival-a.com".to_owned()), "{layered:?}");
        assert!(!layered.contains(&"json".to_owned()), "{layered:?}");
        assert!(layered.contains(&"acme.com".to_owned()), "{layered:?}");
    }

    #[test]
    fn only_the_flags_a_subcommand_has_are_added() {
        let file = parse(ACME).unwrap();
        let layered =
            layer_args(argv(&["competitors", "--project", "acme"]), &file, &Cli::command())
                .unwrap();
        let layered = shown(&layered);
        assert!(layered.contains(&"acme.com".to_owned()), "{layered:?}");
        assert!(!layered.contains(&"--competitor".to_owned()), "{layered:?}");
        assert!(!layered.contains(&"--min-competitors".to_owned()), "{layered:?}");
        let layered =
            layer_args(argv(&["estimate", "gap", "--project", "acme"]), &file, &Cli::command())
                .unwrap();
        assert!(shown(&layered).contains(&"--min-competitors".to_owned()));
    }

    #[test]
    fn an_unknown_project_names_the_known_ones() {
        let file = parse(ACME).unwrap();
        let error =
            layer_args(argv(&["gap", "--project", "nope"]), &file, &Cli::command()).unwrap_err();
        assert_eq!(error.to_string(), "no project `nope` in the config file (it has: acme)");
    }

    #[test]
    fn the_environment_beats_the_config_file_per_field() {
        let file = parse(ACME).unwrap();
        let credentials = merge_credentials(Some("env-login".into()), None, Some(&file.api));
        assert!(credentials.is_some());
        assert!(merge_credentials(None, None, None).is_none());
        let half = ApiSection { login: Some("only-login".into()), password: Some("  ".into()) };
        assert!(merge_credentials(None, None, Some(&half)).is_none());
        assert!(merge_credentials(None, Some("env-secret".into()), Some(&half)).is_some());
    }

    #[test]
    fn config_errors_name_the_line_and_the_password_is_never_shown() {
        let error = parse("[defaults]\nmax_cost = 1\nfromat = \"md\"\n").unwrap_err();
        let message = format!("{error:#}");
        assert!(message.starts_with("line 3:") && message.contains("fromat"), "{message}");
        let error = parse("[defaults]\nformat = \"pdf\"\n").unwrap_err();
        assert!(error.to_string().contains("`pdf`"), "{error}");
        let file = parse(ACME).unwrap();
        let debug = format!("{file:?}");
        assert!(!debug.contains("file-secret") && !debug.contains("file-login"), "{debug}");
    }

    #[test]
    fn the_config_path_is_found_in_either_flag_form() {
        assert_eq!(
            flag_value(&argv(&["gap", "--config", "a.toml"]), "config"),
            Some("a.toml".into())
        );
        assert_eq!(flag_value(&argv(&["gap", "--config=b.toml"]), "config"), Some("b.toml".into()));
        assert_eq!(flag_value(&argv(&["gap", "--", "--config", "c"]), "config"), None);
        assert!(has_flag(&argv(&["gap", "--max-cost=1"]), "max-cost"));
    }
}
