//! The `linkgap` binary: all the work is in `linkgap_cli`.

fn main() -> std::process::ExitCode {
    linkgap_cli::main()
}
