//! End-to-end tests of the `linkgap` program: the real binary against `linkgap mock-server` on
//! the demo world, with every file in a temporary sandbox.

mod analysis;
mod failures;
mod monitor;
mod ops;
mod util;
