//! The one integration-test binary: real temp directories, the real `flags` binary.

mod harness;

mod against;
mod agreement;
mod badinput;
mod basics;
mod corpus;
mod diff;
mod eval;
mod export;
mod log;
mod new;
mod promote;
mod refs;
mod remove;
mod stale;
mod terminal;
mod validate;
