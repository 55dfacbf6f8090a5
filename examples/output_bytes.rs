//! Bytes claimdesk writes to the terminal per key on the queue (list, preview, status bar, as a
//! session draws them), through claimdesk's own `tui::Sink` and scroller, the ones every session
//! uses, locally and over `serve`: `cargo run --example output_bytes [WxH ...]` (default 120x40
//! and 100x30). The queue is a fake of a million claims, so the window moves as it would on a
//! real store. Every figure comes with where its bytes went (header: tabs and filter line; list
//! rows; preview; status bar; other: terminal scrolls and cursor modes), and every byte written
//! is replayed into vt100 and compared cell by cell (text, colours, modifiers) with the frame
//! ratatui drew, in the dark theme and in `mono` (what `NO_COLOR` gives).
//!
//! `DUMP=j|k|PgDn|G|tick [WxH]`: print the escape sequences of one such key instead.

#[path = "../benches/support/mod.rs"]
mod support;

use claimdesk::app::{Key, KeyCode};
use support::Screen;

const PARTS: [&str; 5] = ["header", "list rows", "preview", "status bar", "other"];

/// Which part of the queue screen `(x, y)` is in (`ui::queue`'s layout).
fn part(width: u16, height: u16, x: u16, y: u16) -> usize {
    let body = height - 1;
    let in_preview = if width >= 110 {
        x >= width - 46 && y >= 2
    } else {
        let preview = match body {
            h if h >= 30 => 12,
            h if h >= 21 => 8,
            _ => 5,
        };
        y >= body - preview
    };
    match y {
        _ if y + 1 == height => 3,
        0 | 1 => 0,
        _ if in_preview => 2,
        _ => 1,
    }
}

/// Bytes per part for one key (or tick) that wrote `total`.
fn breakdown(screen: &Screen, total: usize) -> [usize; 5] {
    let (w, h) = (screen.width, screen.height);
    let mut parts = [0usize; 5];
    for &(x, y, n) in &screen.spent {
        parts[part(w, h, x, y)] += n;
    }
    parts[4] = total.saturating_sub(parts[..4].iter().sum());
    parts
}

/// The bytes of `bytes` that are text on screen: everything but the escape sequences (what a
/// key would cost if cursor moves and colours were free).
fn text_bytes(bytes: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            i += 2;
            while i < bytes.len() && !(0x40..=0x7e).contains(&bytes[i]) {
                i += 1;
            }
        } else if bytes[i] >= 0x20 {
            n += 1;
        }
        i += 1;
    }
    n
}

/// Runs `press` `n` times; prints the median and max, the median key's breakdown, and its text
/// alone (escape sequences removed).
fn measure(
    screen: &mut Screen,
    label: &str,
    n: usize,
    mut press: impl FnMut(&mut Screen) -> usize,
) {
    let kept = screen.written.kept.clone().unwrap_or_default();
    let mut runs: Vec<(usize, [usize; 5], usize)> = (0..n)
        .map(|_| {
            let before = kept.borrow().len();
            let total = press(screen);
            let text = text_bytes(&kept.borrow()[before..]);
            (total, breakdown(screen, total), text)
        })
        .collect();
    runs.sort_by_key(|r| r.0);
    let (median, parts, text) = runs[runs.len() / 2];
    let max = runs.last().map_or(0, |r| r.0);
    let split: Vec<String> = PARTS
        .iter()
        .zip(parts)
        .filter(|(_, n)| *n > 0)
        .map(|(p, n)| format!("{p} {n}"))
        .collect();
    println!(
        "  {label:<34} median {median:>5}, max {max:>5}, text alone {text:>5}  ({})",
        split.join(", ")
    );
}

fn size(arg: &str) -> Option<(u16, u16)> {
    let (w, h) = arg.split_once('x')?;
    Some((w.parse().ok()?, h.parse().ok()?))
}

fn key_of(name: &str) -> Key {
    match name {
        "k" => Key::ch('k'),
        "PgDn" => Key::plain(KeyCode::PageDown),
        "G" => Key::ch('G'),
        _ => Key::ch('j'),
    }
}

fn run(width: u16, height: u16, theme: &str) -> Result<(), String> {
    let mut screen = Screen::themed(width, height, theme);
    let first = screen.written.bytes.get();
    let rows = screen.state.viewport.list_rows;
    println!("{width}x{height}, theme {theme}, {rows} list rows; first frame: {first} bytes");
    let j = Key::ch('j');
    let k = Key::ch('k');
    // Cursor moves inside the screen (no scrolling): down to the last row, then back up.
    let inside = rows.max(3) - 2;
    measure(&mut screen, "cursor move down (j)", inside, |s| s.key(j));
    measure(&mut screen, "cursor move up (k)", inside, |s| s.key(k));
    for _ in 0..rows {
        screen.key(j);
    }
    // Now on the last visible row: every `j` scrolls the list by one row.
    measure(&mut screen, "one-row scroll (j at the bottom)", 200, |s| {
        s.key(j)
    });
    let pgdn = Key::plain(KeyCode::PageDown);
    measure(&mut screen, "page (PgDn)", 20, |s| s.key(pgdn));
    measure(&mut screen, "jump to the end (G)", 1, |s| {
        s.key(Key::ch('G'))
    });
    measure(&mut screen, "jump to the start (g)", 1, |s| {
        s.key(Key::ch('g'))
    });
    // The one-second tick for ten minutes of business hours (the screen's clock is Thursday
    // 20:00 UTC, when business clocks stand still): what an idle screen costs.
    screen.tick(14 * 3600);
    let before = screen.written.bytes.get();
    measure(&mut screen, "one-second tick", 600, |s| s.tick(1));
    let per_minute = (screen.written.bytes.get() - before) / 10;
    println!("  tick: {per_minute} bytes a minute while idle");
    for _ in 0..50 {
        screen.key(k);
    }
    screen.replay_check()?;
    println!("  replayed into vt100: every cell matches the last frame (text, colours, modifiers)");
    Ok(())
}

fn main() {
    let sizes: Vec<(u16, u16)> = std::env::args().skip(1).filter_map(|a| size(&a)).collect();
    let sizes = if sizes.is_empty() {
        vec![(120, 40), (100, 30)]
    } else {
        sizes
    };
    if let Ok(what) = std::env::var("DUMP") {
        let (w, h) = sizes[0];
        let mut screen = Screen::keeping_bytes(w, h);
        let press = |s: &mut Screen| {
            if what == "tick" {
                // A minute: the countdowns' labels change on the minute.
                (0..60).map(|_| s.tick(1)).sum()
            } else {
                s.key(key_of(&what))
            }
        };
        press(&mut screen);
        let kept = screen.written.kept.clone().unwrap_or_default();
        let before = kept.borrow().len();
        press(&mut screen);
        let bytes = kept.borrow()[before..].to_vec();
        println!("{}", String::from_utf8_lossy(&bytes).replace('\x1b', "\\e"));
        return;
    }
    for (w, h) in sizes {
        for theme in ["dark", "mono"] {
            if let Err(e) = run(w, h, theme) {
                eprintln!("the replayed screen differs from the frame: {e}");
                std::process::exit(1);
            }
        }
    }
}
