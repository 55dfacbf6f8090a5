//! The dashboard's read (`Store::dashboard`: every figure of the screen and of `claimdesk report`)
//! timed on a real, large store: the first read after opening, then the median, min and max of
//! `RUNS` more (what each refresh on the change feed costs).
//! `cargo run --release --example dashboard_read -- URL [RUNS] [--scanned] [--zone TZ]`, e.g. on
//! the store of `claimdesk generate --claims 1000000` (see BENCHMARKS.md). `--scanned` counts the
//! slow way (every claim from the index, without the per-day counters of migration 0017);
//! `--zone` takes the business days of that time zone (Monday to Friday) instead of UTC's.

use std::time::Instant;

use chrono::Utc;
use claimdesk::domain::{BusinessCalendar, SlaPolicy};
use claimdesk::store::{DashboardPeriod, Store};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: dashboard_read URL [RUNS]")?;
    let runs: usize = args.next().map_or(Ok(7), |r| r.parse())?;
    let (mut scanned, mut calendar) = (false, BusinessCalendar::default());
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--scanned" => scanned = true,
            "--zone" => {
                let zone = args.next().ok_or("--zone needs a time zone")?;
                let week = ["Mon", "Tue", "Wed", "Thu", "Fri"];
                calendar = BusinessCalendar::new(&zone, &week, &[] as &[&str])?;
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let store = Store::open(&url).await?;
    let claims = store.claim_count().await?;
    let policy = SlaPolicy::default();
    let read = || async {
        let started = Instant::now();
        let period = DashboardPeriod::at(Utc::now());
        let figures = if scanned {
            store.dashboard_scanned(&calendar, &policy, &period).await?
        } else {
            store.dashboard(&calendar, &policy, &period).await?
        };
        Ok::<_, Box<dyn std::error::Error>>((started.elapsed().as_secs_f64() * 1e3, figures))
    };
    let (first, figures) = read().await?;
    let mut times = Vec::new();
    for _ in 0..runs {
        times.push(read().await?.0);
    }
    times.sort_by(f64::total_cmp);
    let open: u64 = figures
        .sla
        .iter()
        .filter(|t| t.tab != claimdesk::store::QueueTab::Contested)
        .map(|t| t.figures.on_time + t.figures.warning + t.figures.breached)
        .sum();
    let received: u64 = figures.weeks.iter().map(|w| w.received).sum();
    println!(
        "{:?}, {claims} claims ({open} open, {received} received in the 12 weeks), {}; load {}",
        store.backend(),
        if scanned { "scanned" } else { "by day" },
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!("| read | ms |");
    println!("| --- | ---: |");
    println!("| first, after opening | {first:.1} |");
    if !times.is_empty() {
        println!(
            "| then, median / min / max of {runs} | {:.1} / {:.1} / {:.1} |",
            times[times.len() / 2],
            times[0],
            times[times.len() - 1]
        );
    }
    Ok(())
}
