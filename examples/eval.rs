//! Using `flags` as a library: load a flags repository and ask whether a flag is on for a
//! user, and why.
//!
//! ```text
//! cargo run --example eval                       # the bundled examples/acme repository
//! cargo run --example eval -- DIR FLAG ENV USER [NAME=VALUE...]
//! ```

use flags::eval::{AttrValue, User, evaluate};
use flags::repo::Repo;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().map_or(
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/acme"),
        String::as_str,
    );
    let flag = args.get(1).map_or("new-tax-engine", String::as_str);
    let env = args.get(2).map_or("production", String::as_str);

    // Find the flags root (walking up from `dir`) and load every file.
    let repo = Repo::discover(std::path::Path::new(dir))?;

    // A user: a targeting key and string/number attributes.
    let mut user = match args.get(3) {
        Some(key) => User::new(key.as_str()),
        None => User::new("alice")
            .with("email", "alice@acme.io")
            .with("seats", 12i64),
    };
    for pair in args.iter().skip(4) {
        if let Some((name, value)) = pair.split_once('=') {
            user.attributes
                .insert(name.to_string(), AttrValue::parse(value));
        }
    }

    let decision = evaluate(&repo, flag, env, &user)?;
    println!(
        "{flag} in {env} for {}: {} ({})",
        user.key, decision.variant, decision.value
    );
    println!("  stage:  {}", decision.stage);
    println!("  reason: {}", decision.explain());

    // The same user's rollout bucket, as flagd's `fractional` computes it.
    println!(
        "  bucket: {} of {}",
        flags::eval::bucket(flag, &user.key),
        flags::eval::BUCKETS
    );
    Ok(())
}
