//! `linkgap mock-server`: the loopback DataForSEO server over a world, until interrupted.

use std::io::{self, Write};

use anyhow::Context as _;
use linkgap_mock::{FaultProfile, Latency, MockConfig, MockServer};
use linkgap_world::World;

use crate::args::MockServerArgs;

/// Loads the world and the faults, then serves until Ctrl-C or SIGTERM.
pub(crate) fn run(args: &MockServerArgs) -> anyhow::Result<()> {
    let config = config(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the async runtime")?;
    runtime.block_on(serve(config, &mut io::stdout(), shutdown_signal()))
}

/// The server configuration the arguments describe (this loads the world).
fn config(args: &MockServerArgs) -> anyhow::Result<MockConfig> {
    let mut faults = match &args.faults {
        Some(path) => FaultProfile::from_file(path)?,
        None => FaultProfile::default(),
    };
    if let Some(seed) = args.seed {
        faults.seed = seed;
    }
    if let Some(per_minute) = args.per_minute {
        faults.per_minute = per_minute;
    }
    if let Some(max_in_flight) = args.max_in_flight {
        faults.max_in_flight = max_in_flight;
    }
    if let Some(fixed_ms) = args.latency_ms {
        faults.latency = Some(Latency::Fixed { fixed_ms });
    }
    let world = match &args.world {
        Some(dir) => World::load(dir)
            .with_context(|| format!("failed to load the world in `{}`", dir.display()))?,
        None => linkgap_world::demo_world(),
    };
    let mut config = MockConfig::new(world);
    config.listen = args.listen;
    config.login.clone_from(&args.login);
    config.password.clone_from(&args.password);
    config.faults = faults;
    config.balance = args.balance;
    config.verified = !args.unverified;
    config.today = args.today;
    Ok(config)
}

/// Starts the server, writes `listening on http://ADDR` as the first line of `out`, and serves
/// until `signal` completes.
async fn serve(
    config: MockConfig,
    out: &mut dyn Write,
    signal: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let listen = config.listen;
    let server = MockServer::start(config)
        .await
        .with_context(|| format!("failed to start the mock server on `{listen}`"))?;
    writeln!(out, "listening on {}", server.url()).context("failed to write to stdout")?;
    out.flush().context("failed to write to stdout")?;
    server.serve_until(signal).await.context("the mock server failed")?;
    tracing::info!("mock server stopped");
    Ok(())
}

/// Completes on Ctrl-C, or on SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            // Without a Ctrl-C handler, only SIGTERM (or killing the process) stops the server.
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::{Cli, Command};

    fn args(argv: &[&str]) -> MockServerArgs {
        let mut full = vec!["linkgap", "mock-server"];
        full.extend_from_slice(argv);
        let Command::MockServer(args) = Cli::try_parse_from(full).unwrap().command else {
            panic!("not mock-server")
        };
        args
    }

    #[test]
    fn a_malformed_world_names_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let good = r#"{"domain_from":"a.org","url_from":"https://a.org/","domain_to":"b.com","url_to":"https://b.com/"}"#;
        std::fs::write(dir.path().join("backlinks.jsonl"), format!("{good}\n{good}\n{{oops\n"))
            .unwrap();
        let world = dir.path().to_str().unwrap();
        let error = config(&args(&["--world", world])).unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains("backlinks.jsonl"), "{message}");
        assert!(message.contains("line 3"), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }

    #[test]
    fn flags_override_the_fault_profile() {
        let dir = tempfile::tempdir().unwrap();
        let profile = dir.path().join("faults.json");
        std::fs::write(&profile, r#"{"seed": 1, "per_minute": 5, "reset": {"probability": 0.5}}"#)
            .unwrap();
        let config = config(&args(&[
            "--faults",
            profile.to_str().unwrap(),
            "--seed",
            "9",
            "--max-in-flight",
            "3",
            "--latency-ms",
            "15",
            "--unverified",
        ]))
        .unwrap();
        assert_eq!(config.faults.seed, 9);
        assert_eq!(config.faults.per_minute, 5);
        assert_eq!(config.faults.max_in_flight, 3);
        assert_eq!(config.faults.latency, Some(Latency::Fixed { fixed_ms: 15 }));
        assert!((config.faults.reset.probability - 0.5).abs() < f64::EPSILON);
        assert!(!config.verified);
    }

    #[test]
    fn a_bad_fault_profile_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let profile = dir.path().join("faults.json");
        std::fs::write(&profile, "{\n  \"reset\": {\"probability\": 2}\n}").unwrap();
        let error = config(&args(&["--faults", profile.to_str().unwrap()])).unwrap_err();
        assert!(format!("{error:#}").contains("`reset`"), "{error:#}");
    }

    #[tokio::test]
    async fn serve_prints_the_address_first_and_stops_on_the_signal() {
        let config = config(&args(&[])).unwrap();
        let mut out = Vec::new();
        serve(config, &mut out, async {}).await.unwrap();
        let out = String::from_utf8(out).unwrap();
        let first = out.lines().next().unwrap();
        let addr = first.strip_prefix("listening on http://127.0.0.1:").unwrap();
        assert!(addr.parse::<u16>().unwrap() > 0, "{first}");
    }
}
