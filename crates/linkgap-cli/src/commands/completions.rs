//! `linkgap completions SHELL`: shell completion scripts, generated from the clap definition.

use clap::CommandFactory as _;

use crate::args::{Cli, CompletionsArgs};
use crate::output;

/// Writes the completion script for the chosen shell to stdout.
pub(crate) fn run(args: &CompletionsArgs) -> anyhow::Result<()> {
    output::write_report(&script(args.shell), None)
}

/// The completion script for `shell`.
fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut command = Cli::command();
    let mut bytes = Vec::new();
    clap_complete::generate(shell, &mut command, "linkgap", &mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_naming_the_subcommands() {
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
            clap_complete::Shell::PowerShell,
            clap_complete::Shell::Elvish,
        ] {
            let script = String::from_utf8(script(shell)).unwrap();
            for name in ["gap", "monitor", "doctor"] {
                assert!(script.contains(name), "{shell:?} lacks `{name}`");
            }
        }
    }
}
