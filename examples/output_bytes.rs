//! Bytes claimdesk writes to the terminal per key on the queue at 120x40 (or `WIDTHxHEIGHT`),
//! through ratatui's real crossterm backend: `cargo run --release --example output_bytes`.
//! The queue is a fake of a million claims, so the window moves as it would on a real store.

#[path = "../benches/support/mod.rs"]
mod support;

use claimdesk::app::{Key, KeyCode};
use support::Screen;

fn main() {
    let size = std::env::args().nth(1).unwrap_or_else(|| "120x40".into());
    let (width, height) = size
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
        .unwrap_or((120, 40));
    let mut screen = Screen::keeping_bytes(width, height);
    let first = screen.written.bytes.get();
    let rows = screen.state.viewport.list_rows;
    println!("{width}x{height}, {rows} list rows; first frame: {first} bytes");

    // A cursor move inside the screen (no scrolling): the median of the moves to the last row.
    // `DUMP=1`: print the escape sequences of one cursor move instead (where the bytes go);
    // `DUMP=PgDn`: of one page down.
    if let Ok(what) = std::env::var("DUMP") {
        let key = if what == "PgDn" {
            Key::plain(KeyCode::PageDown)
        } else {
            Key::ch('j')
        };
        screen.key(key);
        let before = screen
            .written
            .kept
            .as_ref()
            .map(|k| k.borrow().len())
            .unwrap_or(0);
        screen.key(key);
        let kept = screen.written.kept.clone().unwrap_or_default();
        let bytes = kept.borrow()[before..].to_vec();
        println!("{}", String::from_utf8_lossy(&bytes).replace('\x1b', "\\e"));
        return;
    }
    let mut moves: Vec<usize> = (1..rows.max(2) - 1)
        .map(|_| screen.key(Key::ch('j')))
        .collect();
    moves.sort_unstable();
    let median = |v: &[usize]| v.get(v.len() / 2).copied().unwrap_or(0);
    println!(
        "cursor move (j): median {} bytes, max {}",
        median(&moves),
        moves.last().copied().unwrap_or(0)
    );
    // Now on the last visible row: every `j` scrolls the list by one row.
    screen.key(Key::ch('j'));
    let mut scrolls: Vec<usize> = (0..200).map(|_| screen.key(Key::ch('j'))).collect();
    scrolls.sort_unstable();
    println!(
        "one-row scroll (j at the bottom): median {} bytes, max {}",
        median(&scrolls),
        scrolls.last().copied().unwrap_or(0)
    );
    let mut pages: Vec<usize> = (0..20)
        .map(|_| screen.key(Key::plain(KeyCode::PageDown)))
        .collect();
    pages.sort_unstable();
    println!("page (PgDn): median {} bytes", median(&pages));
    println!("jump to the end (G): {} bytes", screen.key(Key::ch('G')));
    for _ in 0..50 {
        screen.key(Key::ch('k'));
    }

    // Every byte replayed into a terminal emulator must give exactly the frame ratatui drew.
    let kept = screen.written.kept.clone().unwrap_or_default();
    let nz = |n: u16| std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN);
    let mut terminal = vt100::Parser::new(nz(height), nz(width), 0);
    terminal.process(&kept.borrow());
    let shown: String = terminal
        .screen()
        .rows(0, width)
        .map(|r| r.trim_end().to_string() + "\n")
        .collect();
    let expected = screen.expected_text();
    if shown != expected {
        eprintln!("the replayed screen differs:\n{shown}\n--- expected ---\n{expected}");
        std::process::exit(1);
    }
    println!("replayed into vt100: the screen matches the last frame");
}
