//! The one integration-test binary: real temp directories, the real `flags` binary.

mod harness;

mod basics;
mod log;
mod refs;
mod stale;
mod validate;
