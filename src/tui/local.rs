//! The local terminal: raw mode, the panic hook, SIGTERM and SIGHUP (a dropped SSH connection
//! under a plain `ssh host claimdesk`), and Ctrl-Z, around the same session loop `serve` runs.

use std::io::{stdout, Stdout};
use std::sync::atomic::Ordering;

use anyhow::{bail, Context};
use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EventStream};
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use tokio::signal::unix::{signal, SignalKind};

use super::feed::SharedFeed;
use super::session::{run_session, Host};
use super::sink::Sink;
use super::{Workbench, PANICKED};
use crate::store::Store;

/// Hands the terminal back as it was: used on every way out, the panic hook included.
fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        cursor::Show,
        LeaveAlternateScreen
    );
}

/// Runs `bench` on this process's terminal and restores it whatever happens.
pub async fn run(store: Store, bench: Workbench) -> anyhow::Result<()> {
    let mut sigterm = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
    let mut sighup = signal(SignalKind::hangup()).context("cannot watch SIGHUP")?;
    let (width, height) = crossterm::terminal::size().context("cannot read the terminal size")?;
    // Listen before the first read, so nothing committed after it is missed.
    let feed = SharedFeed::start(&store).await;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICKED.store(true, Ordering::SeqCst);
        restore();
        previous(info);
    }));
    enable_raw_mode().context("cannot set up the terminal")?;
    let result = async {
        let mut terminal: Terminal<Sink<Stdout>> = Terminal::with_options(
            Sink::new(stdout(), width, height),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
            },
        )?;
        let shutdown = async {
            tokio::select! {
                _ = sigterm.recv() => {}
                _ = sighup.recv() => {}
            }
        };
        let mut host = Local;
        run_session(
            &store,
            bench,
            &mut terminal,
            EventStream::new(),
            feed.subscribe(),
            shutdown,
            &mut host,
        )
        .await
    }
    .await;
    restore();
    if PANICKED.load(Ordering::SeqCst) {
        bail!("claimdesk stopped after an internal error (see the panic message above)");
    }
    result.map(|_| ())
}

/// This process's terminal.
struct Local;

impl Host for Local {
    /// Leaves raw mode and stops the process as the shell's job control expects; when `fg`
    /// resumes it, raw mode comes back.
    fn suspend(&mut self) -> std::io::Result<bool> {
        disable_raw_mode()?;
        nix::sys::signal::raise(nix::sys::signal::Signal::SIGTSTP).map_err(std::io::Error::from)?;
        enable_raw_mode()?;
        Ok(true)
    }

    /// Writes `text` to a private temporary file, runs `$VISUAL`, else `$EDITOR`, else `vi` on
    /// it (through `sh`, so `EDITOR="code --wait"` works), and reads it back.
    fn edit_externally(&mut self, text: &str) -> Option<std::io::Result<String>> {
        Some(edit_in(text))
    }
}

fn edit_in(text: &str) -> std::io::Result<String> {
    use std::io::Write as _;
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    let mut file = tempfile::Builder::new()
        .prefix("claimdesk-")
        .suffix(".txt")
        .tempfile()?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    let path = file.path().to_path_buf();
    disable_raw_mode()?;
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status();
    enable_raw_mode()?;
    let status = status?;
    if !status.success() {
        return Err(std::io::Error::other(format!(
            "{editor} exited with {status}"
        )));
    }
    std::fs::read_to_string(&path)
}
