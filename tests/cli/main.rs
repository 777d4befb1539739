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
mod new;
mod promote;
mod terminal;
mod validate;
