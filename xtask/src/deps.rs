//! `cargo xtask deps`: the crate boundary check (the analysis and report crates stay free of IO and async).

use xshell::cmd;

use crate::{cargo, print_line, project_root, shell};

/// The crates whose normal dependency trees are checked.
const CHECKED: &[&str] = &["linkgap-analysis", "linkgap-report"];

/// Packages that must not appear in those trees.
const FORBIDDEN: &[&str] = &["tokio", "reqwest", "hyper", "linkgap-dataforseo"];

/// Fails if a checked crate depends, directly or not, on a forbidden package, printing the chain that pulls it in.
///
/// Runs `cargo tree -p <crate> -e normal --prefix depth [ARGS]` (`--prefix depth` rather than `none`, so the chain
/// can be rebuilt). A checked crate that does not exist yet passes.
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let sh = shell()?;
    let cargo = cargo();
    let mut violations = Vec::new();
    for &krate in CHECKED {
        if !project_root().join("crates").join(krate).join("Cargo.toml").exists() {
            print_line(format_args!("deps: `{krate}` does not exist yet, nothing to check"));
            continue;
        }
        let tree = cmd!(sh, "{cargo} tree -p {krate} -e normal --prefix depth {args...}").read()?;
        let chains = forbidden_chains(&tree);
        if chains.is_empty() {
            print_line(format_args!("deps: `{krate}` ok"));
        }
        violations.extend(chains);
    }
    if violations.is_empty() {
        return Ok(());
    }
    for chain in &violations {
        print_line(format_args!("deps: forbidden dependency: {chain}"));
    }
    anyhow::bail!(
        "{} forbidden dependency chain(s): the analysis and report crates must not depend on {}",
        violations.len(),
        FORBIDDEN.join(", ")
    )
}

/// Finds every forbidden package in a `cargo tree --prefix depth` listing and returns the chain from the root
/// to it, e.g. `linkgap-analysis v0.1.0 -> foo v1.0.0 -> tokio v1.40.0`.
fn forbidden_chains(tree: &str) -> Vec<String> {
    let mut path: Vec<&str> = Vec::new();
    let mut chains = Vec::new();
    for line in tree.lines() {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        let Ok(depth) = line[..digits].parse::<usize>() else { continue };
        let entry = line[digits..].trim();
        // Keep `name vX.Y.Z`, dropping the path and the `(*)` repeat marker.
        let package = entry.split(" (").next().unwrap_or(entry).trim();
        let name = package.split(' ').next().unwrap_or(package);
        path.truncate(depth);
        path.push(package);
        if FORBIDDEN.contains(&name) {
            chains.push(path.join(" -> "));
        }
    }
    chains.sort();
    chains.dedup();
    chains
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_tree_has_no_chains() {
        let tree = "\
0linkgap-analysis v0.1.0 (/work/main/crates/linkgap-analysis)
1hashbrown v0.17.0
2foldhash v0.2.0
1rayon v1.11.0
2rayon-core v1.13.0
";
        assert_eq!(forbidden_chains(tree), Vec::<String>::new());
    }

    #[test]
    fn reports_the_chain_to_each_forbidden_package() {
        let tree = "\
0linkgap-report v0.1.0 (/work/main/crates/linkgap-report)
1linkgap-analysis v0.1.0 (/work/main/crates/linkgap-analysis)
2helper v1.0.0
3tokio v1.48.0
4pin-project-lite v0.2.16
1linkgap-dataforseo v0.1.0 (/work/main/crates/linkgap-dataforseo)
2tokio v1.48.0 (*)
1tokio-util v0.7.0
";
        assert_eq!(
            forbidden_chains(tree),
            [
                "linkgap-report v0.1.0 -> linkgap-analysis v0.1.0 -> helper v1.0.0 -> tokio v1.48.0",
                "linkgap-report v0.1.0 -> linkgap-dataforseo v0.1.0",
                "linkgap-report v0.1.0 -> linkgap-dataforseo v0.1.0 -> tokio v1.48.0",
            ]
        );
    }
}
