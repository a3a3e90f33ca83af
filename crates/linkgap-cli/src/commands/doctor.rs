//! `linkgap doctor`: checks the config file, the credentials, the account (login, verification,
//! balance, Backlinks subscription) and the database paths, and says what to fix.
//!
//! The account checks use `appendix/user_data` and `backlinks/available_filters`, both free.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use chrono::Utc;
use linkgap_dataforseo::{Client, Credentials, Error};

use crate::args::DoctorArgs;
use crate::commands::monitor;
use crate::config::{self, LOGIN_VAR, PASSWORD_VAR, Settings};
use crate::context::Env;
use crate::output;
use crate::source::cache_path;

/// A balance below this (USD) is only a warning.
const LOW_BALANCE_USD: f64 = 1.0;
/// The price of one request: below it, nothing can run.
const ONE_REQUEST_USD: f64 = 0.02;

/// How a check went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    /// Fine.
    Ok,
    /// Worth knowing, does not block runs.
    Warn,
    /// Blocks runs.
    Fail,
}

/// One line of the checklist.
#[derive(Clone, Debug, PartialEq)]
struct Check {
    status: Status,
    name: &'static str,
    detail: String,
    fix: Option<String>,
}

impl Check {
    fn ok(name: &'static str, detail: impl Into<String>) -> Check {
        Check { status: Status::Ok, name, detail: detail.into(), fix: None }
    }

    fn warn(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check { status: Status::Warn, name, detail: detail.into(), fix: Some(fix.into()) }
    }

    fn fail(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check { status: Status::Fail, name, detail: detail.into(), fix: Some(fix.into()) }
    }
}

/// Runs every check, prints the checklist, and fails if something blocks runs.
pub(crate) fn run(args: &DoctorArgs, settings: &Settings, env: &Env) -> anyhow::Result<()> {
    let mut checks = vec![config_check(settings)];
    let (credentials_check, credentials) = credentials_check(settings, env);
    checks.push(credentials_check);
    if let Some(credentials) = credentials {
        checks.extend(account_checks(args, credentials));
    }
    checks.push(path_check("response cache", cache_path(args.db.as_deref()).as_deref()));
    checks.push(path_check(
        "snapshot database",
        monitor::db_path(args.db.as_deref()).ok().as_deref(),
    ));
    output::write_report(to_markdown(&checks).as_bytes(), None)?;
    let blocking = checks.iter().filter(|check| check.status == Status::Fail).count();
    if blocking > 0 {
        anyhow::bail!(
            "{blocking} problem{} above block{} runs",
            if blocking == 1 { "" } else { "s" },
            if blocking == 1 { "s" } else { "" }
        );
    }
    Ok(())
}

/// The checklist as Markdown.
fn to_markdown(checks: &[Check]) -> String {
    let mut text = String::from("# linkgap doctor\n\n");
    for check in checks {
        let mark = match check.status {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
        };
        let _ = writeln!(text, "- [{mark}] {}: {}", check.name, check.detail);
        if let Some(fix) = &check.fix {
            let _ = writeln!(text, "  - fix: {fix}");
        }
    }
    text
}

fn config_check(settings: &Settings) -> Check {
    let shown = |path: &Path| format!("`{}`", path.display());
    match (&settings.path, &settings.problem, &settings.file) {
        (_, Some(problem), _) => {
            Check::fail("config file", problem.clone(), "correct the file, or remove it")
        }
        (Some(path), None, Some(file)) => {
            let projects: Vec<&str> = file.projects.keys().map(String::as_str).collect();
            Check::ok(
                "config file",
                if projects.is_empty() {
                    format!("{} parsed", shown(path))
                } else {
                    format!("{} parsed; projects: {}", shown(path), projects.join(", "))
                },
            )
        }
        _ => Check::ok(
            "config file",
            match config::default_config_path() {
                Some(path) => format!("none (optional; looked for {})", shown(&path)),
                None => "none (optional)".to_owned(),
            },
        ),
    }
}

fn credentials_check(settings: &Settings, env: &Env) -> (Check, Option<Credentials>) {
    let (login, password) = config::credential_sources(settings);
    match (&env.credentials, login, password) {
        (Some(credentials), Some(login), Some(password)) => {
            let detail = if login == password {
                format!("login and password from the {login}")
            } else {
                format!("login from the {login}, password from the {password}")
            };
            (Check::ok("credentials", detail), Some(credentials.clone()))
        }
        (_, login, password) => {
            let missing: Vec<&str> = [(login, LOGIN_VAR), (password, PASSWORD_VAR)]
                .into_iter()
                .filter(|(source, _)| source.is_none())
                .map(|(_, name)| name)
                .collect();
            let missing = missing.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>();
            (
                Check::fail(
                    "credentials",
                    format!("{} not set", missing.join(" and ")),
                    format!(
                        "set `{LOGIN_VAR}` and `{PASSWORD_VAR}` (the API login and password from \
                         the DataForSEO dashboard), or `login` and `password` under `[api]` in \
                         {}",
                        settings.path.clone().or_else(config::default_config_path).map_or_else(
                            || "the config file".to_owned(),
                            |path| format!("the config file `{}`", path.display())
                        )
                    ),
                ),
                None,
            )
        }
    }
}

/// Login, verification, balance and subscription, from the free endpoints.
fn account_checks(args: &DoctorArgs, credentials: Credentials) -> Vec<Check> {
    let mut builder = Client::builder().with_credentials(credentials);
    if let Some(base) = &args.api_base {
        builder = builder.base_url(base.clone());
    } else if args.sandbox {
        builder = builder.sandbox();
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    let (client, runtime) = match (builder.build(), runtime) {
        (Ok(client), Ok(runtime)) => (client, runtime),
        (Err(error), _) => {
            return vec![Check::fail("API", format!("{error}"), "check `--api-base`")];
        }
        (_, Err(error)) => {
            return vec![Check::fail("API", format!("no async runtime: {error}"), "retry")];
        }
    };
    let base = client.base_url().to_owned();
    let (user_data, access) = runtime.block_on(async {
        let user_data = client.appendix().user_data().await;
        let access = match &user_data {
            Ok(_) => Some(client.backlinks().available_filters().await.map(|_| ())),
            Err(_) => None,
        };
        (user_data, access)
    });
    let reply = match user_data {
        Ok(reply) => reply,
        Err(error) => return vec![login_failure(&base, &error)],
    };
    let mut checks = vec![Check::ok("login", format!("accepted by {base}"))];
    match access {
        Some(Err(error)) if error.code() == Some(40104) => checks.push(Check::fail(
            "account",
            "not verified (status `40104`)",
            "verify the account in the DataForSEO dashboard (the API answers 40104 until then)",
        )),
        Some(Err(error)) if error.code() == Some(40204) => checks.push(Check::fail(
            "account",
            "no access to the Backlinks API (status `40204`)",
            "activate the Backlinks API subscription in the DataForSEO dashboard",
        )),
        Some(Err(error)) => checks.push(Check::warn(
            "account",
            format!("the Backlinks API check failed: {error}"),
            "retry later; if it persists, run with `-vv` and look at the answer",
        )),
        _ => checks.push(Check::ok("account", "verified, Backlinks API reachable")),
    }
    let Some(result) = reply.results.into_iter().next() else {
        checks.push(Check::warn("balance", "`user_data` returned no account data", "retry later"));
        return checks;
    };
    match result.money.as_ref().and_then(|money| money.balance) {
        Some(balance) if balance < ONE_REQUEST_USD => checks.push(Check::fail(
            "balance",
            format!("${balance:.2}, less than one request"),
            "top up the account (the API answers 40200 Payment Required)",
        )),
        Some(balance) if balance < LOW_BALANCE_USD => checks.push(Check::warn(
            "balance",
            format!("${balance:.2}"),
            "top up soon; `linkgap estimate ...` shows what a run may cost",
        )),
        Some(balance) => checks.push(Check::ok("balance", format!("${balance:.2}"))),
        None => checks.push(Check::warn("balance", "unknown", "check the dashboard")),
    }
    match result.backlinks_subscription_expiry_date {
        None => checks.push(Check::fail(
            "Backlinks subscription",
            "not active (`backlinks_subscription_expiry_date` is empty)",
            "activate the Backlinks API subscription in the DataForSEO dashboard",
        )),
        Some(expiry) if expiry.with_timezone(&Utc) < Utc::now() => checks.push(Check::fail(
            "Backlinks subscription",
            format!("expired on {}", expiry.format("%Y-%m-%d")),
            "renew the Backlinks API subscription in the DataForSEO dashboard",
        )),
        Some(expiry) => checks.push(Check::ok(
            "Backlinks subscription",
            format!("active until {}", expiry.format("%Y-%m-%d")),
        )),
    }
    checks
}

/// The check for a failed `user_data` call.
fn login_failure(base: &str, error: &Error) -> Check {
    match error.code() {
        Some(40100) => Check::fail(
            "login",
            format!("{base} rejected the credentials (status `40100`)"),
            format!(
                "use the API login and API password from the dashboard's API settings (not the \
                 website password) in `{LOGIN_VAR}` and `{PASSWORD_VAR}`"
            ),
        ),
        Some(40104) => Check::fail(
            "account",
            "not verified (status `40104`)",
            "verify the account in the DataForSEO dashboard",
        ),
        _ => Check::fail(
            "login",
            format!("could not check the account at {base}: {}", chain(error)),
            "check the network connection and `--api-base`",
        ),
    }
}

/// An error with its causes, on one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Whether the file at `path` can be written: an existing file must open as a database, a new
/// one's directory must be creatable and writable (checked with a probe file, removed again).
fn path_check(name: &'static str, path: Option<&Path>) -> Check {
    let Some(path) = path else {
        return Check::fail(name, "no home directory is known", "give `--db PATH`");
    };
    match writable(path) {
        Ok(()) => Check::ok(name, format!("`{}` is writable", path.display())),
        Err(error) => Check::fail(
            name,
            format!("`{}` is not writable: {error:#}", path.display()),
            "fix the permissions, or give `--db PATH` on a writable disk",
        ),
    }
}

fn writable(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        linkgap_store::Cache::open(path).context("cannot open it as a linkgap database")?;
        return Ok(());
    }
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let probe = dir.join(".linkgap-doctor-probe");
    std::fs::write(&probe, b"probe")
        .with_context(|| format!("cannot write in `{}`", dir.display()))?;
    std::fs::remove_file(&probe).with_context(|| format!("cannot remove `{}`", probe.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checklist_marks_failures_and_says_what_to_fix() {
        let checks = [
            Check::ok("config file", "none (optional)"),
            Check::fail("credentials", "`DATAFORSEO_LOGIN` not set", "set it"),
            Check::warn("balance", "$0.50", "top up soon"),
        ];
        assert_eq!(
            to_markdown(&checks),
            "# linkgap doctor\n\n- [ok] config file: none (optional)\n- [FAIL] credentials: \
             `DATAFORSEO_LOGIN` not set\n  - fix: set it\n- [warn] balance: $0.50\n  - fix: top up soon\n"
        );
    }

    #[test]
    fn a_new_database_in_a_writable_directory_passes_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("db.sqlite");
        assert_eq!(path_check("db", Some(&path)).status, Status::Ok);
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path().join("sub")).unwrap().count(), 0);
        std::fs::write(&path, b"not a database at all, just text").unwrap();
        let check = path_check("db", Some(&path));
        assert_eq!(check.status, Status::Fail, "{check:?}");
    }
}
