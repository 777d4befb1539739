//! The one integration-test binary: real temp directories, the real `flags` binary.

mod harness;

mod agreement;
mod basics;
mod eval;
mod export;
mod validate;
