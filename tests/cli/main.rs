//! The one integration-test binary: real temp directories, the real `flags` binary.

mod harness;

mod against;
mod basics;
mod diff;
mod new;
mod promote;
mod terminal;
mod validate;
