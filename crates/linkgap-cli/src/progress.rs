//! Progress bars on stderr, one per stage, with rate and ETA; hidden when stderr is not a
//! terminal or with `-q`.

use std::io::IsTerminal as _;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Makes the progress bars of one run. (Not `Copy`: it is passed by reference like the rest of
/// the run's environment.)
#[derive(Clone, Debug)]
pub(crate) struct Progress {
    visible: bool,
}

impl Progress {
    /// Bars are drawn unless `quiet` or stderr is not a terminal.
    pub(crate) fn new(quiet: bool) -> Progress {
        Progress { visible: !quiet && std::io::stderr().is_terminal() }
    }

    /// No bars at all (tests, non-interactive callers).
    pub(crate) fn hidden() -> Progress {
        Progress { visible: false }
    }

    /// A bar for one stage of `len` steps.
    pub(crate) fn stage(&self, name: &str, len: u64) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(
            Some(len),
            if self.visible { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() },
        );
        let style = ProgressStyle::with_template(
            "{prefix:>18} [{bar:30}] {pos}/{len} {msg} ({per_sec}, eta {eta})",
        )
        .expect("the progress template is valid")
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(name.to_owned());
        bar
    }
}
