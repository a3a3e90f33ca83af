//! Integration tests of the mock server over real loopback HTTP (a stub backend for the protocol,
//! the real engine over a tiny world for the wiring).

mod account;
mod faults;
mod limits;
mod protocol;
mod support;
mod world;
