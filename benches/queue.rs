//! Keystroke to frame on the queue at 120x40: `update`, the (fake, instant) store answers, render,
//! ratatui's diff and the crossterm bytes, per key; and the compare view. Target: under 2 ms.
//! `cargo bench --bench queue`; CI runs it once in test mode (`cargo test --all-targets`).

#[path = "support/mod.rs"]
mod support;

use claimdesk::app::{Key, KeyCode};
use criterion::{criterion_group, criterion_main, Criterion};
use support::Screen;

fn keys(c: &mut Criterion) {
    let mut group = c.benchmark_group("queue_120x40");
    // `j` over and over: cursor moves, then one-row scrolls, with reads of the next page.
    let mut screen = Screen::new(120, 40);
    group.bench_function("j", |b| b.iter(|| screen.key(Key::ch('j'))));
    let mut screen = Screen::new(120, 40);
    group.bench_function("PgDn", |b| {
        b.iter(|| screen.key(Key::plain(KeyCode::PageDown)))
    });
    // `G` then `g`: each one a jump to the other end of a million claims and a full repaint.
    let mut screen = Screen::new(120, 40);
    group.bench_function("G_then_g", |b| {
        b.iter(|| {
            screen.key(Key::ch('G'));
            screen.key(Key::ch('g'))
        })
    });
    group.finish();
}

/// The compare view (three parties, PoE and comments) at 120x40: moving the focus between
/// parties (`l`, `h`) re-renders every column.
fn compare(c: &mut Criterion) {
    let mut screen = Screen::new(120, 40);
    screen.key(Key::ch('j')); // the second claim is contested
    screen.key(Key::ch('c'));
    assert!(
        screen.state.compare.is_some(),
        "the compare view is open: {:?}",
        screen.state.notice
    );
    c.bench_function("compare_120x40/l_then_h", |b| {
        b.iter(|| {
            screen.key(Key::ch('l'));
            screen.key(Key::ch('h'))
        })
    });
}

criterion_group!(benches, keys, compare);
criterion_main!(benches);
