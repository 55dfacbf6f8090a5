//! What the TUI waits for from the store, timed on a real (large) store: the first queue window,
//! the tab counts, and a filter keystroke's window and counts, median of `RUNS` each.
//! `cargo run --release --example store_timings -- URL [RUNS]`; used by `bench/compare.sh`.

use std::time::Instant;

use claimdesk::store::{Anchor, QueueQuery, QueueSort, QueueTab, Store};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: store_timings URL [RUNS]")?;
    let runs: usize = args.next().map_or(Ok(7), |r| r.parse())?;
    let store = Store::open(&url).await?;
    let query = |filter: &str| QueueQuery {
        tab: QueueTab::UnderReview,
        sort: QueueSort::Urgency,
        reverse: false,
        filter: filter.to_string(),
        reviewer: "alice".into(),
        anchor: Anchor::First,
        limit: 100,
        behind: None,
    };
    println!("| what | median ms | min ms | max ms |");
    println!("| --- | ---: | ---: | ---: |");
    let report = |what: &str, mut t: Vec<f64>| {
        t.sort_by(f64::total_cmp);
        println!(
            "| {what} | {:.1} | {:.1} | {:.1} |",
            t[t.len() / 2],
            t[0],
            t[t.len() - 1]
        );
    };
    let mut t = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        store.queue_page(&query("")).await?;
        t.push(started.elapsed().as_secs_f64() * 1e3);
    }
    report("first window (100 rows, Under review, SLA urgency)", t);
    let mut t = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        store.tab_counts("alice", "").await?;
        t.push(started.elapsed().as_secs_f64() * 1e3);
    }
    report("tab counts, no filter", t);
    for filter in [
        "co",
        "con",
        "cont",
        "contoso",
        "tailwind",
        "株式会社",
        "cpor-1-00042",
        "4100",
    ] {
        let (mut window, mut counts, mut both) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            let q = query(filter);
            let started = Instant::now();
            let w = store.queue_page(&q);
            let c = store.tab_counts("alice", filter);
            // The TUI runs both at once, as separate tasks.
            let (w, c) = tokio::join!(
                async {
                    let s = Instant::now();
                    let r = w.await;
                    (r, s.elapsed().as_secs_f64() * 1e3)
                },
                async {
                    let s = Instant::now();
                    let r = c.await;
                    (r, s.elapsed().as_secs_f64() * 1e3)
                }
            );
            w.0?;
            c.0?;
            window.push(w.1);
            counts.push(c.1);
            both.push(started.elapsed().as_secs_f64() * 1e3);
        }
        report(&format!("filter {filter:?}: window"), window);
        report(&format!("filter {filter:?}: tab counts"), counts);
        report(&format!("filter {filter:?}: both"), both);
    }
    for filter in ["", "contoso"] {
        println!("\nplan, filter {filter:?}:");
        for line in store.explain_queue_page(&query(filter)).await? {
            println!("    {line}");
        }
    }
    Ok(())
}
