//! How fast the synthetic-data generator is on its own, without a store:
//! `cargo run --release --example generate_speed -- 1000000`.

use std::time::Instant;

use chrono::Utc;
use claimdesk::generate::{GenerateOptions, Generator, BATCH_CLAIMS};

fn main() {
    let claims = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let started = Instant::now();
    let mut generator = Generator::new(GenerateOptions {
        claims,
        seed: 1,
        as_of: Utc::now().date_naive(),
        batch_claims: BATCH_CLAIMS,
    });
    let mut poe = 0;
    while let Some(batch) = generator.next_batch(BATCH_CLAIMS) {
        poe += batch.claims.iter().map(|(_, c)| c.poe.len()).sum::<usize>();
    }
    println!(
        "generated {} claims ({poe} PoE items) in {:.2}s",
        generator.made(),
        started.elapsed().as_secs_f64()
    );
}
