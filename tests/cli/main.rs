//! The one integration-test binary: real temp directories, the real `flags` binary.

mod harness;

mod basics;
mod new;
mod promote;
mod validate;
