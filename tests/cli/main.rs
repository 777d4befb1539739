//! The one integration-test binary: real temp directories, the real `flags` binary.

mod harness;

mod badinput;
mod basics;
mod corpus;
mod validate;
