//! Time from process start to the first queue rows on the screen, for claimdesk and the tools
//! reviewers use instead, in a real pseudo-terminal read by a vt100 parser (no tmux pane start-up
//! in the figure). Cases run in alternation, `--runs` times each; the median is reported.
//!
//! ```text
//! cargo run --release --example first_screen -- --runs 7 --size 120x40 \
//!     --case 'NAME|MARKER|SHELL COMMAND' [--case ...] [--then 'KEYS|MARKER' ...] [--quit KEYS]
//! ```
//! A case is done when its screen shows `MARKER`. With `--then`, each step's keys are sent and
//! its marker awaited (e.g. `G` to the last claim and `g` back); with `--quit`, those keys end the
//! program (so `/usr/bin/time` around it can report its peak memory), else it is killed.
//! Used by `bench/compare.sh`.

use std::io::{Read, Write};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

struct Case {
    name: String,
    marker: String,
    command: String,
}

fn main() -> Result<(), String> {
    let mut runs = 5usize;
    let (mut cols, mut rows) = (120u16, 40u16);
    let mut cases = Vec::new();
    let mut then: Vec<(String, String)> = Vec::new();
    let mut quit: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--runs" => runs = value()?.parse().map_err(|e| format!("--runs: {e}"))?,
            "--size" => {
                let v = value()?;
                let (c, r) = v.split_once('x').ok_or("--size WxH")?;
                cols = c.parse().map_err(|e| format!("--size: {e}"))?;
                rows = r.parse().map_err(|e| format!("--size: {e}"))?;
            }
            "--case" => {
                let v = value()?;
                let mut parts = v.splitn(3, '|');
                let (Some(name), Some(marker), Some(command)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return Err(format!("--case NAME|MARKER|COMMAND, not {v:?}"));
                };
                cases.push(Case {
                    name: name.into(),
                    marker: marker.into(),
                    command: command.into(),
                });
            }
            "--then" => {
                let v = value()?;
                let (keys, marker) = v.split_once('|').ok_or("--then KEYS|MARKER")?;
                then.push((keys.into(), marker.into()));
            }
            "--quit" => quit = Some(value()?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    for run in 0..runs {
        for (i, case) in cases.iter().enumerate() {
            let ms = measure(case, cols, rows, &then, quit.as_deref())?;
            eprintln!("run {}: {}: {ms:.1} ms", run + 1, case.name);
            times[i].push(ms);
        }
    }
    println!("| case | median ms | min ms | max ms | runs |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (case, t) in cases.iter().zip(&mut times) {
        t.sort_by(f64::total_cmp);
        let median = t[t.len() / 2];
        println!(
            "| {} | {median:.1} | {:.1} | {:.1} | {} |",
            case.name,
            t[0],
            t[t.len() - 1],
            t.len()
        );
    }
    Ok(())
}

/// Starts the case's command in a fresh pty; returns the milliseconds until its marker showed.
fn measure(
    case: &Case,
    cols: u16,
    rows: u16,
    then: &[(String, String)],
    quit: Option<&str>,
) -> Result<f64, String> {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })
        .map_err(|e| e.to_string())?;
    let mut cmd = CommandBuilder::new("sh");
    cmd.args(["-c", &format!("exec {}", case.command)]);
    cmd.env("TERM", "xterm-256color");
    let started = Instant::now();
    let mut child = pty.slave.spawn_command(cmd).map_err(|e| e.to_string())?;
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().map_err(|e| e.to_string())?;
    let mut keys = pty.master.take_writer().map_err(|e| e.to_string())?;
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let nz = |n: u16| std::num::NonZeroU16::new(n).ok_or("a zero terminal size");
    let mut parser = vt100::Parser::new(nz(rows)?, nz(cols)?, 0);
    wait_for(&mut parser, &rx, &case.marker, &case.name)?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    for (k, marker) in then {
        keys.write_all(k.as_bytes()).map_err(|e| e.to_string())?;
        keys.flush().map_err(|e| e.to_string())?;
        wait_for(&mut parser, &rx, marker, &case.name)?;
    }
    match quit {
        Some(q) => {
            keys.write_all(q.as_bytes()).map_err(|e| e.to_string())?;
            keys.flush().map_err(|e| e.to_string())?;
            let deadline = Instant::now() + Duration::from_secs(30);
            while child.try_wait().map_err(|e| e.to_string())?.is_none() {
                if Instant::now() > deadline {
                    let _ = child.kill();
                    return Err(format!("{}: did not quit", case.name));
                }
                // Keep reading so the program never blocks on a full pty.
                while let Ok(bytes) = rx.recv_timeout(Duration::from_millis(10)) {
                    parser.process(&bytes);
                }
            }
        }
        None => {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
    Ok(ms)
}

fn wait_for(
    parser: &mut vt100::Parser,
    rx: &Receiver<Vec<u8>>,
    marker: &str,
    name: &str,
) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !parser.screen().contents().contains(marker) {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(bytes) => parser.process(&bytes),
            Err(_) => {
                return Err(format!(
                    "{name}: no {marker:?} on the screen:\n{}",
                    parser.screen().contents()
                ))
            }
        }
    }
    Ok(())
}
