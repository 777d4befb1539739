//! The one integration-test binary: real temp directories, the real `flags` binary.

mod harness;

mod against;
mod badinput;
mod basics;
mod concurrency;
mod corpus;
mod crash;
mod diff;
mod edit_props;
mod escaping;
mod fuzz_regressions;
mod gitedge;
mod new;
mod promote;
mod terminal;
mod validate;
