//! The SLA clock for 10,000 claims: deadline (fifth business day after submission, in the
//! calendar's zone, skipping holidays) and the countdown at one instant, as the queue's SLA
//! column and `export` compute them. `cargo bench --bench sla`.

use chrono::{TimeDelta, TimeZone, Utc};
use claimdesk::config::Config;
use criterion::{criterion_group, criterion_main, Criterion};

fn sla(c: &mut Criterion) {
    let config = Config::from_toml(
        r#"
[calendar]
timezone = "Europe/Dublin"
holidays = ["2026-12-25", "2026-12-28", "2027-01-01"]
"#,
        "bench",
    )
    .unwrap_or_else(|e| panic!("the bench config: {e}"));
    let start = Utc
        .with_ymd_and_hms(2026, 11, 20, 0, 0, 0)
        .single()
        .unwrap_or_default();
    // Ten thousand submissions spread over five weeks, seen on 30 December.
    let submitted: Vec<_> = (0..10_000i64)
        .map(|n| start + TimeDelta::seconds(n * 3_024_000 / 10_000))
        .collect();
    let now = Utc
        .with_ymd_and_hms(2026, 12, 30, 15, 0, 0)
        .single()
        .unwrap_or_default();
    c.bench_function("sla_10000_claims", |b| {
        b.iter(|| {
            submitted
                .iter()
                .map(|&at| {
                    let due = config.sla.due_at(&config.calendar, at, TimeDelta::zero());
                    config.sla.countdown(&config.calendar, due, now).amount
                })
                .fold(TimeDelta::zero(), |a, b| a + b)
        })
    });
}

criterion_group!(benches, sla);
criterion_main!(benches);
