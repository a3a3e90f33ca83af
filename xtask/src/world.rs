//! `cargo xtask gen-world`: writes a generated backlink world and its `truth.json`.

use std::path::PathBuf;

use anyhow::{Context, bail};
use linkgap_world::{Compression, GenConfig, generate};

const USAGE: &str =
    "usage: cargo xtask gen-world --out DIR [--size N] [--seed S] [--compress zstd|gzip|none]";

/// What `gen-world` was asked to do.
#[derive(Debug)]
struct Request {
    out: PathBuf,
    config: GenConfig,
    compression: Compression,
}

/// Parses `gen-world` arguments (after the task name), generates and writes the world.
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let Request { out, config, compression } = parse_args(args)?;
    let generated = generate(&config);
    generated
        .write(&out, compression)
        .with_context(|| format!("failed to write the world to `{}`", out.display()))?;
    crate::eprint_line(format_args!(
        "wrote {} backlinks and {} domain rows (size {}, seed {}, {compression}) to {}",
        generated.world.backlinks.len(),
        generated.world.domains.len(),
        config.size,
        config.seed,
        out.display()
    ));
    Ok(())
}

fn parse_args(args: &[String]) -> anyhow::Result<Request> {
    let mut out: Option<PathBuf> = None;
    let mut config = GenConfig::default();
    let mut compression = Compression::Zstd;
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().with_context(|| format!("`{flag}` needs a value\n{USAGE}"));
        match flag.as_str() {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--size" => {
                let text = value()?;
                config.size = text.parse().with_context(|| format!("invalid `--size` `{text}`"))?;
            }
            "--seed" => {
                let text = value()?;
                config.seed = text.parse().with_context(|| format!("invalid `--seed` `{text}`"))?;
            }
            "--compress" => compression = value()?.parse()?,
            "-h" | "--help" => bail!("{USAGE}"),
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    let out = out.with_context(|| format!("`--out` is required\n{USAGE}"))?;
    Ok(Request { out, config, compression })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> anyhow::Result<Request> {
        let args: Vec<String> = args.iter().map(|&arg| arg.to_owned()).collect();
        parse_args(&args)
    }

    fn error(args: &[&str]) -> String {
        format!("{:#}", parse(args).unwrap_err())
    }

    #[test]
    fn gen_world_takes_out_size_seed_and_compression() {
        let request =
            parse(&["--out", "w", "--size", "20", "--seed", "9", "--compress", "gzip"]).unwrap();
        assert_eq!(request.out, PathBuf::from("w"));
        assert_eq!((request.config.size, request.config.seed), (20, 9));
        assert_eq!(request.compression, Compression::Gzip);
        let defaults = parse(&["--out", "w"]).unwrap();
        assert_eq!(defaults.config, GenConfig::default());
        assert_eq!(defaults.compression, Compression::Zstd);
    }

    #[test]
    fn gen_world_rejects_bad_arguments() {
        assert!(error(&["--size", "10"]).contains("`--out` is required"));
        assert!(error(&["--out", "w", "--frobnicate"]).contains("unknown argument `--frobnicate`"));
        assert!(error(&["--out", "w", "--size", "many"]).contains("invalid `--size` `many`"));
        assert!(error(&["--out", "w", "--compress", "rar"]).contains("unknown compression `rar`"));
        assert!(error(&["--out"]).contains("`--out` needs a value"));
    }
}
