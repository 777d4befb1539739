//! The one integration-test binary: real temp directories, the real `flags` binary.

mod harness;

mod against;
mod agreement;
mod badinput;
mod basics;
mod boundaries;
mod ci_integrations;
mod concurrency;
mod corpus;
mod crash;
mod diff;
mod edit_props;
mod escaping;
mod eval;
mod evaluators;
mod export;
mod fuzz_regressions;
mod gitedge;
mod log;
mod new;
mod operator;
mod promote;
mod refs;
mod regressions;
mod remove;
mod rollback;
mod schedule;
mod stale;
mod terminal;
mod typed;
mod validate;
mod workflow;
