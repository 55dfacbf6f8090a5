//! One workbench session: the event loop, generic over where its input comes from and where its
//! screen goes, so the local terminal and `claimdesk serve` (one SSH channel per session) run
//! the same loop.
//!
//! One `tokio::select!` (biased: shutdown first, then input, so quit and signals always win) over
//! the session's end, terminal events, the change feed, store answers and a one-second tick.
//! Everything already waiting is taken before drawing once, so key repeat over SSH and a bulk
//! import's stream of change reports cost one frame per batch. Store work runs as tasks through
//! the effect runner; the loop never awaits the database, except for a bounded moment at the end
//! to save the draft and release the session's holds.

use std::future::{poll_fn, Future};
use std::io::Write;
use std::task::Poll;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use base64::Engine;
use chrono::Utc;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
};
use crossterm::terminal::{Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use futures::{Stream, StreamExt};
use ratatui::layout::Rect;
use ratatui::Terminal;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use super::events;
use super::feed::Feed;
use super::runner::{Runner, TaskResult};
use super::scroll::Scroller;
use super::sink::Screen;
use super::Workbench;
use crate::app::{self, feed, update, Effect, Msg, State, TerminalAct};
use crate::model::Change;
use crate::store::Store;
use crate::ui;

/// How long a session may take, once it is over, to save its draft and release its holds. A
/// store that does not answer in time (a bulk import holding SQLite's write lock) must not keep
/// a reviewer from leaving: the holds then lapse with their lease.
pub const CLOSING: Duration = Duration::from_millis(700);

/// How often a session nobody types in redraws for the clock alone. Countdowns are shown in
/// minutes, so one is at most this late; a tick draws the whole frame (about as much work as a
/// key), and with 200 sessions one a second each was a sixth of the server's work.
const CLOCK_REDRAW: Duration = Duration::from_secs(5);

/// Most terminal events or store answers taken in one turn before drawing (a 3 KB paste typed
/// without bracketed paste is 3,000 keys: the screen still follows).
const BATCH: usize = 512;

/// What only the place a session runs in can do; the defaults do nothing (an SSH channel has no
/// job control and no editor to start).
pub trait Host {
    /// Stops the program until the shell resumes it (Ctrl-Z). `Ok(false)` where there is no job
    /// control. Called with the terminal already handed back (alternate screen left).
    fn suspend(&mut self) -> std::io::Result<bool> {
        Ok(false)
    }

    /// Lets the reviewer edit `text` in their `$EDITOR` and returns what they left; `None`
    /// where no editor can run (an SSH session). Called with the terminal handed back.
    fn edit_externally(&mut self, _text: &str) -> Option<std::io::Result<String>> {
        None
    }
}

/// Where a session's terminal events come from.
pub trait Input: Stream<Item = std::io::Result<Event>> + Unpin {}

impl<T: Stream<Item = std::io::Result<Event>> + Unpin> Input for T {}

/// A host with nothing of its own (an SSH channel, a test).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoHost;

impl Host for NoHost {}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The reviewer quit.
    Quit,
    /// The caller's shutdown fired (SIGTERM, SIGHUP, server shutdown).
    Shutdown,
    /// The input ended (the terminal or the connection went away).
    InputClosed,
}

/// Runs one session until the reviewer quits, `shutdown` completes or the input ends, then saves
/// the draft and releases the session's holds (for at most `CLOSING`).
///
/// - `terminal`: the screen, over a `Screen` (a backend that is also a byte sink: the escape
///   sequences for the alternate screen, bracketed paste and the mouse are written through it;
///   `Sink` is one over any `Write`). Give it a `Viewport::Fixed` of the client's size: the loop
///   resizes both on `Event::Resize`, and never asks the process's own tty.
/// - `input`: the client's terminal events (keys, paste, mouse, resize), e.g. crossterm's
///   `EventStream` or events parsed from an SSH channel.
/// - `feed`: the change feed, shared by sessions (`SharedFeed::subscribe`). Subscribe before
///   calling, so nothing committed after the session's first read is missed.
/// - `shutdown`: completes when the session must end whatever it is doing.
///
/// Raw mode is the caller's (only a local tty has one).
#[allow(clippy::too_many_arguments)]
pub async fn run_session<B, I, S>(
    store: &Store,
    workbench: Workbench,
    terminal: &mut Terminal<B>,
    input: I,
    feed: Feed,
    shutdown: S,
    host: &mut (dyn Host + Send),
) -> anyhow::Result<Ended>
where
    B: Screen,
    I: Input,
    S: Future<Output = ()>,
{
    let Workbench {
        mut state,
        themes,
        glyphs,
    } = workbench;
    enter(terminal.backend_mut(), state.mouse).context("cannot set up the terminal")?;
    let (mut runner, answers) = Runner::new(store.clone());
    let mut lp = Loop {
        state: &mut state,
        runner: &mut runner,
        answers,
        feed,
        scroller: Scroller::default(),
        terminal,
        themes: &themes,
        glyphs,
        host,
    };
    let ended = lp.run(input, shutdown).await;
    drop(lp);
    let closing = app::closing(&mut state);
    runner.finish(closing, CLOSING).await;
    // After a dropped connection the terminal may be gone: leaving can fail, and that is fine.
    let _ = leave(terminal.backend_mut(), state.mouse);
    ended
}

/// The terminal modes a session runs in.
fn enter<W: Write>(out: &mut W, mouse: bool) -> std::io::Result<()> {
    execute!(
        out,
        EnterAlternateScreen,
        cursor::Hide,
        EnableBracketedPaste
    )?;
    if mouse {
        execute!(out, EnableMouseCapture)?;
    }
    Ok(())
}

/// Undoes `enter`.
fn leave<W: Write>(out: &mut W, mouse: bool) -> std::io::Result<()> {
    if mouse {
        execute!(out, DisableMouseCapture)?;
    }
    execute!(
        out,
        DisableBracketedPaste,
        cursor::Show,
        LeaveAlternateScreen
    )
}

/// What woke the loop.
enum Woke {
    Input(Option<std::io::Result<Event>>),
    Feed(Result<Change, RecvError>),
    Answer(TaskResult),
    Tick,
}

struct Loop<'a, B: Screen> {
    state: &'a mut State,
    runner: &'a mut Runner,
    answers: tokio::sync::mpsc::UnboundedReceiver<TaskResult>,
    feed: Feed,
    scroller: Scroller,
    terminal: &'a mut Terminal<B>,
    themes: &'a [ui::Theme],
    glyphs: ui::Glyphs,
    host: &'a mut (dyn Host + Send),
}

impl<B: Screen> Loop<'_, B> {
    async fn run<I: Input, S: Future<Output = ()>>(
        &mut self,
        mut input: I,
        shutdown: S,
    ) -> anyhow::Result<Ended> {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut shutdown = std::pin::pin!(shutdown);
        let mut queued = vec![Msg::Start];
        if let Ok(area) = self.terminal.size() {
            queued.push(Msg::Resize {
                width: area.width,
                height: area.height,
            });
        }
        // Whether only the clock woke the loop, and when the screen was last drawn.
        let mut clock_only = false;
        let mut drawn_at: Option<Instant> = None;
        loop {
            let shown = clock_only.then(|| self.shown());
            self.apply(&mut queued)?;
            if self.state.quit {
                return Ok(Ended::Quit);
            }
            if super::PANICKED.load(std::sync::atomic::Ordering::SeqCst) {
                bail!("claimdesk stopped after an internal error (see the panic message above)");
            }
            // A tick that only moved the clock redraws every `CLOCK_REDRAW` (countdowns are in
            // minutes); one that cleared a notice redraws at once.
            let clock_unchanged = shown.is_some_and(|before| before == self.shown());
            let recent = drawn_at.is_some_and(|at| at.elapsed() < CLOCK_REDRAW);
            if !(clock_unchanged && recent) {
                self.draw()?;
                drawn_at = Some(Instant::now());
            }

            let woke = tokio::select! {
                biased;
                () = &mut shutdown => return Ok(Ended::Shutdown),
                event = input.next() => Woke::Input(event),
                change = self.feed.recv() => Woke::Feed(change),
                Some(answer) = self.answers.recv() => Woke::Answer(answer),
                _ = tick.tick() => Woke::Tick,
            };
            match woke {
                Woke::Input(Some(Ok(event))) => self.event(&event, &mut queued)?,
                Woke::Input(Some(Err(e))) => return Err(e).context("cannot read the terminal"),
                Woke::Input(None) => return Ok(Ended::InputClosed),
                Woke::Feed(change) => self.change(change, &mut queued),
                Woke::Answer(Ok(msg)) => queued.push(msg),
                Woke::Answer(Err(panic)) => {
                    bail!("claimdesk stopped after an internal error: {panic}")
                }
                Woke::Tick => queued.push(Msg::Tick(Utc::now())),
            }
            // Take everything else already waiting, then draw once. Polled with this task's own
            // waker: a throwaway waker (`now_or_never`) would swallow crossterm's wake-up.
            for _ in 0..BATCH {
                let next = poll_fn(|cx| Poll::Ready(input.poll_next_unpin(cx))).await;
                match next {
                    Poll::Ready(Some(Ok(event))) => self.event(&event, &mut queued)?,
                    Poll::Ready(Some(Err(e))) => return Err(e).context("cannot read the terminal"),
                    Poll::Ready(None) => return Ok(Ended::InputClosed),
                    Poll::Pending => break,
                }
            }
            self.drain_feed(&mut queued);
            while let Ok(answer) = self.answers.try_recv() {
                match answer {
                    Ok(msg) => queued.push(msg),
                    Err(panic) => bail!("claimdesk stopped after an internal error: {panic}"),
                }
            }
            clock_only = matches!(queued.as_slice(), [Msg::Tick(_)]);
        }
    }

    /// What a tick can change on screen besides countdowns: the notice and the news line.
    fn shown(&self) -> (Option<String>, Option<String>) {
        let news = self.state.news.shown.as_ref().map(|(text, _)| text.clone());
        (self.state.notice.clone(), news)
    }

    /// Applies the queued messages and starts the work they call for; the terminal's own acts
    /// are done at once.
    fn apply(&mut self, queued: &mut Vec<Msg>) -> anyhow::Result<()> {
        while !queued.is_empty() {
            let mut answers = Vec::new();
            for msg in queued.drain(..) {
                for effect in update(self.state, msg) {
                    match effect {
                        Effect::Terminal(act) => answers.extend(self.terminal_act(act)?),
                        effect => self.runner.spawn(effect),
                    }
                }
            }
            queued.extend(answers);
        }
        Ok(())
    }

    fn terminal_act(&mut self, act: TerminalAct) -> anyhow::Result<Option<Msg>> {
        match act {
            TerminalAct::EditExternally(text) => {
                leave(self.terminal.backend_mut(), self.state.mouse)?;
                let edited = self.host.edit_externally(&text);
                enter(self.terminal.backend_mut(), self.state.mouse)?;
                self.redraw_all()?;
                let result = match edited {
                    Some(Ok(text)) => Ok(text),
                    Some(Err(e)) => Err(format!("$EDITOR failed: {e}; the text is unchanged")),
                    None => Err("No $EDITOR here (an SSH session): edit in place".to_string()),
                };
                return Ok(Some(Msg::EditedExternally(result)));
            }
            TerminalAct::Redraw => self.redraw_all()?,
            TerminalAct::Copy(text) => {
                let encoded = base64::engine::general_purpose::STANDARD.encode(text);
                let out = self.terminal.backend_mut();
                // One write: the `Sink` sees a whole OSC string, which leaves the screen as it is.
                out.write_all(format!("\x1b]52;c;{encoded}\x07").as_bytes())?;
                Write::flush(out)?;
            }
            TerminalAct::Suspend => {
                leave(self.terminal.backend_mut(), self.state.mouse)?;
                let suspended = self.host.suspend()?;
                enter(self.terminal.backend_mut(), self.state.mouse)?;
                self.redraw_all()?;
                if !suspended {
                    self.state.notice = Some("Ctrl-Z does nothing here (no job control)".into());
                }
            }
        }
        Ok(None)
    }

    /// Clears the terminal and makes the next frame draw every cell (whatever stray output or a
    /// suspended shell left on the screen is gone).
    fn redraw_all(&mut self) -> anyhow::Result<()> {
        execute!(self.terminal.backend_mut(), Clear(ClearType::All))?;
        // Both buffers blank: the next diff is taken against an empty screen.
        self.terminal.swap_buffers();
        self.scroller = Scroller::default();
        Ok(())
    }

    /// Renders the frame and sends what differs from the last one. Not `Terminal::draw`: that
    /// hides the cursor again every frame (6 bytes; `enter` hid it once), so with it a frame that
    /// changes nothing (a tick where no countdown moved) would still send something.
    fn draw(&mut self) -> anyhow::Result<()> {
        let themes = self.themes;
        let theme = &themes[self.state.theme.min(themes.len().saturating_sub(1))];
        let glyphs = self.glyphs;
        self.scroller.before_draw(self.terminal, self.state)?;
        let viewport = ui::render_for(&mut self.terminal.get_frame(), self.state, theme, glyphs);
        if viewport != self.state.viewport {
            // The geometry changed (first frame, resize): page by what is really on screen, and
            // draw that instead.
            let mut queued = vec![Msg::Viewport(viewport)];
            self.apply(&mut queued)?;
            self.terminal.current_buffer_mut().reset();
            ui::render_for(&mut self.terminal.get_frame(), self.state, theme, glyphs);
        }
        self.terminal.flush()?;
        self.scroller
            .after_draw(self.terminal.current_buffer_mut(), self.state);
        self.terminal.swap_buffers();
        ratatui::backend::Backend::flush(self.terminal.backend_mut())?;
        Ok(())
    }

    /// One terminal event.
    fn event(&mut self, event: &Event, queued: &mut Vec<Msg>) -> anyhow::Result<()> {
        if let Event::Resize(width, height) = *event {
            self.terminal.backend_mut().resize_to(width, height);
            self.terminal.resize(Rect::new(0, 0, width, height))?;
        }
        queued.extend(events::to_msg(event));
        Ok(())
    }

    /// One report of the change feed (or the feed falling behind).
    fn change(&mut self, change: Result<Change, RecvError>, queued: &mut Vec<Msg>) {
        match change {
            Ok(change) => queued.extend(feed::msgs(change)),
            Err(RecvError::Lagged(_)) => queued.push(Msg::StoreChanged),
            // The feed's owner stopped it: the session goes on without live updates.
            Err(RecvError::Closed) => {}
        }
    }

    /// Every report already waiting, merged: one batch of events, one re-read.
    fn drain_feed(&mut self, queued: &mut Vec<Msg>) {
        let mut events = Vec::new();
        loop {
            match self.feed.try_recv() {
                Ok(Change::Events(more)) => {
                    if events.is_empty() {
                        events = more;
                    } else {
                        events.extend(more);
                    }
                }
                Ok(other) => {
                    if !events.is_empty() {
                        queued.push(Msg::Changes(std::mem::take(&mut events)));
                    }
                    queued.extend(feed::msgs(other));
                }
                Err(TryRecvError::Lagged(_)) => queued.push(Msg::StoreChanged),
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
        if !events.is_empty() {
            queued.push(Msg::Changes(events));
        }
    }
}
