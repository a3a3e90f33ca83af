//! The `linkgap` binary: all the work is in `linkgap_cli`.

/// mimalloc instead of the system allocator: the analysis makes millions of small allocations.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    linkgap_cli::main()
}
